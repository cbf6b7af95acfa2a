/* pinask.c - asking a spawned server under Valgrind what is new (see
 * pinask.h). */
#include "pinask.h"

#include <stdio.h>
#include <stdlib.h>

#include "probe.h"
#include "vgdb.h"
#include "vgerrs.h"
#include "vgxml.h"

struct pinask {
	struct valgrind *vg;
	struct spawn *sp;
	struct run_env *env;
	struct vgerr_tally *tally; /* error counts at the last ask */
};

struct pinask *pinask_new(struct valgrind *vg, struct spawn *sp, struct run_env *env)
{
	struct pinask *pa = calloc(1, sizeof *pa);
	if (!pa || !(pa->tally = vgerr_tally_new())) {
		free(pa);
		return NULL;
	}
	pa->vg = vg;
	pa->sp = sp;
	pa->env = env;
	return pa;
}

void pinask_free(struct pinask *pa)
{
	if (!pa)
		return;
	vgerr_tally_free(pa->tally);
	free(pa);
}

static int ask(void *ctx, struct vg_finding **v, size_t *n, char *err, size_t errsz)
{
	struct pinask *pa = ctx;
	pid_t pid = spawn_pid(pa->sp);
	if (pid <= 0)
		return 0;
	/* The cases' disconnects handled before the search: a leak in a
	 * client's teardown belongs to the case that ended, not to the next. */
	char why[256];
	probe_liveness(pa->env, why, sizeof why);
	char *answer = NULL;
	size_t len = 0;
	if (vgdb_ask(valgrind_vgdb_path(pa->vg), valgrind_vgdb_prefix(pa->vg), (long)pid, &answer,
		     &len, err, errsz) < 0)
		return -1;
	int e = vgerr_parse_new(pa->tally, answer, len, v, n);
	int l = e < 0 ? -1 : vgdb_parse_leaks(answer, len, v, n);
	free(answer);
	if (e < 0 || l < 0) {
		snprintf(err, errsz, "vgdb: out of memory");
		return -1;
	}
	return e + l;
}

static unsigned generation(void *ctx)
{
	return spawn_generation(((struct pinask *)ctx)->sp);
}

struct pin_source pinask_source(struct pinask *pa)
{
	return (struct pin_source){.ask = ask, .generation = generation, .ctx = pa};
}
