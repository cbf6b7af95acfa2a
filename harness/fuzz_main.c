/* fuzz_main.c - `ircspec fuzz`: seeds from the cases, the mutate-run-judge
 * loop with black-box (response states) and grey-box (AFL++ edges)
 * feedback, findings confirmed, minimised and written, a graceful server
 * restart every --restart-every inputs for reports at exit (leaks), a live
 * progress line and the JSON summary.  Bounded by --runs and --seconds; SIGINT or
 * SIGTERM ends it the same way (findings so far written, server stopped). */
#include "fuzz_main.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "discover.h"
#include "fuzz.h"
#include "fuzz_cli.h"
#include "fuzz_leak.h"
#include "fuzz_exec.h"
#include "fuzz_jobs.h"
#include "fuzz_min.h"
#include "fuzz_mutate.h"
#include "fuzz_out.h"
#include "fuzz_shm.h"
#include "probe.h"
#include "valgrind.h"
#include "vgxml.h"

#define FZ_CORPUS_MAX 4096
#define FZ_FINDINGS_MAX 32
#define FZ_CONFIRM_TRIES 3
#define FZ_MIN_TRIES 400
#define FZ_MIN_TRIES_HANG 24   /* each costs timeouts */
#define FZ_MIN_MS 60000
#define FZ_LATE_STOP_MS 2000 /* the stop's wait for the exit, past the deadline */

struct fuzzer {
	struct fz_cli *o;
	struct run_env env;
	struct supervisor sup;
	struct spawn *sp;
	struct valgrind *vg;
	struct fz_shm *shm;
	struct fz_target t;
	struct fz_rng rng;
	struct fz_input *corpus;
	unsigned ncorpus;
	uint8_t *virgin_states, *virgin_edges, *trace;
	struct fz_finding find[FZ_FINDINGS_MAX];
	unsigned nfind;
	struct fz_stats st;
	FILE *log;
	struct fz_input *window; /* inputs since the last graceful restart */
	unsigned nwin;
	long t0, last_progress;
	bool tty;
	unsigned long vg_findings;
};

/* The signal handler's only view of the run (as in main.c). */
static struct run_env *volatile g_env;
static volatile sig_atomic_t g_interrupts;

static void on_signal(int sig)
{
	(void)sig;
	if (++g_interrupts > 1) {
		spawn_kill_all_now();
		_exit(130);
	}
	if (g_env)
		atomic_store(&g_env->deadline_ms, 1); /* every wait ends now */
}

/* Time is left (--runs aside): the deadline has not passed, a server is there. */
static bool time_left(const struct fuzzer *f)
{
	long dl = atomic_load(&f->env.deadline_ms);
	return !(dl && now_ms() >= dl) && !f->t.gone && !g_interrupts;
}

/* A finding counts unless its replays ran and failed to show it. */
static unsigned real_findings(const struct fuzzer *f)
{
	unsigned real = 0;
	for (unsigned i = 0; i < f->nfind; i++)
		real += f->find[i].confirmed >= 2 || f->find[i].confirm_tries < FZ_CONFIRM_TRIES;
	return real;
}

static bool over(const struct fuzzer *f)
{
	long dl = atomic_load(&f->env.deadline_ms);
	return (dl && now_ms() >= dl) || f->t.gone ||
	       (f->o->runs && f->st.inputs >= f->o->runs) ||
	       (f->o->stop_on_finding && real_findings(f) > 0);
}

static void progress(struct fuzzer *f, bool last)
{
	long now = now_ms();
	if (!last && now - f->last_progress < (f->tty ? 500 : 5000))
		return;
	f->last_progress = now;
	double s = (double)(now - f->t0) / 1000.0;
	char who[16] = "";
	if (f->o->nworkers > 1)
		snprintf(who, sizeof who, "[w%d]", f->o->worker);
	fprintf(stderr, "%sfuzz%s: %lu inputs, %.0f/s, corpus %u, states %u, edges %lu, "
		"findings %u, restarts %u%s", f->tty ? "\r\033[K" : "", who, f->st.inputs,
		s > 0 ? (double)f->st.inputs / s : 0.0, f->ncorpus, f->st.states, f->st.edges,
		f->nfind, f->t.restarts, f->tty && !last ? "" : "\n");
	fflush(stderr);
}

