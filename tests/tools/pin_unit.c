/* pin_unit.c - unit checks of pinning Valgrind findings on cases
 * (harness/leakpin.c) with a scripted source instead of a server, and of
 * reading memcheck's error counts (harness/vgerrs.c).  Each scenario is a
 * sequence of cases starting and ending, and what the source answers at
 * each search; the checks are where each finding lands.  Prints each
 * failure with its line; exit 1 if any (tests/test_pin_units.py). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../harness/leakpin.h"
#include "../../harness/vgerrs.h"
#include "../../harness/vgxml.h"

static int checks, failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		checks++;                                                              \
		if (!(cond)) {                                                         \
			failed++;                                                      \
			fprintf(stderr, "pin_unit.c:%d: check failed: %s\n", __LINE__, #cond); \
		}                                                                      \
	} while (0)

/* ---- the scripted source: answer k of script[] at the k-th search ---- */

#define MAX_ANSWERS 16

struct script {
	const char *answers[MAX_ANSWERS]; /* "L:stack" a leak, "E:stack" an error; ',' between */
	size_t asked;
};

static void add(struct vg_finding **v, size_t *n, bool leak, const char *stack, size_t sl)
{
	*v = realloc(*v, (*n + 1) * sizeof **v);
	struct vg_finding *f = &(*v)[(*n)++];
	memset(f, 0, sizeof *f);
	f->kind = strdup(leak ? "Leak_DefinitelyLost" : "InvalidRead");
	f->what = strdup(leak ? "8 bytes in 1 blocks are definitely lost" : "Invalid read of size 1");
	f->stack = strndup(stack, sl);
}

static int ask(void *ctx, struct vg_finding **v, size_t *n, char *err, size_t errsz)
{
	struct script *s = ctx;
	const char *a = s->asked < MAX_ANSWERS ? s->answers[s->asked] : NULL;
	s->asked++;
	(void)err, (void)errsz;
	for (; a && *a;) {
		size_t l = strcspn(a, ",");
		add(v, n, a[0] == 'L', a + 2, l - 2);
		a += l + (a[l] == ',');
	}
	return 0;
}

static unsigned generation(void *ctx)
{
	(void)ctx;
	return 1;
}

#define NCASES 3

struct world {
	struct script s;
	struct casefile c[NCASES];
	struct case_result cr[NCASES];
	struct leakpin *lp;
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof *w);
	for (int i = 0; i < NCASES; i++) {
		snprintf(w->c[i].id, sizeof w->c[i].id, "c%d", i);
		w->cr[i].c = &w->c[i];
		w->cr[i].verdict = V_PASS;
	}
	struct pin_source src = {.ask = ask, .generation = generation, .ctx = &w->s};
	w->lp = leakpin_new_source(&src, NCASES);
}

static void world_free(struct world *w)
{
	for (int i = 0; i < NCASES; i++) {
		leakpin_free_case(&w->cr[i]);
		free(w->cr[i].message);
	}
	leakpin_free(w->lp);
}

/* A serial re-run of case i, as main.c does it: its old result dropped. */
static void rerun(struct world *w, size_t i)
{
	CHECK(leakpin_take_suspect(w->lp, i) || true);
	leakpin_free_case(&w->cr[i]);
	free(w->cr[i].message);
	w->cr[i].message = NULL;
	w->cr[i].verdict = V_PASS;
	leakpin_begin(w->lp, i);
	leakpin_end(w->lp, i, &w->cr[i]);
}

