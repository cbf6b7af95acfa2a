/* leakpin.c - leaks pinned on cases (see leakpin.h). */
#define _GNU_SOURCE /* memmem */
#include "leakpin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "vgdb.h"
#include "vgxml.h"

#define LEAK_FRAMES_SHOWN 3 /* stack lines in a verdict's message */
/* Cases that may end between two searches: then no new case starts until
 * the running ones have ended, so a window (and the re-runs a leak in it
 * costs) stays this small. */
#define LEAKPIN_WINDOW 16

enum cstate { C_IDLE, C_RUNNING, C_ENDED };

/* New leaks seen while several cases ran. */
struct group {
	struct vg_finding *v;
	size_t n;
	size_t *members;
	size_t nm;
	bool repeated; /* one of the members leaked alone when re-run */
};

struct leakpin {
	struct valgrind *vg;
	struct spawn *sp;
	struct run_env *env;
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

/* Asks the server for its new leaks; -1 (and lp->err) when that failed. */
static int search(struct leakpin *lp, struct vg_finding **v, size_t *n)
{
	char err[512] = "";
	pid_t pid = spawn_pid(lp->sp);
	if (pid <= 0)
		return 0;
	int found = vgdb_new_leaks(valgrind_vgdb_path(lp->vg), valgrind_vgdb_prefix(lp->vg),
				   (long)pid, v, n, err, sizeof err);
	if (found < 0 && !lp->err[0])
		snprintf(lp->err, sizeof lp->err, "%s", err);
	return found;
}

struct leakpin *leakpin_new(struct valgrind *vg, struct spawn *sp, struct run_env *env,
			    size_t ncases)
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
	lp->vg = vg;
	lp->sp = sp;
	lp->env = env;
	lp->ncases = ncases;
	/* What leaked while the server started is no case's doing (the
	 * end-of-run list has it). */
	struct vg_finding *v = NULL;
	size_t n = 0;
	lp->generation = spawn_generation(sp);
	search(lp, &v, &n);
	vgxml_free_findings(v, n);
	return lp;
}

void leakpin_free(struct leakpin *lp)
{
	if (!lp)
		return;
	for (size_t g = 0; g < lp->ngroups; g++) {
		vgxml_free_findings(lp->groups[g].v, lp->groups[g].n);
		free(lp->groups[g].members);
	}
	free(lp->groups);
	free(lp->state);
	free(lp->suspect);
	pthread_mutex_destroy(&lp->mu);
	pthread_cond_destroy(&lp->cv);
	free(lp);
}

