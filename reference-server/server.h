/* server.h - refircd's server state and the I/O seam.
 *
 * The core (registries, dispatch, handlers) never touches a socket.  An I/O
 * layer - netloop.c over real sockets, or a test/fuzz driver in memory -
 * creates clients, hands in received bytes, and drains what the core queued:
 *
 *   c = srv_client_new(s, host, io);      a connection was accepted
 *   srv_client_input(s, c, bytes, n);     bytes arrived (any split)
 *   srv_client_eof(s, c, reason);         the peer vanished (EOF, RST, ...)
 *   while ((c = srv_next_dirty(s)))       output is queued for c, or
 *       n = srv_client_output(c, iov, k)    c->closing says: flush, close,
 *       ...writev(iov, n) took w bytes:     then free
 *       srv_client_sent(s, c, w)
 *       c->closing: srv_client_free(s,c)
 *   srv_set_clock(s, now);                each loop turn: the time handlers see
 *   srv_tick(s, now);                     once a second: PINGs, timeouts
 *   srv_run_due(s);                       each loop turn: paced lines whose
 *                                         time came, long replies whose
 *                                         asker's queue drained; srv_wait_ms
 *                                         says when the next such work is due
 *
 * Received bytes wait in c->recvq while they may not run yet (pace.c, or
 * a long reply in progress); the I/O layer reads at most
 * srv_client_input_room(c) bytes, so a full queue stops reading (TCP
 * back-pressure) instead of dropping anything.
 *
 * The core never frees a client: it marks it closing and the I/O layer frees
 * it, so no handler can be left holding a freed pointer. */
#ifndef REFIRCD_SERVER_H
#define REFIRCD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../common/buf.h"
#include "../common/frame.h"
#include "hmap.h"
#include "limits.h"
#include "sendq.h"

struct channel;
struct client;

/* A client's seat in a channel: linked into both the channel's member list
 * and the client's channel list, so either side can walk or drop it. */
struct member {
	struct client *client;
	struct channel *chan;
	struct member *chan_next, *chan_prev;
	struct member *client_next, *client_prev;
	unsigned char flags; /* MEMBER_OP | MEMBER_VOICE */
};
#define MEMBER_OP 0x1
#define MEMBER_VOICE 0x2

/* User modes (RFC 2812 3.1.5) */
#define UMODE_INVISIBLE 0x1 /* i */
#define UMODE_WALLOPS 0x2   /* w */
#define UMODE_OPER 0x4      /* o */

/* Channel modes without a parameter (RFC 2812 3.2.3, RFC 2811 4.2) */
#define CMODE_INVITE 0x01    /* i */
#define CMODE_MODERATED 0x02 /* m */
#define CMODE_NOEXTERNAL 0x04 /* n */
#define CMODE_PRIVATE 0x08   /* p */
#define CMODE_SECRET 0x10    /* s */
#define CMODE_TOPIC 0x20     /* t */

struct ban {
	struct ban *next;
	char *mask;
	char setter[NICKLEN + 1];
	time_t when;
};

struct channel {
	char name[CHANNELLEN + 1]; /* as first created */
	char *topic;               /* NULL when unset */
	char topic_setter[NICKLEN + 1 + USERLEN + 1 + HOSTLEN + 1];
	time_t topic_time;
	time_t created;
	unsigned modes;            /* CMODE_* */
	char key[KEYLEN + 1];      /* "" when no +k */
	unsigned limit;            /* 0 when no +l */
	struct ban *bans;
	unsigned nbans;
	struct ban *excepts;       /* +e: masks a ban does not keep out */
	unsigned nexcepts;
	struct ban *invexes;       /* +I: masks +i lets in uninvited */
	unsigned ninvexes;
	unsigned *invited;         /* client ids, oldest first; ids are never reused */
	unsigned ninvited, invited_cap;
	struct member *members;
	unsigned nmembers;
};

enum client_state {
	CLIENT_UNREGISTERED,
	CLIENT_REGISTERED,
	CLIENT_DEAD, /* has quit; waiting for the I/O layer to flush and free */
};