static unsigned count_bits(const uint8_t *m, size_t n)
{
	unsigned c = 0;
	for (size_t i = 0; i < n; i++)
		c += m[i] != 0;
	return c;
}

/* Runs in; novel: new response states or edges. */
static int run_input(struct fuzzer *f, const struct fz_input *in, struct fz_verdict *v,
		     unsigned *novel)
{
	struct fz_result r = {.state = f->trace};
	char err[512];
	memset(f->trace, 0, FZ_STATE_MAP);
	if (fz_exec(&f->t, in, &r, err, sizeof err) != 0) {
		memset(v, 0, sizeof *v);
		return -1;
	}
	*v = r.v;
	if (novel && fz_input_racy(in)) {
		*novel = 0; /* its replies depend on timing: run, never kept */
	} else if (novel) {
		*novel = fz_map_novel(f->virgin_states, f->trace, FZ_STATE_MAP);
		if (f->shm)
			*novel += fz_map_novel(f->virgin_edges, fz_shm_map(f->shm), fz_shm_size(f->shm));
	}
	return 0;
}

static int try_input(void *arg, const struct fz_input *in, struct fz_verdict *v)
{
	struct fuzzer *f = arg;
	if (f->t.gone || g_interrupts)
		return -1;
	return run_input(f, in, v, NULL);
}

static bool seen(const struct fuzzer *f, const struct fz_verdict *v)
{
	for (unsigned i = 0; i < f->nfind; i++)
		if (f->find[i].v.fault == v->fault && strcmp(f->find[i].v.sig, v->sig) == 0)
			return true;
	return false;
}

static void write_finding(struct fuzzer *f, const struct fz_finding *fd,
			  const struct fz_input *in, const struct fz_input *raw)
{
	char err[512];
	if (fz_out_finding(f->o->out, fd, in, raw, f->o->t.have_oper, err, sizeof err) != 0)
		fprintf(stderr, "ircspec fuzz: %s\n", err);
}

static void on_finding(struct fuzzer *f, const struct fz_input *in, const struct fz_verdict *v,
		       fz_try_fn *try_fn)
{
	if (f->nfind == FZ_FINDINGS_MAX || seen(f, v))
		return;
	struct fz_finding *fd = &f->find[f->nfind++];
	memset(fd, 0, sizeof *fd);
	fd->v = *v;
	unsigned same_kind = 0;
	for (unsigned i = 0; i + 1 < f->nfind; i++)
		same_kind += f->find[i].v.fault == v->fault;
	snprintf(fd->name, sizeof fd->name, "%s-%u", fz_fault_name(v->fault), same_kind + 1);
	fd->at_input = f->st.inputs;
	fd->at_seconds = (double)(now_ms() - f->t0) / 1000.0;
	fd->steps_before = fd->steps_after = in->nsteps;
	if (f->tty)
		fputc('\n', stderr);
	fprintf(stderr, "ircspec fuzz: found %s (%s) at input %lu: %s/%s.case\n",
		fz_fault_name(v->fault), v->sig, f->st.inputs, f->o->out, fd->name);
	write_finding(f, fd, in, in); /* at once: an interruption loses nothing */
	if (g_interrupts)
		return;
	fd->confirmed = fz_confirm(try_fn, f, in, v, FZ_CONFIRM_TRIES, &fd->confirm_tries);
	struct fz_input min;
	if (fd->confirmed >= 2 && !f->o->no_minimise && fz_input_copy(&min, in) == 0) {
		long dl = atomic_load(&f->env.deadline_ms);
		long until = now_ms() + FZ_MIN_MS;
		struct fz_min_limits lim = {v->fault == FZ_HANG ? FZ_MIN_TRIES_HANG : FZ_MIN_TRIES,
					    dl && dl < until ? dl : until};
		fd->min_runs = fz_minimise(try_fn, f, &min, v, &lim);
		fd->steps_after = min.nsteps;
		write_finding(f, fd, &min, in);
		fz_input_free(&min);
	} else {
		write_finding(f, fd, in, in);
	}
	fprintf(stderr, "ircspec fuzz: %s replayed %u of %u times, %u steps -> %u (%u runs)\n",
		fd->name, fd->confirmed, fd->confirm_tries, fd->steps_before, fd->steps_after,
		fd->min_runs);
}

