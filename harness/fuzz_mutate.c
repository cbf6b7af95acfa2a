/* fuzz_mutate.c - mutations that know IRC: commands from a dictionary,
 * parameters added, dropped, repeated and lengthened to each limit and
 * past it, mode strings, names with rfc1459 case-mapping characters,
 * empty list items, CR/LF/NUL/0xFF/':' injection, new split points,
 * interleavings of clients, a client vanishing mid-state, and plain byte
 * mutations.  Text work happens on one line of a send step at a time. */
#include "fuzz_mutate.h"
#include "fuzz_mutate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICK(r, arr) ((arr)[fz_below((r), sizeof(arr) / sizeof(arr)[0])])

static const char *const commands[] = {
	"PASS", "NICK", "USER", "OPER", "QUIT", "PING", "PONG", "CAP", "JOIN", "PART",
	"TOPIC", "NAMES", "LIST", "INVITE", "KICK", "MODE", "PRIVMSG", "NOTICE", "WALLOPS",
	"AWAY", "MOTD", "LUSERS", "VERSION", "STATS", "LINKS", "TIME", "ADMIN", "INFO", "WHO",
	"WHOIS", "WHOWAS", "KILL", "USERHOST", "ISON", "SQUIT", "CONNECT", "TRACE", "SERVICE",
	"SERVLIST", "SQUERY", "ERROR", "REHASH", "DIE", "RESTART", "SUMMON", "USERS", "KNOCK",
	"ping", "Privmsg", "001", "433", "",
};

static const char *const injections[] = {"\r", "\n", "\0", "\xff", ":", " :", "\r\n", " ", "!", "@",
					 "\x01", ",", "\xc3\x28", "\r\r\n", "\n\r"};
static const unsigned limits[] = {9, 10, 15, 16, 30, 31, 32, 50, 64, 65, 200, 255, 256, 400,
				  480, 497, 500, 508, 510, 511, 512, 513, 600, 1024, 2048, 4000};

/* A generated line (a dictionary command and parameters) into out. */
static size_t gen_line(struct fz_rng *r, char *out, size_t outsz)
{
	size_t o = (size_t)snprintf(out, outsz, "%s", PICK(r, commands));
	unsigned np = fz_below(r, 5);
	for (unsigned i = 0; i < np && o + 2 < outsz; i++) {
		out[o++] = ' ';
		o += fzm_gen_param(r, out + o, outsz - o);
	}
	if (o + 3 <= outsz) {
		memcpy(out + o, "\r\n", 3);
		o += 2;
	}
	return o;
}

/* ---- the mutations: each returns 0 when applied ---- */

static int m_swap_command(struct fz_input *in, struct fz_rng *r)
{
	struct line l;
	struct words w;
	struct fz_step *st = fzm_pick_words(in, r, &l, &w);
	if (!st)
		return -1;
	const char *c = PICK(r, commands);
	if (w.n == 0)
		return fzm_splice(st, l.start, l.start, c, strlen(c));
	return fzm_splice(st, w.s[w.cmd], w.e[w.cmd], c, strlen(c));
}

static int m_insert_command(struct fz_input *in, struct fz_rng *r)
{
	char line[512];
	size_t n = gen_line(r, line, sizeof line);
	if (fz_below(r, 4) == 0 && in->nsteps) { /* into an existing send: same write */
		struct fz_step *st = fzm_pick_send(in, r);
		struct line l;
		if (st && fzm_pick_line(st, r, &l))
			return fzm_splice(st, l.next, l.next, line, n);
	}
	struct fz_step *st = fzm_insert_step(in, fz_below(r, in->nsteps + 1), FZ_SEND, fzm_pick_who(in, r));
	return st ? fz_step_set_data(st, (const unsigned char *)line, n) : -1;
}

