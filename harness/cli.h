/* cli.h - ircspec's command line. */
#ifndef IRCSPEC_CLI_H
#define IRCSPEC_CLI_H

#include <stdbool.h>

#include "target.h"

#define CLI_MAX_PATHS 256

struct cli {
	struct cli_target t;  /* --host ... --timeout (target.h) */
	int jobs;
	long deadline_s;   /* 0: none */
	const char *select;
	bool list, check, strict, verbose, color, coverage, fail_fast;
	const char *json, *junit, *baseline, *html;
	const char *paths[CLI_MAX_PATHS];
	int npaths;
};

/* Parses argv.  Returns 0 to run, 1 when --help/--version was printed, or
 * 2 after printing a usage error. */
int cli_parse(int argc, char **argv, struct cli *o);

#endif
