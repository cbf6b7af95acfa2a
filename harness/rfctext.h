/* rfctext.h - the RFC texts the cases cite (spec/rfc1459.txt,
 * spec/rfc2812.txt), built into ircspec so that an HTML report can ship
 * them (report_html_rfc.c) and work with no network and no checkout. */
#ifndef IRCSPEC_RFCTEXT_H
#define IRCSPEC_RFCTEXT_H

#include <stddef.h>

#define RFCTEXT_COUNT 2

struct rfctext {
	const char *name; /* "rfc1459" */
	const char *text; /* not NUL-terminated */
	size_t len;
};

/* The i-th text, i < RFCTEXT_COUNT. */
struct rfctext rfctext_get(size_t i);
/* Whether a text is built in for name[0..len) ("rfc2812"). */
int rfctext_known(const char *name, size_t len);

#endif
