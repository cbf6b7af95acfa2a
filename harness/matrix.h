/* matrix.h - `ircspec matrix [--html DIR] [--md FILE] [NAME=]REPORT.json ...`:
 * several servers' JSON reports side by side, servers x cases.
 *
 *   --md FILE   the repository's Markdown (reports/matrix.md): each
 *               server's counts, the cases not passing everywhere, and each
 *               failure's first line by level;
 *   --html DIR  DIR/index.html, Autobahn style: every case a row, every
 *               server a column, each cell a link to that server's page of
 *               the case (DIR/NAME/cases/ID.html, made from its report, with
 *               DIR/NAME/index.html its whole report), per-server totals.
 * A server's NAME is given, or its file's name without ".json" and a
 * leading "matrix-". */
#ifndef IRCSPEC_MATRIX_H
#define IRCSPEC_MATRIX_H

#include <stddef.h>
#include <stdio.h>

#include "reportload.h"

#define MATRIX_MAX_SERVERS 32
#define MATRIX_NAME_MAX 64

struct mserver {
	char name[MATRIX_NAME_MAX];
	struct loaded_report rep;
	const struct case_result **by_id; /* rep's cases sorted by id */
};

struct matrix {
	struct mserver s[MATRIX_MAX_SERVERS];
	size_t ns;
	const char **ids; /* every case id of every server, sorted, once */
	size_t nids;
};

/* Loads a report: "NAME=PATH" or PATH (named after its file).  0, or -1
 * with err. */
int matrix_add(struct matrix *m, const char *arg, char *err, size_t errsz);
/* After the last matrix_add: every case id, sorted, once.  0, or -1. */
int matrix_collect(struct matrix *m);
void matrix_free(struct matrix *m);

/* Server s's result for case id, or NULL when its report lacks the case. */
const struct case_result *matrix_find(const struct mserver *s, const char *id);

/* The Markdown of reports/matrix.md. */
void matrix_md(FILE *f, const struct matrix *m);

/* The whole matrix into DIR (replaced whole, as --html).  0, or -1 with err. */
int matrix_html(const struct matrix *m, const char *dir, char *err, size_t errsz);

/* argv[0] is "matrix".  Returns the exit code: 0, or 2 on a usage error or
 * an unreadable report, 1 when an output could not be written. */
int matrix_main(int argc, char **argv);

#endif
