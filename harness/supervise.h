/* supervise.h - keeps a --spawn'd server serving while cases run in
 * parallel, and tells each case whether a server death overlapped it.
 *
 * A death is seen by one worker (spawn_poll hands it out once); cases that
 * started before it see the death count change, cases that start while
 * the restart is pending see the pending flag, and new cases wait at the
 * gate until the server is back.  A case that overlapped a death is re-run
 * alone by the caller to find the one that kills the server.  If the
 * server cannot be restarted, the gate stays shut: the run must stop. */
#ifndef IRCSPEC_SUPERVISE_H
#define IRCSPEC_SUPERVISE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "runenv.h"
#include "spawn.h"

struct supervisor {
	struct spawn *sp;    /* NULL: nothing to supervise */
	struct run_env *env;
	bool valgrind;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned active;     /* cases running */
	bool restarting;     /* a restart waits for the running cases */
	bool dead_pending;   /* a death was seen, the restart has not happened */
	bool failed;         /* a restart failed: no more cases can run */
	char failure[600];   /* ...and why (spawn_restart's message) */
};

struct sup_ticket {
	unsigned gen0;
	bool started_dead;
};

void sup_init(struct supervisor *s, struct spawn *sp, struct run_env *env, bool valgrind);
void sup_destroy(struct supervisor *s);
/* Waits while a restart is pending, then counts the case in.  false (and
 * the case is not counted) once a restart has failed: there is no server
 * to run it against. */
bool sup_case_begin(struct supervisor *s, struct sup_ticket *t);
/* Whether a restart failed; why in s->failure. */
bool sup_failed(struct supervisor *s);
/* Counts the case out.  Returns whether a server death overlapped it; if
 * this case saw the death itself, `why` describes it (exit status, last
 * output) and the server has been restarted before returning. */
bool sup_case_end(struct supervisor *s, const struct sup_ticket *t, enum verdict v, char *why,
		  size_t whysz);

#endif
