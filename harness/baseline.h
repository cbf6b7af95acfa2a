/* baseline.h - an earlier JSON report (--baseline FILE), to judge a run by
 * its regressions only: a case that passed then and does not pass now, or
 * one that crashes or errors now and did not then (new cases included). */
#ifndef IRCSPEC_BASELINE_H
#define IRCSPEC_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "result.h"

struct baseline_entry {
	char *id;
	const char *status; /* verdict_name() of one verdict: "pass", "fail", ... */
};

struct baseline {
	struct baseline_entry *e; /* sorted by id, for bsearch */
	size_t n;
};

/* Reads the "cases" of a JSON report written by report_json.  Returns 0, or
 * -1 with "FILE:LINE:COLUMN: what is wrong" (or "FILE: ...") in err. */
int baseline_load(const char *path, struct baseline *b, char *err, size_t errsz);

/* The status of case id in the baseline, or NULL if it was not there. */
const char *baseline_status(const struct baseline *b, const char *id);

void baseline_free(struct baseline *b);

/* Whether one case's result is a regression against the baseline (the rule
 * baseline_compare counts by). */
bool baseline_regressed(const struct baseline *b, const struct case_result *cr);

/* Prints regressions (passed in the baseline and not now; crash or error
 * now, unless the baseline had that same verdict; a new case that crashes
 * or errors), fixed cases (did not pass then, pass now) and new cases
 * (absent from the baseline, not crash or error).
 * Returns the number of regressions. */
int baseline_compare(const struct baseline *b, const struct run_result *r, FILE *out);

#endif
