/* pinask.h - leakpin's source of findings for a spawned server under
 * Valgrind: a liveness probe (so the server has handled the disconnects
 * of the cases that ended), then one vgdb call for memcheck's errors so
 * far and the leaks new since the last call (vgdb.c); the errors whose
 * count grew since the last call are the new ones (vgerrs.c). */
#ifndef IRCSPEC_PINASK_H
#define IRCSPEC_PINASK_H

#include "leakpin.h"

struct pinask;

/* NULL when out of memory. */
struct pinask *pinask_new(struct valgrind *vg, struct spawn *sp, struct run_env *env);
void pinask_free(struct pinask *pa);
/* The pin_source that asks through pa. */
struct pin_source pinask_source(struct pinask *pa);

#endif
