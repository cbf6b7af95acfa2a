/* expand.c - placeholders and escapes in case text (see expand.h). */
#include "expand.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
	bool overflow;
	bool list;        /* a {nicks:} or {chans:} was filled in */
	bool list_term;   /* ...with a count from a term (--check: a stand-in) */
	bool list_server; /* ...from the server's 005 */
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

/* Evaluates s[0..len) as an EXPR (numexpr.h).  A count (repeat, a
 * name's length) must come out between min and NUM_COUNT_MAX, and its term
 * at most NUM_COUNT_TERM_MAX, the stand-in --check used: what the server
 * announced beyond that skips the case, a captured value errs. */
static int eval(const struct expand_ctx *ctx, const char *s, size_t len, bool count,
		long long min, long long *out, char *err, size_t errsz)
{
	struct num_expr e;
	char why[200];
	if (numexpr_parse(s, len, &e, why, sizeof why) != 0) {
		snprintf(err, errsz, "bad expression: %s", why);
		return -1;
	}
	long long v = e.term.literal;
	const struct num_term *t = &e.term;
	int out_of_range = t->kind == NUM_ISUPPORT ? EXPAND_SKIP : -1;
	if (t->kind != NUM_LITERAL) {
		int rc = ctx->number ? ctx->number(ctx->arg, t, &v, why, sizeof why) : -1;
		if (rc != 0) {
			snprintf(err, errsz, "%s", ctx->number ? why : "no numbers here");
			return rc;
		}
		if (count && v > NUM_COUNT_TERM_MAX) {
			snprintf(err, errsz, "%s%s is %lld, more than the %d a count's term may be",
				 t->kind == NUM_VAR ? "var:" : "", t->name, v, NUM_COUNT_TERM_MAX);
			return out_of_range;
		}
	}
	char with[80] = "";
	if (t->kind != NUM_LITERAL)
		snprintf(with, sizeof with, " (%s%s = %lld)", t->kind == NUM_VAR ? "var:" : "",
			 t->name, v);
	v += e.offset;
	if (v > NUM_ABS_MAX || v < -NUM_ABS_MAX) {
		snprintf(err, errsz, "'%.*s' is %lld%s, beyond +-%lld", (int)len, s, v, with,
			 NUM_ABS_MAX);
		return t->kind == NUM_LITERAL ? -1 : out_of_range;
	}
	if (count && (v < min || v > NUM_COUNT_MAX)) {
		snprintf(err, errsz, "'%.*s' is %lld%s: a count or length must be %lld-%d",
			 (int)len, s, v, with, min, NUM_COUNT_MAX);
		return t->kind == NUM_LITERAL ? -1 : out_of_range;
	}
	*out = v;
	return 0;
}

int expand_count(const struct expand_ctx *ctx, const char *expr, long long min, long long *out,
		 char *err, size_t errsz)
{
	return eval(ctx, expr, strlen(expr), true, min, out, err, errsz);
}

static void put_value(const struct expand_ctx *ctx, struct out *o, const char *val)
{
	if (ctx->quote_values)
		put_quoted(o, val);
	else
		put(o, val, strlen(val));
}

static int num_placeholder(const struct expand_ctx *ctx, const char *expr, struct out *o,
			   char *err, size_t errsz)
{
	long long v;
	int rc = eval(ctx, expr, strlen(expr), false, 0, &v, err, errsz);
	if (rc != 0)
		return rc;
	char val[32];
	/* --check: as many bytes as the widest number a run may put here. */
	bool wide = ctx->widest_numbers && !(expr[0] == '-' || isdigit((unsigned char)expr[0]));
	snprintf(val, sizeof val, wide ? "%011lld" : "%lld", v);
	put_value(ctx, o, val);
	return 0;
}

