/* runenv.h - what every case of a run shares: where the target is, its
 * credentials, the run's deadline and name counter, and what the
 * pre-flight learned about the server.
 *
 * Set up by main.c, read by the runner, the session and the liveness
 * probe; only the atomics change while cases run. */
#ifndef IRCSPEC_RUNENV_H
#define IRCSPEC_RUNENV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

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
	atomic_size_t transcripts_kept; /* bytes of finished cases' transcripts */
	struct target_info ti;
	bool probe_ping_early;  /* the liveness probe PINGs with its NICK/USER
				   (sess_register_synced); set by ircspec fuzz
				   once the server was seen to take it */
};

#endif
