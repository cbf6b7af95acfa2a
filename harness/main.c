/* main.c - ircspec: loads the cases, runs the selected ones against the
 * target (in parallel), and reports.  Exit codes: 0 pass, 1 failures or
 * crashes, 2 usage / bad case file / unreachable target / a --spawn'd server
 * that could not be restarted. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "coverage.h"
#include "discover.h"
#include "exitreport.h"
#include "fuzz_oracle.h"
#include "fuzz_main.h"
#include "leakpin.h"
#include "matrix.h"
#include "report.h"
#include "clock.h"
#include "probe.h"
#include "runner.h"
#include "select.h"
#include "spawn.h"
#include "supervise.h"
#include "valgrind.h"
#include "vgxml.h"

struct run {
	struct cli *o;
	struct run_env env;
	struct run_result res;
	const struct casefile **sel; /* selected cases, in file order */
	size_t nsel;
	struct spawn *sp;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;          /* next case to hand out, an index into order */
	size_t *order;        /* sel's indexes, longest pauses first */
	/* exclusive: yes - such a case starts once nothing else is in flight,
	 * and nothing starts while it runs or waits (it would starve). */
	pthread_cond_t slot_cv;
	unsigned inflight;
	unsigned excl_waiting;
	bool excl_running;
	bool *done;           /* per case: finished */
	bool *overlapped;     /* per case: a server death overlapped it */
	bool *started;        /* per case: its steps ran (not refused, not "not run") */
	bool *printed;        /* per case: its line is on the terminal */
	/* The one case of a --spawn run (a reproducer replayed) prints its line
	 * after the server's report at exit, which may make it a crash
	 * (check_exit_report): one line, the final verdict. */
	bool hold_line;
	bool report_seen;     /* a living server printed a sanitizer report (under mu) */
	bool report_pinned;   /* ...and a case re-run alone printed it again */
	struct supervisor sup;  /* server deaths and restarts (--spawn) */
	struct valgrind *vg;    /* --valgrind: its command line and XML */
	struct leakpin *lp;     /* --valgrind: leaks pinned on cases */
	atomic_size_t no_server; /* cases not run: the restart failed */
	const struct baseline *bl; /* --baseline, or NULL */
	atomic_bool stop;         /* --fail-fast: start no further case */
	bool tty;
};

static struct run_env *volatile g_env;
static volatile sig_atomic_t g_interrupts;
static volatile sig_atomic_t g_running; /* 0 while the target is being prepared */

static void say(const char *msg)
{
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));
	(void)n;
}

/* SIGINT/SIGTERM: the first ends every wait and lets the reports be
 * written; a second, or one while the server is still starting (there is
 * nothing to report yet), stops at once, server included. */
static void on_interrupt(int sig)
{
	if (!g_running) {
		spawn_kill_all_now();
		say(sig == SIGALRM ? "ircspec: --deadline passed while the server was starting\n"
				   : "ircspec: interrupted while the server was starting\n");
		_exit(sig == SIGALRM ? 2 : 130);
	}
	if (sig == SIGALRM)
		return; /* running: every wait already honours the deadline */
	if (++g_interrupts > 1) {
		spawn_kill_all_now(); /* also a server still starting */
		_exit(130);
	}
	if (g_env)
		atomic_store(&g_env->deadline_ms, 1); /* every wait ends now */
}

/* A case that never started: an error, with why. */
static void not_run(struct run *rn, size_t i, const char *why)
{
	struct case_result *cr = &rn->res.cases[i];
	memset(cr, 0, sizeof *cr);
	cr->c = rn->sel[i];
	cr->verdict = V_ERROR;
	cr->message = strdup(why);
}

/* What the server printed up to the end of a case that did not pass, for
 * the HTML report's case page. */
static void keep_server_tail(struct run *rn, struct case_result *cr)
{
	if (!rn->sp || cr->verdict == V_PASS || cr->verdict == V_SKIP)
		return;
	char tail[SPAWN_TAIL_MAX];
	spawn_tail(rn->sp, SPAWN_TAIL_LINES, tail, sizeof tail);
	free(cr->server_tail);
	cr->server_tail = tail[0] ? strdup(tail) : NULL;
}

/* A run-level sanitizer report (no single case's), appended to any
 * already there; exit_sig names the first. */