static void add_corpus(struct fuzzer *f, const struct fz_input *in)
{
	if (f->ncorpus == FZ_CORPUS_MAX)
		return;
	if (fz_input_copy(&f->corpus[f->ncorpus], in) == 0)
		f->ncorpus++;
}

static void log_input(struct fuzzer *f, const struct fz_input *in)
{
	if (!f->log)
		return;
	struct fz_text_opts o = {.oper = f->o->t.have_oper, .id = "fuzz-input", .tags = "fuzz"};
	char *text = malloc(FZ_CASE_MAX + 1);
	long n = text ? fz_to_case(in, &o, text, FZ_CASE_MAX + 1) : -1;
	fprintf(f->log, "%lu %016llx\n", f->st.inputs,
		n < 0 ? 0ULL : (unsigned long long)fz_hash(text, (size_t)n, FZ_HASH_INIT));
	free(text);
}

/* A leak shows at exit: an input counts when, run alone on a fresh
 * server, the server reports it when stopped. */
static int try_leak(void *arg, const struct fz_input *in, struct fz_verdict *v)
{
	struct fuzzer *f = arg;
	struct fz_verdict rv;
	char err[512];
	if (f->t.gone || g_interrupts || run_input(f, in, &rv, NULL) != 0)
		return -1;
	f->t.restarts++;
	int rc = fz_server_cycle(f->sp, v, NULL, err, sizeof err);
	if (rc < 0) {
		f->t.gone = true;
		snprintf(f->t.gone_why, sizeof f->t.gone_why, "%s", err);
		return -1;
	}
	return 0;
}

/* Whether window[from, to) run on a fresh server leaves the report want. */
static bool window_leaks(struct fuzzer *f, unsigned from, unsigned to,
			 const struct fz_verdict *want)
{
	struct fz_verdict v, rv;
	char err[512];
	for (unsigned i = from; i < to && !f->t.gone && !g_interrupts; i++)
		run_input(f, &f->window[i], &rv, NULL);
	f->t.restarts++;
	int rc = fz_server_cycle(f->sp, &v, NULL, err, sizeof err);
	if (rc < 0) {
		f->t.gone = true;
		snprintf(f->t.gone_why, sizeof f->t.gone_why, "%s", err);
	}
	return rc == 1 && strcmp(v.sig, want->sig) == 0;
}

static void drop_window(struct fuzzer *f)
{
	for (unsigned i = 0; i < f->nwin; i++)
		fz_input_free(&f->window[i]);
	f->nwin = 0;
}

/* Every --restart-every inputs the server exits gracefully: a report at
 * exit (a leak) is bisected down to one input of the window.  The last
 * one (last: the run is over) starts the server again only to bisect; a
 * server that ignores SIGTERM has no report at exit to give, so after
 * its first kill there are no more (each would cost the whole wait). */
