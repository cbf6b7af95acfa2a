/* looptest.c - refircd's netloop.c driven turn by turn (netloop_turn), in
 * process, over real loopback sockets: for what a single loop turn must do,
 * which a test over the wire cannot pin down.
 *
 * Read and write readiness together.  The server holds a backlog for
 * client R (the kernel's buffers are full), then R sends input that makes
 * no reply and empties its socket, so the server's end of R is readable and
 * writable at once.  One turn must serve both: R's queue shrinks.  A loop
 * that returns after the read leaves the backlog waiting for as long as R
 * keeps sending.
 *
 * Built with ASan+UBSan; exit status 0 = pass. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#include "../../reference-server/netloop.h"

#define MAX_TURNS 20000
#define BACKLOG_WANTED (128 * 1024) /* bytes the server itself holds for R */

static struct server S;
static struct netloop *NL;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "looptest: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void turn(int timeout_ms)
{
	char err[256];
	if (netloop_turn(NL, timeout_ms, err, sizeof err) != 0)
		die("%s", err);
}

static int connect_to(unsigned port, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		die("connect: %s", strerror(errno));
	return fd;
}

/* Sends all of data, turning the loop while the kernel is full. */
static void send_all(int fd, const char *data, size_t len)
{
	for (int t = 0; len > 0; t++) {
		if (t > MAX_TURNS)
			die("send: %zu bytes left after %d turns", len, t);
		ssize_t n = send(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			die("send: %s", strerror(errno));
		} else {
			turn(10);
		}
	}
}

static struct client *find_client(const char *nick)
{
	for (struct client *c = S.clients; c; c = c->next)
		if (strcmp(c->nick, nick) == 0)
			return c;
	return NULL;
}

static struct client *register_as(int fd, const char *nick)
{
	char line[128];
	snprintf(line, sizeof line, "NICK %s\r\nUSER %s 0 * :%s\r\n", nick, nick, nick);
	send_all(fd, line, strlen(line));
	for (int t = 0; t < MAX_TURNS; t++) {
		struct client *c = find_client(nick);
		if (c && c->state == CLIENT_REGISTERED)
			return c;
		turn(10);
	}
	die("%s never registered", nick);
}

/* Reads whatever is waiting on fd; returns the bytes read. */
static size_t drain_socket(int fd)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;
	while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
		total += (size_t)n;
	return total;
}

/* The server's end of client socket fd: the socket whose peer is fd. */
static int server_end_of(int fd)
{
	struct sockaddr_in mine, other;
	socklen_t len = sizeof mine;
	getsockname(fd, (struct sockaddr *)&mine, &len);
	for (int s = 3; s < 1024; s++) {
		len = sizeof other;
		if (s != fd && getpeername(s, (struct sockaddr *)&other, &len) == 0 &&
		    other.sin_port == mine.sin_port && other.sin_addr.s_addr == mine.sin_addr.s_addr)
			return s;
	}
	die("no descriptor is the server's end of R");
}

static void test_read_and_write_in_one_turn(unsigned port)
{
	int w = connect_to(port, 0);
	int r = connect_to(port, 4096);
	register_as(w, "writer");
	struct client *rc = register_as(r, "reader");

	/* R never reads: the kernel's buffers fill, then the server queues.
	 * Then every line W sent is handled, none left in W's send queue or at
	 * the server's end: nothing else will queue output for R.  Should the
	 * kernel take R's queue meanwhile (its buffers grow), fill again. */
	char line[512];
	memset(line, 'b', sizeof line);
	int head = snprintf(line, sizeof line, "PRIVMSG reader :");
	line[head] = 'b';
	memcpy(line + 416, "\r\n", 2);
	struct pollfd wp = {.fd = server_end_of(w), .events = POLLIN};
	for (int round = 0; sendq_cost(&rc->sendq) < BACKLOG_WANTED / 2; round++) {
		if (round == 10)
			die("backlog: R's queue keeps draining (%zu bytes)", sendq_cost(&rc->sendq));
		for (int i = 0; sendq_cost(&rc->sendq) < BACKLOG_WANTED; i++) {
			if (i > 40000)
				die("backlog: only %zu bytes queued after %d lines", sendq_cost(&rc->sendq),
				    i);
			send_all(w, line, 418);
			turn(0);
		}
		int unsent = 0;
		for (int t = 0; poll(&wp, 1, 0) > 0 || ioctl(w, SIOCOUTQ, &unsent) != 0 || unsent > 0;
		     t++) {
			if (t > 2000)
				die("W's lines still in flight after %d turns (%d bytes unsent)", t,
				    unsent);
			turn(1);
		}
	}

	/* R sends more than one read takes (16 KiB) of lines with no reply... */
	static char blank[64 * 1024];
	memset(blank, '\n', sizeof blank);
	ssize_t sent = send(r, blank, sizeof blank, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 32 * 1024)
		die("R: only %zd of %zu bytes of input went out", sent, sizeof blank);
	/* ...and empties its socket, so the server's end becomes writable. */
	int srv_end = server_end_of(r);
	struct pollfd p = {.fd = srv_end, .events = POLLIN | POLLOUT};
	for (int i = 0;; i++) {
		drain_socket(r);
		p.revents = 0;
		if (poll(&p, 1, 10) > 0 && (p.revents & POLLIN) && (p.revents & POLLOUT))
			break;
		if (i > 500)
			die("the server's end of R is not readable and writable (revents %#x)",
			    (unsigned)p.revents);
	}

	size_t before = sendq_cost(&rc->sendq);
	turn(1000);
	size_t after = sendq_cost(&rc->sendq);
	if (after >= before)
		die("one turn with R readable and writable left its queue at %zu bytes (%zu "
		    "before): the write was not served", after, before);
	printf("looptest: one turn read R's input and cut its queue from %zu to %zu bytes\n",
	       before, after);
	close(w);
	close(r);
}

int main(void)
{
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	struct srv_config cfg = {.name = "loop.refircd.test"};
	char err[256];
	if (srv_init(&S, &cfg, (struct srv_clock){.wall = time(NULL), .mono = mono.tv_sec}, err, sizeof err) != 0)
		die("srv_init: %s", err);
	unsigned port = 0;
	NL = netloop_new(&S, "127.0.0.1", 0, &port, err, sizeof err);
	if (!NL)
		die("netloop_new: %s", err);

	test_read_and_write_in_one_turn(port);

	netloop_free(NL);
	srv_destroy(&S);
	return 0;
}