static int m_param(struct fz_input *in, struct fz_rng *r)
{
	struct line l;
	struct words w;
	struct fz_step *st = fzm_pick_words(in, r, &l, &w);
	if (!st)
		return -1;
	if (w.n <= w.cmd)
		return -1;
	unsigned k = w.cmd + fz_below(r, w.n - w.cmd);
	switch (fz_below(r, 4)) {
	case 0: { /* add */
		char p[128] = " ";
		size_t n = 1 + fzm_gen_param(r, p + 1, sizeof p - 1);
		return fzm_splice(st, w.e[k], w.e[k], p, n);
	}
	case 1: /* drop (with the space before it) */
		if (k == w.cmd)
			return -1;
		return fzm_splice(st, w.e[k - 1], w.e[k], "", 0);
	case 2: { /* repeat, as a list or as more parameters */
		size_t wl = w.e[k] - w.s[k];
		unsigned times = 1 + fz_below(r, 20);
		char sep = fz_below(r, 2) ? ',' : ' ';
		if (wl == 0 || (wl + 1) * times > 2048)
			return -1;
		char *b = malloc((wl + 1) * times);
		if (!b)
			return -1;
		size_t o = 0;
		for (unsigned t = 0; t < times; t++) {
			b[o++] = sep;
			memcpy(b + o, st->data + w.s[k], wl);
			o += wl;
		}
		int rc = fzm_splice(st, w.e[k], w.e[k], b, o);
		free(b);
		return rc;
	}
	default: { /* lengthen to a limit, or past it */
		size_t wl = w.e[k] - w.s[k];
		size_t target = PICK(r, limits);
		if (target <= wl)
			return -1;
		char *b = malloc(target - wl);
		if (!b)
			return -1;
		char fill = wl ? (char)st->data[w.e[k] - 1] : 'x';
		if (fill == ':' || fill == ' ' || fill == '\r')
			fill = 'x';
		memset(b, fill, target - wl);
		int rc = fzm_splice(st, w.e[k], w.e[k], b, target - wl);
		free(b);
		return rc;
	}
	}
}

static int m_mode(struct fz_input *in, struct fz_rng *r)
{
	char line[256], m[40];
	unsigned len = 1 + fz_below(r, 20), o = 0;
	for (unsigned i = 0; i < len && o < sizeof m - 1; i++)
		m[o++] = fzm_mode_chars[fz_below(r, (unsigned)strlen(fzm_mode_chars))];
	m[o] = '\0';
	char a1[64], a2[64];
	fzm_gen_param(r, a1, sizeof a1);
	fzm_gen_param(r, a2, sizeof a2);
	int n = snprintf(line, sizeof line, "MODE %s %c%s %s %s\r\n",
			 fz_below(r, 3) ? "{chan}" : "{nick:a}", fz_below(r, 2) ? '+' : '-', m, a1, a2);
	struct fz_step *st = fzm_insert_step(in, fz_below(r, in->nsteps + 1), FZ_SEND, fzm_pick_who(in, r));
	return st ? fz_step_set_data(st, (const unsigned char *)line, (size_t)n) : -1;
}

static int m_casemap(struct fz_input *in, struct fz_rng *r)
{
	struct fz_step *st = fzm_pick_send(in, r);
	if (!st)
		return -1;
	size_t i = fz_below(r, (unsigned)st->len);
	static const char from[] = "[]\\~{}|^", to[] = "{}|^[]\\~";
	const char *p = strchr(from, st->data[i]);
	if (p && st->data[i]) {
		st->data[i] = (unsigned char)to[p - from];
		return 0;
	}
	unsigned char c = st->data[i];
	if (c >= 'a' && c <= 'z')
		st->data[i] = (unsigned char)(c - 32);
	else if (c >= 'A' && c <= 'Z')
		st->data[i] = (unsigned char)(c + 32);
	else
		st->data[i] = (unsigned char)fzm_casemap_chars[fz_below(r, 8)];
	return 0;
}

static int m_empty_item(struct fz_input *in, struct fz_rng *r)
{
	struct line l;
	struct words w;
	unsigned k;
	struct fz_step *st = fzm_pick_param(in, r, &l, &w, &k);
	if (!st)
		return -1;
	if (k == 0)
		return fzm_splice(st, l.end, l.end, " ,", 2);
	static const char *const items[] = {",", ",,", ":", " :", " ,", ", "};
	const char *it = PICK(r, items);
	size_t at = fz_below(r, 2) ? w.e[k] : w.s[k];
	if (fz_below(r, 3) == 0) /* the parameter emptied */
		return fzm_splice(st, w.s[k], w.e[k], ":", 1);
	return fzm_splice(st, at, at, it, strlen(it));
}

