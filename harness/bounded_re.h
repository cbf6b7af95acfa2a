/* bounded_re.h - regular expressions whose cost has a bound (PCRE2).
 *
 * An expect-re pattern comes from a case file and the line it is tried on
 * from the server under test: neither may make ircspec run or grow without
 * bound.  glibc's <regex.h> could (a nested bound such as (a{1,1000}){1,1000}
 * ate gigabytes in regcomp, back-references made regexec run for minutes).
 * Here compiling is capped by the pattern's length and PCRE2's own caps
 * (nesting depth, compiled size), and every match by a match limit, a depth
 * limit and a heap limit: a catastrophic pattern ends in BRE_LIMIT within
 * milliseconds.
 *
 * The syntax is PCRE2's (Perl's), bytes not UTF-8, case-sensitive, with
 * '.' matching any byte and '$' only at the very end of the line: what
 * POSIX ERE meant for the same single-line patterns. */
#ifndef IRCSPEC_BOUNDED_RE_H
#define IRCSPEC_BOUNDED_RE_H

#include <stddef.h>

/* Longest pattern compiled: an expanded step text (PATTERN_TEXT_MAX). */
#define BRE_PATTERN_MAX 65536
/* Backtracking steps per match.  A pattern anchored as the cases write
 * them needs a few per byte of a line (at most CONN_LINE_MAX, 8.7 KB);
 * 1,000,000 is reached in some 50 ms, only by a pattern that backtracks
 * without bound. */
#define BRE_MATCH_LIMIT 1000000
/* Nested backtracking points: one per repetition of a group, so a group
 * repeated over a whole line fits. */
#define BRE_DEPTH_LIMIT 20000
#define BRE_HEAP_LIMIT_KB 16384 /* PCRE2's backtracking frames */

struct bre; /* a compiled pattern: read-only, shared by threads */

enum bre_result {
	BRE_NOMATCH,
	BRE_MATCH,
	BRE_LIMIT, /* a limit was hit, or memory ran out: no verdict (err says which) */
};

/* Compiles pat[0..len) (it may hold NUL bytes).  0, or -1 with "what, at
 * byte N" in err. */
int bre_compile(struct bre **out, const char *pat, size_t len, char *err, size_t errsz);
enum bre_result bre_match(const struct bre *re, const char *s, size_t len, char *err,
			  size_t errsz);

/* A named group: its name, and what it matched (value NULL when only
 * names are listed). */
typedef int bre_group_fn(void *arg, const char *name, const char *value, size_t len);
/* bre_match, then on BRE_MATCH each() for every named group that took part
 * in the match, in the order of their names; each() returning non-zero
 * stops the walk (the result is still BRE_MATCH). */
enum bre_result bre_match_groups(const struct bre *re, const char *s, size_t len,
				 bre_group_fn *each, void *arg, char *err, size_t errsz);
/* each(arg, name, NULL, 0) for every group name of re; stops at the first
 * non-zero return and gives it back (0 when all were listed). */
int bre_group_names(const struct bre *re, bre_group_fn *each, void *arg);
void bre_free(struct bre *re);

#endif
