/* fuzz_trivial.c - a target that does almost nothing, built with the same
 * flags as the real ones.  Run beside them (`make fuzz`), its exec/s is the
 * ceiling libFuzzer and the sanitizers allow on this machine: the real
 * targets' figures are read against it, not against a number from
 * somewhere else. */
#include <stddef.h>
#include <stdint.h>

static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sum = 0;
	for (size_t i = 0; i < size && i < 16; i++)
		sum += data[i];
	sink = sum;
	return 0;
}
