/* fuzz_exec.c - one fuzz session: the input's .case text goes through
 * case_parse, the supervisor and runner_run_case exactly as `ircspec
 * --spawn CMD that.case` would run it, then the oracles look at the
 * verdict, the transcript and the server's output. */
#include "fuzz_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "clock.h"
#include "fuzz_shm.h"
#include "probe.h"
#include "runner.h"

/* Room for a death's status and the server's whole output ring. */
#define FZ_OUTPUT_MAX (3000 + SPAWN_RING_LINES * (SPAWN_LINE_MAX + 1) + 1)

static bool run_over(const struct fz_target *t)
{
	long dl = atomic_load(&t->env->deadline_ms);
	return dl && now_ms() >= dl;
}

/* The server is alive but does not serve: kill and restart it. */
static void restart_hung(struct fz_target *t)
{
	if (!t->sp) {
		t->gone = true;
		snprintf(t->gone_why, sizeof t->gone_why,
			 "the server stopped serving and is not ours to restart (no --spawn)");
		return;
	}
	char err[512];
	if (spawn_restart(t->sp, err, sizeof err) != 0) {
		t->gone = true;
		snprintf(t->gone_why, sizeof t->gone_why, "%s", err);
	}
	t->restarts++;
}

/* A sanitizer report from a server that lived on (UBSan without abort). */
static void check_output(struct fz_target *t, struct fz_verdict *v)
{
	if (!t->sp)
		return;
	unsigned long n = spawn_output_lines(t->sp);
	if (n == t->out_lines)
		return;
	t->out_lines = n;
	char *tail = malloc(SPAWN_TAIL_MAX);
	if (!tail)
		return;
	spawn_tail(t->sp, SPAWN_TAIL_LINES, tail, SPAWN_TAIL_MAX);
	if (v->fault == FZ_NONE && fz_sanitizer_report(tail, v->sig, sizeof v->sig)) {
		v->fault = FZ_SANITIZER;
		snprintf(v->detail, sizeof v->detail, "a sanitizer report on the server's output:\n%s",
			 tail);
	}
	free(tail);
}

/* served: a new client registered and got its PONG after the session
 * (the runner's probe, or serves()'s). */
static void judge(struct fz_target *t, const struct case_result *cr, bool died, bool served,
		  const char *why, struct fz_verdict *v)
{
	char pwhy[512];
	if (died) {
		/* A sanitizer's report is longer than the death's tail (and may
		 * still have been in the pipe): this run's whole output counts. */
		char *all = t->sp ? malloc(FZ_OUTPUT_MAX) : NULL;
		if (all) {
			unsigned long fresh = spawn_output_lines(t->sp) - t->out_lines;
			int n = snprintf(all, FZ_OUTPUT_MAX, "%s\n", why);
			if (n > 0 && (size_t)n < FZ_OUTPUT_MAX)
				spawn_tail(t->sp, fresh < SPAWN_RING_LINES ? (unsigned)fresh : SPAWN_RING_LINES,
					   all + n, FZ_OUTPUT_MAX - (size_t)n);
		}
		fz_classify_death(all ? all : why, v);
		free(all);
		/* An operator's DIE or RESTART followed by a clean exit is the
		 * server doing as told (the supervisor starts it again). */
		if (v->fault == FZ_CRASH && strcmp(v->sig, "exit-0") == 0 && fz_sent_shutdown(&cr->tr))
			memset(v, 0, sizeof *v);
		t->restarts++;
		if (sup_failed(t->sup)) {
			t->gone = true;
			snprintf(t->gone_why, sizeof t->gone_why, "%s", t->sup->failure);
		}
		/* Its output now may hold the report: do not take it twice. */
		if (t->sp)
			t->out_lines = spawn_output_lines(t->sp);
		return;
	}
	check_output(t, v);
	if (v->fault == FZ_NONE && fz_check_protocol(&cr->tr, v))
		return;
	if (v->fault != FZ_NONE || run_over(t))
		return;
	/* The runner's own liveness probe failed (V_CRASH), or a step did and
	 * so did serves()'s probe, yet the server lives: once more, a new
	 * client must register and get its PONG. */
	if (!served && !probe_liveness(t->env, pwhy, sizeof pwhy) && !run_over(t)) {
		v->fault = FZ_HANG;
		snprintf(v->sig, sizeof v->sig, "no-service");
		snprintf(v->detail, sizeof v->detail,
			 "the server no longer serves a new client (it is alive): %s", pwhy);
		restart_hung(t);
	}
}

