/* fuzz_min.c - confirmation and minimisation of a finding (fuzz_min.h).
 * Each candidate is a copy of the current best with one piece removed;
 * it replaces the best when it fails the same way.  Bounded by a number
 * of runs and a point in time. */
#include "fuzz_min.h"

#include <string.h>

#include "clock.h"

static bool same(const struct fz_verdict *a, const struct fz_verdict *b)
{
	return a->fault == b->fault && strcmp(a->sig, b->sig) == 0;
}

unsigned fz_confirm(fz_try_fn *run, void *arg, const struct fz_input *in,
		    const struct fz_verdict *want, unsigned tries, unsigned *ran)
{
	unsigned hits = 0;
	*ran = 0;
	for (unsigned i = 0; i < tries; i++) {
		struct fz_verdict v;
		if (run(arg, in, &v) != 0)
			break;
		++*ran;
		hits += same(&v, want);
	}
	return hits;
}

struct minctx {
	fz_try_fn *run;
	void *arg;
	const struct fz_verdict *want;
	const struct fz_min_limits *lim;
	unsigned tries;
	bool stop;
	bool shrunk; /* a candidate replaced the input */
};

/* Tries cand; when it fails the same way it becomes *best (and cand is
 * left empty), else cand is freed. */
static bool attempt(struct minctx *m, struct fz_input *best, struct fz_input *cand)
{
	if (m->stop || m->tries >= m->lim->max_tries ||
	    (m->lim->until_ms && now_ms() >= m->lim->until_ms)) {
		m->stop = true;
		fz_input_free(cand);
		return false;
	}
	struct fz_verdict v;
	m->tries++;
	if (m->run(m->arg, cand, &v) != 0) {
		m->stop = true;
		fz_input_free(cand);
		return false;
	}
	if (!same(&v, m->want)) {
		fz_input_free(cand);
		return false;
	}
	fz_input_free(best);
	*best = *cand;
	cand->nsteps = 0;
	m->shrunk = true;
	return true;
}

static void drop_clients(struct minctx *m, struct fz_input *best)
{
	for (unsigned k = best->nclients; k-- > 0 && best->nclients > 1 && !m->stop;) {
		struct fz_input cand;
		if (fz_input_copy(&cand, best) != 0)
			return;
		for (unsigned i = cand.nsteps; i-- > 0;) {
			cand.step[i].who &= (unsigned char)~(1u << k);
			if (!cand.step[i].who)
				fz_step_remove(&cand, i);
		}
		fz_input_compact(&cand);
		attempt(m, best, &cand);
	}
}

/* Removes runs of `width` steps, from the end (later steps depend on
 * earlier ones less often than the other way round). */
static void drop_steps(struct minctx *m, struct fz_input *best)
{
	for (unsigned width = best->nsteps / 2; width >= 1 && !m->stop; width /= 2) {
		for (unsigned at = best->nsteps; at-- > 0 && !m->stop;) {
			if (at + width > best->nsteps || best->nsteps <= width)
				continue;
			struct fz_input cand;
			if (fz_input_copy(&cand, best) != 0)
				return;
			for (unsigned i = 0; i < width; i++)
				fz_step_remove(&cand, at);
			attempt(m, best, &cand);
		}
		if (width == 1)
			break;
	}
}

/* In each send step: drop its split points, then ranges of bytes, halving
 * the range until single bytes (lines first: a range that starts at a line
 * start and ends after its LF). */
static void drop_bytes(struct minctx *m, struct fz_input *best)
{
	for (unsigned i = 0; i < best->nsteps && !m->stop; i++) {
		if (best->step[i].kind != FZ_SEND)
			continue;
		if (best->step[i].ncuts) {
			struct fz_input cand;
			if (fz_input_copy(&cand, best) != 0)
				return;
			cand.step[i].ncuts = 0;
			attempt(m, best, &cand);
		}
		for (size_t width = best->step[i].len / 2; width >= 1 && !m->stop; width /= 2) {
			for (size_t at = 0; at + width <= best->step[i].len && !m->stop;) {
				struct fz_input cand;
				if (fz_input_copy(&cand, best) != 0)
					return;
				struct fz_step *st = &cand.step[i];
				memmove(st->data + at, st->data + at + width, st->len - at - width);
				size_t nlen = st->len - width;
				if (fz_step_set_data(st, st->data, nlen) != 0) {
					fz_input_free(&cand);
					return;
				}
				if (!attempt(m, best, &cand))
					at += width;
			}
			if (width == 1)
				break;
		}
	}
}

/* Whether in fails like want in each of n runs (counted in m->tries;
 * the limits do not cut these short: they decide what is written). */
static bool steady(struct minctx *m, const struct fz_input *in, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct fz_verdict v;
		m->tries++;
		if (m->run(m->arg, in, &v) != 0 || !same(&v, m->want))
			return false;
	}
	return true;
}

/* Racy steps (fuzz_mutate.c's interleaving: no turn-taking sync before
 * them) make the order in which the server gets two clients' lines a
 * matter of timing.  When the failure does not need that race, the input
 * with every client taking turns fails in each of FZ_STEADY_RUNS runs and
 * replaces in: its reproducer then fails every time, not now and then. */
static void derace(struct minctx *m, struct fz_input *in)
{
	if (!fz_input_racy(in))
		return;
	struct fz_input cand;
	if (fz_input_copy(&cand, in) != 0)
		return;
	for (unsigned i = 0; i < cand.nsteps; i++)
		cand.step[i].racy = 0;
	if (steady(m, &cand, FZ_STEADY_RUNS)) {
		fz_input_free(in);
		*in = cand;
	} else {
		fz_input_free(&cand);
	}
}

unsigned fz_minimise(fz_try_fn *run, void *arg, struct fz_input *in,
		     const struct fz_verdict *want, const struct fz_min_limits *lim)
{
	struct minctx m = {run, arg, want, lim, 0, false, false};
	derace(&m, in);
	struct fz_input base; /* what a minimised input that is not steady falls back to */
	bool have_base = fz_input_copy(&base, in) == 0;
	drop_clients(&m, in);
	drop_steps(&m, in);
	drop_bytes(&m, in);
	drop_steps(&m, in); /* a step may have become empty */
	/* Each candidate was run once: one that failed by the luck of a
	 * race may have been kept.  The reproducer must fail every time. */
	if (have_base && m.shrunk && !steady(&m, in, FZ_STEADY_RUNS)) {
		fz_input_free(in);
		*in = base;
		base.nsteps = 0;
	}
	if (have_base)
		fz_input_free(&base);
	return m.tries;
}
