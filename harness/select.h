/* select.h - choosing cases with -k EXPR.
 *
 *   EXPR := TERM | not EXPR | EXPR and EXPR | EXPR or EXPR | EXPR , EXPR | ( EXPR )
 *
 * "not" binds tightest, then "and", then "or" and "," (the same).  A TERM
 * matches a case when it is the case's id or a glob (fnmatch) of it, one of
 * its tags, its level (MUST, SHOULD, MAY; any case), or a prefix of one of
 * its spec references ending on a boundary: "rfc2812:3.2" matches
 * "rfc2812:3.2" and "rfc2812:3.2.1" but not "rfc2812:3.21"; "rfc2812"
 * matches every rfc2812 reference.  Examples:
 *   -k 'MUST and not split'     -k 'rfc2812:3.2, nick-*'     -k '(join or part) and MAY' */
#ifndef IRCSPEC_SELECT_H
#define IRCSPEC_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

/* Longest -k expression accepted; it bounds the tree and its recursion. */
#define SELECT_EXPR_MAX 4096

struct select_expr;

/* Returns the compiled expression, or NULL with e.g.
 * "-k: unexpected ')' at column 7" in err. */
struct select_expr *select_compile(const char *expr, char *err, size_t errsz);

/* Whether case c is selected; a NULL expression selects every case. */
bool select_match(const struct select_expr *e, const struct casefile *c);

void select_free(struct select_expr *e);

#endif
