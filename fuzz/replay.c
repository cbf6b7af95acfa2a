/* replay.c - runs a fuzz target without libFuzzer's fuzzing loop, like
 * sqlite's ossfuzz shell: each argument is a file (one input) or a
 * directory (every regular file in it, in name order).
 *
 * Two builds link it with a target's LLVMFuzzerTestOneInput:
 *   bin/<target>-replay  gcc, ASan+UBSan: `make fuzz-replay` reruns the
 *                        committed corpus and the crash reproducers;
 *   bin/<target>-cost    clang, exactly the instrumentation of the libFuzzer
 *                        build (coverage, trace-cmp, ASan+UBSan) with
 *                        libFuzzer's runtime minus its main: `make bench`
 *                        times what one input costs, mutation aside.
 *
 * -runs=N (libFuzzer's flag: "run each input N times") turns on timing: all
 * inputs are read first, run once untimed (a target builds its starting
 * states on first use), then N more times, and the mean cost of one input
 * is printed.  Other arguments starting with '-' are ignored, so a libFuzzer
 * command line can be reused as it is.
 *
 * Each input is in a heap block of exactly its size, as libFuzzer does, so
 * reading one byte too far is an ASan report.  Exit status: 0 when every
 * input ran, 1 on an unreadable argument or bad flag (a sanitizer finding
 * aborts with its own report and status). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	uint8_t *data; /* exactly size bytes (NULL when empty) */
	size_t size;
};

struct inputs {
	struct input *v;
	size_t n, cap;
	size_t bytes;
};

static int read_file(const char *path, struct input *in)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
		perror(path);
		fclose(f);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *data = size ? malloc(size) : NULL;
	if ((size && !data) || fread(data, 1, size, f) != size) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	in->data = data;
	in->size = size;
	return 0;
}

/* keep NULL: run the file now and free it; otherwise add it to keep. */
static int do_file(const char *path, struct inputs *keep, unsigned *count)
{
	struct input in;
	if (read_file(path, &in) != 0)
		return -1;
	if (!keep) {
		LLVMFuzzerTestOneInput(in.data, in.size);
		free(in.data);
	} else {
		if (keep->n == keep->cap) {
			size_t cap = keep->cap ? keep->cap * 2 : 256;
			struct input *v = realloc(keep->v, cap * sizeof *v);
			if (!v) {
				fprintf(stderr, "out of memory\n");
				free(in.data);
				return -1;
			}
			keep->v = v;
			keep->cap = cap;
		}
		keep->v[keep->n++] = in;
		keep->bytes += in.size;
	}
	(*count)++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int do_dir(const char *dir, struct inputs *keep, unsigned *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		perror(dir);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (len > 0 && (size_t)len < sizeof path && names[i]->d_name[0] != '.' &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) && do_file(path, keep, count) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_all(const struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		LLVMFuzzerTestOneInput(in->v[i].data, in->v[i].size);
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	long runs = 0; /* 0: plain replay */
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-runs=", 6) == 0) {
			char *end;
			runs = strtol(argv[i] + 6, &end, 10);
			if (*end || runs < 1 || runs > 100000000) {
				fprintf(stderr, "%s: bad %s (want -runs=1..100000000)\n", argv[0],
					argv[i]);
				return 1;
			}
		}
	}
	struct inputs keep = {0};
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? do_dir(argv[i], runs ? &keep : NULL, &count) != 0
					       : do_file(argv[i], runs ? &keep : NULL, &count) != 0) {
			rc = 1;
		}
	}
	if (!runs) {
		printf("%s: %u inputs replayed%s\n", argv[0], count, rc ? ", some unreadable" : "");
		return rc;
	}
	if (keep.n == 0) {
		fprintf(stderr, "%s: no inputs to time\n", argv[0]);
		return 1;
	}
	run_all(&keep); /* untimed: starting states are built on first use */
	double t0 = seconds_now();
	for (long r = 0; r < runs; r++)
		run_all(&keep);
	double secs = seconds_now() - t0;
	double execs = (double)keep.n * (double)runs;
	printf("%s: %zu inputs (%.0f bytes on average) x %ld runs: %.2f us per input, "
	       "%.0f exec/s\n",
	       argv[0], keep.n, (double)keep.bytes / (double)keep.n, runs, secs * 1e6 / execs,
	       execs / secs);
	for (size_t i = 0; i < keep.n; i++)
		free(keep.v[i].data);
	free(keep.v);
	return rc;
}
