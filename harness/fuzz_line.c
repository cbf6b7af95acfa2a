/* fuzz_line.c - what every mutation stands on: the seeded PRNG, and one
 * send step's text: its lines and their words, bytes spliced in, a step
 * picked or inserted, a client picked, a parameter generated.  Both
 * mutation files (fuzz_mutate.c, fuzz_mutate_irc.c) use it; it uses
 * neither. */
#include "fuzz_mutate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICK(r, arr) ((arr)[fz_below((r), sizeof(arr) / sizeof(arr)[0])])

void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
	r->s = seed ^ 0x9e3779b97f4a7c15ULL;
}

uint64_t fz_rand(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL); /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned fz_below(struct fz_rng *r, unsigned n)
{
	return n ? (unsigned)(fz_rand(r) % n) : 0;
}

static const char *const params[] = {
	"{nick:a}", "{nick:b}", "{nick:c}", "{nick:d}", "{chan}", "{chan:x}", "{chan:y}",
	"{server}", "*", "0", "-1", "4294967296", "999999999999", ":", ":hello world", "",
	"*!*@*", "{nick:a}!*@*", "#", "&x", "+x", "!x", "a,b", "{chan},{chan:x}", "+o", "-o",
	"+b", "+k", "key", "+l", "10", "+ntsmikl", "-ntsmikl", "+v", "+i", "+s", "+w", "+O",
	"+r", "ircspec", "x", "0 * :real", ":\x01VERSION\x01", "$*", "#*", "{user:a}",
	"{nick:a},{nick:b}", "{chan},,", ",", "{chan} key", "1", ":", "-",
};

const char fzm_mode_chars[] = "obvklimnpstiwsrOa+-qeIhRzZ";
const char fzm_casemap_chars[] = "[]\\~{}|^";

/* A random line of st (false when st has no bytes). */
bool fzm_pick_line(const struct fz_step *st, struct fz_rng *r, struct line *l)
{
	if (st->kind != FZ_SEND || st->len == 0)
		return false;
	unsigned n = 0;
	for (size_t i = 0; i < st->len; i++)
		n += st->data[i] == '\n';
	if (st->data[st->len - 1] != '\n')
		n++;
	unsigned want = fz_below(r, n);
	size_t s = 0;
	for (unsigned k = 0; k < want; k++) {
		const unsigned char *nl = memchr(st->data + s, '\n', st->len - s);
		s = nl ? (size_t)(nl - st->data) + 1 : st->len;
	}
	const unsigned char *nl = memchr(st->data + s, '\n', st->len - s);
	l->start = s;
	l->next = nl ? (size_t)(nl - st->data) + 1 : st->len;
	l->end = nl ? (size_t)(nl - st->data) : st->len;
	if (l->end > l->start && st->data[l->end - 1] == '\r')
		l->end--;
	return true;
}

/* Replaces st->data[from, to) by p[0..n). */
int fzm_splice(struct fz_step *st, size_t from, size_t to, const void *p, size_t n)
{
	size_t total = st->len - (to - from) + n;
	unsigned char *b = malloc(total ? total : 1);
	if (!b)
		return -1;
	memcpy(b, st->data, from);
	memcpy(b + from, p, n);
	memcpy(b + from + n, st->data + to, st->len - to);
	int rc = fz_step_set_data(st, b, total);
	free(b);
	return rc;
}


void fzm_split_words(const struct fz_step *st, const struct line *l, struct words *w)
{
	w->n = 0;
	for (size_t i = l->start; i < l->end && w->n < WORDS_MAX;) {
		while (i < l->end && st->data[i] == ' ')
			i++;
		if (i >= l->end)
			break;
		w->s[w->n] = i;
		while (i < l->end && st->data[i] != ' ')
			i++;
		w->e[w->n++] = i;
	}
	w->cmd = w->n > 1 && st->data[w->s[0]] == ':' ? 1 : 0;
}

struct fz_step *fzm_pick_send(struct fz_input *in, struct fz_rng *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < in->nsteps; i++)
		n += in->step[i].kind == FZ_SEND && in->step[i].len > 0;
	if (n == 0)
		return NULL;
	unsigned want = fz_below(r, n);
	for (unsigned i = 0; i < in->nsteps; i++)
		if (in->step[i].kind == FZ_SEND && in->step[i].len > 0 && want-- == 0)
			return &in->step[i];
	return NULL;
}

unsigned fzm_pick_who(const struct fz_input *in, struct fz_rng *r)
{
	return 1u << fz_below(r, in->nclients);
}

/* A new step at position at (0..nsteps); NULL when full. */
struct fz_step *fzm_insert_step(struct fz_input *in, unsigned at, unsigned kind, unsigned who)
{
	if (in->nsteps >= FZ_STEPS_MAX)
		return NULL;
	if (at > in->nsteps)
		at = in->nsteps;
	memmove(&in->step[at + 1], &in->step[at], (in->nsteps - at) * sizeof in->step[0]);
	in->nsteps++;
	struct fz_step *st = &in->step[at];
	memset(st, 0, sizeof *st);
	st->kind = (unsigned char)kind;
	st->who = (unsigned char)who;
	return st;
}

/* A generated parameter into out (bounded). */
size_t fzm_gen_param(struct fz_rng *r, char *out, size_t outsz)
{
	int n;
	switch (fz_below(r, 6)) {
	case 0: { /* a mode string */
		char m[24];
		unsigned len = 1 + fz_below(r, 12);
		m[0] = fz_below(r, 2) ? '+' : '-';
		for (unsigned i = 1; i <= len; i++)
			m[i] = fzm_mode_chars[fz_below(r, (unsigned)strlen(fzm_mode_chars))];
		m[len + 1] = '\0';
		n = snprintf(out, outsz, "%s", m);
		break;
	}
	case 1: { /* a name with case-mapping characters */
		char m[24];
		unsigned len = 1 + fz_below(r, 12);
		m[0] = fz_below(r, 3) ? (char)('a' + fz_below(r, 26)) : '#';
		for (unsigned i = 1; i < len; i++)
			m[i] = fz_below(r, 2) ? fzm_casemap_chars[fz_below(r, 8)] : (char)('A' + fz_below(r, 26));
		m[len] = '\0';
		n = snprintf(out, outsz, "%s", m);
		break;
	}
	default:
		n = snprintf(out, outsz, "%s", PICK(r, params));
	}
	return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
}

struct fz_step *fzm_pick_words(struct fz_input *in, struct fz_rng *r, struct line *l,
			       struct words *w)
{
	struct fz_step *st = fzm_pick_send(in, r);
	if (!st || !fzm_pick_line(st, r, l))
		return NULL;
	fzm_split_words(st, l, w);
	return st;
}

struct fz_step *fzm_pick_param(struct fz_input *in, struct fz_rng *r, struct line *l,
			       struct words *w, unsigned *k)
{
	struct fz_step *st = fzm_pick_words(in, r, l, w);
	if (!st)
		return NULL;
	*k = w->n > w->cmd + 1 ? w->cmd + 1 + fz_below(r, w->n - w->cmd - 1) : 0;
	return st;
}
