/* fuzz_mutate_irc.c - the mutations that need to know what a parameter
 * means: a leading character IRC gives a meaning to ('!' of nick!user,
 * '#'/'&' of channels, '+'/'-' of modes, ':' of a trailing parameter,
 * '$' and '*' of masks, CTCP's \x01); a parameter at the edge of the 005
 * limit that governs it (TOPICLEN for TOPIC's text, NICKLEN for NICK, ...:
 * one under, at, one and two past it, far past it), written as the case
 * language's {repeat:isupport:TOKEN?DEFAULT+D:c} so the reproducer says
 * which limit it tests and works on any server; a line handed to another
 * client or taken from another input, so what two seeds do apart (one
 * client AWAY, the other INVITEs) meets in one session; and a parameter
 * replaced by a generated one (a channel nobody joined, another client's
 * nick, a name with case-mapping characters). */
#include "fuzz_mutate_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PICK(r, arr) ((arr)[fz_below((r), sizeof(arr) / sizeof(arr)[0])])

static const char *const sigils[] = {"!", "@", "#", "&", "+", "-", "$", "*", "%", "~",
				     ":", "\x01", "=", "0", ",", "^", "."};

int fzm_sigil(struct fz_input *in, struct fz_rng *r)
{
	struct line l;
	struct words w;
	unsigned k;
	struct fz_step *st = fzm_pick_param(in, r, &l, &w, &k);
	if (!st || k == 0)
		return -1;
	size_t at = w.s[k];
	if (st->data[at] == ':' && at + 1 < w.e[k])
		at++; /* inside a trailing parameter: its text's first character */
	const char *s = PICK(r, sigils);
	if (fz_below(r, 2) && at < w.e[k])
		return fzm_splice(st, at, at + 1, s, 1); /* replaced */
	return fzm_splice(st, at, at, s, 1);             /* put in front */
}

/* A parameter that an ISUPPORT token limits.  param counts from the first
 * after the command; trailing: it is the last, ':'-prefixed, may hold
 * spaces.  insert: a line to add when the input has no such command. */
struct limited {
	const char *cmd;
	unsigned param;
	bool trailing;
	const char *token;
	unsigned def;       /* RFC 2812's value, or a common one, when not announced */
	char fill;
	const char *prefix; /* before the repeated text ("#" of a channel) */
	const char *insert; /* printf format for the whole line, %s the parameter */
};

static const struct limited limited[] = {
	{"TOPIC", 1, true, "TOPICLEN", 390, 't', "", "TOPIC {chan} %s"},
	{"KICK", 2, true, "KICKLEN", 255, 'k', "", "KICK {chan} {nick:b} %s"},
	{"AWAY", 0, true, "AWAYLEN", 200, 'a', "", "AWAY %s"},
	{"NICK", 0, false, "NICKLEN", 9, 'n', "", "NICK %s"},
	{"JOIN", 0, false, "CHANNELLEN", 50, 'c', "#", "JOIN %s"},
	{"JOIN", 1, false, "KEYLEN", 23, 'y', "", "JOIN {chan} %s"},
	{"MODE", 2, false, "KEYLEN", 23, 'y', "", "MODE {chan} +k %s"},
	{"USER", 0, false, "USERLEN", 10, 'u', "", NULL},
	/* No token: the 512-byte line is the limit. */
	{"PART", 1, true, NULL, 0, 'p', "", "PART {chan} %s"},
	{"QUIT", 0, true, NULL, 0, 'q', "", NULL},
	{"PRIVMSG", 1, true, NULL, 0, 'm', "", "PRIVMSG {chan} %s"},
};

/* Offsets from the limit: under, at, just past, and far past it. */
static const int edges[] = {-1, 0, 0, 1, 1, 2, 64, 300};
/* Lengths for a parameter only the line limit bounds. */
static const int line_edges[] = {255, 256, 400, 470, 480, 490, 497, 500, 510, 600};

/* The parameter's new text into out: [:]PREFIX{repeat:isupport:T?D+N:c}
 * with the prefix's length taken off, so the whole parameter is the
 * limit plus the offset. */
static size_t limit_text(const struct limited *L, struct fz_rng *r, char *out, size_t outsz)
{
	int n;
	if (!L->token) {
		n = snprintf(out, outsz, "%s{repeat:%d:%c}", L->trailing ? ":" : "",
			     PICK(r, line_edges), L->fill);
	} else {
		int d = PICK(r, edges) - (int)strlen(L->prefix);
		n = snprintf(out, outsz, "%s%s{repeat:isupport:%s?%u%c%d:%c}", L->trailing ? ":" : "",
			     L->prefix, L->token, L->def, d < 0 ? '-' : '+', d < 0 ? -d : d, L->fill);
	}
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
}

static bool is_cmd(const struct fz_step *st, const struct line *l, const struct words *w,
		   const char *cmd)
{
	(void)l;
	size_t n = w->n > w->cmd ? w->e[w->cmd] - w->s[w->cmd] : 0;
	return n == strlen(cmd) && strncasecmp((const char *)st->data + w->s[w->cmd], cmd, n) == 0;
}

