/* fuzz_exec.h - runs one fuzz input against the target through the
 * ordinary runner and supervisor, and asks the oracles about it. */
#ifndef IRCSPEC_FUZZ_EXEC_H
#define IRCSPEC_FUZZ_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "fuzz_oracle.h"
#include "runenv.h"
#include "spawn.h"
#include "supervise.h"

struct fz_shm;

struct fz_target {
	struct run_env *env;
	struct supervisor *sup;
	struct spawn *sp;            /* NULL: --host/--port, nothing to restart */
	struct fz_shm *shm;          /* grey-box coverage map, or NULL */
	bool oper;                   /* {oper:...} usable */
	unsigned long out_lines;     /* server output lines seen so far */
	unsigned restarts;           /* server restarts (deaths and hangs) */
	bool gone;                   /* the server cannot be restarted: stop */
	char gone_why[600];
	char *text;                  /* FZ_CASE_MAX + 1 scratch for the case text */
};

/* What one run of an input produced. */
struct fz_result {
	struct fz_verdict v;
	enum verdict case_verdict;   /* the runner's, for the curious */
	uint8_t *state;              /* FZ_STATE_MAP response-state trace (caller's) */
};

/* Writes in as a case (tags: fuzz), runs it, checks it.  0, or -1 when
 * the input could not be run (err: the text does not load, out of
 * memory, no server). */
int fz_exec(struct fz_target *t, const struct fz_input *in, struct fz_result *r, char *err,
	    size_t errsz);

/* Runs a .case text as it is (the reproducer's own), same checks. */
int fz_exec_text(struct fz_target *t, const char *text, size_t len, struct fz_result *r,
		 char *err, size_t errsz);

#endif