/* Whether the server still serves a new client after a session that ended
 * with verdict v.  A passed session had the runner's probe if it sent or
 * closed anything (runner.c's needs_liveness()); a step that failed (a
 * sync got no PONG, the server closed a client: a quarter of the
 * sessions) gets one probe here, which the supervisor and judge() then
 * both take as said (each probed for itself before: two probes). */
static bool serves(struct fz_target *t, enum verdict v)
{
	char why[512];
	if (v == V_PASS || v == V_SKIP)
		return true;
	if (v == V_CRASH || run_over(t))
		return false; /* the runner's probe failed: the supervisor looks */
	return probe_liveness(t->env, why, sizeof why);
}

static int exec_text(struct fz_target *t, const char *text, size_t len, const unsigned *pongs,
		     struct fz_result *r, char *err, size_t errsz)
{
	memset(&r->v, 0, sizeof r->v);
	if (len > FZ_CASE_MAX) {
		snprintf(err, errsz, "case text too long");
		return -1;
	}
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	struct casefile *c = case_parse("fuzz-input.case", t->text, len, err, errsz);
	if (!c)
		return -1;
	struct sup_ticket tk;
	if (!sup_case_begin(t->sup, &tk)) {
		case_free(c);
		t->gone = true;
		snprintf(t->gone_why, sizeof t->gone_why, "%s", t->sup->failure);
		snprintf(err, errsz, "no server: %s", t->sup->failure);
		return -1;
	}
	if (t->shm)
		fz_shm_clear(t->shm);
	struct case_result cr;
	runner_run_case(t->env, c, &cr);
	char why[3000] = "";
	bool served = serves(t, cr.verdict);
	/* Served, the supervisor only looks for a death; otherwise it waits
	 * to tell a death from a hang (its own probe first). */
	bool died = sup_case_end(t->sup, &tk, served ? V_PASS : cr.verdict, why, sizeof why);
	r->case_verdict = cr.verdict;
	judge(t, &cr, died, served, why, &r->v);
	if (r->state)
		fz_state_trace(&cr.tr, pongs, r->state);
	free(cr.message);
	transcript_free(&cr.tr);
	/* Sessions run one at a time and keep nothing: the run's transcript
	 * budget (meant for reports) must not run dry and empty the oracles'
	 * view of later sessions. */
	atomic_store(&t->env->transcripts_kept, 0);
	case_free(c);
	return 0;
}

int fz_exec_text(struct fz_target *t, const char *text, size_t len, struct fz_result *r,
		 char *err, size_t errsz)
{
	return exec_text(t, text, len, NULL, r, err, errsz);
}

int fz_exec(struct fz_target *t, const struct fz_input *in, struct fz_result *r, char *err,
	    size_t errsz)
{
	unsigned pongs[FZ_CLIENTS];
	struct fz_text_opts o = {.oper = t->oper, .id = "fuzz-input", .tags = "fuzz",
				 .pongs = pongs};
	char *text = malloc(FZ_CASE_MAX + 1);
	if (!text) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	long n = fz_to_case(in, &o, text, FZ_CASE_MAX + 1);
	int rc = n < 0 ? -1 : exec_text(t, text, (size_t)n, fz_input_racy(in) ? NULL : pongs, r,
					err, errsz);
	if (n < 0)
		snprintf(err, errsz, "input too large for a case file");
	free(text);
	return rc;
}
