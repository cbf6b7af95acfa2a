/* expand.c - placeholders and escapes in case text (see expand.h). */
#include "expand.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPEAT_MAX 100000

struct out {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->cap) {
		o->overflow = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes one escape at s (s[0] == '\\'); returns chars consumed. */
static size_t escape(const char *s, struct out *o, char *err, size_t errsz)
{
	char ch;
	switch (s[1]) {
	case 'r': ch = '\r'; break;
	case 'n': ch = '\n'; break;
	case 't': ch = '\t'; break;
	case '0': ch = '\0'; break;
	case '\\': ch = '\\'; break;
	case 'x': {
		int hi = hexval(s[2]), lo = hi < 0 ? -1 : hexval(s[3]);
		if (lo < 0) {
			snprintf(err, errsz, "bad escape '\\x%.2s' (needs two hex digits)", s + 2);
			return 0;
		}
		ch = (char)(hi * 16 + lo);
		put(o, &ch, 1);
		return 4;
	}
	default:
		put(o, s, s[1] ? 2 : 1); /* kept for the matcher: "\*", "\?" */
		return s[1] ? 2 : 1;
	}
	put(o, &ch, 1);
	return 2;
}

/* PCRE2 (and POSIX) take a backslash before punctuation as "this byte
 * itself"; letters, digits and bytes past ASCII are literal already, and a
 * backslash before a letter or digit would make \d, \1 of them. */
static void put_quoted(struct out *o, const char *s)
{
	for (; *s && !o->overflow; s++) {
		if ((unsigned char)*s < 0x80 && ispunct((unsigned char)*s))
			put(o, "\\", 1);
		put(o, s, 1);
	}
}

static int placeholder(const struct expand_ctx *ctx, const char *body, struct out *o,
		       char *err, size_t errsz)
{
	char val[EXPAND_VALUE_MAX + 1];
	if (strcmp(body, "i") == 0) {
		int n = snprintf(val, sizeof val, "%ld", ctx->counter);
		put(o, val, (size_t)n);
		return 0;
	}
	if (strncmp(body, "repeat:", 7) == 0) {
		char *end;
		unsigned long n = strtoul(body + 7, &end, 10);
		if (end == body + 7 || *end != ':' || n > REPEAT_MAX) {
			snprintf(err, errsz, "bad {%s} (want {repeat:N:TEXT}, N <= %d)", body,
				 REPEAT_MAX);
			return -1;
		}
		size_t tl = strlen(end + 1);
		for (unsigned long k = 0; k < n && !o->overflow; k++)
			put(o, end + 1, tl);
		return 0;
	}
	char kind[32];
	const char *colon = strchr(body, ':');
	size_t kl = colon ? (size_t)(colon - body) : strlen(body);
	if (kl >= sizeof kind) {
		snprintf(err, errsz, "unknown placeholder {%s}", body);
		return -1;
	}
	memcpy(kind, body, kl);
	kind[kl] = '\0';
	if (ctx->lookup(ctx->arg, kind, colon ? colon + 1 : "", val, sizeof val) != 0) {
		snprintf(err, errsz, "{%s}: %s", body, val);
		return -1;
	}
	if (ctx->quote_values)
		put_quoted(o, val);
	else
		put(o, val, strlen(val));
	return 0;
}

int expand(const struct expand_ctx *ctx, const char *tmpl, char *out, size_t outsz,
	   size_t *outlen, char *err, size_t errsz)
{
	struct out o = {out, 0, outsz, false};
	const char *s = tmpl;
	while (*s && !o.overflow) {
		if (s[0] == '{' && s[1] == '{') {
			put(&o, "{", 1);
			s += 2;
		} else if (s[0] == '{') {
			const char *close = strchr(s, '}');
			char body[256];
			if (!close || (size_t)(close - s - 1) >= sizeof body) {
				snprintf(err, errsz, "unclosed or overlong placeholder at '%.20s'", s);
				return -1;
			}
			memcpy(body, s + 1, (size_t)(close - s - 1));
			body[close - s - 1] = '\0';
			if (placeholder(ctx, body, &o, err, errsz) != 0)
				return -1;
			s = close + 1;
		} else if (s[0] == '\\' && ctx->escapes) {
			size_t used = escape(s, &o, err, errsz);
			if (used == 0)
				return -1;
			s += used;
		} else {
			put(&o, s, 1);
			s++;
		}
	}
	if (o.overflow) {
		snprintf(err, errsz, "expanded text longer than %zu bytes", outsz - 1);
		return -1;
	}
	out[o.len] = '\0';
	*outlen = o.len;
	return 0;
}
