/* case.c - reads and validates .case files (language: cases/README.md).
 * Everything that can be checked without a server is checked here, so a
 * bad case fails with FILE:LINE before any connection is made: each step's
 * text is expanded as the runner will expand it, with stand-in values as
 * long as real ones can be, and names only of clients connected by then. */
#include "case.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounded_re.h"
#include "expand.h"
#include "pattern.h"
#include "standin.h"

#define CASE_LINE_MAX 4096
#define CASE_MAX_STEPS 4096

static const struct {
	const char *name;
	enum step_kind kind;
} verbs[] = {
	{"connect", STEP_CONNECT},         {"register", STEP_REGISTER},
	{"send", STEP_SEND},               {"raw", STEP_RAW},
	{"chunks", STEP_CHUNKS},           {"split", STEP_SPLIT},
	{"repeat", STEP_REPEAT},           {"expect", STEP_EXPECT},
	{"expect-next", STEP_EXPECT_NEXT}, {"expect-re", STEP_EXPECT_RE},
	{"expect-any", STEP_EXPECT_ANY},   {"expect-none", STEP_EXPECT_NONE},
	{"expect-close", STEP_EXPECT_CLOSE}, {"sync", STEP_SYNC},
	{"abort", STEP_ABORT},             {"half-close", STEP_HALF_CLOSE},
	{"close", STEP_CLOSE},             {"oper", STEP_OPER},
	{"stop-reading", STEP_STOP_READING}, {"resume-reading", STEP_RESUME_READING},
	{"require", STEP_REQUIRE},         {"pause", STEP_PAUSE},
	{"expect-exact", STEP_EXPECT_EXACT}, {"expect-next-exact", STEP_EXPECT_NEXT_EXACT},
	{"expect-none-exact", STEP_EXPECT_NONE_EXACT},
};

const char *step_name(enum step_kind k)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (verbs[i].kind == k)
			return verbs[i].name;
	return "?";
}

const char *level_name(enum level l)
{
	return l == LEVEL_MUST ? "MUST" : l == LEVEL_SHOULD ? "SHOULD" : "MAY";
}

