/* spawn.c - the server under test as a child process (see spawn.h).
 *
 * State lives in one struct under one mutex (`mu`): the child's pid, the
 * output ring and the death count.  Deaths are found lazily with
 * waitpid(WNOHANG) by whoever asks (spawn_poll, the readiness loop, stop),
 * so there is no SIGCHLD handler to fight the runner for.  When a death is
 * found, the output pipe is drained first: everything the server wrote
 * before dying is then in the ring, so a crash report has its last words.
 *
 * fork+execve rather than posix_spawn: <spawn.h> is this header's name. */
#include "spawn.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SPAWN_MAX_LIVE 16          /* struct spawn at once (slots for spawn_kill_now) */
#define PROBE_INTERVAL_MS 25       /* readiness probe period */
#define PROBE_CONNECT_MS 200       /* one probe's connect wait */
#define STOP_POLL_MS 20            /* reaping period while a stop waits */
#define DRAIN_MAX (1024 * 1024)    /* bytes per drain: a flood cannot hold the lock */
#define CUT_MARK " [...]"          /* ends a truncated output line */

/* Output lines: a fixed ring, so memory never grows with the output. */
struct ring {
	char line[SPAWN_RING_LINES][SPAWN_LINE_MAX + 1];
	unsigned first, n;
	char cur[SPAWN_LINE_MAX + 1]; /* the line being received */
	size_t curlen;
	bool cut;
	unsigned long total; /* lines pushed since the start, for spawn_output_lines */
};

struct spawn {
	pthread_mutex_t mu;     /* everything below */
	pthread_mutex_t life;   /* serialises restart and stop */
	char cmd[SPAWN_CMD_MAX + 8]; /* "exec " + the filled template */
	bool wrapped;
	struct spawn_wrap wrap; /* valid when wrapped */
	unsigned port;
	int slot;               /* index in g_pgid */
	pid_t pid;              /* 0: none running */
	bool busy;              /* restart/stop reap themselves; spawn_poll keeps off */
	long killed_ms;         /* spawn_terminate killed it after this wait (0: no) */
	long stop_cap_ms;       /* spawn_cap_stop's bound on the wait (0: none) */
	unsigned generation;
	long *pids;             /* every server started (spawn_stop hands them out) */
	size_t npids;
	int out_rd, out_wr, wake_rd, wake_wr;
	pthread_t reader;
	bool reader_on;
	struct ring ring;
};

/* Process groups of the running servers, read by spawn_kill_now in a
 * signal handler and from any thread: lock-free atomics are safe for both
 * (C11 7.14.1.1), where a mutex or a plain sig_atomic_t is not. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "spawn_kill_now needs lock-free atomic_int");
static atomic_int g_pgid[SPAWN_MAX_LIVE];
static bool g_slot_used[SPAWN_MAX_LIVE];
/* Guards the slots, and makes "pipe() then FD_CLOEXEC" atomic with
 * respect to our own fork, so no server inherits a half-made fd. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- small helpers ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
		{SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
		{SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
		{SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"},
		{SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "";
}

/* ---- output ring ---- */

/* Drops a UTF-8 sequence left incomplete by a cut, so reports stay valid. */
static size_t utf8_trim(const char *s, size_t len)
{
	size_t i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && len - i < 3)
		i--;
	if (i == 0)
		return len;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return need > 1 && len - (i - 1) < need ? i - 1 : len;
}

static void ring_push(struct ring *r)
{
	if (r->cut) {
		r->curlen = utf8_trim(r->cur, r->curlen);
		memcpy(r->cur + r->curlen, CUT_MARK, sizeof CUT_MARK - 1);
		r->curlen += sizeof CUT_MARK - 1;
	}
	r->cur[r->curlen] = '\0';
	memcpy(r->line[(r->first + r->n) % SPAWN_RING_LINES], r->cur, r->curlen + 1);
	if (r->n == SPAWN_RING_LINES)
		r->first = (r->first + 1) % SPAWN_RING_LINES;
	else
		r->n++;
	r->curlen = 0;
	r->cut = false;
	r->total++;
}

