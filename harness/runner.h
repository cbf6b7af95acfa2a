/* runner.h - runs one case against the target and gives its verdict. */
#ifndef IRCSPEC_RUNNER_H
#define IRCSPEC_RUNNER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "case.h"
#include "result.h"

/* What the pre-flight registration learned; read-only during the run. */
struct target_info {
	char server[128];     /* prefix of 001 */
	char version[128];    /* 004's second parameter */
	char isupport[4096];  /* 005 tokens, space-separated */
};

struct run_env {
	const char *host;
	unsigned port;
	const char *password;   /* NULL: no PASS */
	const char *oper_name;  /* NULL: cases needing an operator are skipped */
	const char *oper_pass;
	int timeout_ms;         /* per expectation */
	atomic_long deadline_ms; /* monotonic ms when the run must end; 0 none
	                            (Ctrl-C moves it to now) */
	char token[4];          /* makes names unique to this run */
	atomic_uint counter;    /* next unique name */
	struct target_info ti;
};

long now_ms(void); /* monotonic */

/* Connects, registers and pings once, learning the server name and 005.
 * 0; -2 when nothing accepts a connection (unreachable); -1 when it
 * connects but registration or the PING fails (why in err). */
int runner_preflight(struct run_env *env, char *err, size_t errsz);
/* A new client can register and gets a PONG: the server still serves. */
bool runner_liveness(struct run_env *env, char *why, size_t whysz);
void runner_run_case(struct run_env *env, const struct casefile *c, struct case_result *out);

#endif
