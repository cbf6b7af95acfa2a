/* sessfloor.c - the floor under `ircspec fuzz`'s sessions/s: the same
 * wire traffic as a session, with nothing else (no case text, no
 * transcript, no oracle, no mutation), against an IRC server on
 * 127.0.0.1 (make bench; see usage()).
 *
 * A shape is what one session does on the wire:
 *   connect   a client connects and closes (TCP handshake, accept, FIN)
 *   probe     a client connects, registers (NICK/USER, up to 376/422),
 *             PINGs, waits for the PONG and closes: the liveness probe
 *   probe1    the same, with NICK, USER and PING in one write
 *   session   two clients connect and register together, each JOINs a
 *             channel and syncs (PING/PONG) in turn, two final rounds of
 *             syncs, close, then a probe1: a typical fuzz session of two
 *             clients (ircspec fuzz's are 2 clients, 12-15 steps and 4-5
 *             syncs on average), without the fuzzer
 * It runs for --seconds, or --sessions N of them.  Every wait is a
 * blocking read bounded by SO_RCVTIMEO (--timeout); the first failure ends
 * the run with exit status 1.  Prints one line:
 * "shape=... sessions=N seconds=S per_s=R". */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BUF_BYTES 16384
#define CLIENTS_MAX 2

struct cl {
	int fd;
	char buf[BUF_BYTES];
	size_t len;
};

static unsigned g_port, g_timeout_ms = 2000;
static unsigned long g_seq;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cl_connect(struct cl *c)
{
	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct timeval tv = {g_timeout_ms / 1000, (g_timeout_ms % 1000) * 1000};
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static int cl_send(struct cl *c, const char *s)
{
	size_t n = strlen(s);
	return send(c->fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* Reads until a line holding `what` has arrived; the bytes up to the end
 * of that line are dropped.  0, or -1 on timeout or close. */
static int cl_wait(struct cl *c, const char *what)
{
	for (;;) {
		char *hit = c->len ? memmem(c->buf, c->len, what, strlen(what)) : NULL;
		char *eol = hit ? memchr(hit, '\n', c->len - (size_t)(hit - c->buf)) : NULL;
		if (eol) {
			size_t used = (size_t)(eol + 1 - c->buf);
			memmove(c->buf, eol + 1, c->len - used);
			c->len -= used;
			return 0;
		}
		if (c->len == sizeof c->buf) { /* keep the tail, where a match may start */
			memmove(c->buf, c->buf + c->len / 2, c->len - c->len / 2);
			c->len -= c->len / 2;
		}
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

static void cl_close(struct cl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int reg_send(struct cl *c, bool ping)
{
	char line[256];
	unsigned long n = ++g_seq;
	snprintf(line, sizeof line, "NICK f%lx\r\nUSER f 0 * :floor\r\n%s", n,
		 ping ? "PING :floor-sync\r\n" : "");
	return cl_send(c, line);
}

static int burst_end(struct cl *c)
{
	/* 376 RPL_ENDOFMOTD or 422 ERR_NOMOTD ends the burst. */
	for (;;) {
		char *a = c->len ? memmem(c->buf, c->len, " 376 ", 5) : NULL;
		char *b = c->len ? memmem(c->buf, c->len, " 422 ", 5) : NULL;
		if (a || b)
			return cl_wait(c, a ? " 376 " : " 422 ");
		if (c->len == sizeof c->buf)
			c->len = 0;
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

static int sync1(struct cl *c)
{
	return cl_send(c, "PING :floor-sync\r\n") != 0 ? -1 : cl_wait(c, "floor-sync");
}

static int probe(bool pipelined)
{
	struct cl c;
	int rc = cl_connect(&c);
	if (rc == 0)
		rc = reg_send(&c, pipelined);
	if (rc == 0)
		rc = burst_end(&c);
	if (rc == 0)
		rc = pipelined ? cl_wait(&c, "floor-sync") : sync1(&c);
	cl_close(&c);
	return rc;
}

static int session(void)
{
	static struct cl c[CLIENTS_MAX];
	int rc = 0;
	for (int k = 0; k < CLIENTS_MAX && rc == 0; k++)
		rc = cl_connect(&c[k]) != 0 || reg_send(&c[k], false) != 0 ? -1 : 0;
	for (int k = 0; k < CLIENTS_MAX && rc == 0; k++)
		rc = burst_end(&c[k]);
	for (int k = 0; k < CLIENTS_MAX && rc == 0; k++)
		rc = cl_send(&c[k], "JOIN #floor\r\n") != 0 || sync1(&c[k]) != 0 ? -1 : 0;
	for (int round = 0; round < 2 && rc == 0; round++) {
		for (int k = 0; k < CLIENTS_MAX && rc == 0; k++)
			rc = cl_send(&c[k], "PING :floor-sync\r\n");
		for (int k = 0; k < CLIENTS_MAX && rc == 0; k++)
			rc = cl_wait(&c[k], "floor-sync");
	}
	for (int k = 0; k < CLIENTS_MAX; k++)
		cl_close(&c[k]);
	return rc == 0 ? probe(true) : rc;
}

static int one(const char *shape)
{
	if (strcmp(shape, "connect") == 0) {
		struct cl c;
		if (cl_connect(&c) != 0)
			return -1;
		cl_close(&c);
		return 0;
	}
	if (strcmp(shape, "probe") == 0)
		return probe(false);
	if (strcmp(shape, "probe1") == 0)
		return probe(true);
	return session();
}

static void usage(void)
{
	fprintf(stderr, "usage: sessfloor --port P [--seconds S | --sessions N] [--timeout MS] "
		"connect|probe|probe1|session\n");
}

int main(int argc, char **argv)
{
	double seconds = 5;
	unsigned long sessions = 0; /* 0: by --seconds */
	const char *shape = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			g_port = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--sessions") == 0 && i + 1 < argc)
			sessions = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			g_timeout_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && !shape)
			shape = argv[i];
		else {
			usage();
			return 2;
		}
	}
	if (!g_port || g_port > 65535 || !shape || seconds <= 0 || seconds > 3600 ||
	    sessions > 1000000 || g_timeout_ms == 0 || g_timeout_ms > 600000 ||
	    !(strcmp(shape, "connect") == 0 || strcmp(shape, "probe") == 0 ||
	      strcmp(shape, "probe1") == 0 || strcmp(shape, "session") == 0)) {
		usage();
		return 2;
	}
	double t0 = now_s(), t;
	unsigned long n = 0;
	while ((t = now_s() - t0) < seconds || sessions) {
		if (sessions && n == sessions)
			break;
		errno = 0;
		if (one(shape) != 0) {
			fprintf(stderr, "sessfloor: %s failed after %lu sessions: %s\n", shape, n,
				errno ? strerror(errno) : "closed");
			return 1;
		}
		n++;
	}
	printf("shape=%s sessions=%lu seconds=%.2f per_s=%.0f\n", shape, n, t, (double)n / t);
	return 0;
}