static void ring_feed(struct ring *r, const char *buf, size_t len)
{
	const size_t room = SPAWN_LINE_MAX - (sizeof CUT_MARK - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			ring_push(r);
		else if (c == '\r')
			continue; /* CR LF endings */
		else if (r->curlen < room) /* control bytes would garble a report */
			r->cur[r->curlen++] = c < 0x20 && c != '\t' ? '?' : (char)c;
		else
			r->cut = true;
	}
}

/* The last nlines lines (a partial last line included), '\n'-separated. */
static void ring_tail(const struct ring *r, unsigned nlines, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned have = r->n + (r->curlen > 0), skip = have > nlines ? have - nlines : 0;
	out[0] = '\0';
	for (unsigned i = skip; i < have; i++) {
		const char *s = i < r->n ? r->line[(r->first + i) % SPAWN_RING_LINES] : r->cur;
		size_t l = i < r->n ? strlen(s) : r->curlen;
		if (o + l + 2 > outsz)
			break;
		memcpy(out + o, s, l);
		o += l;
		if (i + 1 < have)
			out[o++] = '\n';
		out[o] = '\0';
	}
}

/* Reads what the pipe holds into the ring (bounded); caller holds mu. */
static size_t drain_locked(struct spawn *sp)
{
	char buf[4096];
	size_t total = 0;
	while (total < DRAIN_MAX) {
		ssize_t r = read(sp->out_rd, buf, sizeof buf);
		if (r > 0) {
			ring_feed(&sp->ring, buf, (size_t)r);
			total += (size_t)r;
		} else if (!(r < 0 && errno == EINTR)) {
			break; /* EAGAIN: empty for now */
		}
	}
	return total;
}

/* Keeps the pipe empty so a chatty server never blocks on write.  We hold
 * the write end too (for restarts), so the pipe never reports EOF: the
 * wake pipe ends the thread. */
static void *reader_main(void *arg)
{
	struct spawn *sp = arg;
	for (;;) {
		struct pollfd pf[2] = {{.fd = sp->out_rd, .events = POLLIN},
				       {.fd = sp->wake_rd, .events = POLLIN}};
		int r = poll(pf, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || pf[1].revents)
			break;
		pthread_mutex_lock(&sp->mu);
		size_t got = drain_locked(sp);
		pthread_mutex_unlock(&sp->mu);
		if (got == 0 && (pf[0].revents & (POLLERR | POLLHUP | POLLNVAL)))
			break;
	}
	return NULL; /* what a dead server wrote was drained when it was reaped */
}

/* ---- command template ---- */

static bool put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outsz)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return true;
}

/* The password goes through /bin/sh: quote it unless every byte is one
 * the shell takes literally. */
