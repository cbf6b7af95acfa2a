/* casemap.c - rfc1459 case mapping and wildcard masks (see casemap.h). */
#include "casemap.h"

int irc_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	while (*x && irc_tolower(*x) == irc_tolower(*y)) {
		x++;
		y++;
	}
	return irc_tolower(*x) - irc_tolower(*y);
}

int irc_casefold(char *dst, size_t dsz, const char *src)
{
	size_t i = 0;
	for (; src[i]; i++) {
		if (i + 1 >= dsz)
			return -1;
		dst[i] = (char)irc_tolower((unsigned char)src[i]);
	}
	if (dsz == 0)
		return -1;
	dst[i] = '\0';
	return (int)i;
}

/* Iterative matcher with one backtrack point: linear-ish, no recursion, so
 * a hostile mask like "*a*a*a*a*b" cannot blow the stack or take
 * exponential time. */
bool irc_mask_match(const char *mask, const char *s)
{
	const unsigned char *m = (const unsigned char *)mask;
	const unsigned char *t = (const unsigned char *)s;
	const unsigned char *star_m = NULL, *star_t = NULL;

	while (*t) {
		if (*m == '*') {
			while (*m == '*')
				m++;
			star_m = m;
			star_t = t;
			continue;
		}
		unsigned char mc = *m;
		const unsigned char *mnext = m + 1;
		int literal = 0;
		if (mc == '\\' && m[1]) {
			mc = m[1];
			mnext = m + 2;
			literal = 1;
		}
		if (mc && ((!literal && mc == '?') || irc_tolower(mc) == irc_tolower(*t))) {
			m = mnext;
			t++;
			continue;
		}
		if (!star_m)
			return false;
		m = star_m;
		t = ++star_t;
	}
	while (*m == '*')
		m++;
	return *m == '\0';
}
