/* fuzz_cli.h - the command line of `ircspec fuzz`. */
#ifndef IRCSPEC_FUZZ_CLI_H
#define IRCSPEC_FUZZ_CLI_H

#include <stdbool.h>

#include "cli.h"

struct fz_cli {
	struct cli_target t;     /* --host ... --timeout (target.h) */
	bool afl;               /* --afl: grey-box coverage through __AFL_SHM_ID */
	unsigned long afl_map;  /* its size */
	int jobs;
	int worker, nworkers;   /* set by -j for each worker: it seeds from the
				   cases worker, worker + nworkers, ... */
	long seconds;           /* 0: until --runs */
	unsigned long runs;     /* 0: until --seconds */
	unsigned long long seed;
	const char *out;
	const char *log_inputs;
	bool no_minimise;
	bool stop_on_finding;   /* end after the first finding that replays */
	unsigned restart_every; /* inputs between graceful restarts (0: none) */
	const char *paths[CLI_MAX_PATHS];
	int npaths;
};

/* 0 to run, 1 after --help, 2 after a usage error (printed). */
int fz_cli_parse(int argc, char **argv, struct fz_cli *o);

#endif
