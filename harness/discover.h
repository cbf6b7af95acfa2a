/* discover.h - finds and loads the case files named on the command line. */
#ifndef IRCSPEC_DISCOVER_H
#define IRCSPEC_DISCOVER_H

#include <stddef.h>

#include "case.h"

struct caselist {
	struct casefile **v;
	size_t n, cap;
};

/* Each path is a .case file or a directory searched recursively for them
 * (sorted by path, so runs are reproducible).  Loads and validates all; on
 * the first problem returns -1 with "FILE:LINE: ..." in err.  Duplicate ids
 * are an error naming both files. */
int discover(const char *const *paths, size_t npaths, struct caselist *out, char *err,
	     size_t errsz);
void caselist_free(struct caselist *l);

#endif
