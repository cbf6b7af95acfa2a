/* vars.h - a case's variables: what expect-re's named groups captured.
 *
 * `a: expect-re ^:\S+ 251 \S+ :There are (?<users>\d+) users` stores the
 * digits as variable `users`; later steps read it as {var:users} or, in an
 * expression, var:users ({num:var:users+2}).  A case has a fixed, small
 * table: names as PCRE2 allows them (NUM_TOKEN_MAX), values at most one
 * IRC line. */
#ifndef IRCSPEC_VARS_H
#define IRCSPEC_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "numexpr.h"

#define CASE_VARS_MAX 32
#define CASE_VAR_VALUE_MAX 512 /* RFC 2812 2.3: a whole line, CR LF included */

struct case_var {
	char name[NUM_TOKEN_MAX + 1];
	char value[CASE_VAR_VALUE_MAX + 1];
};

struct case_vars {
	struct case_var v[CASE_VARS_MAX];
	unsigned n;
};

/* Sets (or defines, value "") name.  0, or -1 with why in err: more than
 * CASE_VARS_MAX names, a name or value too long, a NUL in the value. */
int vars_set(struct case_vars *vs, const char *name, const char *value, size_t len, char *err,
	     size_t errsz);
/* The value of name, or NULL when nothing set it. */
const char *vars_get(const struct case_vars *vs, const char *name);

#endif
