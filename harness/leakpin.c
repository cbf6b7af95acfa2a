/* leakpin.c - leaks and errors pinned on cases (see leakpin.h). */
#define _GNU_SOURCE /* memmem */
#include "leakpin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinask.h"
#include "vgxml.h"

#define FRAMES_SHOWN 3 /* stack lines in a verdict's message */
/* Cases that may end between two searches: then no new case starts until
 * the running ones have ended, so a window (and the re-runs a finding in
 * it costs) stays this small. */
#define LEAKPIN_WINDOW 16

enum cstate { C_IDLE, C_RUNNING, C_ENDED };

/* New findings seen while several cases ran. */
struct group {
	struct vg_finding *v;
	size_t n;
	bool *repeated; /* per finding: a member repeated it when run alone */
	size_t *members;
	size_t nm;
};

struct leakpin {
	struct pin_source src;
	struct pinask *pa;    /* the source's, when leakpin_new made it */
	pthread_mutex_t mu;
	pthread_cond_t cv;    /* holding ended */
	size_t running;       /* cases between begin and end */
	size_t window;        /* cases ended since the last search */
	bool holding;         /* new cases wait: the window is full */
	size_t ncases;
	unsigned char *state; /* enum cstate per case */
	bool *suspect;        /* in a group: to re-run alone */
	struct group *groups;
	size_t ngroups;
	unsigned generation; /* of the server the last search asked */
	char err[512];
};

/* Asks for what is new; nothing (and lp->err) when that failed. */
static void search(struct leakpin *lp, struct vg_finding **v, size_t *n)
{
	char err[512] = "";
	if (lp->src.ask(lp->src.ctx, v, n, err, sizeof err) < 0 && !lp->err[0])
		snprintf(lp->err, sizeof lp->err, "%s", err);
}

struct leakpin *leakpin_new_source(const struct pin_source *src, size_t ncases)
{
	struct leakpin *lp = calloc(1, sizeof *lp);
	if (!lp)
		return NULL;
	pthread_mutex_init(&lp->mu, NULL);
	pthread_cond_init(&lp->cv, NULL);
	lp->state = calloc(ncases ? ncases : 1, 1);
	lp->suspect = calloc(ncases ? ncases : 1, sizeof *lp->suspect);
	if (!lp->state || !lp->suspect) {
		leakpin_free(lp);
		return NULL;
	}
	lp->src = *src;
	lp->ncases = ncases;
	/* What appeared while the server started is no case's doing (the
	 * end-of-run list has it). */
	struct vg_finding *v = NULL;
	size_t n = 0;
	lp->generation = src->generation(src->ctx);
	search(lp, &v, &n);
	vgxml_free_findings(v, n);
	return lp;
}

struct leakpin *leakpin_new(struct valgrind *vg, struct spawn *sp, struct run_env *env,
			    size_t ncases)
{
	struct pinask *pa = pinask_new(vg, sp, env);
	if (!pa)
		return NULL;
	struct pin_source src = pinask_source(pa);
	struct leakpin *lp = leakpin_new_source(&src, ncases);
	if (!lp)
		pinask_free(pa);
	else
		lp->pa = pa;
	return lp;
}

void leakpin_free(struct leakpin *lp)
{
	if (!lp)
		return;
	for (size_t g = 0; g < lp->ngroups; g++) {
		vgxml_free_findings(lp->groups[g].v, lp->groups[g].n);
		free(lp->groups[g].repeated);
		free(lp->groups[g].members);
	}
	free(lp->groups);
	free(lp->state);
	free(lp->suspect);
	pinask_free(lp->pa);
	pthread_mutex_destroy(&lp->mu);
	pthread_cond_destroy(&lp->cv);
	free(lp);
}

void leakpin_free_case(struct case_result *cr)
{
	vgxml_free_findings(cr->leaks, cr->nleaks);
	vgxml_free_findings(cr->errs, cr->nerrs);
	cr->leaks = cr->errs = NULL;
	cr->nleaks = cr->nerrs = 0;
}

void leakpin_begin(struct leakpin *lp, size_t i)
{
	if (!lp)
		return;
	pthread_mutex_lock(&lp->mu);
	while (lp->holding)
		pthread_cond_wait(&lp->cv, &lp->mu);
	lp->state[i] = C_RUNNING;
	lp->running++;
	pthread_mutex_unlock(&lp->mu);
}

static bool is_leak(const struct vg_finding *f)
{
	return strncmp(f->kind, "Leak_", 5) == 0;
}

