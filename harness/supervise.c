/* supervise.c - server deaths and restarts during a parallel run (see
 * supervise.h). */
#include "supervise.h"

#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "probe.h"

void sup_init(struct supervisor *s, struct spawn *sp, struct run_env *env, bool valgrind)
{
	s->sp = sp;
	s->env = env;
	s->valgrind = valgrind;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->active = 0;
	s->restarting = s->dead_pending = s->failed = false;
	s->failure[0] = '\0';
}

void sup_destroy(struct supervisor *s)
{
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
}

bool sup_case_begin(struct supervisor *s, struct sup_ticket *t)
{
	pthread_mutex_lock(&s->mu);
	while (s->restarting)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->failed) {
		pthread_mutex_unlock(&s->mu);
		return false;
	}
	s->active++;
	t->gen0 = s->sp ? spawn_generation(s->sp) : 0;
	t->started_dead = s->dead_pending;
	pthread_mutex_unlock(&s->mu);
	return true;
}

bool sup_failed(struct supervisor *s)
{
	pthread_mutex_lock(&s->mu);
	bool failed = s->failed;
	pthread_mutex_unlock(&s->mu);
	return failed;
}

/* spawn_poll and the pending flag change together, so a case starting in
 * between cannot miss both. */
static bool poll_death(struct supervisor *s, struct spawn_exit *ex)
{
	pthread_mutex_lock(&s->mu);
	bool died = spawn_poll(s->sp, ex) == 1;
	if (died)
		s->dead_pending = true;
	pthread_mutex_unlock(&s->mu);
	return died;
}

static bool overlapped(struct supervisor *s, const struct sup_ticket *t)
{
	return t->started_dead || spawn_generation(s->sp) != t->gen0;
}

static bool run_over(const struct supervisor *s)
{
	long dl = atomic_load(&s->env->deadline_ms);
	return dl && now_ms() >= dl;
}

/* After a case that did not pass.  The server's sockets close a moment
 * before its process can be reaped, and a dying process may still
 * complete TCP handshakes: a client that registers and gets its PONG
 * proves it alive; otherwise the process is polled (nothing on the wire
 * can tell) until the death is seen, here or by another worker. */
static bool died_during(struct supervisor *s, const struct sup_ticket *t,
			struct spawn_exit *ex, bool *mine)
{
	if ((*mine = poll_death(s, ex)))
		return true;
	char why[256];
	if (run_over(s) || probe_liveness(s->env, why, sizeof why))
		return overlapped(s, t);
	long until = now_ms() + (s->valgrind ? 10000 : 3000);
	while (now_ms() < until && !run_over(s)) {
		if ((*mine = poll_death(s, ex)) || overlapped(s, t))
			return true;
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	return overlapped(s, t); /* alive but not serving: the verdict says so */
}

static void restart(struct supervisor *s)
{
	pthread_mutex_lock(&s->mu);
	s->restarting = true;
	while (s->active > 0)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	char err[512];
	int rc = spawn_restart(s->sp, err, sizeof err);
	pthread_mutex_lock(&s->mu);
	if (rc != 0) {
		/* Every later case would only time out against nothing. */
		s->failed = true;
		snprintf(s->failure, sizeof s->failure, "%s", err);
	}
	s->restarting = s->dead_pending = false;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

bool sup_case_end(struct supervisor *s, const struct sup_ticket *t, enum verdict v, char *why,
		  size_t whysz)
{
	bool died = false, mine = false;
	struct spawn_exit ex;
	if (s->sp)
		died = v == V_PASS || v == V_SKIP
			? (mine = poll_death(s, &ex)) || overlapped(s, t)
			: died_during(s, t, &ex, &mine);
	pthread_mutex_lock(&s->mu);
	s->active--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (mine) {
		snprintf(why, whysz, "%s; its last output:\n%.*s", ex.status,
			 (int)(whysz > 200 ? whysz - 200 : 0), ex.tail);
		restart(s);
	}
	return died;
}
