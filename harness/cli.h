/* cli.h - ircspec's command line. */
#ifndef IRCSPEC_CLI_H
#define IRCSPEC_CLI_H

#include <stdbool.h>

#define CLI_MAX_PATHS 256

struct cli {
	const char *host;
	unsigned port;
	const char *password;
	char oper_name[64];
	char oper_pass[64];
	bool have_oper;
	const char *spawn;
	bool valgrind;
	int jobs;
	int timeout_ms;
	long deadline_s;   /* 0: none */
	const char *select;
	bool list, check, strict, verbose, color, coverage, fail_fast;
	const char *json, *junit, *baseline, *html;
	const char *paths[CLI_MAX_PATHS];
	int npaths;
};

/* Splits --oper's NAME:PASS into name and pass (each a 64-byte buffer).
 * Returns 0, or -1 when either part is empty or too long, or holds a space
 * (the OPER line would carry a third parameter). */
int cli_oper(const char *arg, char name[64], char pass[64]);

/* Parses argv.  Returns 0 to run, 1 when --help/--version was printed, or
 * 2 after printing a usage error. */
int cli_parse(int argc, char **argv, struct cli *o);

#endif
