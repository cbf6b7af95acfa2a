/* fuzz_case.c - writes a fuzz input as a .case file: what the runner runs,
 * and what a finding leaves behind.  Every byte is escaped so the text
 * reads back as the same bytes; a '{' stays a placeholder only where the
 * case language accepts it at that line (a client connected before, at
 * most CASE_CHAN_KEYS_MAX channels), else it is written "{{". */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>

#include "case.h"

/* A step line stays under case.c's 4096-byte limit with room to spare. */
#define LINE_ROOM 3800

struct writer {
	char *out;
	size_t outsz, len;
	bool full;
	const struct fz_text_opts *o;
	unsigned nclients;
	unsigned connected; /* clients with a connect/register line so far */
	char chans[CASE_CHAN_KEYS_MAX][CASE_CHAN_KEY_MAX + 1];
	unsigned nchans;
};

static void emit(struct writer *w, const char *s, size_t n)
{
	if (w->full || n >= w->outsz - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
	w->out[w->len] = '\0';
}

static void emits(struct writer *w, const char *s)
{
	emit(w, s, strlen(s));
}

static void who_text(unsigned who, unsigned n, char *out)
{
	size_t o = 0;
	for (unsigned k = 0; k < n; k++) {
		if (who & (1u << k)) {
			if (o)
				out[o++] = ' ';
			out[o++] = (char)('a' + k);
		}
	}
	out[o] = '\0';
}

static bool chan_ok(struct writer *w, const char *key, size_t kl)
{
	if (kl > CASE_CHAN_KEY_MAX)
		return false;
	for (size_t i = 0; i < kl; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9')))
			return false;
	for (unsigned i = 0; i < w->nchans; i++)
		if (strlen(w->chans[i]) == kl && memcmp(w->chans[i], key, kl) == 0)
			return true;
	if (w->nchans == CASE_CHAN_KEYS_MAX)
		return false;
	memcpy(w->chans[w->nchans], key, kl);
	w->chans[w->nchans++][kl] = '\0';
	return true;
}

/* Whether s[0..len) spans [first, last] characters, each in set. */
static size_t span(const char *s, size_t len, const char *set, size_t first, size_t last)
{
	size_t n = 0;
	while (n < len && n < last && s[n] && strchr(set, s[n]))
		n++;
	return n >= first ? n : 0;
}

/* {repeat:N:c} or {repeat:isupport:TOKEN?N+D:c} (N-D), c a letter: the
 * forms fuzz_mutate_irc.c writes for a parameter at a limit. */
static bool repeat_ok(const char *s, size_t len)
{
	static const char digits[] = "0123456789", upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t i = 8, k;
	if (len < 12 || memcmp(s, "{repeat:", 8) != 0)
		return false;
	if (len > 17 && memcmp(s + i, "isupport:", 9) == 0) {
		i += 9;
		if (!(k = span(s + i, len - i, upper, 1, 32)))
			return false;
		i += k;
		if (i >= len || s[i++] != '?' || !(k = span(s + i, len - i, digits, 1, 6)))
			return false;
		i += k;
		if (i >= len || (s[i] != '+' && s[i] != '-'))
			return false;
		i++;
	}
	if (!(k = span(s + i, len - i, digits, 1, 6)))
		return false;
	i += k;
	return i + 3 == len && s[i] == ':' && s[i + 1] >= 'a' && s[i + 1] <= 'z' && s[i + 2] == '}';
}

/* Length of a placeholder the case language takes here at p, or 0. */
static size_t placeholder(struct writer *w, const unsigned char *p, size_t n)
{
	const unsigned char *close = memchr(p, '}', n < 56 ? n : 56);
	if (!close)
		return 0;
	size_t len = (size_t)(close - p) + 1;
	const char *s = (const char *)p;
	if ((len == 8 && memcmp(s, "{server}", 8) == 0) || (len == 6 && memcmp(s, "{chan}", 6) == 0))
		return len == 6 && !chan_ok(w, "", 0) ? 0 : len;
	if (repeat_ok(s, len))
		return len;
	if (len > 7 && memcmp(s, "{chan:", 6) == 0)
		return chan_ok(w, s + 6, len - 7) ? len : 0;
	if (len == 8 && (memcmp(s, "{nick:", 6) == 0 || memcmp(s, "{user:", 6) == 0)) {
		unsigned k = (unsigned)(p[6] - 'a');
		return k < w->nclients && (w->connected & (1u << k)) ? len : 0;
	}
	if (w->o->oper && (memcmp(s, "{oper:name}", len) == 0 || memcmp(s, "{oper:pass}", len) == 0) &&
	    len == 11)
		return len;
	return 0;
}

/* One byte (or placeholder) as case text into tok; returns the bytes of
 * data it stands for. */
static size_t token(struct writer *w, const unsigned char *p, size_t n, bool quoted,
		    char tok[64])
{
	unsigned char c = p[0];
	size_t ph = c == '{' ? placeholder(w, p, n) : 0;
	if (ph) {
		memcpy(tok, p, ph);
		tok[ph] = '\0';
		return ph;
	}
	if (c == '{')
		snprintf(tok, 64, "%s", "{{");
	else if (c == '\\')
		snprintf(tok, 64, "%s", "\\\\");
	else if (c == '\r')
		snprintf(tok, 64, "%s", "\\r");
	else if (c == '\n')
		snprintf(tok, 64, "%s", "\\n");
	else if (c == '\t')
		snprintf(tok, 64, "%s", "\\t");
	else if (c == 0)
		snprintf(tok, 64, "%s", "\\0");
	else if (c < 0x20 || c > 0x7e || (quoted && c == '"'))
		snprintf(tok, 64, "\\x%02x", c);
	else {
		tok[0] = (char)c;
		tok[1] = '\0';
	}
	return 1;
}

/* A line's first and last space would be taken for separators. */
static void emit_line(struct writer *w, const char *head, const char *body, size_t blen)
{
	emits(w, head);
	size_t start = 0;
	if (blen && body[0] == ' ') {
		emits(w, "\\x20");
		start = 1;
	}
	bool trail = blen > start && body[blen - 1] == ' ';
	emit(w, body + start, blen - start - trail);
	if (trail)
		emits(w, "\\x20");
	emits(w, "\n");
}

/* Bytes as `raw` lines, each under LINE_ROOM. */
static void emit_raw(struct writer *w, const char *who, const unsigned char *p, size_t n)
{
	char head[32], line[LINE_ROOM + 64], tok[64];
	snprintf(head, sizeof head, "%s: raw ", who);
	size_t ll = 0;
	for (size_t i = 0; i < n;) {
		size_t used = token(w, p + i, n - i, false, tok), tl = strlen(tok);
		if (ll + tl > LINE_ROOM) {
			emit_line(w, head, line, ll);
			ll = 0;
		}
		memcpy(line + ll, tok, tl);
		ll += tl;
		i += used;
	}
	if (ll)
		emit_line(w, head, line, ll);
}

/* Segments as one `chunks` line; false when it would be too long. */
static bool emit_chunks(struct writer *w, const char *who, const struct fz_step *st)
{
	char line[LINE_ROOM + 64], tok[64];
	size_t ll = 0, from = 0;
	struct writer save = *w;
	for (unsigned c = 0; c <= st->ncuts; c++) {
		size_t to = c < st->ncuts ? st->cuts[c] : st->len;
		line[ll++] = c ? ' ' : '"';
		if (c)
			line[ll++] = '"';
		for (size_t i = from; i < to;) {
			size_t used = token(w, st->data + i, to - i, true, tok), tl = strlen(tok);
			if (ll + tl + 4 > LINE_ROOM) {
				*w = save; /* forget channels it claimed */
				return false;
			}
			memcpy(line + ll, tok, tl);
			ll += tl;
			i += used;
		}
		line[ll++] = '"';
		from = to;
	}
	char head[32];
	snprintf(head, sizeof head, "%s: chunks ", who);
	emits(w, head);
	emit(w, line, ll);
	emits(w, "\n");
	return true;
}

/* One sync line for the clients in who, counted for the feedback. */
static void emit_sync(struct writer *w, unsigned who, unsigned nclients)
{
	char names[16];
	who_text(who, nclients, names);
	emits(w, names);
	emits(w, ": sync\n");
	for (unsigned k = 0; k < nclients; k++)
		if (who & (1u << k) && w->o->pongs)
			w->o->pongs[k]++;
}

/* A sync's PING must not be glued to a client's unfinished line (the
 * server would wait for it until the timeout): the line is ended first.
 * One client at a time, each synced, in the order their lines began: two
 * lines finished in one step would race (b's JOIN, a's KICK). */
static void finish_lines(struct writer *w, unsigned who, unsigned nclients,
			 const unsigned *since)
{
	while (who) {
		unsigned first = FZ_CLIENTS;
		for (unsigned k = 0; k < nclients; k++)
			if ((who & (1u << k)) && (first == FZ_CLIENTS || since[k] < since[first]))
				first = k;
		char line[32];
		snprintf(line, sizeof line, "%c: raw \\r\\n\n", 'a' + first);
		emits(w, line);
		emit_sync(w, 1u << first, nclients);
		who &= ~(1u << first);
	}
}

static const char *verb(unsigned kind)
{
	static const char *const names[FZ_KINDS] = {
		"connect", "register", "raw", "sync", "abort", "half-close", "close",
		"stop-reading", "resume-reading"};
	return kind < FZ_KINDS ? names[kind] : "sync";
}

static void emit_header(struct writer *w, const struct fz_input *in)
{
	char buf[256];
	if (w->o->comment) {
		for (const char *s = w->o->comment; *s;) {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);
			emits(w, "# ");
			emit(w, s, n);
			emits(w, "\n");
			s += n + (nl != NULL);
		}
	}
	snprintf(buf, sizeof buf, "id: %s\ntitle: an input found by ircspec fuzz\nspec: modern\n"
		 "level: MUST\ntags: %s\nclients:", w->o->id, w->o->tags);
	emits(w, buf);
	for (unsigned k = 0; k < in->nclients; k++) {
		char n[3] = {' ', (char)('a' + k), '\0'};
		emits(w, n);
	}
	emits(w, "\n\n");
}

long fz_to_case(const struct fz_input *in, const struct fz_text_opts *o, char *out,
		size_t outsz)
{
	if (outsz == 0)
		return -1;
	if (o->pongs)
		memset(o->pongs, 0, FZ_CLIENTS * sizeof *o->pongs);
	struct writer w = {.out = out, .outsz = outsz, .o = o, .nclients = in->nclients};
	out[0] = '\0';
	emit_header(&w, in);
	unsigned open = 0; /* clients that a final sync can still reach */
	unsigned mid = 0;  /* clients whose last bytes left a line unfinished */
	unsigned pending = 0; /* clients that sent since their last sync */
	unsigned since[FZ_CLIENTS] = {0}; /* step where a client's unfinished line began */
	for (unsigned i = 0; i < in->nsteps; i++) {
		const struct fz_step *st = &in->step[i];
		unsigned who = st->who & ((1u << in->nclients) - 1);
		if (!who)
			continue;
		char names[16], line[64];
		unsigned turn = pending & ~who & open & ~mid;
		if (turn && !st->racy) {
			emit_sync(&w, turn, in->nclients); /* one round trip for all */
			pending &= ~turn;
		}
		if (st->kind == FZ_SEND)
			pending |= who;
		who_text(who, in->nclients, names);
		if (st->kind == FZ_SEND) {
			if (st->len && !(st->ncuts && emit_chunks(&w, names, st)))
				emit_raw(&w, names, st->data, st->len);
			for (unsigned k = 0; k < in->nclients && st->len; k++)
				if ((who & (1u << k)) && !(mid & (1u << k)))
					since[k] = i;
			if (st->len)
				mid = st->data[st->len - 1] == '\n' ? mid & ~who : mid | who;
		} else if (st->kind == FZ_SYNC) {
			finish_lines(&w, who & mid & open, in->nclients, since);
			mid &= ~who;
			pending &= ~who;
			emit_sync(&w, who, in->nclients);
		} else {
			snprintf(line, sizeof line, "%s: %s\n", names, verb(st->kind));
			emits(&w, line);
		}
		if (st->kind == FZ_CONNECT || st->kind == FZ_REGISTER) {
			w.connected |= who;
			open |= who;
		} else if (st->kind == FZ_ABORT || st->kind == FZ_CLOSE || st->kind == FZ_HALF_CLOSE) {
			open &= ~who;
		}
	}
	if (!open && w.connected == 0)
		emits(&w, "a: connect\n"); /* a case needs a step */
	finish_lines(&w, open & mid, in->nclients, since);
	/* Two rounds: after the first the server has processed every
	 * client's lines, so whatever they made it send to a client is in
	 * before that client's second PONG (the replies are then the same
	 * from run to run, and so is the feedback). */
	for (unsigned round = 0; round < 2 && open; round++)
		emit_sync(&w, open, in->nclients); /* every PING, then every PONG */
	return w.full ? -1 : (long)w.len;
}

unsigned fz_open_at_end(const struct fz_input *in)
{
	unsigned open = 0;
	for (unsigned i = 0; i < in->nsteps; i++) {
		unsigned who = in->step[i].who & ((1u << in->nclients) - 1), k = in->step[i].kind;
		if (k == FZ_CONNECT || k == FZ_REGISTER)
			open |= who;
		else if (k == FZ_ABORT || k == FZ_CLOSE || k == FZ_HALF_CLOSE)
			open &= ~who;
	}
	return open;
}

bool fz_input_racy(const struct fz_input *in)
{
	for (unsigned i = 0; i < in->nsteps; i++)
		if (in->step[i].racy)
			return true;
	return false;
}