static void cycle(struct fuzzer *f, bool last)
{
	struct fz_verdict v;
	char err[512];
	bool killed;
	int rc = fz_server_exit(f->sp, &v, &killed);
	bool bisect = rc == 1 && !seen(f, &v);
	if (!last || bisect) {
		f->t.restarts++;
		if (spawn_restart(f->sp, err, sizeof err) != 0) {
			f->t.gone = true;
			snprintf(f->t.gone_why, sizeof f->t.gone_why, "%s", err);
			bisect = false;
		}
	}
	if (bisect) {
		unsigned lo = 0, hi = f->nwin;
		while (hi - lo > 1 && time_left(f)) {
			unsigned mid = lo + (hi - lo) / 2;
			if (window_leaks(f, lo, mid, &v))
				hi = mid;
			else if (window_leaks(f, mid, hi, &v))
				lo = mid;
			else
				break; /* it takes inputs from both halves: keep the first */
		}
		if (time_left(f))
			on_finding(f, &f->window[lo], &v, try_leak);
	}
	drop_window(f);
	/* At the end spawn_stop says so; a failed restart ends the run and
	 * says why ("run stopped"). */
	if (killed && !last && !f->t.gone) {
		if (f->tty)
			fputc('\n', stderr);
		fprintf(stderr, "ircspec fuzz: the server did not exit within %d s of SIGTERM "
			"(killed, started again): no more graceful restarts, so reports at exit "
			"(leaks) go unseen\n", SPAWN_STOP_MS / 1000);
	}
	if (killed) {
		free(f->window);
		f->window = NULL;
	}
}

/* One input: run, count, keep when new, report when it fails. */
static void step(struct fuzzer *f, const struct fz_input *in, bool seed)
{
	struct fz_verdict v;
	unsigned novel = 0;
	log_input(f, in);
	f->st.inputs++;
	if (run_input(f, in, &v, &novel) != 0) {
		f->st.invalid++;
		return;
	}
	if (novel) {
		f->st.states = count_bits(f->virgin_states, FZ_STATE_MAP);
		if (f->shm)
			f->st.edges = count_bits(f->virgin_edges, fz_shm_size(f->shm));
	}
	if (seed || novel)
		add_corpus(f, in);
	long dl = atomic_load(&f->env.deadline_ms);
	if (v.fault != FZ_NONE && !(dl && now_ms() >= dl) && !f->t.gone)
		on_finding(f, in, &v, try_input);
	if (f->window && !f->t.gone && fz_input_copy(&f->window[f->nwin], in) == 0 &&
	    ++f->nwin == f->o->restart_every)
		cycle(f, false);
	progress(f, false);
}

static void load_seeds(struct fuzzer *f, const struct caselist *all)
{
	for (size_t i = 0; i < all->n && !over(f); i++) {
		struct fz_input in;
		if (i % (size_t)f->o->nworkers != (size_t)f->o->worker) /* -j: another's */
			continue;
		if (fz_from_case(all->v[i], &in) != 0)
			continue;
		f->st.seeds++;
		step(f, &in, true);
		fz_input_free(&in);
	}
	if (f->ncorpus == 0) { /* no usable case: start from generated inputs */
		struct fz_input in;
		if (fz_generate(&in, &f->rng) == 0) {
			step(f, &in, true);
			fz_input_free(&in);
		}
	}
}

static void fuzz_loop(struct fuzzer *f)
{
	unsigned turn = 0;
	while (!over(f) && f->ncorpus > 0) {
		/* Every other input, the next of the corpus in turn: each seed
		 * gets its share of mutations however big the corpus grows (two
		 * seeds' steps meet by splicing, so a seed starved of turns is a
		 * combination never tried).  Otherwise newer inputs are picked
		 * more often: they hold the latest states. */
		unsigned a = fz_below(&f->rng, f->ncorpus), b = fz_below(&f->rng, f->ncorpus);
		unsigned pick = turn % 2 ? (turn / 2) % f->ncorpus : f->ncorpus - 1 - (a < b ? a : b);
		turn++;
		const struct fz_input *parent = &f->corpus[pick];
		const struct fz_input *donor = &f->corpus[fz_below(&f->rng, f->ncorpus)];
		struct fz_input in;
		const char *what;
		if (fz_input_copy(&in, parent) != 0)
			break;
		fz_mutate(&in, donor, &f->rng, &what);
		step(f, &in, false);
		fz_input_free(&in);
	}
}

