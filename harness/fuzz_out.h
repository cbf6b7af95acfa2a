/* fuzz_out.h - what a fuzz run leaves in --out: per finding a .case
 * reproducer, the raw session it came from and the server's last output;
 * and the run's JSON summary. */
#ifndef IRCSPEC_FUZZ_OUT_H
#define IRCSPEC_FUZZ_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz.h"
#include "fuzz_oracle.h"

struct fz_finding {
	struct fz_verdict v;
	char name[64];          /* "crash-1": files are NAME.case, NAME.raw.case, NAME.log */
	unsigned confirmed;     /* of confirm_tries replays */
	unsigned confirm_tries;
	unsigned min_runs;
	unsigned steps_before, steps_after;
	unsigned long at_input; /* which input found it */
	double at_seconds;
};

struct fz_stats {
	unsigned long inputs, invalid;
	unsigned corpus, seeds;
	unsigned states;        /* response-state bits */
	unsigned long edges;    /* grey-box edges seen (0 without) */
	unsigned restarts;
	double seconds;
	unsigned long long seed;
	bool interrupted, deadline_hit;
	const char *target;
	const char *feedback;   /* "states" or "edges+states" */
};

/* Creates dir (and its parents). 0 or -1 with err. */
int fz_out_mkdir(const char *dir, char *err, size_t errsz);
/* Writes a finding's files: NAME.case (in, the reproducer), NAME.raw.case
 * (raw, as first found) and NAME.log.  0 or -1 with err. */
int fz_out_finding(const char *dir, const struct fz_finding *f, const struct fz_input *in,
		   const struct fz_input *raw, bool oper, char *err, size_t errsz);
/* The summary as JSON into path (NULL: only stdout when to_stdout). */
int fz_out_summary(const char *path, bool to_stdout, const struct fz_stats *st,
		   const struct fz_finding *f, size_t nf, char *err, size_t errsz);

#endif