static void add_server_report(struct run *rn, const char *sig, const char *text)
{
	pthread_mutex_lock(&rn->mu);
	char *old = rn->res.exit_report;
	size_t n = (old ? strlen(old) + 2 : 0) + strlen(text) + 1;
	char *joined = malloc(n);
	if (joined) {
		snprintf(joined, n, "%s%s%s", old ? old : "", old ? "\n\n" : "", text);
		free(old);
		rn->res.exit_report = joined;
		if (!rn->res.exit_sig[0])
			snprintf(rn->res.exit_sig, sizeof rn->res.exit_sig, "%s", sig);
	}
	pthread_mutex_unlock(&rn->mu);
}

/* Case CR is the one that made the server report (a sanitizer report of
 * kind SIG, the server's output TEXT): a crash, WHAT saying when. */
static void pin_report(struct case_result *cr, const char *what, const char *sig,
		       const char *text)
{
	size_t n = strlen(what) + strlen(sig) + strlen(text) + 8;
	char *msg = malloc(n);
	if (msg)
		snprintf(msg, n, "%s (%s):\n%s", what, sig, text);
	free(cr->message);
	cr->message = msg ? msg : strdup(what);
	cr->verdict = V_CRASH;
	free(cr->server_tail);
	cr->server_tail = strdup(text);
}

/* A sanitizer report the server printed while case i ran, and lived on
 * (UBSan, or ASan with halt_on_error=0): the server's output lines since
 * `from`.  Cases that ran at once all see it: each is re-run alone, and the
 * one that prints it again gets the crash.  If none does, the run fails
 * with it (it needs their interplay).  Returns whether it was handled. */
static bool living_report(struct run *rn, size_t i, unsigned long from, bool rerun)
{
	if (!rn->sp || rn->vg)
		return false;
	unsigned long fresh = spawn_output_lines(rn->sp) - from;
	if (fresh == 0)
		return false;
	char tail[SPAWN_TAIL_MAX], sig[96];
	spawn_tail(rn->sp, fresh < SPAWN_TAIL_LINES ? (unsigned)fresh : SPAWN_TAIL_LINES, tail,
		   sizeof tail);
	bool found = fz_sanitizer_report(tail, sig, sizeof sig);
	struct case_result *cr = &rn->res.cases[i];
	if (!rerun) {
		if (found) {
			rn->overlapped[i] = true; /* decided by a serial rerun */
			pthread_mutex_lock(&rn->mu);
			rn->report_seen = true;
			pthread_mutex_unlock(&rn->mu);
		}
		return found;
	}
	if (!found)
		return false;
	pin_report(cr, "the server printed a sanitizer report during this case, alone on the "
		   "server, and lived on", sig, tail);
	rn->report_pinned = true; /* reruns are serial */
	return true;
}

static void run_one(struct run *rn, size_t i, bool rerun)
{
	struct case_result *cr = &rn->res.cases[i];
	char why[1024] = "";
	struct sup_ticket t;
	leakpin_begin(rn->lp, i);
	if (!sup_case_begin(&rn->sup, &t)) {
		not_run(rn, i, "not run: the server died and could not be restarted");
		atomic_fetch_add(&rn->no_server, 1);
		leakpin_end(rn->lp, i, cr);
		return;
	}
	rn->started[i] = true;
	unsigned long out0 = rn->sp ? spawn_output_lines(rn->sp) : 0;
	runner_run_case(&rn->env, rn->sel[i], cr);
	keep_server_tail(rn, cr);
	bool died = sup_case_end(&rn->sup, &t, cr->verdict, why, sizeof why);
	/* New leaks while others ran too: decided by a serial rerun. */
	bool leak_shared = leakpin_end(rn->lp, i, cr);
	if (!died) {
		if (leak_shared && !rerun)
			rn->overlapped[i] = true;
		living_report(rn, i, out0, rerun);
		return;
	}
	if (!rerun && !sup_failed(&rn->sup)) {
		rn->overlapped[i] = true; /* decided by a serial rerun */
		return;
	}
	/* Alone on the server, it died again: this case kills it.  Or there is
	 * no server left to re-run it on: it saw the death, it says so. */
	free(cr->message);
	size_t n = strlen(why) + 128;
	cr->message = malloc(n);
	if (cr->message)
		snprintf(cr->message, n, "the server died during this case: %s",
			 why[0] ? why : "(its death was seen by the liveness probe)");
	cr->verdict = V_CRASH;
}

