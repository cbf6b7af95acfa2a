/* fuzz_leak.h - what a server reports only when it exits (LeakSanitizer):
 * the fuzzer stops it gracefully every so often, reads its last output,
 * and starts it again on the same port. */
#ifndef IRCSPEC_FUZZ_LEAK_H
#define IRCSPEC_FUZZ_LEAK_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz_oracle.h"
#include "spawn.h"

/* Inputs between two graceful restarts. */
#define FZ_CYCLE_INPUTS 500

/* SIGTERM, waits (bounded) for the exit, and starts the server again.
 * Returns 1 when its output at exit held a sanitizer report (v filled,
 * sig "leak" for LeakSanitizer), 0 when not, -1 when it could not be
 * restarted (err). */
int fz_server_cycle(struct spawn *sp, struct fz_verdict *v, char *err, size_t errsz);

#endif
