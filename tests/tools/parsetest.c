/* parsetest.c - drives the pure parsers in common/ from test scripts.
 *
 * Reads one request per stdin line and prints one JSON line per request.
 * Arguments are separated by single spaces and escaped: "\\" is a
 * backslash and "\xHH" any byte, so spaces, CR, LF and NUL can be passed.
 *
 *   P <line>            irc_parse        {"r":"ok","tags":..,"prefix":..,"command":..,"params":[..]}
 *   S <source>          irc_split_source {"nick":..,"user":..,"host":..}
 *   M <mask> <string>   irc_mask_match   {"match":true|false}
 *   C <a> <b>           irc_casecmp, irc_casefold {"cmp":-1|0|1,"fold_a":..,"fold_b":..}
 *   f <size> <text>     irc_casefold into exactly <size> bytes {"r":N,"fold":..}
 *   s <nsz> <usz> <hsz> <source>
 *                       irc_split_source into exactly those sizes (0: a buffer
 *                       of none) {"nick":..,"user":..,"host":..} (null: untouched)
 *   F <chunk> ...       one framer fed each chunk in turn
 *                       {"events":[["line",..]|["too_long"]|["nomem"]],"pending":N}
 *
 * Every input given to a parser sits at the very end of a mapping followed
 * by a PROT_NONE page (as picohttpparser's tests do), so reading one byte
 * past the end crashes at once instead of passing by luck.  The framer's
 * chunks are unmapped as soon as they are consumed, so a framer that kept a
 * pointer into old input would crash too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../common/casemap.h"
#include "../../common/frame.h"
#include "../../common/ircmsg.h"

struct guarded {
	void *map;
	size_t map_len;
	char *data; /* data[len] is the first byte of the guard page */
};

static int guarded_copy(struct guarded *g, const char *src, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (len + page - 1) / page * page;
	if (body == 0)
		body = page;
	g->map_len = body + page;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return -1;
	if (mprotect((char *)g->map + body, page, PROT_NONE) != 0) {
		munmap(g->map, g->map_len);
		return -1;
	}
	g->data = (char *)g->map + body - len;
	memcpy(g->data, src, len);
	return 0;
}

static void guarded_free(struct guarded *g)
{
	munmap(g->map, g->map_len);
}

/* Decodes the escaped token at *p (up to a space or the end) into out;
 * returns its length, or -1 on a malformed escape. */
static long unescape_token(char **p, char *out)
{
	char *s = *p;
	long n = 0;
	while (*s && *s != ' ') {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		if (s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else if (s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0};
			char *end;
			unsigned long v = strtoul(hex, &end, 16);
			if (*end)
				return -1;
			out[n++] = (char)v;
			s += 4;
		} else {
			return -1;
		}
	}
	if (*s == ' ')
		s++;
	*p = s;
	return n;
}

static void json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\u%04x", ch); /* bytes as Latin-1: Python .encode("latin-1") */
		else
			putchar(ch);
	}
	putchar('"');
}

static void json_cstr(const char *s)
{
	if (s)
		json_str(s, strlen(s));
	else
		fputs("null", stdout);
}

static int do_parse(char *args, char *tmp)
{
	long n = unescape_token(&args, tmp);
	if (n < 0)
		return -1;
	struct guarded g;
	if (guarded_copy(&g, tmp, (size_t)n) != 0)
		return -1;
	static struct irc_msg m;
	enum irc_parse_result r = irc_parse(&m, g.data, (size_t)n);
	guarded_free(&g);
	if (r == IRC_PARSE_EMPTY) {
		puts("{\"r\":\"empty\"}");
		return 0;
	}
	if (r == IRC_PARSE_TOO_LONG) {
		puts("{\"r\":\"too_long\"}");
		return 0;
	}
	fputs("{\"r\":\"ok\",\"tags\":", stdout);
	json_cstr(m.tags);
	fputs(",\"prefix\":", stdout);
	json_cstr(m.prefix);
	fputs(",\"command\":", stdout);
	json_cstr(m.command);
	fputs(",\"params\":[", stdout);
	for (int i = 0; i < m.nparams; i++) {
		if (i)
			putchar(',');
		json_cstr(m.params[i]);
	}
	puts("]}");
	return 0;
}