/* {repeat:EXPR:TEXT}: EXPR ends at the last ':' before which it parses, so
 * a keyed term works ({repeat:isupport:TARGMAX:PRIVMSG:x}); a TEXT holding
 * ':' after a bare token needs an offset to end the term (TOPICLEN+0:a:b). */
static int repeat_placeholder(const struct expand_ctx *ctx, const char *body, struct out *o,
			      char *err, size_t errsz)
{
	const char *expr = body + 7, *text = NULL;
	struct num_expr e;
	char why[200] = "no ':' before TEXT";
	for (const char *c = strchr(expr, ':'); c; c = strchr(c + 1, ':')) {
		char tmp[200];
		if (numexpr_parse(expr, (size_t)(c - expr), &e, tmp, sizeof tmp) == 0)
			text = c + 1;
		else if (!text)
			snprintf(why, sizeof why, "%s", tmp);
	}
	if (!text) {
		snprintf(err, errsz, "want {repeat:EXPR:TEXT}: %s", why);
		return -1;
	}
	long long n;
	int rc = eval(ctx, expr, (size_t)(text - 1 - expr), true, 0, &n, err, errsz);
	if (rc != 0)
		return rc;
	size_t tl = strlen(text);
	for (long long k = 0; k < n && !o->overflow; k++)
		put(o, text, tl);
	return 0;
}

/* {nick:a=EXPR}, {chan:x=EXPR}: the usual name, cut or padded with digits
 * (counting from 0 again, so two names padded to one length stay apart). */
static int sized_name(const struct expand_ctx *ctx, const char *body, struct out *o,
		      char *err, size_t errsz)
{
	char kind[8], key[64], val[EXPAND_VALUE_MAX + 1];
	const char *colon = strchr(body, ':'), *eq = strchr(body, '=');
	long long n;
	if ((size_t)(eq - colon - 1) >= sizeof key) {
		snprintf(err, errsz, "name too long");
		return -1;
	}
	snprintf(kind, sizeof kind, "%.*s", (int)(colon - body), body);
	snprintf(key, sizeof key, "%.*s", (int)(eq - colon - 1), colon + 1);
	int rc = eval(ctx, eq + 1, strlen(eq + 1), true, 1, &n, err, errsz);
	if (rc != 0)
		return rc;
	if (ctx->lookup(ctx->arg, kind, key, val, sizeof val) != 0) {
		snprintf(err, errsz, "%s", val);
		return -1;
	}
	size_t have = strlen(val);
	for (long long i = 0; i < n && !o->overflow; i++) {
		char ch[2] = {(size_t)i < have ? val[i] : (char)('0' + ((size_t)i - have) % 10), 0};
		put_value(ctx, o, ch);
	}
	return 0;
}

/* {nicks:KEY=EXPR}, {chans:KEY=EXPR}: EXPR names, comma-separated, each
 * the lookup's base for KEY and a two-character index.  Every name of a
 * kind has one length, in a run and in --check's stand-ins alike, so the
 * list --check measures is the run's. */
