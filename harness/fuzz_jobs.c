/* fuzz_jobs.c - `ircspec fuzz -j N` (fuzz_jobs.h).  Workers share
 * nothing at run time: a session is a few round trips to one server, so
 * N sessions in flight need N servers, not N threads on one; and a
 * worker whose server hangs cannot stall another.  What they share is
 * decided up front, so a run replays: worker i uses seed S+i and the seed
 * cases i, i+N, i+2N, ... (each case seeds exactly one worker). */
#include "fuzz_jobs.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fuzz_out.h"

#define FZ_JOBS_MAX 64
/* Past --seconds, what a worker may still need: confirming and
 * minimising stop at the deadline, stopping the server takes seconds. */
#define FZ_JOBS_GRACE_S 120

/* The workers, for the signal handlers alone (as g_env in fuzz_main.c). */
static volatile pid_t g_workers[FZ_JOBS_MAX];
static volatile sig_atomic_t g_nworkers;

static void pass_on(int sig)
{
	for (int i = 0; i < g_nworkers; i++)
		if (g_workers[i] > 0)
			kill(g_workers[i], sig);
}

/* SIGTERM ends a worker's waits at once, and a second one that arrives
 * on its own makes it kill its server and exit (fuzz_main.c's on_signal),
 * so an overdue worker leaves no server behind. */
static void overdue(int sig)
{
	(void)sig;
	pass_on(SIGTERM);
	pass_on(SIGTERM);
}

static void worker_dir(const char *out, int i, char *dir, size_t dirsz)
{
	snprintf(dir, dirsz, "%s/w%d", out, i);
}

static void add_int(json_t *all, json_t *w, const char *key, bool max)
{
	json_int_t a = json_integer_value(json_object_get(all, key));
	json_int_t b = json_integer_value(json_object_get(w, key));
	json_object_set_new(all, key, json_integer(max ? (a > b ? a : b) : a + b));
}

/* Adds worker i's summary to the merged one: counts summed, states and
 * edges the largest (each worker has its own maps), findings named by
 * their path under --out. */
static void merge_one(json_t *all, const char *out, int i, int rc)
{
	char dir[1100], path[1200];
	worker_dir(out, i, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	json_t *row = json_object();
	json_object_set_new(row, "out", json_string(dir));
	json_object_set_new(row, "exit", json_integer(rc));
	json_array_append_new(json_object_get(all, "workers"), row);
	json_t *w = json_load_file(path, 0, NULL);
	if (!w)
		return;
	static const char *const sums[] = {"inputs", "invalid_inputs", "seeds", "corpus",
					   "server_restarts"};
	for (size_t k = 0; k < sizeof sums / sizeof sums[0]; k++)
		add_int(all, w, sums[k], false);
	add_int(all, w, "states", true);
	add_int(all, w, "edges", true);
	json_object_set(row, "seed", json_object_get(w, "seed"));
	json_object_set(row, "inputs", json_object_get(w, "inputs"));
	json_object_set(row, "inputs_per_second", json_object_get(w, "inputs_per_second"));
	if (json_is_true(json_object_get(w, "interrupted")))
		json_object_set_new(all, "interrupted", json_true());
	if (json_is_true(json_object_get(w, "deadline_hit")))
		json_object_set_new(all, "deadline_hit", json_true());
	size_t j;
	json_t *f;
	json_array_foreach(json_object_get(w, "findings"), j, f) {
		json_t *c = json_deep_copy(f);
		char name[1300];
		snprintf(name, sizeof name, "w%d/%s", i, json_string_value(json_object_get(f, "name")));
		json_object_set_new(c, "name", json_string(name));
		json_object_set_new(c, "worker", json_integer(i));
		json_array_append_new(json_object_get(all, "findings"), c);
	}
	json_decref(w);
}

static int merge(const struct fz_cli *o, const int *rc, double seconds)
{
	json_t *all = json_object();
	if (!all)
		return -1;
	json_object_set_new(all, "target", json_string(o->t.spawn ? o->t.spawn : o->t.host));
	json_object_set_new(all, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(all, "jobs", json_integer(o->jobs));
	json_object_set_new(all, "feedback", json_string(o->afl ? "edges+states" : "states"));
	json_object_set_new(all, "workers", json_array());
	json_object_set_new(all, "findings", json_array());
	json_object_set_new(all, "interrupted", json_false());
	json_object_set_new(all, "deadline_hit", json_false());
	for (int i = 0; i < o->jobs; i++)
		merge_one(all, o->out, i, rc[i]);
	json_object_set_new(all, "seconds", json_real(seconds));
	json_int_t inputs = json_integer_value(json_object_get(all, "inputs"));
	json_object_set_new(all, "inputs_per_second",
			    json_real(seconds > 0 ? (double)inputs / seconds : 0.0));
	char path[1100];
	snprintf(path, sizeof path, "%s/summary.json", o->out);
	int r = json_dump_file(all, path, JSON_INDENT(2));
	json_dumpf(all, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(all);
	return r;
}

int fz_jobs_run(struct fz_cli *o, fz_worker_fn *one)
{
	char err[1024];
	int n = o->jobs < FZ_JOBS_MAX ? o->jobs : FZ_JOBS_MAX;
	if (fz_out_mkdir(o->out, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec fuzz: %s\n", err);
		return 2;
	}
	struct sigaction sa = {0};
	sa.sa_handler = pass_on;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	long t0 = now_ms();
	fflush(NULL);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char dir[1100];
			worker_dir(o->out, i, dir, sizeof dir);
			o->out = dir;
			o->seed += (unsigned long long)i;
			o->worker = i;
			o->nworkers = n;
			o->jobs = 1;
			fflush(NULL);
			_exit(one(o));
		}
		g_workers[i] = pid;
		g_nworkers = i + 1;
		if (pid < 0)
			fprintf(stderr, "ircspec fuzz: worker %d: fork failed\n", i);
	}
	if (o->seconds) { /* workers end by their deadline; never wait for ever */
		sa.sa_handler = overdue;
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned)(o->seconds + FZ_JOBS_GRACE_S));
	}
	int rc[FZ_JOBS_MAX];
	int found = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		int st = 0;
		rc[i] = 2;
		pid_t got = -1;
		while (g_workers[i] > 0 && (got = waitpid(g_workers[i], &st, 0)) < 0 && errno == EINTR)
			; /* a signal was passed on: wait again */
		if (got > 0 && WIFEXITED(st))
			rc[i] = WEXITSTATUS(st);
		found += rc[i] == 1;
		failed += rc[i] == 2;
	}
	alarm(0);
	g_nworkers = 0;
	if (merge(o, rc, (double)(now_ms() - t0) / 1000.0) != 0)
		fprintf(stderr, "ircspec fuzz: cannot write %s/summary.json\n", o->out);
	return found ? 1 : failed == n ? 2 : 0;
}