static int do_split(char *args, char *tmp)
{
	long n = unescape_token(&args, tmp);
	if (n < 0)
		return -1;
	tmp[n] = '\0';
	char nick[128], user[128], host[256];
	irc_split_source(tmp, nick, sizeof nick, user, sizeof user, host, sizeof host);
	fputs("{\"nick\":", stdout);
	json_cstr(nick);
	fputs(",\"user\":", stdout);
	json_cstr(user);
	fputs(",\"host\":", stdout);
	json_cstr(host);
	puts("}");
	return 0;
}

/* Two escaped tokens of args as C strings, one after the other in tmp:
 * *a is tmp, *b follows it.  -1 on a malformed token. */
static int two_tokens(char *args, char *tmp, char **a, char **b)
{
	long n = unescape_token(&args, tmp);
	if (n < 0)
		return -1;
	tmp[n] = '\0';
	*a = tmp;
	*b = tmp + n + 1;
	long k = unescape_token(&args, *b);
	if (k < 0)
		return -1;
	(*b)[k] = '\0';
	return 0;
}

static int do_mask(char *args, char *tmp)
{
	char *mask, *str;
	if (two_tokens(args, tmp, &mask, &str) != 0)
		return -1;
	printf("{\"match\":%s}\n", irc_mask_match(mask, str) ? "true" : "false");
	return 0;
}

static int do_case(char *args, char *tmp)
{
	char *a, *b;
	if (two_tokens(args, tmp, &a, &b) != 0)
		return -1;
	char fa[1024], fb[1024];
	int la = irc_casefold(fa, sizeof fa, a);
	int lb = irc_casefold(fb, sizeof fb, b);
	int cmp = irc_casecmp(a, b);
	printf("{\"cmp\":%d,\"fold_a\":", cmp < 0 ? -1 : cmp > 0);
	if (la < 0)
		fputs("null", stdout);
	else
		json_str(fa, (size_t)la);
	fputs(",\"fold_b\":", stdout);
	if (lb < 0)
		fputs("null", stdout);
	else
		json_str(fb, (size_t)lb);
	puts("}");
	return 0;
}

/* A size read from a request: decimal, at most 4096. */
static int size_token(char **args, char *tmp, size_t *out)
{
	long n = unescape_token(args, tmp);
	if (n <= 0 || n > 4)
		return -1;
	tmp[n] = '\0';
	char *end;
	unsigned long v = strtoul(tmp, &end, 10);
	if (*end || v > 4096)
		return -1;
	*out = v;
	return 0;
}

/* A guarded buffer of exactly `size` bytes, each 0x01 (so a missing NUL
 * shows); size 0 gives a pointer at the guard page. */
static int guarded_buf(struct guarded *g, size_t size)
{
	char fill[4096];
	memset(fill, 1, sizeof fill);
	return guarded_copy(g, fill, size);
}

static int do_fold_into(char *args, char *tmp)
{
	size_t size;
	if (size_token(&args, tmp, &size) != 0)
		return -1;
	long n = unescape_token(&args, tmp);
	if (n < 0)
		return -1;
	tmp[n] = '\0';
	struct guarded src, dst;
	if (guarded_copy(&src, tmp, (size_t)n + 1) != 0)
		return -1;
	if (guarded_buf(&dst, size) != 0) {
		guarded_free(&src);
		return -1;
	}
	int r = irc_casefold(dst.data, size, src.data);
	printf("{\"r\":%d,\"fold\":", r);
	if (r >= 0)
		json_cstr(dst.data);
	else
		fputs("null", stdout);
	puts("}");
	guarded_free(&dst);
	guarded_free(&src);
	return 0;
}

