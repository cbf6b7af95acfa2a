/* fuzz_leak.h - what a server reports only when it exits (LeakSanitizer):
 * the fuzzer stops it gracefully every so often, reads its last output,
 * and starts it again on the same port. */
#ifndef IRCSPEC_FUZZ_LEAK_H
#define IRCSPEC_FUZZ_LEAK_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz_oracle.h"
#include "spawn.h"

/* Inputs between two graceful restarts, unless --restart-every says. */
#define FZ_CYCLE_INPUTS 500

/* SIGTERM, a bounded wait for the exit, SIGKILL at its end
 * (spawn_terminate); the server is not started again.  Returns 1 when its
 * output at exit held a sanitizer report (v filled, sig "leak" for
 * LeakSanitizer), 0 when not.  *killed (when not NULL): it did not exit
 * within the wait (it ignores SIGTERM), so it can report nothing at exit. */
int fz_server_exit(struct spawn *sp, struct fz_verdict *v, bool *killed);

/* fz_server_exit, then the server started again on the same port: as
 * fz_server_exit, or -1 when it could not be restarted (err). */
int fz_server_cycle(struct spawn *sp, struct fz_verdict *v, bool *killed, char *err,
		    size_t errsz);

#endif