static int start_target(struct fuzzer *f, char *err, size_t errsz)
{
	struct fz_cli *o = f->o;
	if (o->afl && !(f->shm = fz_shm_open(o->afl_map, err, errsz)))
		return -1;
	if (target_spawn(&o->t, &f->env, &f->sp, &f->vg, err, errsz) != 0)
		return -1;
	sup_init(&f->sup, f->sp, &f->env, o->t.valgrind);
	if (probe_preflight(&f->env, err, errsz) != 0)
		return -1;
	/* The probe after each session takes one round trip, not two, where
	 * the server answers a PING sent with NICK/USER after the burst; one
	 * that does not (or balks at it) keeps the plain probe. */
	char why[512];
	f->env.probe_ping_early = true;
	if (!probe_liveness(&f->env, why, sizeof why))
		f->env.probe_ping_early = false;
	if (f->shm && fz_shm_count(f->shm) == 0)
		fprintf(stderr, "ircspec fuzz: warning: --afl: the server wrote no coverage "
			"(is it built with afl-clang-fast?)\n");
	return 0;
}

static void stop_target(struct fuzzer *f)
{
	char err[1024];
	if (f->sp) {
		long *pids = NULL;
		size_t npids = 0;
		if (spawn_stop(f->sp, &pids, &npids, err, sizeof err) != 0)
			fprintf(stderr, "ircspec fuzz: %s\n", err);
		f->sp = NULL;
		struct run_result res = {0};
		if (f->vg && valgrind_collect(f->vg, pids, npids, &res, err, sizeof err) < 0)
			fprintf(stderr, "ircspec fuzz: --valgrind: %s\n", err);
		f->vg_findings = res.nvg;
		for (size_t i = 0; i < res.nvg; i++)
			fprintf(stderr, "ircspec fuzz: valgrind: %s: %s\n", res.vg[i].kind, res.vg[i].what);
		vgxml_free_findings(res.vg, res.nvg);
		free(pids);
	}
	valgrind_close(f->vg);
	f->vg = NULL;
	sup_destroy(&f->sup);
}