struct listing; /* listing.h: a long reply produced as the queue drains */

/* A client's place on one of the server's to-do lists (dirty, busy):
 * doubly linked, so leaving one early (an exit) costs nothing. */
struct client_link {
	struct client *next, *prev;
	bool on;
};

struct client {
	struct client *next, *prev; /* all clients */
	struct client_link dirty;   /* has output or is closing */
	struct client *reap_next;   /* killed, exit pending */
	struct client_link busy;    /* has deferred work (srv_run_due) */
	bool on_reap;

	void *io;    /* the I/O layer's handle; the core never reads it */
	unsigned id; /* unique for the server's life */
	enum client_state state;
	bool closing;      /* I/O layer: flush what is queued, close, free */
	bool pass_ok;      /* right PASS given (or no password set) */
	bool got_user;
	bool cap_negotiating; /* CAP LS seen, CAP END not yet: hold 001 */

	char nick[NICKLEN + 1]; /* "" until NICK */
	char user[USERLEN + 1];
	char host[HOSTLEN + 1];
	char realname[REALNAMELEN + 1];
	char source[NICKLEN + USERLEN + HOSTLEN + 3]; /* "nick!user@host" */
	char *away;             /* NULL when not away */
	unsigned umodes;        /* UMODE_* */

	struct member *chans;   /* channels joined */
	unsigned nchans;

	struct framer framer;
	struct sendq sendq;     /* written through srv_client_output/_sent */
	struct buf recvq;       /* received, not yet run (RECVQ_MAX) */
	struct listing *listing; /* NULL, or the long reply in progress */
	bool input_eof;         /* the peer closed; lines in recvq still run */
	long long msg_timer;    /* RFC 1459 8.10 message timer, ms (pace.c) */
	size_t flood_bytes;     /* received while behind (EXCESS_FLOOD) */

	time_t signon;          /* wall clock: the signon time WHOIS shows */
	time_t connected;       /* monotonic: registration timeout, STATS l age */
	time_t last_recv;       /* monotonic: for PING timeout */
	time_t last_msg;        /* monotonic: for WHOIS idle (PRIVMSG/NOTICE) */
	bool ping_sent;
	unsigned stamp;         /* broadcast de-duplication, see send.c */
	char exit_reason[KICKLEN + 1];
};

struct nick_delay {
	char nick[NICKLEN + 1]; /* "" when the slot is free */
	time_t until;           /* s->mono */
};

struct whowas {
	char nick[NICKLEN + 1];
	char user[USERLEN + 1];
	char host[HOSTLEN + 1];
	char realname[REALNAMELEN + 1];
	time_t when;
};

struct oper_cred {
	char name[NICKLEN + 1];
	char password[64];
};

struct srv_config {
	const char *name;       /* server name, e.g. "irc.example" */
	const char *password;   /* NULL: no PASS needed */
	const char *motd_file;  /* NULL: send 422 */
	const struct oper_cred *opers;
	unsigned nopers;
	unsigned ping_interval; /* seconds idle before a PING */
	unsigned ping_timeout;  /* seconds to answer before dropped */
	const char *network;    /* ISUPPORT NETWORK */
	size_t sendq_max;       /* send queue cap in bytes; 0: SENDQ_MAX.  The
	                           fuzzers set a small one so overflow is cheap
	                           to reach */
	const unsigned char *hash_key; /* SIPHASH_KEY_LEN bytes keying the nick
	                           and channel maps; NULL: random from
	                           getrandom(2), as a real server must use.  Tests
	                           and fuzzers pass a fixed one to repeat runs */
	unsigned flood_interval_ms; /* pace.c: ms each command costs once the
	                           burst is spent; 0: no pacing */
	unsigned flood_burst;   /* commands a client may send at once; 0: 1 */
};

