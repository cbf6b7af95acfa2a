/* case.h - one scenario, as read from a .case file (see cases/README.md).
 *
 * A case is data: a header (id, title, spec references, level, tags), the
 * clients it uses, and a list of steps, each addressed to one or more
 * clients.  Step arguments are kept as written; placeholders such as
 * {nick:a} are filled in at run time, when names are known. */
#ifndef IRCSPEC_CASE_H
#define IRCSPEC_CASE_H

#include <stdbool.h>
#include <stddef.h>

#define CASE_MAX_CLIENTS 512 /* a case may declare crowds, e.g. "m*200" */
#define CASE_MAX_NAME 32
#define CASE_MAX_ALTS 8     /* alternatives of expect-any */
#define CASE_MAX_SPECS 8
#define CASE_MAX_TAGS 16
#define CASE_FILE_MAX (1024 * 1024) /* bytes in a case file */

/* {chan} and {chan:KEY}: channels per case, and a key's length. */
#define CASE_CHAN_KEYS_MAX 16
#define CASE_CHAN_KEY_MAX 15
/* The longest value a placeholder takes in a run (the runner checks its
 * buffers against these): a case is checked with stand-ins this long, so a
 * text that would outgrow its buffer in a run is refused when loaded.
 * {isupport}, {password} and {oper} are up to EXPAND_VALUE_MAX. */
#define CASE_NICK_MAX 64    /* {nick:X}, {user:X}: SESS_NICK_MAX */
#define CASE_CHANNEL_MAX 31 /* {chan:KEY} */
#define CASE_SERVER_MAX 127 /* {server} */
#define CASE_HOST_MAX 63    /* {host:X}: a numeric address (SESS_HOST_MAX) */
/* connect rcvbuf BYTES: the most a case may ask (Linux doubles it and
 * caps it at net.core.rmem_max). */
#define CASE_RCVBUF_MAX (1024 * 1024)

struct bre;

enum level { LEVEL_MUST, LEVEL_SHOULD, LEVEL_MAY };

enum step_kind {
	STEP_CONNECT,       /* open the TCP connection (TCP_NODELAY); num: SO_RCVBUF or 0 */
	STEP_REGISTER,      /* PASS?/NICK/USER, wait for 001 and 376/422 */
	STEP_SEND,          /* one line; CR LF added */
	STEP_RAW,           /* bytes with escapes; nothing added */
	STEP_CHUNKS,        /* "a" "b" ...: each chunk its own segment */
	STEP_SPLIT,         /* line in N pieces (N=0: byte by byte) + CR LF */
	STEP_REPEAT,        /* send a line N times in one write ({i} counts) */
	STEP_EXPECT,        /* a matching message arrives (others skipped) */
	STEP_EXPECT_NEXT,   /* the very next message matches */
	STEP_EXPECT_RE,     /* a raw line matching a PCRE2 regex arrives */
	STEP_EXPECT_ANY,    /* one of several patterns (' || ') arrives */
	STEP_EXPECT_NONE,   /* nothing matching arrives before a PING barrier */
	STEP_EXPECT_EXACT,      /* expect, every field compared case-sensitively */
	STEP_EXPECT_NEXT_EXACT, /* expect-next, the same */
	STEP_EXPECT_NONE_EXACT, /* expect-none, the same */
	STEP_EXPECT_CLOSE,  /* the server closes the connection */
	STEP_SYNC,          /* PING/PONG barrier */
	STEP_ABORT,         /* RST: SO_LINGER {1,0} then close */
	STEP_HALF_CLOSE,    /* shutdown(SHUT_WR) */
	STEP_CLOSE,         /* plain close (FIN) */
	STEP_OPER,          /* OPER with --oper credentials, wait for 381 */
	STEP_STOP_READING,  /* leave the socket unread (a ^Z'd client) */
	STEP_RESUME_READING,
	STEP_REQUIRE,       /* skip unless an ISUPPORT token matches */
	STEP_PAUSE,         /* wait N ms: only to shape segments, never to sync */
};

struct step {
	enum step_kind kind;
	int line;               /* in the case file, for messages */
	unsigned *targets;      /* indexes of the clients addressed (owned) */
	unsigned ntargets;
	char *arg;              /* raw argument text (owned) */
	char *alts[CASE_MAX_ALTS]; /* expect-any: split alternatives (owned) */
	unsigned nalts;
	unsigned num;           /* split pieces, repeat count, pause ms */
	char *count;            /* repeat's count when an EXPR (owned); else NULL */
	struct bre *re;         /* expect-re without placeholders: compiled
				   once at load (owned); else NULL */
	bool all_clients;       /* addressed with "*:" */
};

struct case_client {
	char name[CASE_MAX_NAME]; /* e.g. "a", or "m17" in a crowd */
	char group[CASE_MAX_NAME]; /* crowd name ("m"), or "" */
};

struct casefile {
	char *path;
	char id[96];
	int id_line;            /* where id: is, for duplicate-id errors */
	char title[200];
	char specs[CASE_MAX_SPECS][48]; /* "rfc2812:3.2.1", "modern" */
	unsigned nspecs;
	enum level level;
	char tags[CASE_MAX_TAGS][32];
	unsigned ntags;
	bool needs_oper;
	bool needs_password;    /* requires: password */
	bool robustness;        /* ends with the liveness probe */
	bool exclusive;         /* exclusive: yes - no other case runs meanwhile */
	struct case_client clients[CASE_MAX_CLIENTS];
	unsigned nclients;
	struct step *steps;
	unsigned nsteps;
};

/* Reads and validates one case file: a regular file of at most
 * CASE_FILE_MAX bytes (never waits on a FIFO or reads a device).  On error
 * returns NULL and writes "FILE:LINE: what is wrong" (or "FILE: ...")
 * into err. */
struct casefile *case_load(const char *path, char *err, size_t errsz);
/* The same from memory (`ircspec fuzz` runs the text it writes as a
 * reproducer): text[0..size) plus a NUL at text[size]; it is modified.
 * path names it in messages. */
struct casefile *case_parse(const char *path, char *text, size_t size, char *err,
			    size_t errsz);
void case_free(struct casefile *c);

const char *level_name(enum level l);
const char *step_name(enum step_kind k);

/* Looks up a client by name in c; -1 if none. */
int case_client_index(const struct casefile *c, const char *name);

/* The sum of c's pause steps: the least time the case takes, whatever the
 * server does (the runner starts such cases first). */
unsigned long case_pause_ms(const struct casefile *c);

#endif