/* Under rn->mu: waits until case i may start, and counts it in flight. */
static void take_slot(struct run *rn, size_t i)
{
	if (rn->sel[i]->exclusive) {
		rn->excl_waiting++;
		while (rn->inflight > 0 || rn->excl_running)
			pthread_cond_wait(&rn->slot_cv, &rn->mu);
		rn->excl_waiting--;
		rn->excl_running = true;
	} else {
		while (rn->excl_running || rn->excl_waiting > 0)
			pthread_cond_wait(&rn->slot_cv, &rn->mu);
	}
	rn->inflight++;
}

static void free_slot(struct run *rn, size_t i)
{
	rn->inflight--;
	if (rn->sel[i]->exclusive)
		rn->excl_running = false;
	pthread_cond_broadcast(&rn->slot_cv);
}

/* Whether one case's result fails the run: a regression against the
 * baseline when there is one, otherwise a crash, an error or a failed MUST
 * (SHOULD too with --strict). */
static bool fails_run(const struct cli *o, const struct baseline *bl, const struct case_result *cr)
{
	if (bl)
		return baseline_regressed(bl, cr);
	bool counts = cr->c->level == LEVEL_MUST || (o->strict && cr->c->level == LEVEL_SHOULD);
	return cr->verdict == V_CRASH || cr->verdict == V_ERROR || (cr->verdict == V_FAIL && counts);
}

static void *worker(void *arg)
{
	struct run *rn = arg;
	for (;;) {
		pthread_mutex_lock(&rn->mu);
		size_t k = rn->next++;
		size_t i = k < rn->nsel ? rn->order[k] : rn->nsel;
		if (i < rn->nsel)
			take_slot(rn, i);
		pthread_mutex_unlock(&rn->mu);
		if (i >= rn->nsel)
			return NULL;
		long dl = atomic_load(&rn->env.deadline_ms);
		if (dl && now_ms() >= dl) {
			not_run(rn, i, dl == 1 ? "not run: interrupted"
					       : "not run: the --deadline was reached");
			rn->res.deadline_hit = true;
		} else if (atomic_load(&rn->stop)) {
			not_run(rn, i, "not run: --fail-fast stopped the run at an earlier failure");
		} else {
			run_one(rn, i, false);
			/* cases already in flight finish: only new ones are not started */
			if (rn->o->fail_fast && fails_run(rn->o, rn->bl, &rn->res.cases[i])) {
				atomic_store(&rn->stop, true);
			}
		}
		pthread_mutex_lock(&rn->mu);
		free_slot(rn, i);
		rn->done[i] = true;
		pthread_cond_signal(&rn->cv);
		pthread_mutex_unlock(&rn->mu);
	}
}

/* Case i's line on the terminal; a second one for the same case (its
 * verdict changed after a re-run alone, or by the server's report at exit)
 * says that it replaces the first, so every case has one final verdict. */
static void print_case(struct run *rn, size_t i)
{
	report_term_case(stdout, &rn->res.cases[i], rn->o->color, rn->o->verbose);
	if (rn->printed[i])
		printf("      (%s's final verdict: it replaces the line printed for it above)\n",
		       rn->sel[i]->id);
	rn->printed[i] = true;
	fflush(stdout);
}

/* Prints finished cases in file order while workers run. */
static void print_in_order(struct run *rn)
{
	size_t printed = 0;
	pthread_mutex_lock(&rn->mu);
	while (printed < rn->nsel) {
		while (!rn->done[printed]) {
			if (rn->tty) {
				size_t ndone = 0;
				for (size_t k = 0; k < rn->nsel; k++)
					ndone += rn->done[k];
				report_progress(stderr, ndone, rn->nsel, rn->sel[printed]->id);
			}
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&rn->cv, &rn->mu, &ts);
		}
		pthread_mutex_unlock(&rn->mu);
		if (rn->tty)
			report_progress_clear(stderr);
		if (!rn->overlapped[printed] && !rn->hold_line)
			print_case(rn, printed);
		printed++;
		pthread_mutex_lock(&rn->mu);
	}
	pthread_mutex_unlock(&rn->mu);
}