static bool has(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/* c0 and c1 run at once; a leak and an error appear.  Re-run alone, c1
 * repeats the error, nobody the leak (it needs both): the error is pinned
 * on c1 alone and fails it; the leak goes on both, marked with the group,
 * and their verdicts stay. */
static void test_group_not_reproduced_alone(void)
{
	struct world w;
	world_init(&w);
	w.s.answers[0] = "";                    /* start-up */
	w.s.answers[1] = "L:h_topic (t.c:1),E:h_away (a.c:2)"; /* c0 and c1 at once */
	w.s.answers[2] = "";                    /* c0 alone */
	w.s.answers[3] = "E:h_away (a.c:2)";    /* c1 alone */
	leakpin_begin(w.lp, 0);
	leakpin_begin(w.lp, 1);
	CHECK(!leakpin_end(w.lp, 0, &w.cr[0])); /* c1 still runs: no search */
	CHECK(leakpin_end(w.lp, 1, &w.cr[1]));  /* the search: c1 to re-run */
	CHECK(w.cr[0].nleaks == 0 && w.cr[1].nleaks == 0 && w.cr[1].nerrs == 0);
	CHECK(leakpin_take_suspect(w.lp, 0));
	rerun(&w, 0);
	rerun(&w, 1);
	leakpin_finish(w.lp, w.cr);
	CHECK(w.s.asked == 4);
	CHECK(w.cr[1].nerrs == 1 && w.cr[1].verdict == V_FAIL);
	CHECK(w.cr[1].nerrs == 1 && !w.cr[1].errs[0].group);
	CHECK(has(w.cr[1].message, "memcheck found errors in the server during this case"));
	CHECK(has(w.cr[1].message, "h_away (a.c:2)"));
	CHECK(w.cr[0].nerrs == 0 && w.cr[0].verdict == V_PASS && !w.cr[0].message);
	for (int i = 0; i < 2; i++) {
		CHECK(w.cr[i].nleaks == 1);
		if (w.cr[i].nleaks != 1)
			continue;
		CHECK(w.cr[i].leaks[0].group && strcmp(w.cr[i].leaks[0].group, "c0 c1") == 0);
		CHECK(has(w.cr[i].leaks[0].what, "not reproduced alone"));
		CHECK(has(w.cr[i].leaks[0].what, "2 cases ran at once, c0 c1"));
	}
	CHECK(w.cr[2].nleaks == 0 && w.cr[2].nerrs == 0);
	world_free(&w);
}

/* The same, but c0 repeats the leak alone: it is pinned on c0 only. */
static void test_group_reproduced_by_one(void)
{
	struct world w;
	world_init(&w);
	w.s.answers[1] = "L:h_topic (t.c:1)";
	w.s.answers[2] = "L:h_topic (t.c:1)"; /* c0 alone */
	leakpin_begin(w.lp, 0);
	leakpin_begin(w.lp, 1);
	leakpin_end(w.lp, 0, &w.cr[0]);
	leakpin_end(w.lp, 1, &w.cr[1]);
	rerun(&w, 0);
	rerun(&w, 1);
	leakpin_finish(w.lp, w.cr);
	CHECK(w.cr[0].nleaks == 1 && w.cr[0].verdict == V_FAIL);
	CHECK(has(w.cr[0].message, "the server leaked during this case"));
	CHECK(w.cr[0].nleaks == 1 && !w.cr[0].leaks[0].group);
	CHECK(w.cr[1].nleaks == 0 && w.cr[1].verdict == V_PASS);
	world_free(&w);
}

/* One case alone: what is new is its own, errors and leaks apart. */
static void test_alone(void)
{
	struct world w;
	world_init(&w);
	w.s.answers[1] = "E:bad_free (c.c:9),L:h_away (a.c:3)";
	leakpin_begin(w.lp, 2);
	CHECK(!leakpin_end(w.lp, 2, &w.cr[2]));
	leakpin_finish(w.lp, w.cr);
	CHECK(w.cr[2].nerrs == 1 && w.cr[2].nleaks == 1 && w.cr[2].verdict == V_FAIL);
	const char *m = w.cr[2].message;
	CHECK(has(m, "memcheck found errors") && has(m, "the server leaked"));
	CHECK(m && strstr(m, "bad_free") < strstr(m, "h_away"));
	world_free(&w);
}

/* ---- vgerrs: counts per context, what grew since the last answer ---- */

#define CONTEXT(n, what, frame)                                                        \
	"==7== " n " errors in context 1 of 2:\n==7== " what "\n==7==    at 0x1091B0: " frame \
	"\n Address 0x4a44088 is 0 bytes after a block of size 8 alloc'd\n"             \
	"==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n" \
	"==7==    by 0x1091A7: make (m.c:3)\n==7== \n"
#define UNINIT(n) \
	"==7== " n " errors in context 2 of 2:\n==7== Conditional jump or move depends on " \
	"uninitialised value(s)\n==7==    at 0x1091EA: h_topic (t.c:9)\n==7== \n"
#define SUMMARY "==7== ERROR SUMMARY: 5 errors from 2 contexts (suppressed: 0 from 0)\n"
#define LEAKS "==7== 33 (+33) bytes in 1 (+1) blocks are definitely lost in loss record 1 " \
	      "of 3\n==7==    at 0x48417B4: malloc (in vgpreload_memcheck.so)\n"

static int parse(struct vgerr_tally *t, const char *text, struct vg_finding **v, size_t *n)
{
	vgxml_free_findings(*v, *n);
	*v = NULL;
	*n = 0;
	return vgerr_parse_new(t, text, strlen(text), v, n);
}

static void test_vgerrs(void)
{
	struct vgerr_tally *t = vgerr_tally_new();
	struct vg_finding *v = NULL;
	size_t n = 0;
	CHECK(parse(t, SUMMARY "==7== \n" SUMMARY LEAKS, &v, &n) == 0);
	CHECK(parse(t, SUMMARY CONTEXT("2", "Invalid read of size 1", "h_away (a.c:2)")
		       UNINIT("1") SUMMARY LEAKS, &v, &n) == 2);
	if (n == 2) {
		CHECK(strcmp(v[0].kind, "InvalidRead") == 0);
		CHECK(strcmp(v[0].what, "Invalid read of size 1 (2 new; 2 from this stack in all)") == 0);
		CHECK(strcmp(v[0].stack, "h_away (a.c:2)\nAddress 0x4a44088 is 0 bytes after a block "
					 "of size 8 alloc'd\nmalloc (in /usr/libexec/valgrind/"
					 "vgpreload_memcheck.so)\nmake (m.c:3)\n") == 0);
		CHECK(strcmp(v[1].kind, "UninitCondition") == 0);
		CHECK(strcmp(v[1].stack, "h_topic (t.c:9)\n") == 0);
	}
	/* The read again, 1,001 times in all; the jump not again. */
	CHECK(parse(t, SUMMARY CONTEXT("1,001", "Invalid read of size 1", "h_away (a.c:2)")
		       UNINIT("1") SUMMARY, &v, &n) == 1);
	CHECK(n == 1 && strstr(v[0].what, "(999 new; 1001 from this stack in all)"));
	/* A restarted server: the jump is forgotten, so its first one is new. */
	CHECK(parse(t, SUMMARY SUMMARY, &v, &n) == 0);
	CHECK(parse(t, SUMMARY UNINIT("1") SUMMARY, &v, &n) == 1);
	CHECK(n == 1 && strcmp(v[0].kind, "UninitCondition") == 0);
	vgxml_free_findings(v, n);
	vgerr_tally_free(t);
}

int main(void)
{
	test_group_not_reproduced_alone();
	test_group_reproduced_by_one();
	test_alone();
	test_vgerrs();
	printf("pin_unit: %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
