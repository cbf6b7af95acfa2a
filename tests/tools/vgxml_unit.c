/* vgxml_unit.c - harness/vgxml.c on one file, for tests/test_vgxml.py.
 *
 *   vgxml_unit FILE
 *
 * Parses FILE twice, with vgxml_parse_file (streamed) and with vgxml_parse
 * over an exact-size copy (so ASan sees any read past the end), and prints
 * both verdicts and the findings, one field per line:
 *   file-rc N / file-err TEXT / buf-rc N / buf-err TEXT / findings N
 *   kind TEXT / what TEXT / stack TEXT (newlines as \n, backslash as \\)
 *   maxrss-kb N
 * Exits 0 when both parses agree (rc and findings), 1 otherwise.  A path
 * that is no regular file, or one over VGXML_MAX_FILE, only gets the file
 * parse (its refusal) and exit 3: the driver's own read would block or
 * hold it all. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../../harness/vgxml.h"

static void put_field(const char *name, const char *s)
{
	printf("%s ", name);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
	putchar('\n');
}

static char *read_exact(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	char *exact = malloc(n ? n : 1); /* no slack after the last byte */
	if (exact)
		memcpy(exact, buf, n);
	free(buf);
	*len = n;
	return exact;
}

static bool same(const struct vg_finding *a, size_t na, const struct vg_finding *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].kind, b[i].kind) || strcmp(a[i].what, b[i].what) ||
		    strcmp(a[i].stack, b[i].stack))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: vgxml_unit FILE\n");
		return 2;
	}
	struct vg_finding *fv = NULL, *bv = NULL;
	size_t fn = 0, bn = 0, len = 0;
	char ferr[512] = "", berr[512] = "";
	int frc = vgxml_parse_file(argv[1], &fv, &fn, ferr, sizeof ferr);
	struct stat st;
	if (stat(argv[1], &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > VGXML_MAX_FILE) {
		printf("file-rc %d\n", frc);
		put_field("file-err", ferr);
		vgxml_free_findings(fv, fn);
		return 3;
	}
	char *buf = read_exact(argv[1], &len);
	if (!buf) {
		fprintf(stderr, "vgxml_unit: cannot read %s\n", argv[1]);
		return 2;
	}
	int brc = vgxml_parse(buf, len, &bv, &bn, berr, sizeof berr);
	printf("file-rc %d\n", frc);
	put_field("file-err", ferr);
	printf("buf-rc %d\n", brc);
	put_field("buf-err", berr);
	printf("findings %zu\n", fn);
	for (size_t i = 0; i < fn; i++) {
		put_field("kind", fv[i].kind);
		put_field("what", fv[i].what);
		put_field("stack", fv[i].stack);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("maxrss-kb %ld\n", ru.ru_maxrss);
	bool agree = frc == brc && same(fv, fn, bv, bn);
	vgxml_free_findings(fv, fn);
	vgxml_free_findings(bv, bn);
	free(buf);
	return agree ? 0 : 1;
}
