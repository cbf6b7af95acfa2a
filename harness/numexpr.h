/* numexpr.h - the number expressions of case text ({num:EXPR} and friends).
 *
 *   EXPR = TERM *( ("+" / "-") N )          N: decimal digits
 *   TERM = ["-"] N
 *        / "isupport:" TOKEN [":" KEY] ["?" N]   a 005 value; ?N when absent
 *        / "var:" NAME                            a captured case variable
 *
 * One term and constant offsets: a result grows with its term, so a case
 * checked with a term's largest accepted value is checked for every value
 * a run may give it.  Parsing is pure (no lookups); the caller resolves
 * the term. */
#ifndef IRCSPEC_NUMEXPR_H
#define IRCSPEC_NUMEXPR_H

#include <stdbool.h>
#include <stddef.h>

/* Every literal, offset sum and result stays within +-NUM_ABS_MAX. */
#define NUM_ABS_MAX 1000000000LL
#define NUM_TOKEN_MAX 32 /* ISUPPORT token, KEY and variable name lengths */
/* The largest value a term (isupport:, var:) may give where the result is
 * a count or a length ({repeat:...}, {nick:a=...}, {chan:x=...}); --check
 * uses it as the terms' stand-in, so it checks the longest text a run can
 * make.  Far above every limit servers announce (TOPICLEN 390, NICKLEN 32),
 * and no IRC line holds more than 512 bytes. */
#define NUM_COUNT_TERM_MAX 4096
/* The largest count or length an expression may give. */
#define NUM_COUNT_MAX 100000

enum num_term_kind { NUM_LITERAL, NUM_ISUPPORT, NUM_VAR };

struct num_term {
	enum num_term_kind kind;
	long long literal;              /* NUM_LITERAL */
	char name[NUM_TOKEN_MAX + 1];   /* TOKEN or variable NAME */
	char key[NUM_TOKEN_MAX + 1];    /* isupport KEY, or "" */
	bool has_default;               /* isupport ...?D */
	long long def;
};

struct num_expr {
	struct num_term term;
	long long offset; /* the sum of the +N / -N that follow */
};

/* Parses s[0..len) as one whole EXPR.  0, or -1 with what is wrong in err. */
int numexpr_parse(const char *s, size_t len, struct num_expr *e, char *err, size_t errsz);

/* Parses a whole decimal number ("-" allowed), |v| <= NUM_ABS_MAX.  0 or -1. */
int num_parse_decimal(const char *s, size_t len, long long *out);

#endif