struct parser {
	struct casefile *c;
	const char *path;
	int line;
	char *err;
	size_t errsz;
	bool have_id, have_title, have_spec, have_level, have_clients;
	char *scratch; /* PATTERN_TEXT_MAX bytes for expanding while checking */
	unsigned cap_steps;
	long counter;     /* {i}: the largest a repeat step reaches */
	struct standin known; /* what the runner will have by the step checked */
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errsz, "%s:%d: %s", p->path, p->line, msg);
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static bool valid_id(const char *s)
{
	if (!s[0] || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* "rfc2812:3.2.1", "rfc1459:4.2", "modern" or "modern:topic". */
static bool valid_spec(const char *s)
{
	if (strncmp(s, "modern", 6) == 0)
		return s[6] == '\0' || (s[6] == ':' && s[7] && !strchr(s + 7, ' '));
	if (strncmp(s, "rfc1459:", 8) != 0 && strncmp(s, "rfc2812:", 8) != 0)
		return false;
	const char *q = s + 8;
	if (!isdigit((unsigned char)*q))
		return false;
	for (; *q; q++)
		if (!isdigit((unsigned char)*q) && !(*q == '.' && isdigit((unsigned char)q[1])))
			return false;
	return true;
}

static const char *const header_keys[] = {"id", "title", "spec", "level",
					  "tags", "clients", "requires", "exclusive"};

static bool is_header_key(const char *k)
{
	for (size_t i = 0; i < sizeof header_keys / sizeof header_keys[0]; i++)
		if (strcmp(k, header_keys[i]) == 0)
			return true;
	return false;
}

static int add_client(struct parser *p, const char *name, const char *group)
{
	struct casefile *c = p->c;
	if (c->nclients == CASE_MAX_CLIENTS)
		return fail(p, "more than %d clients", CASE_MAX_CLIENTS);
	if (case_client_index(c, name) >= 0)
		return fail(p, "client '%s' declared twice", name);
	if (is_header_key(name))
		return fail(p, "'%s' is a header name: pick another client name", name);
	snprintf(c->clients[c->nclients].name, CASE_MAX_NAME, "%s", name);
	snprintf(c->clients[c->nclients].group, CASE_MAX_NAME, "%s", group);
	c->nclients++;
	return 0;
}

/* "a b m*200": plain names, or crowds NAME*COUNT (clients NAME1..NAMEn). */
static int parse_clients(struct parser *p, char *list)
{
	for (char *tok = strtok(list, " \t,"); tok; tok = strtok(NULL, " \t,")) {
		char *star = strchr(tok, '*');
		if (!star) {
			if (!valid_name(tok, 12))
				return fail(p, "bad client name '%s' (lower-case letter, then "
					       "letters, digits, '_'; at most 11 chars)", tok);
			if (add_client(p, tok, "") != 0)
				return -1;
			continue;
		}
		*star = '\0';
		char *end;
		unsigned long n = strtoul(star + 1, &end, 10);
		if (!valid_name(tok, 8) || *end || n < 1 || n > CASE_MAX_CLIENTS)
			return fail(p, "bad crowd '%s*%s' (NAME*COUNT, NAME at most 7 chars, "
				       "COUNT 1-%d)", tok, star + 1, CASE_MAX_CLIENTS);
		for (unsigned long i = 1; i <= n; i++) {
			char name[CASE_MAX_NAME];
			snprintf(name, sizeof name, "%s%lu", tok, i);
			if (add_client(p, name, tok) != 0)
				return -1;
		}
	}
	p->have_clients = true;
	return 0;
}

static int parse_header(struct parser *p, const char *key, char *val)
{
	struct casefile *c = p->c;
	if (strcmp(key, "id") == 0) {
		if (!valid_id(val) || strlen(val) >= sizeof c->id)
			return fail(p, "bad id '%s' (letters, digits, '-', '_', '.')", val);
		snprintf(c->id, sizeof c->id, "%s", val);
		c->id_line = p->line;
		p->have_id = true;
	} else if (strcmp(key, "title") == 0) {
		if (!val[0] || strlen(val) >= sizeof c->title)
			return fail(p, "title must be 1-%zu chars", sizeof c->title - 1);
		snprintf(c->title, sizeof c->title, "%s", val);
		p->have_title = true;
	} else if (strcmp(key, "spec") == 0) {
		for (char *t = strtok(val, " \t,"); t; t = strtok(NULL, " \t,")) {
			for (char *q = t; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			if (!valid_spec(t) || strlen(t) >= sizeof c->specs[0])
				return fail(p, "bad spec '%s' (rfc1459:X.Y, rfc2812:X.Y or modern)", t);
			if (c->nspecs == CASE_MAX_SPECS)
				return fail(p, "more than %d spec references", CASE_MAX_SPECS);
			snprintf(c->specs[c->nspecs++], sizeof c->specs[0], "%s", t);
		}
		p->have_spec = c->nspecs > 0;
		if (!p->have_spec)
			return fail(p, "spec: needs at least one reference");
	} else if (strcmp(key, "level") == 0) {
		if (strcmp(val, "MUST") == 0)
			c->level = LEVEL_MUST;
		else if (strcmp(val, "SHOULD") == 0)
			c->level = LEVEL_SHOULD;
		else if (strcmp(val, "MAY") == 0)
			c->level = LEVEL_MAY;
		else
			return fail(p, "level must be MUST, SHOULD or MAY, not '%s'", val);
		p->have_level = true;
	} else if (strcmp(key, "tags") == 0) {
		for (char *t = strtok(val, " \t,"); t; t = strtok(NULL, " \t,")) {
			if (c->ntags == CASE_MAX_TAGS || strlen(t) >= sizeof c->tags[0] || !valid_id(t))
				return fail(p, "bad or too many tags at '%s'", t);
			snprintf(c->tags[c->ntags++], sizeof c->tags[0], "%s", t);
			if (strcmp(t, "robustness") == 0)
				c->robustness = true;
		}
	} else if (strcmp(key, "clients") == 0) {
		if (p->have_clients)
			return fail(p, "clients: given twice");
		return parse_clients(p, val);
	} else if (strcmp(key, "requires") == 0) {
		for (char *t = strtok(val, " \t,"); t; t = strtok(NULL, " \t,")) {
			if (strcmp(t, "oper") == 0)
				c->needs_oper = true;
			else if (strcmp(t, "password") == 0)
				c->needs_password = true;
			else
				return fail(p, "requires: 'oper' or 'password', not '%s'", t);
		}
	} else if (strcmp(key, "exclusive") == 0) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return fail(p, "exclusive: 'yes' or 'no', not '%s'", val);
		c->exclusive = val[0] == 'y';
	} else {
		return fail(p, "unknown header '%s' (id, title, spec, level, tags, clients, "
			       "requires, exclusive)", key);
	}
	return 0;
}

/* ---- steps ---- */

int case_client_index(const struct casefile *c, const char *name)
{
	for (unsigned i = 0; i < c->nclients; i++)
		if (strcmp(c->clients[i].name, name) == 0)
			return (int)i;
	return -1;
}

unsigned long case_pause_ms(const struct casefile *c)
{
	unsigned long ms = 0;
	for (unsigned i = 0; i < c->nsteps; i++)
		if (c->steps[i].kind == STEP_PAUSE)
			ms += c->steps[i].num;
	return ms;
}

/* Expands text into p->scratch as the runner will: room is what the runner
 * has for it (a line to send needs two bytes more for CR LF). */
static int check_text(struct parser *p, const char *text, size_t room, bool quote,
		      size_t *outlen)
{
	struct expand_ctx ctx = {standin_lookup, &p->known, p->counter, true, quote,
				 standin_number, true};
	char err[300];
	p->known.lookups = 0;
	if (expand(&ctx, text, p->scratch, room, outlen, err, sizeof err) != 0)
		return fail(p, "%s", err);
	return 0;
}

static int check_pattern(struct parser *p, const char *text)
{
	size_t len;
	if (!text[0])
		return fail(p, "expected a message pattern");
	if (check_text(p, text, PATTERN_TEXT_MAX, false, &len) != 0)
		return -1;
	struct pattern pat;
	char err[200];
	if (pattern_compile(&pat, p->scratch, err, sizeof err) != 0)
		return fail(p, "bad pattern: %s", err);
	pattern_free(&pat);
	return 0;
}

/* Compiled here, so a bad regex fails with FILE:LINE before any
 * connection; kept when no placeholder makes it differ from run to run. */
static int check_regex(struct parser *p, struct step *st)
{
	char err[300];
	size_t len;
	if (check_text(p, st->arg, PATTERN_TEXT_MAX, true, &len) != 0)
		return -1;
	if (bre_compile(&st->re, p->scratch, len, err, sizeof err) != 0)
		return fail(p, "expect-re: %s", err);
	if (standin_capture_names(&p->known, st->re, err, sizeof err) != 0)
		return fail(p, "expect-re: %s", err);
	if (p->known.lookups > 0) {
		bre_free(st->re);
		st->re = NULL;
	}
	return 0;
}

/* chunks "a" "b\r\n": each quoted string is one segment, expanded on
 * its own (as the runner does). */
static int check_chunks(struct parser *p, const char *arg)
{
	const char *s = arg;
	unsigned n = 0;
	char chunk[CASE_LINE_MAX + 1];
	size_t len;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (*s != '"')
			return fail(p, "chunks: expected a quoted string at '%.20s'", s);
		const char *start = ++s;
		while (*s && *s != '"')
			s += (*s == '\\' && s[1]) ? 2 : 1;
		if (*s != '"')
			return fail(p, "chunks: unterminated quoted string");
		snprintf(chunk, sizeof chunk, "%.*s", (int)(s - start), start);
		if (check_text(p, chunk, PATTERN_TEXT_MAX, false, &len) != 0)
			return -1;
		s++;
		n++;
	}
	if (n == 0)
		return fail(p, "chunks: needs at least one quoted string");
	return 0;
}

static int parse_count(struct parser *p, char **arg, unsigned min, unsigned max,
		       unsigned *out, const char *what)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(*arg, &end, 10);
	if (end == *arg || errno || n < min || n > max || (*end != ' ' && *end != '\0'))
		return fail(p, "%s: expected a number %u-%u first", what, min, max);
	*out = (unsigned)n;
	*arg = end;
	while (**arg == ' ')
		(*arg)++;
	return 0;
}