static void run_all(struct run *rn)
{
	int jobs = rn->o->jobs < (int)rn->nsel ? rn->o->jobs : (int)rn->nsel;
	pthread_t th[256];
	int started = 0;
	for (int t = 0; t < jobs; t++)
		if (pthread_create(&th[t], NULL, worker, rn) == 0)
			started++;
	if (started == 0)
		worker(rn); /* no threads to be had: run in this one */
	else
		print_in_order(rn);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	/* Cases a server death overlapped: rerun each alone to find the one
	 * that kills it (the others get their own verdict back). */
	for (size_t i = 0; i < rn->nsel; i++) {
		if (!rn->overlapped[i] && !leakpin_take_suspect(rn->lp, i))
			continue; /* (a leak suspect may have been printed: it is again) */
		rn->overlapped[i] = false;
		free(rn->res.cases[i].message);
		free(rn->res.cases[i].server_tail);
		rn->res.cases[i].server_tail = NULL;
		leakpin_free_case(&rn->res.cases[i]);
		transcript_free(&rn->res.cases[i].tr);
		run_one(rn, i, true);
		if (!rn->hold_line)
			print_case(rn, i);
	}
	if (rn->report_seen && !rn->report_pinned)
		add_server_report(rn, "sanitizer", "during cases that ran at once the server printed a "
				  "sanitizer report and lived on; none of them printed it again when "
				  "re-run alone (it needs their interplay, or it is rare)");
	leakpin_finish(rn->lp, rn->res.cases);
	if (leakpin_error(rn->lp))
		fprintf(stderr, "ircspec: warning: leaks could not be pinned on cases: %s\n",
			leakpin_error(rn->lp));
}

static void list_cases(const struct casefile *const *sel, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct casefile *c = sel[i];
		printf("%-40s %-6s %-22s %s\n", c->id, level_name(c->level), c->specs[0], c->title);
	}
	printf("%zu cases\n", n);
}

static int exit_code(const struct run *rn, const struct baseline *bl)
{
	bool server_failed = rn->res.vg_failed || rn->res.exit_report;
	if (bl)
		return baseline_compare(bl, &rn->res, stdout) > 0 || server_failed ? 1 : 0;
	int code = server_failed ? 1 : 0;
	for (size_t i = 0; i < rn->res.ncases; i++)
		if (fails_run(rn->o, NULL, &rn->res.cases[i]))
			code = 1;
	return code;
}

