/* target.h - the server under test as the command line names it.
 *
 * `ircspec` and `ircspec fuzz` take the same target options (--host,
 * --port, --password, --oper, --spawn, --valgrind, --timeout); they are
 * parsed here once, with the same checks and messages, and turned into the
 * run_env that sessions read and, with --spawn, a started server. */
#ifndef IRCSPEC_TARGET_H
#define IRCSPEC_TARGET_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "runenv.h"

struct spawn;
struct valgrind;

struct cli_target {
	const char *host;
	unsigned port;
	const char *password;   /* NULL: no PASS */
	char oper_name[64];
	char oper_pass[64];
	bool have_oper;
	const char *spawn;      /* NULL: a running server at host:port */
	bool valgrind;
	int timeout_ms;
};

/* getopt_long codes of the target options; a command's own codes start at
 * TARGET_OPT_END. */
enum { TARGET_OPT_HOST = 256, TARGET_OPT_PORT, TARGET_OPT_PASSWORD, TARGET_OPT_OPER,
       TARGET_OPT_SPAWN, TARGET_OPT_VALGRIND, TARGET_OPT_TIMEOUT, TARGET_OPT_END };

/* The struct option rows of the target options, for a longopts table. */
#define TARGET_LONGOPTS                                                       \
	{"host", required_argument, NULL, TARGET_OPT_HOST},                    \
	{"port", required_argument, NULL, TARGET_OPT_PORT},                    \
	{"password", required_argument, NULL, TARGET_OPT_PASSWORD},            \
	{"oper", required_argument, NULL, TARGET_OPT_OPER},                    \
	{"spawn", required_argument, NULL, TARGET_OPT_SPAWN},                  \
	{"valgrind", no_argument, NULL, TARGET_OPT_VALGRIND},                  \
	{"timeout", required_argument, NULL, TARGET_OPT_TIMEOUT}

/* The defaults (127.0.0.1:6667), with the command's own timeout. */
void target_defaults(struct cli_target *t, int timeout_ms);

/* Applies option OPT with argument ARG.  Returns 1 when OPT is a target
 * option and was taken, 0 when it is not one, -1 when ARG is refused: ERR
 * then says why, naming the option. */
int target_option(struct cli_target *t, int opt, const char *arg, char *err, size_t errsz);

/* What parsing cannot check option by option ("--valgrind needs --spawn");
 * 0 or -1 with ERR. */
int target_check(const struct cli_target *t, char *err, size_t errsz);

/* Splits --oper's NAME:PASS into name and pass (each a 64-byte buffer).
 * Returns 0, or -1 when either part is empty or too long, or holds a space
 * (the OPER line would carry a third parameter). */
int cli_oper(const char *arg, char name[64], char pass[64]);

/* Reads a whole decimal number in [MIN, MAX] into *OUT: 0, or -1 for
 * anything else (trailing text, out of range).  Also the command lines' own
 * numbers. */
int cli_number(const char *s, long min, long max, long *out);

/* Fills ENV's target fields (address, credentials, timeout). */
void target_env(const struct cli_target *t, struct run_env *env);

/* With --spawn: opens Valgrind if asked (*VG), starts the server (*SP) on
 * a free port and points ENV at it.  Without: does nothing.  0, or -1 with
 * ERR. */
int target_spawn(const struct cli_target *t, struct run_env *env, struct spawn **sp,
		 struct valgrind **vg, char *err, size_t errsz);

#endif
