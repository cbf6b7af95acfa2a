/* netloop.c - sockets for the server core (see server.h for the seam).
 *
 * One thread, one ev loop.  Per readable socket one recv() per wakeup, so a
 * flooding client cannot starve the rest; output is written straight after
 * each batch of events and only waits for EV_WRITE when the kernel buffer
 * is full, so a stopped reader costs us nothing but its own queue.  Out of
 * descriptors, new connections are shed (see shed_one), never left waiting
 * in a listener that would then be readable forever.  A client that has
 * exited keeps its socket until what was queued for it is written (the
 * rest of a reply it asked for, then ERROR), for as long as it keeps
 * taking it (see linger). */
#define _GNU_SOURCE /* accept4 */
#include "netloop.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ev.h"

#define RECV_CHUNK 16384
#define EVENTS_MAX 256
#define IOV_BATCH 128 /* lines per sendmsg: ~10 KiB of chat */
#define ACCEPT_BATCH 64 /* connections taken per wakeup of the listener */
#define ACCEPT_PAUSE 1  /* seconds the listener rests after an accept error */
#define LINGER_SECS 10  /* an exited client's output waits this long for room */

struct conn {
	int fd;
	struct client *client; /* NULL for the listening socket */
	unsigned watching;     /* EV_READ / EV_WRITE as registered */
	time_t linger_until;   /* exited, output left: close by then (monotonic) */
};

struct netloop {
	struct server *srv;
	struct ev *ev;
	struct conn listener;
	int spare_fd; /* closed to accept-and-drop when out of descriptors */
	time_t last_tick;   /* monotonic second of the last srv_tick */
	bool accept_paused; /* listener not watched until accept_resume */
	time_t accept_resume; /* monotonic seconds */
	char rbuf[RECV_CHUNK];
};

/* Both clocks (server.h): the wall clock for what users see, one that only
 * moves forward for every interval. */