static int name_list(const struct expand_ctx *ctx, const char *body, struct out *o,
		     char *err, size_t errsz)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char kind[8], key[64], base[EXPAND_VALUE_MAX + 1];
	const char *colon = strchr(body, ':'), *eq = strchr(body, '=');
	if (!eq || (size_t)(eq - colon - 1) >= sizeof key) {
		snprintf(err, errsz, "want {%.*s:KEY=EXPR}", (int)(colon - body), body);
		return -1;
	}
	snprintf(kind, sizeof kind, "%.*s", (int)(colon - body), body);
	snprintf(key, sizeof key, "%.*s", (int)(eq - colon - 1), colon + 1);
	bool nicks = kind[0] == 'n';
	size_t item = nicks ? EXPAND_LIST_NICK_LEN : EXPAND_LIST_CHAN_LEN;
	long long most = (EXPAND_LINE_MAX + 1) / (long long)(item + 1), n;
	struct num_expr e;
	char why[200];
	bool parsed = numexpr_parse(eq + 1, strlen(eq + 1), &e, why, sizeof why) == 0;
	bool term = parsed && e.term.kind != NUM_LITERAL;
	bool server = parsed && e.term.kind == NUM_ISUPPORT;
	int rc = eval(ctx, eq + 1, strlen(eq + 1), true, 1, &n, err, errsz);
	if (rc != 0)
		return rc;
	if (n > most && term && ctx->widest_numbers) {
		n = most; /* --check: the longest list a run sends; a longer one skips */
	} else if (n > most) {
		snprintf(err, errsz, "'%s' is %lld: %lld %s take %lld bytes, more than an IRC "
			 "line holds (%d before CR LF, RFC 2812 2.3): at most %lld", eq + 1, n, n,
			 kind, n * (long long)(item + 1) - 1, EXPAND_LINE_MAX, most);
		return server ? EXPAND_SKIP : -1;
	}
	if (ctx->lookup(ctx->arg, kind, key, base, sizeof base) != 0) {
		snprintf(err, errsz, "%s", base);
		return -1;
	}
	if (strlen(base) + 2 != item) {
		snprintf(err, errsz, "internal: base '%.40s' of {%s:} is not %zu bytes", base,
			 kind, item - 2);
		return -1;
	}
	o->list = true;
	o->list_term |= term;
	o->list_server |= server;
	for (long long i = 0; i < n && !o->overflow; i++) {
		char idx[3] = {digits[i / 36 % 36], digits[i % 36], 0};
		if (i)
			put(o, ",", 1);
		put_value(ctx, o, base);
		put_value(ctx, o, idx);
	}
	return 0;
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
	int rc = 1;
	if (strncmp(body, "num:", 4) == 0)
		rc = num_placeholder(ctx, body + 4, o, val, sizeof val);
	else if (strncmp(body, "repeat:", 7) == 0)
		rc = repeat_placeholder(ctx, body, o, val, sizeof val);
	else if ((strncmp(body, "nick:", 5) == 0 || strncmp(body, "chan:", 5) == 0) &&
		 strchr(body, '='))
		rc = sized_name(ctx, body, o, val, sizeof val);
	else if (strncmp(body, "nicks:", 6) == 0 || strncmp(body, "chans:", 6) == 0)
		rc = name_list(ctx, body, o, val, sizeof val);
	if (rc != 1) {
		if (rc != 0)
			snprintf(err, errsz, "{%s}: %s", body, val);
		return rc;
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
	rc = ctx->lookup(ctx->arg, kind, colon ? colon + 1 : "", val, sizeof val);
	if (rc != 0) {
		snprintf(err, errsz, "{%s}: %s", body, val);
		return rc == EXPAND_SKIP ? EXPAND_SKIP : -1;
	}
	put_value(ctx, o, val);
	return 0;
}

int expand(const struct expand_ctx *ctx, const char *tmpl, char *out, size_t outsz,
	   size_t *outlen, char *err, size_t errsz)
{
	struct out o = {.p = out, .cap = outsz};
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
			int rc = placeholder(ctx, body, &o, err, errsz);
			if (rc != 0)
				return rc;
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
	/* A list is there to test a limit inside one valid line: a line it
	 * makes too long for IRC tests nothing.  (A regex's quoting makes its
	 * text longer than the lines it matches: not measured.) */
	if (o.list && !ctx->quote_values && o.len > EXPAND_LINE_MAX &&
	    !(o.list_term && ctx->widest_numbers)) {
		snprintf(err, errsz, "with its {nicks:}/{chans:} list the line is %zu bytes, more "
			 "than an IRC line holds (%d before CR LF, RFC 2812 2.3)", o.len,
			 EXPAND_LINE_MAX);
		return o.list_server ? EXPAND_SKIP : -1;
	}
	out[o.len] = '\0';
	*outlen = o.len;
	return 0;
}