static bool put_password(char *out, size_t outsz, size_t *o, const char *pw)
{
	size_t n = strlen(pw);
	if (n > 0 && strspn(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789_@%+=:,./-") == n)
		return put(out, outsz, o, pw, n);
	bool ok = put(out, outsz, o, "'", 1);
	for (const char *s = pw; ok && *s; s++)
		ok = *s == '\'' ? put(out, outsz, o, "'\\''", 4) : put(out, outsz, o, s, 1);
	return ok && put(out, outsz, o, "'", 1);
}

/* Fills the {name} at *s (a '{' not followed by '{') and moves *s past it. */
static int fill_one(const char *tmpl, const char **s, unsigned port, const char *password,
		    char *out, size_t outsz, size_t *o, char *err, size_t errsz)
{
	const char *name = *s + 1, *end = strchr(name, '}');
	size_t col = (size_t)(*s - tmpl) + 1, nl = end ? (size_t)(end - name) : 0;
	char num[16];
	bool ok;
	if (!end) {
		snprintf(err, errsz, "--spawn: unterminated '{' at column %zu (write {{ for a "
				     "literal brace)", col);
		return -1;
	}
	if (nl == 4 && memcmp(name, "port", 4) == 0) {
		snprintf(num, sizeof num, "%u", port);
		ok = put(out, outsz, o, num, strlen(num));
	} else if (nl == 8 && memcmp(name, "password", 8) == 0) {
		if (!password) {
			snprintf(err, errsz, "--spawn: {password} at column %zu but no --password "
					     "given", col);
			return -1;
		}
		ok = put_password(out, outsz, o, password);
	} else {
		snprintf(err, errsz, "--spawn: unknown placeholder {%.*s} at column %zu (known: "
				     "{port} {password}; {{ is a literal brace)",
			 (int)(nl > 40 ? 40 : nl), name, col);
		return -1;
	}
	*s = end + 1;
	return ok ? 0 : 1;
}

int spawn_fill_template(const char *tmpl, unsigned port, const char *password, char *out,
			size_t outsz, char *err, size_t errsz)
{
	size_t o = 0;
	if (outsz == 0 || !tmpl || !tmpl[strspn(tmpl, " \t")]) {
		snprintf(err, errsz, "--spawn: empty command");
		return -1;
	}
	out[0] = '\0';
	for (const char *s = tmpl; *s;) {
		int rc = 0;
		if (s[0] != '{' || s[1] == '{') { /* "{{" is a literal '{' */
			rc = put(out, outsz, &o, s, 1) ? 0 : 1;
			s += s[0] == '{' ? 2 : 1;
		} else if ((rc = fill_one(tmpl, &s, port, password, out, outsz, &o, err, errsz)) < 0) {
			return -1;
		}
		if (rc > 0) {
			snprintf(err, errsz, "--spawn: command longer than %zu bytes", outsz - 1);
			return -1;
		}
	}
	return 0;
}

/* ---- process control ---- */

static int pick_port(unsigned *port, char *err, size_t errsz)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
		snprintf(err, errsz, "cannot pick a free port on 127.0.0.1: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	close(fd);
	return 0;
}

/* 1 when 127.0.0.1:port accepts a connection.  A connect to our own
 * ephemeral port can "succeed" with nobody listening (TCP simultaneous
 * open on loopback): a socket connected to itself does not count. */
static int probe(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (!ok && errno == EINPROGRESS) {
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		ok = poll(&pf, 1, PROBE_CONNECT_MS) == 1 &&
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0;
	}
	struct sockaddr_in me;
	socklen_t ml = sizeof me;
	if (ok && getsockname(fd, (struct sockaddr *)&me, &ml) == 0 && ntohs(me.sin_port) == port)
		ok = 0;
	close(fd);
	return ok;
}

static void fill_exit(const struct spawn *sp, int status, struct spawn_exit *ex)
{
	memset(ex, 0, sizeof *ex);
	if (status == -1) {
		ex->code = -1;
		snprintf(ex->status, sizeof ex->status, "vanished (reaped elsewhere)");
	} else if (WIFSIGNALED(status)) {
		ex->signaled = true;
		ex->sig = WTERMSIG(status);
		snprintf(ex->signame, sizeof ex->signame, "%s", signal_name(ex->sig));
		snprintf(ex->status, sizeof ex->status, "killed by signal %d%s%s%s%s", ex->sig,
			 ex->signame[0] ? " (" : "", ex->signame, ex->signame[0] ? ")" : "",
			 WCOREDUMP(status) ? ", core dumped" : "");
	} else {
		ex->code = WEXITSTATUS(status);
		snprintf(ex->status, sizeof ex->status, "exited with status %d", ex->code);
	}
	ring_tail(&sp->ring, SPAWN_TAIL_LINES, ex->tail, sizeof ex->tail);
}

/* Bookkeeping once the server is gone; caller holds mu. */
static void note_death_locked(struct spawn *sp)
{
	drain_locked(sp);
	/* Helpers it forked may still hold the port: they go with it. */
	kill(-sp->pid, SIGKILL);
	atomic_store(&g_pgid[sp->slot], 0);
	sp->pid = 0;
	sp->generation++;
}

/* 1 (status filled) if the server has died; caller holds mu. */
static int reap_locked(struct spawn *sp, int *status)
{
	if (sp->pid <= 0)
		return 0;
	pid_t r;
	do
		r = waitpid(sp->pid, status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r < 0)
		*status = -1; /* ECHILD: somebody else's waitpid(-1) took it */
	note_death_locked(sp);
	return 1;
}

/* 1 (ex filled: status and output tail) if the server has died; else
 * sends it sig (0: none), under the lock so the pid cannot be reaped and
 * reused in between. */
static int reap_or_signal(struct spawn *sp, struct spawn_exit *ex, int sig)
{
	int status = -1;
	pthread_mutex_lock(&sp->mu);
	int dead = reap_locked(sp, &status);
	if (dead)
		fill_exit(sp, status, ex);
	else if (sig && sp->pid > 0)
		kill(-sp->pid, sig);
	pthread_mutex_unlock(&sp->mu);
	return dead;
}

/* SIGKILL to the group and wait for it (quick: SIGKILL cannot be caught);
 * ex, when not NULL, gets the status and the output tail. */
static void kill_reap(struct spawn *sp, struct spawn_exit *ex)
{
	int status = -1;
	pthread_mutex_lock(&sp->mu);
	if (sp->pid > 0) {
		kill(-sp->pid, SIGKILL);
		while (waitpid(sp->pid, &status, 0) < 0 && errno == EINTR)
			;
		note_death_locked(sp);
	}
	if (ex)
		fill_exit(sp, status, ex);
	pthread_mutex_unlock(&sp->mu);
}

/* The highest fd open now (before a fork), for the child to close up to. */
static int highest_fd(void)
{
	int max = 2;
	DIR *d = opendir("/proc/self/fd");
	if (!d) { /* no /proc: every fd the limit allows */
		long m = sysconf(_SC_OPEN_MAX);
		return m > 0 && m <= 65536 ? (int)m - 1 : 65535;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		long fd = strtol(de->d_name, NULL, 10);
		if (fd > max && fd < INT_MAX)
			max = (int)fd;
	}
	closedir(d);
	return max;
}

/* In the child between fork and exec: async-signal-safe calls only.
 * The runner may block or ignore signals; the server starts clean, in its
 * own process group (Ctrl-C at the terminal is the runner's to relay). */
static void child_exec(const char *path, char *const argv[], int out_wr, int maxfd)
{
	static const int reset[] = {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT,
				    SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM};
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaction(reset[i], &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	int in = open("/dev/null", O_RDONLY);
	if (in >= 0 && dup2(in, 0) == 0 && dup2(out_wr, 1) == 1 && dup2(out_wr, 2) == 2) {
		/* Ours are FD_CLOEXEC; this also drops what the runner inherited
		 * without it: a stray copy of a client socket in the server would
		 * keep that connection open after the harness closes it. */
		for (int fd = 3; fd <= maxfd; fd++)
			close(fd);
		execve(path, argv, environ);
	}
	static const char msg[] = "ircspec: cannot start the server command\n";
	ssize_t w = write(out_wr, msg, sizeof msg - 1);
	(void)w;
	_exit(127);
}

static int launch_locked(struct spawn *sp, char *err, size_t errsz)
{
	char *argv[SPAWN_WRAP_ARGV_MAX + 4];
	size_t k = 0;
	for (int i = 0; sp->wrapped && sp->wrap.argv[i]; i++)
		argv[k++] = (char *)sp->wrap.argv[i]; /* execve's type; never written */
	argv[k++] = (char *)"/bin/sh";
	argv[k++] = (char *)"-c";
	argv[k++] = sp->cmd;
	argv[k] = NULL;
	long *np = realloc(sp->pids, (sp->npids + 1) * sizeof *np);
	if (!np) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	sp->pids = np;
	pthread_mutex_lock(&g_mu);
	int maxfd = highest_fd();
	pid_t pid = fork();
	if (pid == 0)
		child_exec(argv[0], argv, sp->out_wr, maxfd);
	pthread_mutex_unlock(&g_mu);
	if (pid < 0) {
		snprintf(err, errsz, "cannot start the server: fork: %s", strerror(errno));
		return -1;
	}
	setpgid(pid, pid); /* here too: a kill(-pid) right after fork must find the group */
	sp->pids[sp->npids++] = pid;
	sp->pid = pid;
	sp->killed_ms = 0;
	atomic_store(&g_pgid[sp->slot], pid);
	return 0;
}

/* Probes until the port accepts, the server dies, or timeout_ms pass. */
static int wait_ready(struct spawn *sp, long timeout_ms, char *err, size_t errsz)
{
	long deadline = now_ms() + timeout_ms;
	struct spawn_exit ex;
	for (;;) {
		if (reap_or_signal(sp, &ex, 0)) {
			snprintf(err, errsz, "the server %s before accepting connections on "
					     "127.0.0.1:%u; its last output:\n%s",
				 ex.status, sp->port, ex.tail[0] ? ex.tail : "(none)");
			return -1;
		}
		if (probe(sp->port))
			return 0;
		if (now_ms() >= deadline)
			break;
		poll(NULL, 0, PROBE_INTERVAL_MS); /* a probe period, not a sync sleep */
	}
	kill_reap(sp, &ex);
	snprintf(err, errsz, "the server did not accept connections on 127.0.0.1:%u within %ld s "
			     "(killed); its last output:\n%s",
		 sp->port, timeout_ms / 1000, ex.tail[0] ? ex.tail : "(none)");
	return -1;
}

/* Starts a server and waits for it; the caller holds life. */
static int start_and_wait(struct spawn *sp, char *err, size_t errsz)
{
	pthread_mutex_lock(&sp->mu);
	sp->busy = true;
	int rc = launch_locked(sp, err, errsz);
	pthread_mutex_unlock(&sp->mu);
	if (rc == 0)
		rc = wait_ready(sp, sp->wrapped && sp->wrap.ready_ms ? sp->wrap.ready_ms : SPAWN_READY_MS,
				err, errsz);
	pthread_mutex_lock(&sp->mu);
	sp->busy = false;
	pthread_mutex_unlock(&sp->mu);
	return rc;
}

/* How terminate() ended. */
enum term { TERM_NONE, TERM_DEAD, TERM_EXITED, TERM_KILLED };

/* The one graceful stop: SIGTERM to the group, a bounded wait for the exit
 * (a wrapper that may lose a signal gets it again), then SIGKILL.  Caller
 * holds life and has set busy.  TERM_DEAD: it had died before the signal
 * (an unreported death); TERM_EXITED: it exited within the wait (ex filled
 * for both); TERM_KILLED: killed at the end of the wait (*limit_ms: the
 * wait); TERM_NONE: none ran. */
static enum term terminate(struct spawn *sp, struct spawn_exit *ex, long *limit_ms)
{
	pthread_mutex_lock(&sp->mu);
	pid_t pid = sp->pid;
	pthread_mutex_unlock(&sp->mu);
	*limit_ms = sp->wrapped && sp->wrap.stop_ms ? sp->wrap.stop_ms : SPAWN_STOP_MS;
	long cap = sp->stop_cap_ms;
	if (cap && !sp->wrapped && cap < *limit_ms)
		*limit_ms = cap;
	if (pid <= 0)
		return TERM_NONE;
	if (reap_or_signal(sp, ex, SIGTERM))
		return TERM_DEAD;
	long repeat = sp->wrapped ? sp->wrap.term_repeat_ms : 0;
	long t0 = now_ms(), resent = t0;
	int nap = 1; /* ms, doubling to STOP_POLL_MS: a quick exit is seen at once */
	while (now_ms() - t0 < *limit_ms) {
		poll(NULL, 0, nap);
		nap = nap * 2 < STOP_POLL_MS ? nap * 2 : STOP_POLL_MS;
		bool again = repeat > 0 && now_ms() - resent >= repeat;
		if (again)
			resent = now_ms();
		if (reap_or_signal(sp, ex, again ? SIGTERM : 0))
			return TERM_EXITED;
	}
	kill_reap(sp, ex);
	return TERM_KILLED;
}

void spawn_cap_stop(struct spawn *sp, long ms)
{
	pthread_mutex_lock(&sp->life); /* not under way: a stop reads it */
	sp->stop_cap_ms = ms;
	pthread_mutex_unlock(&sp->life);
}

static void killed_message(long limit_ms, char *err, size_t errsz)
{
	snprintf(err, errsz, "the server did not exit within %ld s of SIGTERM: killed",
		 limit_ms / 1000);
}

/* Stops the server for good (spawn_stop).  Caller holds life; err is
 * empty (its message is the first). */
static int stop_process(struct spawn *sp, char *err, size_t errsz)
{
	struct spawn_exit ex;
	pthread_mutex_lock(&sp->mu);
	sp->busy = true; /* from now on only this function reaps */
	long killed_ms = sp->killed_ms;
	pthread_mutex_unlock(&sp->mu);
	long limit;
	switch (terminate(sp, &ex, &limit)) {
	case TERM_NONE:
		/* spawn_terminate stopped it: its kill is still to be told */
		if (killed_ms)
			killed_message(killed_ms, err, errsz);
		return killed_ms ? -1 : 0;
	case TERM_DEAD:
		snprintf(err, errsz, "the server had %s; its last output:\n%s", ex.status, ex.tail);
		return -1;
	case TERM_KILLED:
		killed_message(limit, err, errsz);
		return -1;
	case TERM_EXITED:
		break;
	}
	if (ex.signaled && ex.sig != SIGTERM) {
		snprintf(err, errsz, "the server was %s while stopping; its last output:\n%s",
			 ex.status, ex.tail);
		return -1;
	}
	return 0;
}

/* ---- set-up and tear-down ---- */

static int cloexec_pipe(int *rd, int *wr)
{
	int fds[2];
	pthread_mutex_lock(&g_mu);
	int rc = pipe(fds);
	if (rc == 0) {
		fcntl(fds[0], F_SETFD, FD_CLOEXEC);
		fcntl(fds[1], F_SETFD, FD_CLOEXEC);
		*rd = fds[0];
		*wr = fds[1];
	}
	pthread_mutex_unlock(&g_mu);
	return rc;
}

/* Stops the reader thread, closes fds, frees sp (no process may run). */
static void destroy(struct spawn *sp)
{
	if (sp->reader_on) {
		while (write(sp->wake_wr, "x", 1) < 0 && errno == EINTR)
			;
		pthread_join(sp->reader, NULL);
	}
	int *fds[] = {&sp->out_rd, &sp->out_wr, &sp->wake_rd, &sp->wake_wr};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	pthread_mutex_lock(&g_mu);
	atomic_store(&g_pgid[sp->slot], 0);
	g_slot_used[sp->slot] = false;
	pthread_mutex_unlock(&g_mu);
	pthread_mutex_destroy(&sp->mu);
	pthread_mutex_destroy(&sp->life);
	free(sp->pids);
	free(sp);
}

/* The reader thread blocks every signal: the runner's handlers and any
 * sigwait() stay on the runner's own threads. */
static int start_reader(struct spawn *sp)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&sp->reader, NULL, reader_main, sp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sp->reader_on = e == 0;
	return e;
}

static struct spawn *spawn_alloc(void)
{
	struct spawn *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->out_rd = sp->out_wr = sp->wake_rd = sp->wake_wr = sp->slot = -1;
	pthread_mutex_init(&sp->mu, NULL);
	pthread_mutex_init(&sp->life, NULL);
	pthread_mutex_lock(&g_mu);
	for (int i = 0; i < SPAWN_MAX_LIVE && sp->slot < 0; i++)
		if (!g_slot_used[i])
			g_slot_used[sp->slot = i] = true;
	pthread_mutex_unlock(&g_mu);
	return sp;
}

/* Everything spawn_start needs before the first launch. */
static int spawn_setup(struct spawn *sp, const char *tmpl, const char *password, char *err,
		       size_t errsz)
{
	if (sp->slot < 0) {
		snprintf(err, errsz, "more than %d spawned servers at once", SPAWN_MAX_LIVE);
		return -1;
	}
	memcpy(sp->cmd, "exec ", 5); /* the shell's pid becomes the server's */
	if (pick_port(&sp->port, err, errsz) < 0 ||
	    spawn_fill_template(tmpl, sp->port, password, sp->cmd + 5, sizeof sp->cmd - 5, err,
				errsz) < 0)
		return -1;
	int e = 0;
	if (cloexec_pipe(&sp->out_rd, &sp->out_wr) < 0 ||
	    cloexec_pipe(&sp->wake_rd, &sp->wake_wr) < 0)
		e = errno;
	else if (fcntl(sp->out_rd, F_SETFL, O_NONBLOCK) < 0) /* drains stop at "empty" */
		e = errno;
	else
		e = start_reader(sp);
	if (e)
		snprintf(err, errsz, "cannot set up the server's output pipe: %s", strerror(e));
	return e ? -1 : 0;
}

/* ---- public API ---- */

struct spawn *spawn_start(const char *cmd_template, const char *password,
			  const struct spawn_wrap *wrap, unsigned *port_out, char *err,
			  size_t errsz)
{
	if (wrap && (!wrap->argv[0] || wrap->argv[SPAWN_WRAP_ARGV_MAX])) {
		snprintf(err, errsz, "the wrapper's command line is empty or too long");
		return NULL;
	}
	struct spawn *sp = spawn_alloc();
	if (!sp) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	sp->wrapped = wrap != NULL;
	if (wrap)
		sp->wrap = *wrap;
	if (spawn_setup(sp, cmd_template, password, err, errsz) < 0 ||
	    start_and_wait(sp, err, errsz) < 0) {
		kill_reap(sp, NULL);
		destroy(sp);
		return NULL;
	}
	if (port_out)
		*port_out = sp->port;
	return sp;
}

int spawn_poll(struct spawn *sp, struct spawn_exit *ex)
{
	int status = 0, dead = 0;
	pthread_mutex_lock(&sp->mu);
	if (!sp->busy && (dead = reap_locked(sp, &status)))
		fill_exit(sp, status, ex);
	pthread_mutex_unlock(&sp->mu);
	return dead;
}

unsigned spawn_generation(const struct spawn *sp)
{
	/* The mutex is the one mutable part of a const spawn; sp itself was
	 * malloc'd, so casting the const away is well defined. */
	pthread_mutex_t *mu = (pthread_mutex_t *)&sp->mu;
	pthread_mutex_lock(mu);
	unsigned g = sp->generation;
	pthread_mutex_unlock(mu);
	return g;
}

int spawn_restart(struct spawn *sp, char *err, size_t errsz)
{
	pthread_mutex_lock(&sp->life);
	struct spawn_exit ex;
	if (!reap_or_signal(sp, &ex, 0))
		kill_reap(sp, NULL); /* alive but unusable (hung): replace it */
	int rc = start_and_wait(sp, err, errsz);
	pthread_mutex_unlock(&sp->life);
	return rc;
}

int spawn_terminate(struct spawn *sp, struct spawn_exit *ex)
{
	long limit;
	pthread_mutex_lock(&sp->life);
	pthread_mutex_lock(&sp->mu);
	sp->busy = true;
	pthread_mutex_unlock(&sp->mu);
	enum term t = terminate(sp, ex, &limit);
	pthread_mutex_lock(&sp->mu);
	sp->busy = false;
	if (t == TERM_KILLED)
		sp->killed_ms = limit;
	pthread_mutex_unlock(&sp->mu);
	pthread_mutex_unlock(&sp->life);
	return t == TERM_NONE ? -1 : t == TERM_KILLED ? 0 : 1;
}

int spawn_stop(struct spawn *sp, long **pids, size_t *npids, char *err, size_t errsz)
{
	if (errsz)
		err[0] = '\0';
	if (pids) {
		*pids = NULL;
		*npids = 0;
	}
	if (!sp)
		return 0;
	pthread_mutex_lock(&sp->life);
	int rc = stop_process(sp, err, errsz);
	pthread_mutex_unlock(&sp->life);
	if (pids) { /* handed over: destroy() frees a NULL */
		*pids = sp->pids;
		*npids = sp->npids;
		sp->pids = NULL;
	}
	destroy(sp);
	return rc;
}

void spawn_kill_now(struct spawn *sp)
{
	pid_t g = sp ? atomic_load(&g_pgid[sp->slot]) : 0; /* once: it may turn 0 */
	if (g > 0)
		kill(-g, SIGKILL); /* never kill(0): that is our own group */
}

void spawn_kill_all_now(void)
{
	for (int i = 0; i < SPAWN_MAX_LIVE; i++) {
		pid_t g = atomic_load(&g_pgid[i]);
		if (g > 0)
			kill(-g, SIGKILL);
	}
}

pid_t spawn_pid(struct spawn *sp)
{
	pthread_mutex_lock(&sp->mu);
	pid_t p = sp->pid;
	pthread_mutex_unlock(&sp->mu);
	return p;
}

unsigned spawn_port(const struct spawn *sp)
{
	return sp->port; /* set once, before any other thread sees sp */
}

unsigned long spawn_output_lines(struct spawn *sp)
{
	pthread_mutex_lock(&sp->mu);
	drain_locked(sp); /* what it wrote just now, too */
	unsigned long n = sp->ring.total;
	pthread_mutex_unlock(&sp->mu);
	return n;
}

void spawn_tail(struct spawn *sp, unsigned nlines, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	pthread_mutex_lock(&sp->mu);
	drain_locked(sp); /* what it wrote just now, too */
	ring_tail(&sp->ring, nlines, out, outsz);
	pthread_mutex_unlock(&sp->mu);
}