/* repeat's count: a number, or an EXPR (isupport:MAXLIST:b-1) that the
 * runner evaluates; checked here with its stand-in, the largest count. */
static int repeat_count(struct parser *p, struct step *st, char **arg)
{
	if (isdigit((unsigned char)**arg))
		return parse_count(p, arg, 1, NUM_COUNT_MAX, &st->num, "repeat");
	size_t n = strcspn(*arg, " ");
	if (!(st->count = strndup(*arg, n)))
		return fail(p, "out of memory");
	struct expand_ctx ctx = {standin_lookup, &p->known, 0, false, false, standin_number, true};
	char err[300];
	long long v;
	if (expand_count(&ctx, st->count, 1, &v, err, sizeof err) != 0)
		return fail(p, "repeat: %s", err);
	st->num = (unsigned)v;
	*arg += n;
	while (**arg == ' ')
		(*arg)++;
	return 0;
}

/* The runner adds CR LF to these. */
#define LINE_ROOM (PATTERN_TEXT_MAX - 2)

static int check_arg(struct parser *p, struct step *st)
{
	size_t len;
	char *arg = st->arg;
	switch (st->kind) {
	case STEP_CONNECT:
		if (!arg[0])
			return 0;
		if (strncmp(arg, "rcvbuf", 6) != 0 || (arg[6] != ' ' && arg[6] != '\0'))
			return fail(p, "connect takes no argument but rcvbuf BYTES");
		arg += 6 + (arg[6] == ' ');
		if (parse_count(p, &arg, 1, CASE_RCVBUF_MAX, &st->num, "connect rcvbuf") != 0)
			return -1;
		if (arg[0])
			return fail(p, "connect rcvbuf: unexpected '%s' after the number", arg);
		return 0;
	case STEP_REGISTER: case STEP_SYNC: case STEP_ABORT:
	case STEP_HALF_CLOSE: case STEP_CLOSE: case STEP_EXPECT_CLOSE: case STEP_OPER:
	case STEP_STOP_READING: case STEP_RESUME_READING:
		if (arg[0])
			return fail(p, "%s takes no argument", step_name(st->kind));
		if (st->kind == STEP_OPER)
			p->c->needs_oper = true;
		return 0;
	case STEP_SEND:
	case STEP_RAW:
		if (!arg[0])
			return fail(p, "%s: nothing to send", step_name(st->kind));
		return check_text(p, arg, st->kind == STEP_SEND ? LINE_ROOM : PATTERN_TEXT_MAX,
				  false, &len);
	case STEP_CHUNKS:
		return check_chunks(p, arg);
	case STEP_SPLIT:
		if (strncmp(arg, "bytes ", 6) == 0) {
			st->num = 0;
			memmove(arg, arg + 6, strlen(arg + 6) + 1);
		} else if (parse_count(p, &arg, 2, 512, &st->num, "split") != 0) {
			return -1;
		}
		memmove(st->arg, arg, strlen(arg) + 1);
		if (!st->arg[0])
			return fail(p, "split: nothing to send");
		return check_text(p, st->arg, LINE_ROOM, false, &len);
	case STEP_REPEAT:
		if (repeat_count(p, st, &arg) != 0)
			return -1;
		memmove(st->arg, arg, strlen(arg) + 1);
		if (!st->arg[0])
			return fail(p, "repeat: nothing to send");
		p->counter = (long)st->num - 1; /* the widest {i} */
		int rc = check_text(p, st->arg, LINE_ROOM, false, &len);
		p->counter = 0;
		return rc;
	case STEP_PAUSE:
		if (parse_count(p, &arg, 1, 5000, &st->num, "pause (ms)") != 0)
			return -1;
		return *arg ? fail(p, "pause takes only a number of milliseconds") : 0;
	case STEP_EXPECT: case STEP_EXPECT_NEXT: case STEP_EXPECT_NONE:
	case STEP_EXPECT_EXACT: case STEP_EXPECT_NEXT_EXACT: case STEP_EXPECT_NONE_EXACT:
		return check_pattern(p, arg);
	case STEP_EXPECT_RE:
		return check_regex(p, st);
	case STEP_EXPECT_ANY: {
		char *s = arg;
		while (s) {
			char *sep = strstr(s, " || ");
			if (sep)
				*sep = '\0';
			if (st->nalts == CASE_MAX_ALTS)
				return fail(p, "expect-any: more than %d alternatives", CASE_MAX_ALTS);
			char *alt = trim(s);
			if (check_pattern(p, alt) != 0)
				return -1;
			if (!(st->alts[st->nalts++] = strdup(alt)))
				return fail(p, "out of memory");
			s = sep ? sep + 4 : NULL;
		}
		if (st->nalts < 2)
			return fail(p, "expect-any: needs two or more patterns separated by ' || '");
		return 0;
	}
	case STEP_REQUIRE:
		if (!arg[0] || strchr(arg, ' '))
			return fail(p, "require: expected one ISUPPORT token, e.g. "
				       "CASEMAPPING=rfc1459 or PREFIX");
		return 0;
	}
	return fail(p, "internal: unhandled step");
}

