/* pattern.h - matching received messages against a case's pattern.
 *
 * A pattern is written as an IRC line and parsed by the same parser as the
 * messages, so matching is on prefix, command and parameters, never on
 * spacing or on whether the last parameter had a ':'.  Every part is a glob
 * (*, ?, \ escapes; rfc1459 case-insensitive, or byte for byte when
 * exact).  A pattern without a prefix accepts any prefix.  The parameter count must be equal, unless the last
 * pattern parameter is "..." (any number of further parameters). */
#ifndef IRCSPEC_PATTERN_H
#define IRCSPEC_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/ircmsg.h"

#define PATTERN_TEXT_MAX 65536 /* expanded step text, e.g. long raw lines */

struct pattern {
	struct irc_msg *msg; /* the parsed pattern */
	bool any_tail;       /* ended in "..." */
	int nfixed;          /* parameters that must match one by one */
	bool exact;          /* every field case-sensitive (expect-exact) */
};

int pattern_compile(struct pattern *p, const char *text, char *err, size_t errsz);
bool pattern_match(const struct pattern *p, const struct irc_msg *m);
void pattern_free(struct pattern *p);

#endif