/* The same finding, found again: its kind and its stack. */
static bool same_finding(const struct vg_finding *a, const struct vg_finding *b)
{
	return strcmp(a->kind, b->kind) == 0 && strcmp(a->stack, b->stack) == 0;
}

static bool dup_finding(struct vg_finding *to, const struct vg_finding *from, const char *note,
			const char *group)
{
	size_t wl = strlen(from->what) + (note ? strlen(note) : 0) + 1;
	memset(to, 0, sizeof *to);
	to->kind = strdup(from->kind);
	to->what = malloc(wl);
	to->stack = strdup(from->stack);
	if (to->what)
		snprintf(to->what, wl, "%s%s", from->what, note ? note : "");
	if (group && !(to->group = strdup(group)))
		to->kind = (free(to->kind), NULL);
	if (to->kind && to->what && to->stack)
		return true;
	free(to->kind), free(to->what), free(to->stack), free(to->group);
	return false;
}

/* Appends a copy of f to cr's leaks or errs; with note, its what gets it. */
static void add_finding(struct case_result *cr, const struct vg_finding *f, const char *note,
			const char *group)
{
	struct vg_finding **list = is_leak(f) ? &cr->leaks : &cr->errs;
	size_t *n = is_leak(f) ? &cr->nleaks : &cr->nerrs;
	struct vg_finding *nv = realloc(*list, (*n + 1) * sizeof *nv);
	if (!nv)
		return; /* out of memory: the run's end-of-run list still has it */
	*list = nv;
	if (dup_finding(&nv[*n], f, note, group))
		(*n)++;
}

/* The stack without Valgrind's own allocator frames, FRAMES_SHOWN lines. */
static void top_frames(const char *stack, char *out, size_t outsz)
{
	size_t o = 0;
	int shown = 0;
	out[0] = '\0';
	for (const char *s = stack; *s && shown < FRAMES_SHOWN;) {
		size_t l = strcspn(s, "\n");
		bool ours = memmem(s, l, "vg_replace_", 11) || memmem(s, l, "vgpreload_", 10);
		if (!ours && o + l + 8 < outsz) {
			o += (size_t)snprintf(out + o, outsz - o, "\n    %.*s", (int)l, s);
			shown++;
		}
		s += l + (s[l] == '\n');
	}
}

/* Appends the findings of one sort (leaks or errors) under their heading. */
static size_t verdict_list(char *m, size_t o, size_t cap, const struct vg_finding *v, size_t n,
			   bool leaks, const char *heading)
{
	bool any = false;
	for (size_t k = 0; k < n && o < cap; k++) {
		if (is_leak(&v[k]) != leaks)
			continue;
		if (!any)
			o += (size_t)snprintf(m + o, cap - o, "%s%s", o ? "\n" : "", heading);
		any = true;
		char frames[1024];
		top_frames(v[k].stack, frames, sizeof frames);
		o += (size_t)snprintf(m + o, cap - o, "\n  %s%s", v[k].what, frames);
	}
	return o;
}

/* The verdict shows the findings: a pass fails, any other verdict says it too. */
static void pin_verdict(struct case_result *cr, const struct vg_finding *v, size_t n)
{
	size_t cap = 512 + n * 1300 + (cr->message ? strlen(cr->message) : 0);
	char *m = malloc(cap);
	if (!m)
		return;
	bool keep = cr->verdict != V_PASS && cr->message;
	size_t o = (size_t)snprintf(m, cap, "%s", keep ? cr->message : "");
	o = verdict_list(m, o, cap, v, n, false,
			 "memcheck found errors in the server during this case:");
	verdict_list(m, o, cap, v, n, true, "the server leaked during this case:");
	free(cr->message);
	cr->message = m;
	if (cr->verdict == V_PASS)
		cr->verdict = V_FAIL;
}

static void add_group(struct leakpin *lp, struct vg_finding *v, size_t n)
{
	struct group g = {.v = v, .n = n};
	struct group *ng = realloc(lp->groups, (lp->ngroups + 1) * sizeof *ng);
	if (ng)
		lp->groups = ng;
	g.members = calloc(lp->ncases, sizeof *g.members);
	g.repeated = calloc(n, sizeof *g.repeated);
	if (!ng || !g.members || !g.repeated) {
		free(g.members);
		free(g.repeated);
		vgxml_free_findings(v, n); /* the end-of-run list still has them */
		return;
	}
	for (size_t j = 0; j < lp->ncases; j++) {
		if (lp->state[j] == C_IDLE)
			continue;
		g.members[g.nm++] = j;
		lp->suspect[j] = true;
	}
	lp->groups[lp->ngroups++] = g;
}

