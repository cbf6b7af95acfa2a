/* leakpin.h - with --spawn --valgrind, pins each leak and each memcheck
 * error of the server on the case during which it appeared.
 *
 * Whenever no case is running (after each case when they run one at a
 * time; with -j, whenever the running ones have all ended, new ones held
 * back once LEAKPIN_WINDOW have ended), a fresh client registers and pings
 * (so the server has handled the cases' disconnects), then Valgrind is
 * asked for the leaks that are new since the last ask and the errors whose
 * count grew (pinask.c).  The server is never paused under a running case.
 * What is new belongs to the cases that ended since the last ask: when
 * that is one case, it is pinned on it; when several, each of them is
 * re-run alone afterwards (as for a server death, see main.c), and a
 * finding is pinned on the ones that repeat it alone.  A finding none of
 * them repeats alone (it needs their interplay, or it is rare) is never
 * dropped: it goes on each of them, its `group` naming them all and its
 * what saying so, and their verdicts stay what the cases decided (the
 * finding is in the end-of-run list too, which fails the run).  A finding
 * pinned on one case fails it.  Findings of the server's start-up, and the
 * first search after a restart (its start-up again), belong to no case.
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

/* Where the findings come from (pinask.c asks the spawned server; tests
 * script their own).  ask: what is new since the last ask, leaks (kind
 * "Leak_...") and errors alike, appended to *v / *n; -1 with a message in
 * err when it could not tell.  generation: changes when the server is
 * restarted (pinask: spawn_generation). */
struct pin_source {
	int (*ask)(void *ctx, struct vg_finding **v, size_t *n, char *err, size_t errsz);
	unsigned (*generation)(void *ctx);
	void *ctx;
};

/* For a run of ncases cases, asking the server sp runs under vg.  NULL
 * when out of memory. */
struct leakpin *leakpin_new(struct valgrind *vg, struct spawn *sp, struct run_env *env,
			    size_t ncases);
/* The same with any source (src is copied). */
struct leakpin *leakpin_new_source(const struct pin_source *src, size_t ncases);
void leakpin_free(struct leakpin *lp);

/* Case i starts (waits while new cases are held back).  Call it before
 * the supervisor's sup_case_begin: a restart waits for the cases that
 * one counts.  NULL lp: nothing. */
void leakpin_begin(struct leakpin *lp, size_t i);
/* Case i ended with result cr; when it was the last one running, the
 * search.  Findings pinned on i alone go into cr->leaks / cr->errs (a pass
 * becomes a fail).  Returns true when i is to be re-run alone (it shares
 * new findings with others) and was not printed yet. */
bool leakpin_end(struct leakpin *lp, size_t i, struct case_result *cr);
/* Whether case i, already ended, is to be re-run alone; clears it. */
bool leakpin_take_suspect(struct leakpin *lp, size_t i);
/* After the re-runs: findings that several cases ran during and none of
 * them repeated alone go into each one's leaks / errs, marked so
 * (verdicts unchanged). */
void leakpin_finish(struct leakpin *lp, struct case_result *cases);
/* The first search that failed (vgdb missing, no answer), or NULL. */
const char *leakpin_error(const struct leakpin *lp);

/* Frees a case's pinned findings (cr->leaks, cr->errs). */
void leakpin_free_case(struct case_result *cr);

#endif