void leakpin_free_case(struct case_result *cr)
{
	vgxml_free_findings(cr->leaks, cr->nleaks);
	cr->leaks = NULL;
	cr->nleaks = 0;
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

static bool dup_finding(struct vg_finding *to, const struct vg_finding *from, const char *note)
{
	size_t wl = strlen(from->what) + (note ? strlen(note) : 0) + 1;
	to->kind = strdup(from->kind);
	to->what = malloc(wl);
	to->stack = strdup(from->stack);
	if (to->what)
		snprintf(to->what, wl, "%s%s", from->what, note ? note : "");
	if (to->kind && to->what && to->stack)
		return true;
	free(to->kind), free(to->what), free(to->stack);
	return false;
}

/* Appends copies of v[0..n) to cr's leaks; with note, each what gets it. */
static void add_leaks(struct case_result *cr, const struct vg_finding *v, size_t n,
		      const char *note)
{
	struct vg_finding *nv = realloc(cr->leaks, (cr->nleaks + n) * sizeof *nv);
	if (!nv)
		return; /* out of memory: the run's end-of-run list still has them */
	cr->leaks = nv;
	for (size_t k = 0; k < n; k++)
		if (dup_finding(&nv[cr->nleaks], &v[k], note))
			cr->nleaks++;
}

/* The stack without Valgrind's own allocator frames, LEAK_FRAMES_SHOWN lines. */
static void top_frames(const char *stack, char *out, size_t outsz)
{
	size_t o = 0;
	int shown = 0;
	out[0] = '\0';
	for (const char *s = stack; *s && shown < LEAK_FRAMES_SHOWN;) {
		size_t l = strcspn(s, "\n");
		bool ours = memmem(s, l, "vg_replace_", 11) || memmem(s, l, "vgpreload_", 10);
		if (!ours && o + l + 8 < outsz) {
			o += (size_t)snprintf(out + o, outsz - o, "\n    %.*s", (int)l, s);
			shown++;
		}
		s += l + (s[l] == '\n');
	}
}

/* The verdict shows the leak: a pass fails, any other verdict says it too. */
static void leak_verdict(struct case_result *cr, const struct vg_finding *v, size_t n)
{
	size_t cap = 512 + n * 1200 + (cr->message ? strlen(cr->message) : 0);
	char *m = malloc(cap);
	if (!m)
		return;
	size_t o = (size_t)snprintf(m, cap, "%s%sthe server leaked during this case:",
				    cr->verdict == V_PASS || !cr->message ? "" : cr->message,
				    cr->verdict == V_PASS || !cr->message ? "" : "\n");
	for (size_t k = 0; k < n && o < cap; k++) {
		char frames[1024];
		top_frames(v[k].stack, frames, sizeof frames);
		o += (size_t)snprintf(m + o, cap - o, "\n  %s%s", v[k].what, frames);
	}
	free(cr->message);
	cr->message = m;
	if (cr->verdict == V_PASS)
		cr->verdict = V_FAIL;
}

static void add_group(struct leakpin *lp, struct vg_finding *v, size_t n)
{
	struct group g = {.v = v, .n = n};
	struct group *ng = realloc(lp->groups, (lp->ngroups + 1) * sizeof *ng);
	g.members = calloc(lp->ncases, sizeof *g.members);
	if (!ng || !g.members) {
		free(g.members);
		if (ng)
			lp->groups = ng;
		vgxml_free_findings(v, n); /* the end-of-run list still has them */
		return;
	}
	for (size_t j = 0; j < lp->ncases; j++) {
		if (lp->state[j] == C_IDLE)
			continue;
		g.members[g.nm++] = j;
		lp->suspect[j] = true;
	}
	lp->groups = ng;
	lp->groups[lp->ngroups++] = g;
}

/* Nothing runs: the leaks new since the last search belong to the cases
 * that ended since (state C_ENDED), i the last of them. */
static void search_window(struct leakpin *lp, size_t i, struct case_result *cr)
{
	size_t window = 0;
	for (size_t j = 0; j < lp->ncases; j++)
		window += lp->state[j] == C_ENDED;
	/* Their disconnects handled before the search: a leak in a client's
	 * teardown belongs to the case that ended, not to the next. */
	char why[256];
	probe_liveness(lp->env, why, sizeof why);
	struct vg_finding *v = NULL;
	size_t n = 0;
	search(lp, &v, &n);
	unsigned gen = spawn_generation(lp->sp);
	if (gen != lp->generation) {
		/* A restarted server: its leaks so far include its start-up's,
		 * which belong to no case; this search is its baseline. */
		lp->generation = gen;
		vgxml_free_findings(v, n);
		v = NULL;
		n = 0;
	}
	if (n > 0 && window == 1) {
		add_leaks(cr, v, n, NULL);
		leak_verdict(cr, v, n);
		for (size_t g = 0; g < lp->ngroups; g++)
			for (size_t k = 0; k < lp->groups[g].nm; k++)
				lp->groups[g].repeated |= lp->groups[g].members[k] == i;
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

void leakpin_finish(struct leakpin *lp, struct case_result *cases)
{
	if (!lp)
		return;
	for (size_t g = 0; g < lp->ngroups; g++) {
		const struct group *gr = &lp->groups[g];
		if (gr->repeated)
			continue;
		char note[160];
		snprintf(note, sizeof note, " (new while %zu cases ran at once; none of them leaked "
					    "it when re-run alone)", gr->nm);
		for (size_t k = 0; k < gr->nm; k++)
			add_leaks(&cases[gr->members[k]], gr->v, gr->n, note);
	}
}

const char *leakpin_error(const struct leakpin *lp)
{
	return lp && lp->err[0] ? lp->err : NULL;
}
