/* reportload.h - reads a JSON report (report_json.c's shape) back into a
 * run_result, so that pages can be made from it later and elsewhere: the
 * matrix (matrix.c) makes each server's case pages from its report.
 * Fields a report lacks (older versions) are left empty. */
#ifndef IRCSPEC_REPORTLOAD_H
#define IRCSPEC_REPORTLOAD_H

#include <stddef.h>

#include "result.h"

#define REPORTLOAD_MAX_CASES 100000

struct loaded_report {
	struct run_result r;      /* r.cases[i].c points into cases */
	struct casefile *cases;
	char *host, *spawn;       /* r.host, r.spawn_cmd */
};

/* 0, or -1 with "FILE: what is wrong" in err (lr is then empty). */
int report_load(const char *path, struct loaded_report *lr, char *err, size_t errsz);
void report_unload(struct loaded_report *lr);

#endif
