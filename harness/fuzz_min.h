/* fuzz_min.h - a finding is replayed to confirm it and cut down to what
 * still fails the same way: clients, then steps, then bytes. */
#ifndef IRCSPEC_FUZZ_MIN_H
#define IRCSPEC_FUZZ_MIN_H

#include <stdbool.h>

#include "fuzz.h"
#include "fuzz_oracle.h"

/* Runs an input; returns its verdict's fault and signature in v.  -1 when
 * it could not run (no server). */
typedef int fz_try_fn(void *arg, const struct fz_input *in, struct fz_verdict *v);

struct fz_min_limits {
	unsigned max_tries;  /* runs at most */
	long until_ms;       /* now_ms() clock; 0: none */
};

/* Replays in up to `tries` times (fewer when a run cannot happen: *ran
 * says how many did): how many showed the same fault and signature as
 * want. */
unsigned fz_confirm(fz_try_fn *run, void *arg, const struct fz_input *in,
		    const struct fz_verdict *want, unsigned tries, unsigned *ran);

/* Runs a minimised input (or one without races) must fail in, each. */
#define FZ_STEADY_RUNS 3

/* Shrinks *in in place while it still fails like want.  First, an input
 * with racy steps is tried with every client taking turns (no race): kept
 * when it fails in each of FZ_STEADY_RUNS runs.  Each smaller candidate is
 * run once; the result must then fail in each of FZ_STEADY_RUNS runs, else
 * *in is left as it was before the shrinking (a candidate kept by the
 * luck of timing would be a reproducer that does not replay).  Returns
 * the runs it took. */
unsigned fz_minimise(fz_try_fn *run, void *arg, struct fz_input *in,
		     const struct fz_verdict *want, const struct fz_min_limits *lim);

#endif