/* "a b:", "a,b:", "*:", "m*:" (a whole crowd) -> target indexes. */
static int parse_targets(struct parser *p, char *who, struct step *st)
{
	struct casefile *c = p->c;
	unsigned *t = calloc(c->nclients ? c->nclients : 1, sizeof *t);
	if (!t)
		return fail(p, "out of memory");
	st->targets = t;
	bool seen[CASE_MAX_CLIENTS] = {false};
	for (char *tok = strtok(who, " \t,"); tok; tok = strtok(NULL, " \t,")) {
		size_t tl = strlen(tok);
		bool any = false;
		for (unsigned i = 0; i < c->nclients; i++) {
			bool hit = strcmp(tok, "*") == 0 ||
				   strcmp(c->clients[i].name, tok) == 0 ||
				   (tl > 1 && tok[tl - 1] == '*' && c->clients[i].group[0] &&
				    strncmp(c->clients[i].group, tok, tl - 1) == 0 &&
				    c->clients[i].group[tl - 1] == '\0');
			if (!hit)
				continue;
			any = true;
			if (!seen[i]) {
				seen[i] = true;
				t[st->ntargets++] = i;
			}
		}
		if (strcmp(tok, "*") == 0)
			st->all_clients = true;
		if (!any)
			return fail(p, "no client or crowd named '%s' in clients:", tok);
	}
	if (st->ntargets == 0)
		return fail(p, "step addresses no client");
	return 0;
}