static int m_inject(struct fz_input *in, struct fz_rng *r)
{
	struct fz_step *st = fzm_pick_send(in, r);
	if (!st)
		return -1;
	const char *inj = PICK(r, injections);
	size_t n = inj[0] ? strlen(inj) : 1; /* "\0" is one NUL byte */
	size_t at = fz_below(r, (unsigned)st->len + 1);
	if (fz_below(r, 2))
		return fzm_splice(st, at, at, inj, n);
	return fzm_splice(st, at, at < st->len ? at + 1 : at, inj, n);
}

static int m_split(struct fz_input *in, struct fz_rng *r)
{
	struct fz_step *st = fzm_pick_send(in, r);
	if (!st || st->len < 2)
		return -1;
	if (st->ncuts && fz_below(r, 4) == 0) {
		st->ncuts = 0;
		return 0;
	}
	if (st->ncuts == FZ_CUTS_MAX)
		return -1;
	unsigned short at = (unsigned short)(1 + fz_below(r, (unsigned)st->len - 1));
	unsigned i = 0;
	while (i < st->ncuts && st->cuts[i] < at)
		i++;
	if (i < st->ncuts && st->cuts[i] == at)
		return -1;
	memmove(&st->cuts[i + 1], &st->cuts[i], (st->ncuts - i) * sizeof st->cuts[0]);
	st->cuts[i] = at;
	st->ncuts++;
	return 0;
}

static int m_interleave(struct fz_input *in, struct fz_rng *r)
{
	if (in->nsteps < 2)
		return -1;
	unsigned i = fz_below(r, in->nsteps - 1);
	if (fz_below(r, 3) == 0) { /* another client does it */
		in->step[i].who = (unsigned char)fzm_pick_who(in, r);
		return 0;
	}
	struct fz_step t = in->step[i];
	in->step[i] = in->step[i + 1];
	in->step[i + 1] = t;
	/* Clients that race: the replies depend on timing, so such an input
	 * is run but never kept for new states. */
	in->step[i + 1].racy = in->step[i].who != in->step[i + 1].who;
	return 0;
}

static int m_vanish(struct fz_input *in, struct fz_rng *r)
{
	static const unsigned kinds[] = {FZ_ABORT, FZ_CLOSE, FZ_HALF_CLOSE, FZ_STOP_READING,
					 FZ_ABORT, FZ_RESUME_READING};
	return fzm_insert_step(in, fz_below(r, in->nsteps + 1), PICK(r, kinds), fzm_pick_who(in, r))
		? 0 : -1;
}

static int m_bytes(struct fz_input *in, struct fz_rng *r)
{
	struct fz_step *st = fzm_pick_send(in, r);
	if (!st)
		return -1;
	size_t at = fz_below(r, (unsigned)st->len);
	switch (fz_below(r, 5)) {
	case 0: st->data[at] ^= (unsigned char)(1u << fz_below(r, 8)); return 0;
	case 1: st->data[at] = (unsigned char)fz_rand(r); return 0;
	case 2: { /* delete a range */
		size_t n = 1 + fz_below(r, (unsigned)(st->len - at < 16 ? st->len - at : 16));
		return fzm_splice(st, at, at + n, "", 0);
	}
	case 3: { /* insert random bytes */
		unsigned char b[8];
		size_t n = 1 + fz_below(r, sizeof b);
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)fz_rand(r);
		return fzm_splice(st, at, at, b, n);
	}
	default: { /* duplicate a range */
		size_t n = 1 + fz_below(r, (unsigned)(st->len - at < 64 ? st->len - at : 64));
		unsigned char b[64];
		memcpy(b, st->data + at, n);
		return fzm_splice(st, at, at, b, n);
	}
	}
}