/* The k-th line (of all send steps) whose command is cmd, into *stp and
 * *lp; with k ~0u only counts them.  Returns how many were seen. */
static unsigned find_lines(struct fz_input *in, const char *cmd, unsigned k,
			   struct fz_step **stp, struct line *lp)
{
	unsigned seen = 0;
	for (unsigned i = 0; i < in->nsteps; i++) {
		struct fz_step *st = &in->step[i];
		if (st->kind != FZ_SEND)
			continue;
		for (size_t s = 0; s < st->len;) {
			const unsigned char *nl = memchr(st->data + s, '\n', st->len - s);
			struct line l = {s, nl ? (size_t)(nl - st->data) : st->len,
					 nl ? (size_t)(nl - st->data) + 1 : st->len};
			if (l.end > l.start && st->data[l.end - 1] == '\r')
				l.end--;
			struct words w;
			fzm_split_words(st, &l, &w);
			if (is_cmd(st, &l, &w, cmd) && seen++ == k) {
				*stp = st;
				*lp = l;
				return seen;
			}
			s = l.next;
		}
	}
	return seen;
}

int fzm_limit(struct fz_input *in, struct fz_rng *r)
{
	const struct limited *L = &PICK(r, limited);
	char text[128];
	size_t tn = limit_text(L, r, text, sizeof text);
	struct fz_step *st = NULL;
	struct line l;
	unsigned n = find_lines(in, L->cmd, ~0u, &st, &l);
	if (n == 0 || fz_below(r, 8) == 0) { /* a line of its own */
		if (!L->insert)
			return -1;
		char line[256];
		int ln = snprintf(line, sizeof line, L->insert, text);
		if (ln < 0 || (size_t)ln + 3 > sizeof line)
			return -1;
		memcpy(line + ln, "\r\n", 3);
		st = fzm_insert_step(in, fz_below(r, in->nsteps + 1), FZ_SEND, fzm_pick_who(in, r));
		return st ? fz_step_set_data(st, (const unsigned char *)line, (size_t)ln + 2) : -1;
	}
	find_lines(in, L->cmd, fz_below(r, n), &st, &l);
	struct words w;
	fzm_split_words(st, &l, &w);
	unsigned k = w.cmd + 1 + L->param;
	if (k < w.n) /* replaced: a trailing one up to the end of the line */
		return fzm_splice(st, w.s[k], L->trailing ? l.end : w.e[k], text, tn);
	if (k > w.n)
		return -1; /* parameters missing before it */
	char add[132] = " ";
	memcpy(add + 1, text, tn);
	return fzm_splice(st, l.end, l.end, add, tn + 1);
}

/* A random send step of in (const), or NULL. */
static const struct fz_step *pick_send_const(const struct fz_input *in, struct fz_rng *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < in->nsteps; i++)
		n += in->step[i].kind == FZ_SEND && in->step[i].len > 0;
	unsigned want = fz_below(r, n);
	for (unsigned i = 0; i < in->nsteps && n; i++)
		if (in->step[i].kind == FZ_SEND && in->step[i].len > 0 && want-- == 0)
			return &in->step[i];
	return NULL;
}

int fzm_line_splice(struct fz_input *in, const struct fz_input *donor, struct fz_rng *r)
{
	const struct fz_input *src = donor && fz_below(r, 2) ? donor : in;
	const struct fz_step *from = pick_send_const(src, r);
	struct line l;
	if (!from || !fzm_pick_line(from, r, &l) || l.end == l.start)
		return -1;
	unsigned char line[FZ_DATA_MAX];
	size_t n = l.end - l.start;
	if (n + 2 > sizeof line)
		return -1;
	memcpy(line, from->data + l.start, n);
	memcpy(line + n, "\r\n", 2);
	n += 2;
	unsigned who = fzm_pick_who(in, r);
	if (fz_below(r, 3) == 0) { /* into a send of that client: the same write */
		for (unsigned i = 0; i < in->nsteps; i++) {
			struct fz_step *st = &in->step[in->nsteps - 1 - i];
			struct line at;
			if (st->kind == FZ_SEND && st->who == who && fzm_pick_line(st, r, &at))
				return fzm_splice(st, at.next, at.next, line, n);
		}
	}
	struct fz_step *st = fzm_insert_step(in, fz_below(r, in->nsteps + 1), FZ_SEND, who);
	return st ? fz_step_set_data(st, line, n) : -1;
}

int fzm_replace_param(struct fz_input *in, struct fz_rng *r)
{
	struct line l;
	struct words w;
	unsigned k;
	struct fz_step *st = fzm_pick_param(in, r, &l, &w, &k);
	if (!st || k == 0)
		return -1;
	char p[128];
	size_t n = fzm_gen_param(r, p, sizeof p);
	return fzm_splice(st, w.s[k], w.e[k], p, n);
}