static int fuzz_run(struct fuzzer *f, const struct caselist *all)
{
	char err[1024];
	if (fz_out_mkdir(f->o->out, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec fuzz: --out: %s\n", err);
		return 2;
	}
	if (f->o->log_inputs && !(f->log = fopen(f->o->log_inputs, "w"))) {
		fprintf(stderr, "ircspec fuzz: cannot write %s\n", f->o->log_inputs);
		return 2;
	}
	f->t0 = now_ms();
	if (start_target(f, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec fuzz: no usable server: %s\n", err);
		if (f->sp)
			stop_target(f);
		else
			valgrind_close(f->vg);
		return 2;
	}
	f->t = (struct fz_target){.env = &f->env, .sup = &f->sup, .sp = f->sp, .shm = f->shm,
				  .oper = f->o->t.have_oper, .text = malloc(FZ_CASE_MAX + 1)};
	if (f->sp)
		f->t.out_lines = spawn_output_lines(f->sp);
	if (!f->t.text)
		return 2;
	/* Graceful restarts need a server of ours, not one under Valgrind
	 * (which reports at the end of the run by itself). */
	if (f->sp && !f->o->t.valgrind && f->o->restart_every &&
	    !(f->window = calloc(f->o->restart_every, sizeof *f->window)))
		return 2;
	load_seeds(f, all);
	fuzz_loop(f);
	if (f->window && f->nwin && time_left(f))
		cycle(f, true);
	drop_window(f);
	free(f->window);
	f->window = NULL;
	progress(f, true);
	if (f->t.gone)
		fprintf(stderr, "ircspec fuzz: run stopped: %s\n", f->t.gone_why);
	long dl = atomic_load(&f->env.deadline_ms);
	f->st.interrupted = g_interrupts > 0;
	f->st.deadline_hit = dl > 1 && now_ms() >= dl;
	f->st.restarts = f->t.restarts;
	f->st.corpus = f->ncorpus;
	/* Past --seconds (or interrupted) the run must end: a server that
	 * ignores SIGTERM gets FZ_LATE_STOP_MS, not the whole wait. */
	if (f->sp && (f->st.deadline_hit || f->st.interrupted))
		spawn_cap_stop(f->sp, FZ_LATE_STOP_MS);
	stop_target(f);
	f->st.seconds = (double)(now_ms() - f->t0) / 1000.0;
	char path[1100];
	snprintf(path, sizeof path, "%s/summary.json", f->o->out);
	if (fz_out_summary(path, f->o->nworkers == 1, &f->st, f->find, f->nfind, err, sizeof err) != 0)
		fprintf(stderr, "ircspec fuzz: %s\n", err);
	free(f->t.text);
	if (f->log)
		fclose(f->log);
	return real_findings(f) > 0 || f->vg_findings > 0 ? 1 : 0;
}

static int fuzz_worker(struct fz_cli *op);

int fuzz_main(int argc, char **argv)
{
	static struct fz_cli o;
	int rc = fz_cli_parse(argc, argv, &o);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (o.jobs > 1 && !o.t.spawn) {
		fprintf(stderr, "ircspec fuzz: -j above 1 needs --spawn (a server per worker)\n");
		return 2;
	}
	return o.jobs > 1 ? fz_jobs_run(&o, fuzz_worker) : fuzz_worker(&o);
}

static int fuzz_worker(struct fz_cli *op)
{
	struct fz_cli o = *op;
	int rc;
	char err[1024];
	struct caselist all = {0};
	if (discover(o.paths, (size_t)o.npaths, &all, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		caselist_free(&all);
		return 2;
	}
	struct fuzzer *f = calloc(1, sizeof *f);
	if (f) {
		f->corpus = calloc(FZ_CORPUS_MAX, sizeof *f->corpus);
		f->virgin_states = calloc(1, FZ_STATE_MAP);
		f->trace = calloc(1, FZ_STATE_MAP);
		f->virgin_edges = calloc(1, o.afl ? o.afl_map : 1);
	}
	if (!f || !f->corpus || !f->virgin_states || !f->trace || !f->virgin_edges) {
		fprintf(stderr, "ircspec fuzz: out of memory\n");
		rc = 2;
	} else {
		f->o = &o;
		f->tty = o.nworkers == 1 && isatty(STDERR_FILENO); /* -j: a line each */
		target_env(&o.t, &f->env);
		atomic_init(&f->env.deadline_ms, o.seconds ? now_ms() + o.seconds * 1000 : 0);
		atomic_init(&f->env.counter, 0);
		atomic_init(&f->env.transcripts_kept, 0);
		unsigned long v = (unsigned long)getpid() * 2654435761u ^ (unsigned long)time(NULL);
		f->env.token[0] = (char)('a' + v % 26);
		f->env.token[1] = (char)('a' + (v / 26) % 26);
		f->env.token[2] = (char)('a' + (v / 676) % 26);
		fz_rng_seed(&f->rng, o.seed);
		f->st.seed = o.seed;
		f->st.target = o.t.spawn ? o.t.spawn : o.t.host;
		f->st.feedback = o.afl ? "edges+states" : "states";
		g_env = &f->env;
		struct sigaction sa = {0};
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		rc = fuzz_run(f, &all);
	}
	if (f) {
		for (unsigned i = 0; i < f->ncorpus; i++)
			fz_input_free(&f->corpus[i]);
		free(f->corpus);
		free(f->virgin_states);
		free(f->virgin_edges);
		free(f->trace);
		fz_shm_close(f->shm);
		free(f);
	}
	caselist_free(&all);
	return rc;
}
