/* guardtest.c - proves the fuzz targets' receive guard (fz_guard in
 * fuzz/fakesrv.c) still turns a stray read into an ASan report, so the
 * fuzzers would catch a framer or parser that reads outside what recv()
 * returned.  Built with ASan by the Makefile; tests/test_fuzz_guard.py runs
 * each mode and expects exit 0 for "inside" and an ASan report for the
 * others.
 *
 *   guardtest inside N   reads all N bytes: no report
 *   guardtest past N     reads byte N (one past the end)
 *   guardtest before N   reads byte -1
 *   guardtest kept N     reads byte 0 after fz_unguard (a kept pointer)
 *   guardtest grown N    guards 5000 bytes (the arena grows), then N past */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fuzz/fakesrv.h"

static volatile char sink;

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	size_t n = (size_t)strtoul(argv[2], NULL, 10);
	char src[8192];
	if (n == 0 || n > sizeof src)
		return 2;
	memset(src, 'x', sizeof src);
	const char *mode = argv[1];
	if (strcmp(mode, "grown") == 0) {
		const char *big = fz_guard(src, 5000);
		fz_unguard(big, 5000);
	}
	const char *at = fz_guard(src, n);
	for (size_t i = 0; i < n; i++)
		sink = at[i];
	if (strcmp(mode, "past") == 0 || strcmp(mode, "grown") == 0)
		sink = at[n];
	else if (strcmp(mode, "before") == 0)
		sink = at[-1];
	fz_unguard(at, n);
	if (strcmp(mode, "kept") == 0)
		sink = at[0];
	puts("guardtest: no stray read");
	return 0;
}