static int m_steps(struct fz_input *in, const struct fz_input *donor, struct fz_rng *r)
{
	switch (fz_below(r, 5)) {
	case 0: /* drop a step */
		if (in->nsteps < 2)
			return -1;
		fz_step_remove(in, fz_below(r, in->nsteps));
		return 0;
	case 1: { /* repeat a step */
		if (in->nsteps == 0)
			return -1;
		unsigned i = fz_below(r, in->nsteps);
		struct fz_step copy = in->step[i];
		struct fz_step *st = fzm_insert_step(in, i + 1, copy.kind, copy.who);
		if (!st)
			return -1;
		*st = copy;
		st->data = NULL;
		st->len = 0;
		return fz_step_set_data(st, copy.data, copy.len);
	}
	case 2: { /* a client more, registered early */
		if (in->nclients >= FZ_CLIENTS)
			return -1;
		unsigned k = in->nclients++;
		return fzm_insert_step(in, fz_below(r, in->nsteps + 1) / 2, FZ_REGISTER, 1u << k) ? 0 : -1;
	}
	case 3: { /* connect, register or sync somewhere */
		static const unsigned kinds[] = {FZ_CONNECT, FZ_REGISTER, FZ_SYNC, FZ_SYNC};
		return fzm_insert_step(in, fz_below(r, in->nsteps + 1), PICK(r, kinds), fzm_pick_who(in, r))
			? 0 : -1;
	}
	default: { /* splice: a few steps of another input */
		if (!donor || donor->nsteps == 0)
			return -1;
		unsigned from = fz_below(r, donor->nsteps), n = 1 + fz_below(r, 4);
		unsigned at = fz_below(r, in->nsteps + 1);
		for (unsigned i = 0; i < n && from + i < donor->nsteps; i++) {
			const struct fz_step *d = &donor->step[from + i];
			struct fz_step *st = fzm_insert_step(in, at + i, d->kind,
							 d->who & ((1u << in->nclients) - 1) ? d->who : 1);
			if (!st)
				break;
			st->ncuts = d->ncuts;
			memcpy(st->cuts, d->cuts, sizeof st->cuts);
			if (fz_step_set_data(st, d->data, d->len) != 0)
				return -1;
		}
		return 0;
	}
	}
}

int fz_mutate(struct fz_input *in, const struct fz_input *donor, struct fz_rng *r,
	      const char **what)
{
	static const char *const names[] = {"swap-command", "insert-command", "param", "mode",
					    "casemap", "empty-item", "inject", "split",
					    "interleave", "vanish", "bytes", "steps", "sigil", "limit",
					    "line-splice", "replace-param"};
	unsigned stack = 1u << fz_below(r, 4), applied = 0;
	*what = "none";
	for (unsigned t = 0; t < stack * 3 && applied < stack; t++) {
		unsigned m = fz_below(r, 16);
		int rc;
		switch (m) {
		case 0: rc = m_swap_command(in, r); break;
		case 1: rc = m_insert_command(in, r); break;
		case 2: rc = m_param(in, r); break;
		case 3: rc = m_mode(in, r); break;
		case 4: rc = m_casemap(in, r); break;
		case 5: rc = m_empty_item(in, r); break;
		case 6: rc = m_inject(in, r); break;
		case 7: rc = m_split(in, r); break;
		case 8: rc = m_interleave(in, r); break;
		case 9: rc = m_vanish(in, r); break;
		case 10: rc = m_bytes(in, r); break;
		case 11: rc = m_steps(in, donor, r); break;
		case 12: rc = fzm_sigil(in, r); break;
		case 13: rc = fzm_limit(in, r); break;
		case 14: rc = fzm_line_splice(in, donor, r); break;
		default: rc = fzm_replace_param(in, r); break;
		}
		if (rc == 0) {
			applied++;
			*what = names[m];
		}
	}
	return (int)applied;
}

int fz_generate(struct fz_input *in, struct fz_rng *r)
{
	memset(in, 0, sizeof *in);
	in->nclients = 1 + fz_below(r, 2);
	fzm_insert_step(in, 0, FZ_REGISTER, (1u << in->nclients) - 1);
	unsigned n = 1 + fz_below(r, 4);
	for (unsigned i = 0; i < n; i++)
		if (m_insert_command(in, r) != 0)
			return -1;
	return 0;
}
