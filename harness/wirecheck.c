/* wirecheck.c - the line-format oracle (see wirecheck.h). */
#include "wirecheck.h"

#include <stdio.h>
#include <string.h>

int wire_check_line(const char *p, size_t n, char *why, size_t whysz)
{
	const char *nul = memchr(p, '\0', n), *cr = memchr(p, '\r', n);
	if (nul) {
		snprintf(why, whysz, "a NUL byte inside a line (at byte %zu; RFC 2812 2.3.1)",
			 (size_t)(nul - p));
		return -1;
	}
	if (cr) {
		snprintf(why, whysz, "a CR inside a line, not before its LF (at byte %zu; "
			 "RFC 2812 2.3.1)", (size_t)(cr - p));
		return -1;
	}
	size_t body = n;
	if (n > 0 && p[0] == '@') {
		const char *sp = memchr(p, ' ', n);
		body = sp ? n - (size_t)(sp + 1 - p) : 0;
	}
	if (body > WIRE_CONTENT_MAX) {
		snprintf(why, whysz, "a line of %zu bytes with its CR LF (RFC 2812 2.3: at most 512)",
			 body + 2);
		return -1;
	}
	return 0;
}