static int parse_step(struct parser *p, char *who, char *rest)
{
	struct casefile *c = p->c;
	if (!p->have_clients)
		return fail(p, "steps must come after 'clients:'");
	if (c->nsteps == CASE_MAX_STEPS)
		return fail(p, "more than %d steps", CASE_MAX_STEPS);
	if (c->nsteps == p->cap_steps) {
		unsigned ncap = p->cap_steps ? p->cap_steps * 2 : 16;
		struct step *ns = realloc(c->steps, ncap * sizeof *ns);
		if (!ns)
			return fail(p, "out of memory");
		c->steps = ns;
		p->cap_steps = ncap;
	}
	struct step *st = &c->steps[c->nsteps++];
	memset(st, 0, sizeof *st);
	st->line = p->line;

	rest = trim(rest);
	char *sp = strchr(rest, ' ');
	size_t vl = sp ? (size_t)(sp - rest) : strlen(rest);
	bool found = false;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strlen(verbs[i].name) == vl && strncmp(verbs[i].name, rest, vl) == 0) {
			st->kind = verbs[i].kind;
			found = true;
		}
	}
	if (parse_targets(p, who, st) != 0)
		return -1;
	if (!found)
		return fail(p, "unknown step '%.*s' (see cases/README.md for the list)", (int)vl,
			    rest);
	/* Raw bytes keep their leading/trailing spaces: only one separator goes. */
	if (!(st->arg = strdup(sp ? sp + 1 : "")))
		return fail(p, "out of memory");
	if (st->kind != STEP_RAW && st->kind != STEP_CHUNKS) {
		char *t = trim(st->arg);
		memmove(st->arg, t, strlen(t) + 1);
	}
	if (check_arg(p, st) != 0)
		return -1;
	/* From here on the runner knows these clients' nicks. */
	if (st->kind == STEP_CONNECT || st->kind == STEP_REGISTER)
		for (unsigned i = 0; i < st->ntargets; i++)
			p->known.connected[st->targets[i]] = true;
	return 0;
}

/* Whether the first word of a step's address is a client, crowd or "*":
 * before any step, anything else is taken for a mistyped header. */
static bool names_clients(const struct casefile *c, const char *who)
{
	char first[CASE_MAX_NAME];
	size_t n = strcspn(who, " \t,");
	if (n == 0 || n >= sizeof first)
		return false;
	memcpy(first, who, n);
	first[n] = '\0';
	if (strcmp(first, "*") == 0 || case_client_index(c, first) >= 0)
		return true;
	for (unsigned i = 0; i < c->nclients && first[n - 1] == '*'; i++)
		if (c->clients[i].group[0] && strncmp(c->clients[i].group, first, n - 1) == 0 &&
		    c->clients[i].group[n - 1] == '\0')
			return true;
	return false;
}

