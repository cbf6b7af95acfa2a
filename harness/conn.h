/* conn.h - one harness client's TCP connection to the server under test.
 *
 * Non-blocking throughout: every wait is a poll() bounded by the caller's
 * deadline, so a server that never reads, never answers, or floods cannot
 * hang ircspec.  Received bytes are framed into lines (CR LF or LF) and kept
 * in a bounded queue until an expectation takes them. */
#ifndef IRCSPEC_CONN_H
#define IRCSPEC_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/frame.h"

/* A server line may carry IRCv3 tags: accept up to the parser's limit. */
#define CONN_LINE_MAX (8191 + 512)
/* Unread lines kept per client: past this the server is flooding us. */
#define CONN_QUEUE_MAX_LINES 20000
#define CONN_QUEUE_MAX_BYTES (2 * 1024 * 1024)
/* Replies the harness makes by itself (the auto-PONG) wait here while the
 * case's own line is unfinished: a few PONGs, a server PINGing faster than
 * that is flooding. */
#define CONN_HELD_MAX 4096
/* The MSS a connection with a set receive buffer announces: the classic
 * default (RFC 879), which keeps the server's send buffer small too. */
#define CONN_SMALL_MSS 536

struct rline {
	struct rline *next, *prev;
	size_t len;
	long t_ms;
	bool bare_lf; /* ended by LF alone, no CR before it */
	char data[]; /* NUL-terminated; may hold NULs inside */
};

struct hconn {
	int fd;          /* -1 when not connected */
	bool eof;        /* the server closed or reset the connection */
	bool reset;      /* ...with a RST */
	bool reading;    /* false after stop-reading */
	bool wr_closed;  /* we sent FIN (half-close) */
	bool mid_line;   /* what we sent last did not end with LF */
	bool crlf_seen;  /* a line from the server has ended in CR LF */
	int rcvbuf;      /* SO_RCVBUF set before connecting (the window the
			    server sees), with a CONN_SMALL_MSS; 0: the kernel's */
	/* Held replies: whole lines, sent only at a line boundary of the
	 * case's stream.  held_mid: the unfinished line on the wire is one of
	 * them (a short write), so the case's bytes must wait instead. */
	char held[CONN_HELD_MAX];
	size_t held_off, held_len;
	bool held_mid;
	struct framer fr;
	struct rline *head, *tail; /* unread lines, oldest first */
	size_t nlines, nbytes;
	size_t dropped;            /* lines lost to the queue caps */
	size_t toolong;            /* lines over CONN_LINE_MAX dropped */
	unsigned long long rx_bytes;
};

void hconn_init(struct hconn *c);
/* Connects with TCP_NODELAY (and c->rcvbuf) by `deadline` (now_ms() clock; signals do not
 * extend it).  0, or -1 with err. */
int hconn_connect(struct hconn *c, const char *host, unsigned port, long deadline,
		  char *err, size_t errsz);
/* Reads what is available now (never blocks): frames lines into the queue
 * and calls on_line for each.  Returns bytes read (0 if none). */
typedef void hconn_line_fn(void *arg, struct hconn *c, struct rline *l);
long hconn_read_some(struct hconn *c, long now_ms, hconn_line_fn *on_line, void *arg);
/* Writes as much as the kernel takes now.  Returns bytes written, or -1
 * when the connection is gone (err set). */
long hconn_write_some(struct hconn *c, const char *p, size_t n, char *err, size_t errsz);
/* Queues whole lines p[0..n) as a held reply.  0, or -1 when they do not
 * fit (nothing queued). */
int hconn_hold(struct hconn *c, const char *p, size_t n);
/* Held bytes wait and may go now (no line of the case's is unfinished). */
bool hconn_held_ready(const struct hconn *c);
/* Writes held bytes as the kernel takes them; *sent points at what went.
 * Returns bytes written (0: none may or can go now), -1 gone (err set). */
long hconn_write_held(struct hconn *c, const char **sent, char *err, size_t errsz);
void hconn_remove(struct hconn *c, struct rline *l); /* unlinks and frees */
void hconn_abort(struct hconn *c);      /* RST */
void hconn_half_close(struct hconn *c); /* FIN, keep reading */
void hconn_close(struct hconn *c);      /* FIN and forget */
void hconn_free(struct hconn *c);       /* closes and frees the queue */

#endif
