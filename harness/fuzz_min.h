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

/* Shrinks *in in place while it still fails like want.  Returns the runs
 * it took. */
unsigned fz_minimise(fz_try_fn *run, void *arg, struct fz_input *in,
		     const struct fz_verdict *want, const struct fz_min_limits *lim);

#endif
