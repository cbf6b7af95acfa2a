/* peerread.c - the server's end of a connection, seen through sock_diag
 * (peerread.h). */
#include "peerread.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>

/* What the two ends count, in bytes. */
struct ends {
	unsigned long long sent;  /* this end: sent once (retransmits not counted) */
	unsigned unsent;          /* this end: still in its send queue */
	unsigned long long recvd; /* the server's end: received in order */
	unsigned unread;          /* the server's end: received, not read yet */
};

/* tcp_info fields up to `field` are there (an older kernel's is shorter). */
#define HAS(len, field) ((len) >= offsetof(struct tcp_info, field) + sizeof ((struct tcp_info *)0)->field)

static int own_end(int fd, struct ends *e)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 || !HAS(len, tcpi_bytes_retrans))
		return -1;
	e->sent = ti.tcpi_bytes_sent - ti.tcpi_bytes_retrans;
	e->unsent = ti.tcpi_notsent_bytes;
	return 0;
}

/* The request naming the server's socket: its local address is our peer,
 * its remote one is us. */
static int make_request(int fd, struct inet_diag_req_v2 *r)
{
	struct sockaddr_storage me, peer;
	socklen_t ml = sizeof me, pl = sizeof peer;
	if (getsockname(fd, (struct sockaddr *)&me, &ml) != 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &pl) != 0 || me.ss_family != peer.ss_family)
		return -1;
	memset(r, 0, sizeof *r);
	r->sdiag_family = (unsigned char)me.ss_family;
	r->sdiag_protocol = IPPROTO_TCP;
	r->idiag_ext = 1u << (INET_DIAG_INFO - 1);
	r->idiag_states = ~0u;
	r->id.idiag_cookie[0] = r->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (me.ss_family == AF_INET) {
		const struct sockaddr_in *m = (const void *)&me, *p = (const void *)&peer;
		r->id.idiag_sport = p->sin_port;
		r->id.idiag_dport = m->sin_port;
		memcpy(r->id.idiag_src, &p->sin_addr, 4);
		memcpy(r->id.idiag_dst, &m->sin_addr, 4);
	} else if (me.ss_family == AF_INET6) {
		const struct sockaddr_in6 *m = (const void *)&me, *p = (const void *)&peer;
		r->id.idiag_sport = p->sin6_port;
		r->id.idiag_dport = m->sin6_port;
		memcpy(r->id.idiag_src, &p->sin6_addr, 16);
		memcpy(r->id.idiag_dst, &m->sin6_addr, 16);
	} else {
		return -1;
	}
	return 0;
}

/* One sock_diag round trip: the server's end's counts.  -1: no answer
 * (the socket is not on this host, or sock_diag is not there). */
static int peer_end(int nl, const struct inet_diag_req_v2 *req, struct ends *e)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} msg = {{sizeof msg, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 0, 0}, *req};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -1;
	long buf[2048];
	ssize_t n;
	while ((n = recv(nl, buf, sizeof buf, 0)) < 0 && errno == EINTR)
		;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (n <= 0 || !NLMSG_OK(h, (size_t)n) || h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return -1;
	struct inet_diag_msg *d = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *d))
		return -1;
	e->unread = d->idiag_rqueue;
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *d));
	for (struct rtattr *a = (struct rtattr *)(d + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type != INET_DIAG_INFO)
			continue;
		struct tcp_info ti;
		size_t got = RTA_PAYLOAD(a) < sizeof ti ? RTA_PAYLOAD(a) : sizeof ti;
		memset(&ti, 0, sizeof ti);
		memcpy(&ti, RTA_DATA(a), got);
		if (!HAS(got, tcpi_bytes_received))
			return -1;
		e->recvd = ti.tcpi_bytes_received;
		return 0;
	}
	return -1;
}

int peer_read_wait(int fd, long deadline)
{
	struct inet_diag_req_v2 req;
	if (make_request(fd, &req) != 0)
		return -1;
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	int rc = -1;
	long nap_ns = 20000; /* 20 us, doubling to 1 ms: a loop turn of the server */
	for (;;) {
		struct ends e;
		if (own_end(fd, &e) != 0 || peer_end(nl, &req, &e) != 0)
			break;
		if (e.unsent == 0 && e.recvd >= e.sent && e.unread == 0) {
			rc = 1;
			break;
		}
		if (now_ms() >= deadline) {
			rc = 0;
			break;
		}
		struct timespec ts = {0, nap_ns};
		nanosleep(&ts, NULL);
		nap_ns = nap_ns < 1000000 ? nap_ns * 2 : 1000000;
	}
	close(nl);
	return rc;
}
#else
int peer_read_wait(int fd, long deadline)
{
	(void)fd;
	(void)deadline;
	return -1;
}
#endif
