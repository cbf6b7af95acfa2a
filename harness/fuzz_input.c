/* fuzz_input.c - a fuzz input's life outside the mutator: copying,
 * trimming, and seeding one from a case file's own steps. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

uint64_t fz_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void fz_input_free(struct fz_input *in)
{
	for (unsigned i = 0; i < in->nsteps; i++)
		free(in->step[i].data);
	in->nsteps = 0;
}

int fz_input_copy(struct fz_input *dst, const struct fz_input *src)
{
	*dst = *src;
	for (unsigned i = 0; i < src->nsteps; i++) {
		dst->step[i].data = NULL;
		if (src->step[i].len == 0)
			continue;
		if (!(dst->step[i].data = malloc(src->step[i].len))) {
			dst->nsteps = i;
			fz_input_free(dst);
			return -1;
		}
		memcpy(dst->step[i].data, src->step[i].data, src->step[i].len);
	}
	return 0;
}

void fz_step_remove(struct fz_input *in, unsigned i)
{
	if (i >= in->nsteps)
		return;
	free(in->step[i].data);
	memmove(&in->step[i], &in->step[i + 1], (in->nsteps - i - 1) * sizeof in->step[0]);
	in->nsteps--;
}

int fz_step_set_data(struct fz_step *st, const unsigned char *p, size_t n)
{
	if (n > FZ_DATA_MAX)
		n = FZ_DATA_MAX;
	unsigned char *d = n ? malloc(n) : NULL;
	if (n && !d)
		return -1;
	if (n)
		memcpy(d, p, n);
	free(st->data);
	st->data = d;
	st->len = n;
	unsigned k = 0;
	for (unsigned i = 0; i < st->ncuts; i++)
		if (st->cuts[i] > 0 && st->cuts[i] < n && (k == 0 || st->cuts[i] > st->cuts[k - 1]))
			st->cuts[k++] = st->cuts[i];
	st->ncuts = (unsigned char)k;
	return 0;
}

void fz_input_compact(struct fz_input *in)
{
	unsigned used = 0;
	for (unsigned i = 0; i < in->nsteps; i++)
		used |= in->step[i].who;
	int map[FZ_CLIENTS];
	unsigned n = 0;
	for (unsigned k = 0; k < in->nclients; k++)
		map[k] = used & (1u << k) ? (int)n++ : -1;
	for (unsigned i = 0; i < in->nsteps; i++) {
		unsigned who = 0;
		for (unsigned k = 0; k < in->nclients; k++)
			if (in->step[i].who & (1u << k))
				who |= 1u << map[k];
		in->step[i].who = (unsigned char)who;
	}
	in->nclients = n ? n : 1;
}

/* ---- seeds ---- */

struct dbuf {
	unsigned char b[FZ_DATA_MAX];
	size_t n;
};

static void put(struct dbuf *d, const void *p, size_t n)
{
	if (n > sizeof d->b - d->n)
		n = sizeof d->b - d->n;
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Case text to bytes: escapes decoded, {repeat:N:TEXT} and {i} filled,
 * other placeholders kept as text for the run to fill; a "{{" becomes a
 * lone '{' (fz_to_case writes it back unless it reads as a placeholder). */
static void decode(const char *s, size_t n, long counter, struct dbuf *d)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n) {
			char e = s[i + 1];
			unsigned char v;
			if (e == 'r' || e == 'n' || e == 't' || e == '0' || e == '\\') {
				v = (unsigned char)(e == 'r' ? '\r' : e == 'n' ? '\n' : e == 't' ? '\t'
						  : e == '0' ? 0 : '\\');
				put(d, &v, 1);
				i++;
				continue;
			}
			if (e == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
				v = (unsigned char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
				put(d, &v, 1);
				i += 3;
				continue;
			}
		}
		if (c == '{' && i + 1 < n && s[i + 1] == '{') {
			put(d, "{", 1);
			i++;
			continue;
		}
		if (c == '{' && strncmp(s + i, "{i}", 3) == 0 && i + 3 <= n) {
			char num[24];
			int k = snprintf(num, sizeof num, "%ld", counter);
			put(d, num, (size_t)k);
			i += 2;
			continue;
		}
		if (c == '{' && strncmp(s + i, "{repeat:", 8) == 0) {
			char *end;
			long times = strtol(s + i + 8, &end, 10);
			const char *text = *end == ':' ? end + 1 : NULL;
			const char *close = text ? memchr(text, '}', n - (size_t)(text - s)) : NULL;
			if (close && times >= 0) {
				for (long t = 0; t < times && d->n < sizeof d->b; t++)
					decode(text, (size_t)(close - text), counter, d);
				i = (size_t)(close - s);
				continue;
			}
		}
		put(d, &c, 1);
	}
}