struct server {
	struct srv_config cfg;
	char name[SERVERNAMELEN + 1];
	char **motd;            /* lines, NULL-terminated; NULL if none */
	time_t now;             /* wall clock, for what users see (dates, TIME) */
	time_t mono;            /* monotonic clock, for every interval */
	long long now_ms;       /* the same in ms, for pacing (pace.c) */
	time_t started;         /* wall clock: INFO's "Started" */
	time_t started_mono;    /* for STATS u uptime */
	char created_str[64];
	bool dying;             /* an operator sent DIE: the loop ends */

	struct client *clients; /* every client */
	struct client *dirty;   /* I/O work pending */
	struct client *reap;    /* killed during dispatch, exit pending */
	struct client *busy;    /* lines waiting or a listing in progress */
	struct hmap nicks;      /* folded nick -> client (registered or not) */
	struct hmap chans;      /* folded name -> channel */
	unsigned next_id;
	unsigned stamp;

	/* LUSERS counters, kept as they change (no scan per command). */
	unsigned nclients;      /* every connection */
	unsigned nclosing;      /* exited, last output still being written */
	unsigned nusers;        /* registered */
	unsigned ninvisible;    /* registered and +i */
	unsigned nopers;        /* registered and +o */
	unsigned nchannels;
	unsigned max_users;

	/* A ring of at most WHOWAS_SIZE entries (55 KiB), grown by doubling
	 * from WHOWAS_FIRST as departures come: a server that saw a few
	 * departures (every fuzz input) neither allocates nor clears it all. */
	struct nick_delay nick_delays[NICK_DELAY_SLOTS]; /* a ring: the oldest goes */
	unsigned nick_delay_next;
	struct whowas *whowas;
	unsigned whowas_cap;  /* entries allocated; WHOWAS_SIZE once it wraps */
	unsigned whowas_next; /* departures so far */

	/* STATS m, indexed by command table slot: dispatch fills in the name
	 * with the first use, so STATS reads data and never calls back into
	 * the dispatcher that called it. */
	struct cmd_stat {
		const char *name; /* the table's static string, or NULL if unused */
		unsigned long count;
	} cmd_stats[64];
};

/* The two clocks the I/O layer hands in, in seconds.  wall is what users
 * are shown: TIME, channel and topic dates, WHOWAS, signon.  mono only moves
 * forward (CLOCK_MONOTONIC) and every timeout and idle time counts on it,
 * so a step of the wall clock neither fires nor stalls a PING timeout. */
struct srv_clock {
	time_t wall;
	time_t mono;
	long long mono_ms; /* mono in milliseconds, for pacing (pace.c) */
};

/* Life cycle.  srv_init copies cfg's scalars; strings must outlive s.
 * Returns 0, or -1 with a message in err (e.g. unreadable MOTD file).  On
 * 0, a non-empty err is a warning to show (e.g. MOTD lines wrapped). */
int srv_init(struct server *s, const struct srv_config *cfg, struct srv_clock now,
	     char *err, size_t errsz);
void srv_destroy(struct server *s); /* frees every client and channel */

/* The I/O seam (see the top of this file). */
struct client *srv_client_new(struct server *s, const char *host, void *io);
void srv_client_input(struct server *s, struct client *c, const char *data, size_t len);
void srv_client_eof(struct server *s, struct client *c, const char *reason);
struct client *srv_next_dirty(struct server *s);
/* Points iov[0..max) at c's queued output, in order, for one writev;
 * returns how many (0: nothing is queued). */
int srv_client_output(const struct client *c, struct iovec *iov, int max);
/* The I/O layer wrote n bytes of what srv_client_output gave. */
void srv_client_sent(struct server *s, struct client *c, size_t n);
void srv_client_free(struct server *s, struct client *c);
void srv_set_clock(struct server *s, struct srv_clock now);
void srv_tick(struct server *s, struct srv_clock now);
void srv_run_due(struct server *s);
/* Milliseconds until srv_run_due has work (0: now), at most max_ms. */
int srv_wait_ms(const struct server *s, int max_ms);
/* How many more received bytes c may take now; 0: stop reading it. */
size_t srv_client_input_room(const struct client *c);

#endif