/* Case i, alone, found v[0..n): the groups it belongs to learn which of
 * their findings it repeats. */
static void mark_repeated(struct leakpin *lp, size_t i, const struct vg_finding *v, size_t n)
{
	for (size_t g = 0; g < lp->ngroups; g++) {
		struct group *gr = &lp->groups[g];
		bool member = false;
		for (size_t k = 0; k < gr->nm; k++)
			member |= gr->members[k] == i;
		for (size_t f = 0; member && f < gr->n; f++)
			for (size_t k = 0; k < n; k++)
				gr->repeated[f] |= same_finding(&gr->v[f], &v[k]);
	}
}

/* Nothing runs: the findings new since the last search belong to the
 * cases that ended since (state C_ENDED), i the last of them. */
static void search_window(struct leakpin *lp, size_t i, struct case_result *cr)
{
	size_t window = 0;
	for (size_t j = 0; j < lp->ncases; j++)
		window += lp->state[j] == C_ENDED;
	struct vg_finding *v = NULL;
	size_t n = 0;
	search(lp, &v, &n);
	unsigned gen = lp->src.generation(lp->src.ctx);
	if (gen != lp->generation) {
		/* A restarted server: what it has so far includes its
		 * start-up's, which belongs to no case; this search is its
		 * baseline. */
		lp->generation = gen;
		vgxml_free_findings(v, n);
		v = NULL;
		n = 0;
	}
	if (n > 0 && window == 1) {
		for (size_t k = 0; k < n; k++)
			add_finding(cr, &v[k], NULL, NULL);
		pin_verdict(cr, v, n);
		mark_repeated(lp, i, v, n);
		vgxml_free_findings(v, n);
	} else if (n > 0) {
		add_group(lp, v, n); /* takes v */
	} else {
		vgxml_free_findings(v, n);
	}
	for (size_t j = 0; j < lp->ncases; j++)
		if (lp->state[j] == C_ENDED)
			lp->state[j] = C_IDLE;
}

bool leakpin_end(struct leakpin *lp, size_t i, struct case_result *cr)
{
	if (!lp)
		return false;
	pthread_mutex_lock(&lp->mu);
	lp->state[i] = C_ENDED;
	lp->running--;
	bool rerun = false;
	if (lp->running == 0) {
		search_window(lp, i, cr);
		lp->window = 0;
		lp->holding = false;
		pthread_cond_broadcast(&lp->cv);
		rerun = lp->suspect[i];
		lp->suspect[i] = false;
	} else if (++lp->window >= LEAKPIN_WINDOW) {
		lp->holding = true; /* no new case until the running ones end */
	}
	pthread_mutex_unlock(&lp->mu);
	return rerun;
}

bool leakpin_take_suspect(struct leakpin *lp, size_t i)
{
	if (!lp)
		return false;
	pthread_mutex_lock(&lp->mu);
	bool was = lp->suspect[i];
	lp->suspect[i] = false;
	pthread_mutex_unlock(&lp->mu);
	return was;
}

/* "a b c" (the group's case ids) and the note its findings' what gets. */
static void group_names(const struct group *gr, const struct case_result *cases, char *ids,
			size_t idsz, char *note, size_t notesz)
{
	size_t o = 0;
	ids[0] = '\0';
	for (size_t k = 0; k < gr->nm && o + 1 < idsz; k++)
		o += (size_t)snprintf(ids + o, idsz - o, "%s%s", k ? " " : "",
				      cases[gr->members[k]].c->id);
	snprintf(note, notesz, " (not reproduced alone: new while %zu cases ran at once, %s; "
			       "none of them repeated it when re-run alone)", gr->nm, ids);
}

void leakpin_finish(struct leakpin *lp, struct case_result *cases)
{
	if (!lp)
		return;
	for (size_t g = 0; g < lp->ngroups; g++) {
		const struct group *gr = &lp->groups[g];
		char ids[2048], note[2300];
		group_names(gr, cases, ids, sizeof ids, note, sizeof note);
		for (size_t f = 0; f < gr->n; f++)
			for (size_t k = 0; k < gr->nm && !gr->repeated[f]; k++)
				add_finding(&cases[gr->members[k]], &gr->v[f], note, ids);
	}
}

const char *leakpin_error(const struct leakpin *lp)
{
	return lp && lp->err[0] ? lp->err : NULL;
}