static void add_cut(struct fz_step *st, size_t at)
{
	if (st->ncuts < FZ_CUTS_MAX && at > 0 && at < st->len &&
	    (st->ncuts == 0 || at > st->cuts[st->ncuts - 1]))
		st->cuts[st->ncuts++] = (unsigned short)at;
}

static int seed_send(const struct step *s, struct fz_step *st)
{
	struct dbuf *d = calloc(1, sizeof *d);
	size_t bounds[FZ_CUTS_MAX];
	unsigned nb = 0;
	if (!d)
		return -1;
	if (s->kind == STEP_REPEAT) {
		for (unsigned i = 0; i < s->num && d->n < sizeof d->b; i++) {
			decode(s->arg, strlen(s->arg), i, d);
			put(d, "\r\n", 2);
		}
	} else if (s->kind == STEP_CHUNKS) {
		for (const char *p = s->arg; *p;) {
			while (*p == ' ')
				p++;
			if (*p != '"')
				break;
			const char *start = ++p;
			while (*p && *p != '"')
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (d->n > 0 && nb < FZ_CUTS_MAX)
				bounds[nb++] = d->n;
			decode(start, (size_t)(p - start), 0, d);
			p += *p == '"';
		}
	} else if (s->kind == STEP_OPER) {
		put(d, "OPER {oper:name} {oper:pass}\r\n", 30);
	} else {
		decode(s->arg, strlen(s->arg), 0, d);
		if (s->kind != STEP_RAW)
			put(d, "\r\n", 2);
	}
	int rc = fz_step_set_data(st, d->b, d->n);
	if (s->kind == STEP_SPLIT && d->n > 0) {
		unsigned pieces = s->num == 0 || s->num > FZ_CUTS_MAX + 1 ? FZ_CUTS_MAX + 1 : s->num;
		for (unsigned i = 1; i < pieces; i++)
			add_cut(st, d->n * i / pieces);
	}
	for (unsigned i = 0; i < nb; i++)
		add_cut(st, bounds[i]);
	free(d);
	return rc;
}

static int seed_kind(enum step_kind k)
{
	switch (k) {
	case STEP_CONNECT: return FZ_CONNECT;
	case STEP_REGISTER: return FZ_REGISTER;
	case STEP_SEND: case STEP_RAW: case STEP_CHUNKS: case STEP_SPLIT: case STEP_REPEAT:
	case STEP_OPER: return FZ_SEND;
	case STEP_SYNC: return FZ_SYNC;
	case STEP_ABORT: return FZ_ABORT;
	case STEP_HALF_CLOSE: return FZ_HALF_CLOSE;
	case STEP_CLOSE: return FZ_CLOSE;
	case STEP_STOP_READING: return FZ_STOP_READING;
	case STEP_RESUME_READING: return FZ_RESUME_READING;
	default: return -1; /* expectations, pause, require */
	}
}

int fz_from_case(const struct casefile *c, struct fz_input *out)
{
	memset(out, 0, sizeof *out);
	out->nclients = c->nclients < FZ_CLIENTS ? c->nclients : FZ_CLIENTS;
	bool acts = false;
	for (unsigned i = 0; i < c->nsteps && out->nsteps < FZ_STEPS_MAX; i++) {
		const struct step *s = &c->steps[i];
		int kind = seed_kind(s->kind);
		unsigned who = 0;
		for (unsigned t = 0; t < s->ntargets; t++)
			if (s->targets[t] < FZ_CLIENTS)
				who |= 1u << s->targets[t];
		if (kind < 0 || who == 0)
			continue;
		struct fz_step *st = &out->step[out->nsteps];
		memset(st, 0, sizeof *st);
		st->kind = (unsigned char)kind;
		st->who = (unsigned char)who;
		out->nsteps++;
		if (kind == FZ_SEND && seed_send(s, st) != 0) {
			fz_input_free(out);
			return -1;
		}
		acts |= kind != FZ_SYNC;
	}
	if (!acts || out->nclients == 0) {
		fz_input_free(out);
		return -1;
	}
	fz_input_compact(out);
	return 0;
}
