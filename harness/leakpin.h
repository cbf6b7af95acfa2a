/* leakpin.h - with --spawn --valgrind, pins each leak of the server on the
 * case during which it appeared.
 *
 * Whenever no case is running (after each case when they run one at a
 * time; with -j, whenever the running ones have all ended, new ones held
 * back once LEAKPIN_WINDOW have ended), a fresh client registers and pings
 * (so the server has handled the cases' disconnects), then Valgrind is
 * asked for the leaks that are new since the last ask (vgdb.c).  The server
 * is never paused under a running case.  The new leaks belong to the cases
 * that ended since the last ask: when that is one case, they are pinned on
 * it; when several, each of them is re-run alone afterwards (as for a
 * server death, see main.c), and a leak none of them repeats alone goes on
 * each of them, marked as such.  A leak pinned on a case fails it.  Leaks
 * of the server's start-up, and the first search after a restart (its
 * start-up again), belong to no case.
 *
 * Thread-safe: workers call begin and end around each case. */
#ifndef IRCSPEC_LEAKPIN_H
#define IRCSPEC_LEAKPIN_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "runenv.h"
#include "spawn.h"
#include "valgrind.h"

struct leakpin;

/* For a run of ncases cases.  NULL when out of memory. */
struct leakpin *leakpin_new(struct valgrind *vg, struct spawn *sp, struct run_env *env,
			    size_t ncases);
void leakpin_free(struct leakpin *lp);

/* Case i starts (waits while new cases are held back).  Call it before
 * the supervisor's sup_case_begin: a restart waits for the cases that
 * one counts.  NULL lp: nothing. */
void leakpin_begin(struct leakpin *lp, size_t i);
/* Case i ended with result cr; when it was the last one running, the leak
 * search.  Leaks pinned on i alone go into cr->leaks (a pass becomes a
 * fail).  Returns true when i is to be re-run alone (it shares new leaks
 * with others) and was not printed yet. */
bool leakpin_end(struct leakpin *lp, size_t i, struct case_result *cr);
/* Whether case i, already ended, is to be re-run alone; clears it. */
bool leakpin_take_suspect(struct leakpin *lp, size_t i);
/* After the re-runs: leaks that several cases ran during and none of them
 * repeated alone go into each one's leaks, marked so (verdicts unchanged). */
void leakpin_finish(struct leakpin *lp, struct case_result *cases);
/* The first leak search that failed (vgdb missing, no answer), or NULL. */
const char *leakpin_error(const struct leakpin *lp);

/* Frees a case's leaks (cr->leaks, cr->nleaks). */
void leakpin_free_case(struct case_result *cr);

#endif