static struct srv_clock clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (struct srv_clock){.wall = time(NULL), .mono = ts.tv_sec,
				  .mono_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000};
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_listener(const char *addr, unsigned port, unsigned *bound, char *err,
			 size_t errsz)
{
	struct addrinfo hints = {0}, *ai = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	char portstr[8];
	snprintf(portstr, sizeof portstr, "%u", port);
	int rc = getaddrinfo(addr, portstr, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errsz, "bad listen address %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (ai->ai_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0 ||
	    set_nonblock(fd) != 0) {
		snprintf(err, errsz, "cannot listen on %s port %u: %s", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(err, errsz, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

struct netloop *netloop_new(struct server *s, const char *addr, unsigned port,
			    unsigned *bound_port, char *err, size_t errsz)
{
	struct netloop *nl = calloc(1, sizeof *nl);
	if (!nl) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	nl->srv = s;
	nl->last_tick = clock_now().mono;
	nl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	nl->listener.fd = open_listener(addr, port, bound_port, err, errsz);
	if (nl->listener.fd < 0 || !(nl->ev = ev_new()) ||
	    ev_add(nl->ev, nl->listener.fd, &nl->listener, EV_READ) != 0) {
		if (nl->listener.fd >= 0)
			snprintf(err, errsz, "event loop: %s", strerror(errno));
		netloop_free(nl);
		return NULL;
	}
	return nl;
}

static void conn_close(struct netloop *nl, struct conn *cn)
{
	ev_del(nl->ev, cn->fd);
	close(cn->fd);
	srv_client_free(nl->srv, cn->client);
	free(cn);
}

/* The peer is gone (EOF, reset, failed send): tell the core, then free. */
static void conn_lost(struct netloop *nl, struct conn *cn, const char *why)
{
	srv_client_eof(nl->srv, cn->client, why);
	conn_close(nl, cn);
}

static void accept_one(struct netloop *nl, int fd, const struct sockaddr_storage *ss,
		       socklen_t sl)
{
	char host[NI_MAXHOST];
	if (getnameinfo((const struct sockaddr *)ss, sl, host, sizeof host, NULL, 0,
			NI_NUMERICHOST) != 0)
		snprintf(host, sizeof host, "unknown");
	struct conn *cn = calloc(1, sizeof *cn);
	if (!cn) {
		close(fd);
		return;
	}
	/* Output is already batched per loop turn; Nagle would only hold a
	 * reply back until the peer's delayed ACK (40 ms on Linux). */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	cn->fd = fd;
	cn->watching = EV_READ;
	cn->client = srv_client_new(nl->srv, host, cn);
	if (!cn->client || ev_add(nl->ev, fd, cn, EV_READ) != 0) {
		if (cn->client)
			srv_client_free(nl->srv, cn->client);
		close(fd);
		free(cn);
	}
}

static int accept_nonblock(int lfd, struct sockaddr_storage *ss, socklen_t *sl)
{
#ifdef __linux__
	return accept4(lfd, (struct sockaddr *)ss, sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
	int fd = accept(lfd, (struct sockaddr *)ss, sl);
	if (fd >= 0 && set_nonblock(fd) != 0) {
		close(fd);
		errno = ECONNABORTED; /* dropped: the caller takes the next one */
		return -1;
	}
	return fd;
#endif
}

/* Out of descriptors.  accept() fails with EMFILE before it even looks at
 * the queue, and a waiting connection keeps the listener readable, so doing
 * nothing would spin.  Give up the spare descriptor, take the connection on
 * it, tell the peer why and close it, then take the spare back.  Returns 1
 * when one was shed (more may wait), 0 when none was waiting, -1 when we
 * cannot shed (no spare): the caller then pauses the listener. */
static int shed_one(struct netloop *nl)
{
	static const char full[] = "ERROR :Server is full (out of file descriptors), "
				   "try again later\r\n";
	if (nl->spare_fd < 0)
		return -1;
	close(nl->spare_fd);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd = accept_nonblock(nl->listener.fd, &ss, &sl);
	int accept_errno = errno;
	if (fd >= 0) {
		/* Best effort: a fresh socket's buffer is empty, so this fits. */
		if (send(fd, full, sizeof full - 1, MSG_NOSIGNAL) < 0) {
			/* the peer is gone already: nothing to tell */
		}
		close(fd);
	}
	nl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return 1;
	return accept_errno == EAGAIN || accept_errno == EWOULDBLOCK ? 0 : -1;
}

/* Stops watching the listener for ACCEPT_PAUSE seconds: for accept errors
 * that only time cures (no spare descriptor, no kernel memory).  Waiting
 * connections stay in the backlog meanwhile. */
static void pause_listener(struct netloop *nl)
{
	if (nl->accept_paused)
		return;
	nl->accept_paused = true;
	nl->accept_resume = nl->srv->mono + ACCEPT_PAUSE;
	ev_mod(nl->ev, nl->listener.fd, &nl->listener, 0);
}

static void resume_listener(struct netloop *nl)
{
	if (!nl->accept_paused || nl->srv->mono < nl->accept_resume)
		return;
	if (nl->spare_fd < 0)
		nl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	nl->accept_paused = false;
	ev_mod(nl->ev, nl->listener.fd, &nl->listener, EV_READ);
}

/* Takes at most ACCEPT_BATCH connections per wakeup, so a connection storm
 * shares the loop with the clients already here. */
static void accept_some(struct netloop *nl)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept_nonblock(nl->listener.fd, &ss, &sl);
		if (fd >= 0) {
			accept_one(nl, fd, &ss, sl);
			continue;
		}
		switch (errno) {
		case EINTR:
		case ECONNABORTED: /* that peer gave up; take the next */
		case EPROTO:
		case EPERM:
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			return;
		case EMFILE:
		case ENFILE: {
			int shed = shed_one(nl);
			if (shed > 0)
				continue;
			if (shed < 0)
				pause_listener(nl);
			return;
		}
		default: /* ENOBUFS, ENOMEM, ...: only time helps */
			pause_listener(nl);
			return;
		}
	}
}

/* Reads what the core has room for: when its receive queue is full (the
 * client is paced, or behind a long reply) the socket is not read, and
 * TCP holds the client back.  Epoll and poll still report a hang-up then;
 * with nothing to read it is a lost connection.  Returns 0, or -1 after
 * freeing cn. */
static int conn_read(struct netloop *nl, struct conn *cn, unsigned events)
{
	size_t room = srv_client_input_room(cn->client);
	if (room == 0) {
		if (!(events & EV_ERROR))
			return 0;
		conn_lost(nl, cn, "Connection reset by peer");
		return -1;
	}
	ssize_t n = recv(cn->fd, nl->rbuf, room < sizeof nl->rbuf ? room : sizeof nl->rbuf, 0);
	if (n > 0) {
		srv_client_input(nl->srv, cn->client, nl->rbuf, (size_t)n);
	} else if (n == 0) {
		/* The lines before the EOF may still be waiting to run: then
		 * the core closes the client once they did. */
		srv_client_eof(nl->srv, cn->client, "Remote host closed the connection");
		if (cn->client->closing) {
			conn_close(nl, cn);
			return -1;
		}
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		char why[128];
		snprintf(why, sizeof why, "Read error: %s", strerror(errno));
		conn_lost(nl, cn, why);
		return -1;
	}
	return 0;
}

/* Writes what the kernel takes: each call hands it up to IOV_BATCH queued
 * lines at once, straight from the shared lines (no copy into a buffer);
 * then watches for what is still wanted: writability while output is
 * left, input while the core takes it.
 * Returns 0, or -1 after freeing cn. */
static int conn_flush(struct netloop *nl, struct conn *cn)
{
	struct iovec iov[IOV_BATCH];
	int n_iov;
	while ((n_iov = srv_client_output(cn->client, iov, IOV_BATCH)) > 0) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n_iov};
		ssize_t n = sendmsg(cn->fd, &mh, MSG_NOSIGNAL);
		if (n > 0) {
			srv_client_sent(nl->srv, cn->client, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		char why[128];
		snprintf(why, sizeof why, "Write error: %s", strerror(errno));
		conn_lost(nl, cn, why);
		return -1;
	}
	unsigned want = (n_iov > 0 ? EV_WRITE : 0) |
			(srv_client_input_room(cn->client) > 0 ? EV_READ : 0);
	if (want != cn->watching) {
		cn->watching = want;
		ev_mod(nl->ev, cn->fd, cn, want);
	}
	return 0;
}

/* An exited client's socket, after a flush: closed once nothing is left
 * to write; otherwise it waits for room, LINGER_SECS at a time, so a
 * client that half-closed behind a long reply and reads it slowly gets
 * all of it and the ERROR, while one that stopped reading costs a
 * descriptor for LINGER_SECS at most. */
static void linger(struct netloop *nl, struct conn *cn)
{
	if (!(cn->watching & EV_WRITE))
		conn_close(nl, cn);
	else
		cn->linger_until = nl->last_tick + LINGER_SECS;
}

/* Closes the exited clients whose output found no room in time. */
static void linger_expire(struct netloop *nl, time_t now)
{
	struct client *c = nl->srv->clients;
	while (c) {
		struct client *next = c->next; /* conn_close frees c */
		struct conn *cn = c->io;
		if (c->closing && cn && cn->linger_until && cn->linger_until <= now)
			conn_close(nl, cn);
		c = next;
	}
}

/* Writes every queue the core touched; closes those that are done. */
static void drain_dirty(struct netloop *nl)
{
	struct client *c;
	while ((c = srv_next_dirty(nl->srv))) {
		struct conn *cn = c->io;
		if (conn_flush(nl, cn) != 0)
			continue;
		if (c->closing)
			linger(nl, cn);
	}
}

static void handle_event(struct netloop *nl, const struct ev_event *e)
{
	struct conn *cn = e->ptr;
	if (cn == &nl->listener) {
		accept_some(nl);
		return;
	}
	if (cn->client->closing) {
		/* Lingering (drain_dirty saw it first): only output is left. */
		if (cn->linger_until && (e->events & (EV_WRITE | EV_ERROR)) &&
		    conn_flush(nl, cn) == 0)
			linger(nl, cn);
		return;
	}
	/* Errors surface as a failed recv.  Both directions are served on one
	 * readiness: a client that keeps sending must still get its backlog. */
	if ((e->events & (EV_READ | EV_ERROR)) && conn_read(nl, cn, e->events) != 0)
		return; /* cn is gone */
	if ((e->events & EV_WRITE) && !cn->client->closing)
		conn_flush(nl, cn);
}

int netloop_turn(struct netloop *nl, int timeout_ms, char *err, size_t errsz)
{
	struct ev_event events[EVENTS_MAX];
	int n = ev_wait(nl->ev, events, EVENTS_MAX, timeout_ms);
	if (n < 0 && errno != EINTR) {
		snprintf(err, errsz, "event wait: %s", strerror(errno));
		return -1;
	}
	struct srv_clock now = clock_now();
	srv_set_clock(nl->srv, now);
	resume_listener(nl);
	for (int i = 0; i < n; i++)
		handle_event(nl, &events[i]);
	if (now.mono != nl->last_tick) {
		nl->last_tick = now.mono;
		srv_tick(nl->srv, now);
		linger_expire(nl, now.mono);
	}
	srv_run_due(nl->srv);
	drain_dirty(nl);
	return 0;
}

int netloop_run(struct netloop *nl, volatile sig_atomic_t *stop, char *err, size_t errsz)
{
	/* Wake at least once a second for srv_tick, sooner when paced lines
	 * or a long reply can go on. */
	while (!*stop && !nl->srv->dying)
		if (netloop_turn(nl, srv_wait_ms(nl->srv, 1000), err, errsz) != 0)
			return -1;
	return 0;
}

void netloop_free(struct netloop *nl)
{
	if (!nl)
		return;
	if (nl->srv) {
		/* Close every client socket; the core's state goes in srv_destroy. */
		for (struct client *c = nl->srv->clients; c; c = c->next) {
			struct conn *cn = c->io;
			if (cn) {
				close(cn->fd);
				free(cn);
				c->io = NULL;
			}
		}
	}
	if (nl->listener.fd >= 0)
		close(nl->listener.fd);
	if (nl->spare_fd >= 0)
		close(nl->spare_fd);
	ev_free(nl->ev);
	free(nl);
}
