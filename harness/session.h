/* session.h - the clients of one running case, and bounded waiting on them.
 *
 * All of a case's connections are pumped together: while a step waits on
 * one client, the others' sockets are read too (unless stop-reading), so
 * the server never blocks on a harness client we merely were not looking
 * at.  Every wait ends by its deadline. */
#ifndef IRCSPEC_SESSION_H
#define IRCSPEC_SESSION_H

#include <stdbool.h>

#include "../common/ircmsg.h"
#include "conn.h"
#include "clock.h"
#include "result.h"
#include "runenv.h"

/* Longest nick a server may give a client in its 001: above every NICKLEN
 * in use (9 in RFC 2812, 30 in inspircd and UnrealIRCd, 32 in Ergo). */
#define SESS_NICK_MAX 64
/* A numeric IPv4 or IPv6 address, as getnameinfo(NI_NUMERICHOST) writes
 * it (an IPv6 one with a %scope is the longest). */
#define SESS_HOST_MAX 63

struct sclient {
	char name[32];
	char nick[SESS_NICK_MAX + 1];
	char seen_nick[SESS_NICK_MAX + 1]; /* the nick the server's lines give it now */
	char user[16];
	/* The address the connection comes from, as the server sees it: the
	 * socket's own, numeric; set when it connects. */
	char host[SESS_HOST_MAX + 1];
	struct hconn conn;
	bool registered;
};

struct session {
	struct run_env *env;
	struct sclient *cl;
	unsigned n;
	struct transcript *tr;
	long t0;
	unsigned ping_seq;
	struct target_info *learn; /* if set, sess_register fills it from the burst */
	/* Parse buffers (8.7 KB each) taken once per session, not per line:
	 * one for lines as they arrive (auto-PONG), one for waits. */
	struct irc_msg *msg_in, *msg_wait;
	char why[2048]; /* the failure, when a call returns -1 */
	char badline[256]; /* the first received line that broke RFC 2812 2.3, or "" */
	bool timed_out;    /* a wait reached its deadline (the server was silent, not
			      closed, not answering something else) */
	bool send_closed;  /* the last sess_send failed: the server had closed or
			      reset the connection */
};

typedef bool sess_match_fn(void *arg, const struct rline *l, const struct irc_msg *m);

/* 0, or -1 when out of memory (sess_free is still safe to call). */
int sess_init(struct session *s, struct run_env *env, struct sclient *cl, unsigned n,
	      struct transcript *tr);
void sess_free(struct session *s);
long sess_deadline(const struct session *s, int timeout_ms);
void sess_event(struct session *s, unsigned k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int sess_connect(struct session *s, unsigned k);
/* Sends everything (waiting for the socket while still reading all). */
int sess_send(struct session *s, unsigned k, const char *data, size_t len, long deadline);
/* Waits for a line on k that match() accepts: any unread line, or only the
 * oldest when next_only.  Returns it (still queued: hconn_remove it) or
 * NULL with s->why set (timeout, connection closed). */
struct rline *sess_wait(struct session *s, unsigned k, sess_match_fn *match, void *arg,
			bool next_only, long deadline);
/* PING/PONG barrier: when it returns 0 the server has processed everything
 * k sent before.  Lines other than the PONG stay queued. */
int sess_sync(struct session *s, unsigned k, long deadline);
/* The same barrier for several clients in one round trip: every PING goes
 * out, then each waits for its PONG.  -1 with *failed the first client
 * whose PING could not be sent or got no PONG. */
#define SESS_SYNC_MAX 16
int sess_sync_many(struct session *s, const unsigned *ks, unsigned nk, unsigned *failed,
		   long deadline);
/* Waits until the server closes k's connection. */
int sess_wait_close(struct session *s, unsigned k, long deadline);
/* PASS?/NICK/USER for all ks at once, then waits for each to finish (001 ..
 * 376/422); the burst is consumed. */
int sess_register(struct session *s, const unsigned *ks, unsigned nk, long deadline);
/* sess_register for one client, then a sync, in one round trip where the
 * server allows: the PING goes right behind NICK/USER, and a server that
 * handles a client's lines in order answers it after the burst.  A PONG
 * that came before the end of the burst (or none yet) proves nothing of
 * the registered client: then one more sync, as sess_sync. */
int sess_register_synced(struct session *s, unsigned k, long deadline);
/* Reads whatever k's socket holds now, without waiting. */
void sess_drain(struct session *s, unsigned k);

#endif