static int write_reports(struct run *rn)
{
	char err[512];
	int rc = 0;
	if (rn->o->json && report_json(&rn->res, rn->o->json, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec: --json: %s\n", err);
		rc = -1;
	}
	if (rn->o->junit && report_junit(&rn->res, rn->o->junit, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec: --junit: %s\n", err);
		rc = -1;
	}
	if (rn->o->html && report_html(&rn->res, rn->o->html, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec: --html: %s\n", err);
		rc = -1;
	}
	return rc;
}

/* Starts the server if asked, then checks it serves at all. */
static int prepare_target(struct run *rn, char *err, size_t errsz)
{
	struct cli *o = rn->o;
	if (target_spawn(&o->t, &rn->env, &rn->sp, &rn->vg, err, errsz) != 0)
		return -1;
	g_running = 1; /* the pre-flight honours --deadline by itself */
	sup_init(&rn->sup, rn->sp, &rn->env, o->t.valgrind);
	rn->res.host = rn->env.host;
	rn->res.port = rn->env.port;
	rn->res.spawn_cmd = o->t.spawn;
	int pre = probe_preflight(&rn->env, err, errsz);
	if (pre == -2)
		return -1;
	if (pre != 0) {
		/* It answers, but not as a registered client should: every case
		 * will say how.  That is a report, not an unusable target. */
		fprintf(stderr, "ircspec: warning: pre-flight registration failed: %s\n", err);
	}
	/* After the pre-flight: the server is in its loop, its start-up leaks
	 * are behind it and are not put on the first case. */
	if (rn->vg && !(rn->lp = leakpin_new(rn->vg, rn->sp, &rn->env, rn->nsel))) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(rn->res.server_name, sizeof rn->res.server_name, "%s", rn->env.ti.server);
	snprintf(rn->res.server_version, sizeof rn->res.server_version, "%s", rn->env.ti.version);
	return 0;
}

/* Without Valgrind, a report the server prints only at exit (LeakSanitizer)
 * is read at a graceful stop.  When one case alone ran (a reproducer
 * replayed: `ircspec --spawn CMD that.case`) the report is that case's
 * crash, printed again; otherwise the run fails with it, since cases ran
 * at once on one server and nothing says which leaked. */
static void check_exit_report(struct run *rn)
{
	struct exit_report *r = malloc(sizeof *r);
	if (!r)
		return;
	exit_report_stop(rn->sp, r);
	size_t one = rn->nsel, nstarted = 0;
	for (size_t i = 0; i < rn->nsel; i++) {
		if (rn->started[i] && rn->res.cases[i].verdict != V_SKIP) {
			nstarted++;
			one = i;
		}
	}
	if (r->found && nstarted == 1) {
		struct case_result *cr = &rn->res.cases[one];
		pin_report(cr, "the server's report at exit, after this case, the only one run",
			   r->sig, r->text);
		if (!rn->hold_line) /* others were skipped: its line is out */
			print_case(rn, one);
	} else if (r->found) {
		add_server_report(rn, r->sig, r->text);
	}
	free(r);
}

/* Stops the server; under --valgrind its findings go into the result and
 * the XML is removed.  Returns 0, or -1 with what to report in err. */
static int stop_server(struct run *rn, char *err, size_t errsz)
{
	long *pids = NULL;
	size_t npids = 0;
	int rc = spawn_stop(rn->sp, &pids, &npids, err, errsz);
	rn->sp = NULL;
	if (rn->vg && valgrind_collect(rn->vg, pids, npids, &rn->res, err, errsz) < 0)
		rc = -1;
	valgrind_close(rn->vg);
	rn->vg = NULL;
	leakpin_free(rn->lp);
	rn->lp = NULL;
	free(pids);
	return rc;
}

static void make_token(char token[4])
{
	/* Three base-36 chars from pid and time: concurrent runs against one
	 * server (two CI jobs) do not collide on nicks or channels. */
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned long v = (unsigned long)getpid() * 2654435761u ^ (unsigned long)time(NULL);
	token[0] = digits[v % 26]; /* a letter: nicks must not start with a digit */
	token[1] = digits[(v / 26) % 36];
	token[2] = digits[(v / 936) % 36];
	token[3] = '\0';
}

static int select_cases(struct run *rn, const struct caselist *all)
{
	char err[512];
	struct select_expr *e = NULL;
	if (rn->o->select && !(e = select_compile(rn->o->select, err, sizeof err))) {
		fprintf(stderr, "ircspec: %s\n", err);
		return -1;
	}
	rn->sel = calloc(all->n ? all->n : 1, sizeof *rn->sel);
	if (!rn->sel) {
		select_free(e);
		return -1;
	}
	for (size_t i = 0; i < all->n; i++)
		if (select_match(e, all->v[i]))
			rn->sel[rn->nsel++] = all->v[i];
	select_free(e);
	return 0;
}

/* Cases that pause for long (an idle time to pass, a window to stay
 * quiet) start first, so they overlap the many short ones instead of
 * running alone at the end: the run takes about its longest case, not that
 * plus the rest.  Results still print in file order. */
static int order_by_pause(struct run *rn)
{
	rn->order = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->order);
	unsigned long *ms = calloc(rn->nsel ? rn->nsel : 1, sizeof *ms);
	if (!rn->order || !ms) {
		free(ms);
		return -1;
	}
	for (size_t i = 0; i < rn->nsel; i++) {
		ms[i] = case_pause_ms(rn->sel[i]);
		/* insertion sort: stable, so equal cases keep file order */
		size_t j = i;
		for (; j > 0 && ms[rn->order[j - 1]] < ms[i]; j--)
			rn->order[j] = rn->order[j - 1];
		rn->order[j] = i;
	}
	free(ms);
	return 0;
}

static int run_selected(struct run *rn, const struct baseline *bl)
{
	char err[1024];
	if (order_by_pause(rn) != 0)
		return 2;
	rn->res.cases = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->res.cases);
	rn->done = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->done);
	rn->overlapped = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->overlapped);
	rn->started = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->started);
	rn->printed = calloc(rn->nsel ? rn->nsel : 1, sizeof *rn->printed);
	if (!rn->res.cases || !rn->done || !rn->overlapped || !rn->started || !rn->printed)
		return 2;
	rn->res.ncases = rn->nsel;
	rn->res.started_unix = (long)time(NULL);
	long t0 = now_ms();
	if (prepare_target(rn, err, sizeof err) != 0) {
		if (rn->o->t.spawn && !rn->sp)
			fprintf(stderr, "ircspec: the server did not start (--spawn '%s'): %s\n",
				rn->o->t.spawn, err);
		else
			fprintf(stderr, "ircspec: target %s:%u unusable: %s\n", rn->env.host,
				rn->env.port, err);
		if (rn->sp)
			stop_server(rn, err, sizeof err);
		valgrind_close(rn->vg); /* when the server never started */
		rn->vg = NULL;
		return 2;
	}
	rn->bl = bl;
	rn->hold_line = rn->sp && !rn->vg && rn->nsel == 1;
	run_all(rn);
	rn->res.stopped_early = atomic_load(&rn->stop);
	bool restart_failed = sup_failed(&rn->sup);
	if (restart_failed) {
		size_t skipped = atomic_load(&rn->no_server);
		fprintf(stderr, "ircspec: the server died and could not be restarted (--spawn '%s'): "
			"%s\nircspec: run stopped: %zu case%s not run\n", rn->o->t.spawn,
			rn->sup.failure, skipped, skipped == 1 ? "" : "s");
	}
	long dl = atomic_load(&rn->env.deadline_ms);
	if (dl && now_ms() >= dl)
		rn->res.deadline_hit = true;
	if (rn->sp && !rn->vg && !restart_failed)
		check_exit_report(rn);
	if (rn->hold_line)
		print_case(rn, 0);
	if (rn->sp && stop_server(rn, err, sizeof err) != 0)
		fprintf(stderr, "ircspec: %s\n", err);
	sup_destroy(&rn->sup);
	rn->res.duration_ms = now_ms() - t0;
	report_term_summary(stdout, &rn->res, rn->o->color, rn->o->verbose);
	int wrc = write_reports(rn);
	int code = exit_code(rn, bl);
	if (restart_failed)
		return 2; /* like a server that does not start: no verdict on the rest */
	return wrc != 0 && code == 0 ? 2 : code;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "matrix") == 0)
		return matrix_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "fuzz") == 0)
		return fuzz_main(argc - 1, argv + 1);
	static struct cli o;
	int rc = cli_parse(argc, argv, &o);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	char err[1024];
	struct caselist all = {0};
	if (discover(o.paths, (size_t)o.npaths, &all, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		caselist_free(&all);
		return 2;
	}
	static struct run rn;
	rn.o = &o;
	rn.tty = isatty(STDERR_FILENO);
	pthread_mutex_init(&rn.mu, NULL);
	pthread_cond_init(&rn.cv, NULL);
	pthread_cond_init(&rn.slot_cv, NULL);
	target_env(&o.t, &rn.env);
	atomic_init(&rn.env.deadline_ms, o.deadline_s ? now_ms() + o.deadline_s * 1000 : 0);
	atomic_init(&rn.env.counter, 0);
	atomic_init(&rn.env.transcripts_kept, 0);
	make_token(rn.env.token);

	struct baseline bl = {0};
	bool have_bl = false;
	if (select_cases(&rn, &all) != 0) {
		rc = 2;
	} else if (o.check) {
		printf("%zu case files OK (%zu selected)\n", all.n, rn.nsel);
	} else if (o.coverage) {
		coverage_write(stdout, rn.sel, rn.nsel);
	} else if (o.list) {
		list_cases(rn.sel, rn.nsel);
	} else if (o.baseline && baseline_load(o.baseline, &bl, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec: --baseline: %s\n", err);
		rc = 2;
	} else {
		have_bl = o.baseline != NULL;
		g_env = &rn.env;
		struct sigaction sa = {0};
		sa.sa_handler = on_interrupt;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGALRM, &sa, NULL);
		if (o.deadline_s)
			alarm((unsigned)o.deadline_s);
		signal(SIGPIPE, SIG_IGN);
		rc = run_selected(&rn, have_bl ? &bl : NULL);
	}
	if (have_bl)
		baseline_free(&bl);
	for (size_t i = 0; i < rn.res.ncases; i++) {
		free(rn.res.cases[i].message);
		free(rn.res.cases[i].server_tail);
		leakpin_free_case(&rn.res.cases[i]);
		transcript_free(&rn.res.cases[i].tr);
	}
	vgxml_free_findings(rn.res.vg, rn.res.nvg);
	free(rn.res.cases);
	free(rn.done);
	free(rn.overlapped);
	free(rn.started);
	free(rn.order);
	free(rn.printed);
	free(rn.res.exit_report);
	free(rn.sel);
	caselist_free(&all);
	return rc;
}