static void json_part(const struct guarded *g, size_t size)
{
	if (size == 0 || memchr(g->data, 1, 1)) /* untouched: still the fill */
		fputs("null", stdout);
	else
		json_cstr(g->data);
}

static int do_split_into(char *args, char *tmp)
{
	size_t sz[3];
	for (int i = 0; i < 3; i++)
		if (size_token(&args, tmp, &sz[i]) != 0)
			return -1;
	long n = unescape_token(&args, tmp);
	if (n < 0)
		return -1;
	tmp[n] = '\0';
	struct guarded src, part[3];
	if (guarded_copy(&src, tmp, (size_t)n + 1) != 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (guarded_buf(&part[i], sz[i]) != 0)
			return -1;
	irc_split_source(src.data, part[0].data, sz[0], part[1].data, sz[1], part[2].data, sz[2]);
	fputs("{\"nick\":", stdout);
	json_part(&part[0], sz[0]);
	fputs(",\"user\":", stdout);
	json_part(&part[1], sz[1]);
	fputs(",\"host\":", stdout);
	json_part(&part[2], sz[2]);
	puts("}");
	for (int i = 0; i < 3; i++)
		guarded_free(&part[i]);
	guarded_free(&src);
	return 0;
}

static int do_frame(char *args, char *tmp)
{
	struct framer f = {0};
	int first = 1;
	fputs("{\"events\":[", stdout);
	while (*args) {
		long n = unescape_token(&args, tmp);
		if (n < 0) {
			frame_reset(&f);
			return -1;
		}
		struct guarded g;
		if (guarded_copy(&g, tmp, (size_t)n) != 0) {
			frame_reset(&f);
			return -1;
		}
		const char *in = g.data;
		size_t in_len = (size_t)n;
		for (;;) {
			const char *line;
			size_t line_len;
			enum frame_result r = frame_next(&f, &in, &in_len, &line, &line_len);
			if (r == FRAME_NEED_MORE)
				break;
			if (!first)
				putchar(',');
			first = 0;
			if (r == FRAME_LINE) {
				fputs("[\"line\",", stdout);
				json_str(line, line_len);
				fputs(f.bare_lf ? ",true]" : ",false]", stdout);
			} else if (r == FRAME_TOO_LONG) {
				fputs("[\"too_long\"]", stdout);
			} else {
				fputs("[\"nomem\"]", stdout);
				break;
			}
		}
		if (in_len != 0) {
			fprintf(stderr, "parsetest: framer left %zu bytes unconsumed\n", in_len);
			guarded_free(&g);
			frame_reset(&f);
			return -1;
		}
		guarded_free(&g);
	}
	printf("],\"pending\":%zu}\n", f.part_len);
	frame_reset(&f);
	return 0;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int status = 0;
	while ((got = getline(&line, &cap, stdin)) > 0) {
		if (line[got - 1] == '\n')
			line[--got] = '\0';
		if (got < 1)
			continue;
		/* Decoded text is never longer than its escaped form; two tokens
		 * each NUL-terminated fit in got + 2. */
		char *tmp = malloc((size_t)got + 2);
		if (!tmp)
			return 2;
		char *args = line + (got > 1 ? 2 : 1);
		int rc;
		switch (line[0]) {
		case 'P': rc = do_parse(args, tmp); break;
		case 'S': rc = do_split(args, tmp); break;
		case 'M': rc = do_mask(args, tmp); break;
		case 'C': rc = do_case(args, tmp); break;
		case 'F': rc = do_frame(args, tmp); break;
		case 'f': rc = do_fold_into(args, tmp); break;
		case 's': rc = do_split_into(args, tmp); break;
		default: rc = -1; break;
		}
		free(tmp);
		if (rc != 0) {
			printf("{\"error\":\"bad request\"}\n");
			status = 1;
		}
		fflush(stdout);
	}
	free(line);
	return status;
}
