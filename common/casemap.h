/* casemap.h - rfc1459 case mapping and wildcard masks.
 *
 * RFC 2812 2.2: "Because of IRC's Scandinavian origin, the characters {}|^
 * are considered to be the lower case equivalents of the characters []\~,
 * respectively."  This is CASEMAPPING=rfc1459 in ISUPPORT. */
#ifndef IRC_CASEMAP_H
#define IRC_CASEMAP_H

#include <stdbool.h>
#include <stddef.h>

static inline unsigned char irc_tolower(unsigned char c)
{
	if (c >= 'A' && c <= '^') /* A-Z [ \ ] ^ map 32 up to a-z { | } ~ */
		return (unsigned char)(c + 32);
	return c;
}

int irc_casecmp(const char *a, const char *b);

/* Writes the folded form of src into dst (dsz bytes incl. NUL); returns the
 * folded length, or -1 if src did not fit. */
int irc_casefold(char *dst, size_t dsz, const char *src);

/* RFC 2812 2.5 wildcards: '*' any run, '?' one char, '\' escapes the next;
 * compared under rfc1459 case mapping. */
bool irc_mask_match(const char *mask, const char *s);

#endif