static int parse_line(struct parser *p, char *raw)
{
	char *line = raw;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\r')
		return 0;
	char *colon = strchr(line, ':');
	if (!colon)
		return fail(p, "expected 'key: value' or 'client: step'");
	*colon = '\0';
	char *key = trim(line);
	char *val = colon + 1;
	if (is_header_key(key)) {
		if (p->c->nsteps > 0)
			return fail(p, "header '%s' after the first step", key);
		return parse_header(p, key, trim(val));
	}
	if (!p->have_clients || (p->c->nsteps == 0 && !names_clients(p->c, key)))
		return fail(p, "unknown header '%s' (id, title, spec, level, tags, clients, "
			       "requires, exclusive)%s", key,
			    p->have_clients ? "" : "; steps come after 'clients:'");
	return parse_step(p, key, val);
}

static int finish(struct parser *p)
{
	const char *missing = !p->have_id ? "id" : !p->have_title ? "title"
			    : !p->have_spec ? "spec" : !p->have_level ? "level"
			    : !p->have_clients ? "clients" : NULL;
	if (missing)
		return fail(p, "missing header '%s:'", missing);
	if (p->c->nsteps == 0)
		return fail(p, "no steps");
	return 0;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	     : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "an unusual kind of file";
}

/* The whole file, NUL-terminated, in a buffer of at most CASE_FILE_MAX + 1
 * bytes: only a regular file, which never blocks a read (O_NONBLOCK so that
 * not even opening a FIFO waits for a writer).  NULL with err set. */
static char *read_case_file(const char *path, size_t *len, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
	} else if (st.st_size > CASE_FILE_MAX) {
		snprintf(err, errsz, "%s: larger than %d bytes", path, CASE_FILE_MAX);
	} else if (!(buf = malloc((size_t)st.st_size + 2))) {
		snprintf(err, errsz, "%s: out of memory", path);
	} else {
		/* One byte more than fstat said: a file that grew is noticed. */
		size_t cap = (size_t)st.st_size + 1, n = 0;
		int read_errno = 0;
		while (n < cap) {
			ssize_t r = read(fd, buf + n, cap - n);
			if (r > 0)
				n += (size_t)r;
			else if (r == 0)
				break;
			else if (errno != EINTR) {
				read_errno = errno;
				break;
			}
		}
		if (read_errno) {
			snprintf(err, errsz, "%s: read error: %s", path, strerror(read_errno));
			free(buf);
			buf = NULL;
		} else if (n > (size_t)st.st_size) {
			snprintf(err, errsz, "%s: changed while being read", path);
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = n;
		}
	}
	close(fd);
	return buf;
}

struct casefile *case_load(const char *path, char *err, size_t errsz)
{
	size_t size;
	char *text = read_case_file(path, &size, err, errsz);
	if (!text)
		return NULL;
	struct casefile *c = case_parse(path, text, size, err, errsz);
	free(text);
	return c;
}

struct casefile *case_parse(const char *path, char *text, size_t size, char *err,
			    size_t errsz)
{
	if (size > CASE_FILE_MAX) {
		snprintf(err, errsz, "%s: larger than %d bytes", path, CASE_FILE_MAX);
		return NULL;
	}
	struct casefile *c = calloc(1, sizeof *c);
	struct parser p = {.c = c, .path = path, .err = err, .errsz = errsz, .known.c = c};
	p.scratch = malloc(PATTERN_TEXT_MAX);
	int rc = (c && p.scratch && (c->path = strdup(path))) ? 0 : -1;
	if (rc != 0)
		snprintf(err, errsz, "%s: out of memory", path);
	for (size_t off = 0; rc == 0 && off < size;) {
		char *line = text + off;
		char *nl = memchr(line, '\n', size - off);
		size_t n = nl ? (size_t)(nl - line) + 1 : size - off;
		p.line++;
		if (n > CASE_LINE_MAX) {
			rc = fail(&p, "line longer than %d bytes", CASE_LINE_MAX);
			break;
		}
		if (memchr(line, '\0', n)) {
			rc = fail(&p, "NUL byte in the line (write it as \\0)");
			break;
		}
		line[nl ? n - 1 : n] = '\0'; /* text has a byte to spare at the end */
		off += n;
		rc = parse_line(&p, line);
	}
	if (rc == 0) {
		p.line = 1; /* a missing header belongs at the top */
		rc = finish(&p);
	}
	free(p.scratch);
	if (rc != 0) {
		case_free(c);
		return NULL;
	}
	return c;
}

void case_free(struct casefile *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nsteps; i++) {
		free(c->steps[i].arg);
		free(c->steps[i].count);
		free(c->steps[i].targets);
		bre_free(c->steps[i].re);
		for (unsigned k = 0; k < c->steps[i].nalts; k++)
			free(c->steps[i].alts[k]);
	}
	free(c->steps);
	free(c->path);
	free(c);
}
