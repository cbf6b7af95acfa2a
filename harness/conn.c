/* conn.c - harness client connections (see conn.h). */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

void hconn_init(struct hconn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->reading = true;
	c->fr.max = CONN_LINE_MAX;
}

/* Waits for a non-blocking connect to finish by `deadline`: 1 connected,
 * 0 out of time, -1 failed (err set).  A signal (SIGALRM at --deadline,
 * Ctrl-C) interrupts poll(); the wait then goes on for what is left, not
 * for a fresh timeout. */
static int connect_wait(int fd, long deadline, char *err, size_t errsz)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int rc;
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (rc > 0 || (rc < 0 && errno != EINTR))
			break;
	}
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
		snprintf(err, errsz, "connect: %s", strerror(soerr ? soerr : errno));
		return -1;
	}
	return 1;
}

static int connect_addr(const struct addrinfo *ai, int rcvbuf, long deadline, char *err,
			size_t errsz)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	/* Each send is its own segment: split-delivery cases depend on it. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* Before connect(): the window and the MSS are agreed in the
	 * handshake.  A small window alone is not enough: on loopback (64 KiB
	 * MSS) the server's kernel still grows its send buffer to megabytes;
	 * with 536-byte segments it stays near 100 KB, so the server's own
	 * writes soon come back short. */
	int mss = CONN_SMALL_MSS;
	if (rcvbuf > 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0 ||
			   setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss) != 0)) {
		snprintf(err, errsz, "SO_RCVBUF %d / TCP_MAXSEG %d: %s", rcvbuf, mss,
			 strerror(errno));
		close(fd);
		return -1;
	}
	long t0 = now_ms();
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		snprintf(err, errsz, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	int rc = connect_wait(fd, deadline, err, errsz);
	if (rc == 0)
		snprintf(err, errsz, "connect: no answer within %ld ms", now_ms() - t0);
	if (rc <= 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int hconn_connect(struct hconn *c, const char *host, unsigned port, long deadline,
		  char *err, size_t errsz)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int rc = getaddrinfo(host, ps, &hints, &res);
	if (rc != 0) {
		snprintf(err, errsz, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = connect_addr(ai, c->rcvbuf, deadline, err, errsz);
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	c->fd = fd;
	c->eof = c->reset = c->wr_closed = false;
	return 0;
}

static void push_line(struct hconn *c, const char *p, size_t n, long now_ms,
		      hconn_line_fn *on_line, void *arg)
{
	if (c->nlines >= CONN_QUEUE_MAX_LINES || c->nbytes + n > CONN_QUEUE_MAX_BYTES) {
		c->dropped++;
		return;
	}
	struct rline *l = malloc(sizeof *l + n + 1);
	if (!l) {
		c->dropped++;
		return;
	}
	memcpy(l->data, p, n);
	l->data[n] = '\0';
	l->len = n;
	l->t_ms = now_ms;
	l->bare_lf = c->fr.bare_lf;
	l->next = NULL;
	l->prev = c->tail;
	if (c->tail)
		c->tail->next = l;
	else
		c->head = l;
	c->tail = l;
	c->nlines++;
	c->nbytes += n;
	on_line(arg, c, l); /* may remove l at once (auto-PONG) */
}

long hconn_read_some(struct hconn *c, long now_ms, hconn_line_fn *on_line, void *arg)
{
	if (c->fd < 0 || c->eof)
		return 0;
	char buf[16384];
	ssize_t n = recv(c->fd, buf, sizeof buf, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		c->eof = true;
		c->reset = n < 0 && errno == ECONNRESET;
		frame_reset(&c->fr);
		return 0;
	}
	if (n < 0)
		return 0;
	c->rx_bytes += (unsigned long long)n;
	const char *in = buf;
	size_t left = (size_t)n;
	for (;;) {
		const char *line;
		size_t len;
		enum frame_result r = frame_next(&c->fr, &in, &left, &line, &len);
		if (r == FRAME_NEED_MORE)
			break;
		if (r == FRAME_LINE)
			push_line(c, line, len, now_ms, on_line, arg);
		else
			c->toolong++;
	}
	return n;
}

long hconn_write_some(struct hconn *c, const char *p, size_t n, char *err, size_t errsz)
{
	if (c->fd < 0 || c->wr_closed) {
		snprintf(err, errsz, "not connected");
		return -1;
	}
	ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
	if (w > 0)
		c->mid_line = p[w - 1] != '\n';
	if (w >= 0)
		return w;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	snprintf(err, errsz, "send: %s", strerror(errno));
	return -1;
}

int hconn_hold(struct hconn *c, const char *p, size_t n)
{
	if (c->held_off > 0 && c->held_off == c->held_len)
		c->held_off = c->held_len = 0;
	if (n > sizeof c->held - c->held_len && c->held_off > 0) {
		memmove(c->held, c->held + c->held_off, c->held_len - c->held_off);
		c->held_len -= c->held_off;
		c->held_off = 0;
	}
	if (n > sizeof c->held - c->held_len)
		return -1;
	memcpy(c->held + c->held_len, p, n);
	c->held_len += n;
	return 0;
}

bool hconn_held_ready(const struct hconn *c)
{
	return c->fd >= 0 && !c->wr_closed && c->held_len > c->held_off &&
	       (!c->mid_line || c->held_mid);
}

long hconn_write_held(struct hconn *c, const char **sent, char *err, size_t errsz)
{
	*sent = c->held + c->held_off;
	if (!hconn_held_ready(c))
		return 0;
	long w = hconn_write_some(c, *sent, c->held_len - c->held_off, err, errsz);
	if (w > 0) {
		c->held_off += (size_t)w;
		c->held_mid = c->mid_line;
	}
	return w;
}

static void drop_held(struct hconn *c)
{
	c->held_off = c->held_len = 0;
	c->held_mid = false;
}

void hconn_remove(struct hconn *c, struct rline *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		c->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		c->tail = l->prev;
	c->nlines--;
	c->nbytes -= l->len;
	free(l);
}

void hconn_abort(struct hconn *c)
{
	if (c->fd < 0)
		return;
	/* SO_LINGER {1, 0} then close sends RST instead of FIN (as libuv's
	 * uv_tcp_close_reset): the abrupt disconnect servers must survive. */
	struct linger lg = {1, 0};
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c->fd);
	c->fd = -1;
	drop_held(c);
}

void hconn_half_close(struct hconn *c)
{
	if (c->fd >= 0 && !c->wr_closed) {
		shutdown(c->fd, SHUT_WR);
		c->wr_closed = true;
		drop_held(c);
	}
}

void hconn_close(struct hconn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	drop_held(c);
}

void hconn_free(struct hconn *c)
{
	hconn_close(c);
	while (c->head)
		hconn_remove(c, c->head);
	frame_reset(&c->fr);
}
