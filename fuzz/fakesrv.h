/* fakesrv.h - the fuzz targets' in-process refircd.
 *
 * One server (fresh for every input) and up to FZ_SLOTS fake clients on the
 * I/O seam of server.h: no sockets, a fake clock, output drained after
 * every call and thrown away once checked.  Two oracles besides the
 * sanitizers turn silent corruption into a crash the fuzzer reports:
 *   - every byte the core queues must be whole RFC 2812 2.3 lines (CR LF
 *     ended, at most 512 bytes, no NUL or CR inside, not empty);
 *   - fz_check_state: the LUSERS counters, the nick and channel registries
 *     and both sides of every membership agree with a recount.
 * A violation calls abort() with a message on stderr. */
#ifndef FUZZ_FAKESRV_H
#define FUZZ_FAKESRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../reference-server/server.h"

#define FZ_SLOTS 8
/* Fuzz configuration (see fakesrv.c): timers and a small send queue cap so
 * that ping timeouts and SendQ overflow are a few records away. */
#define FZ_PING_INTERVAL 30
#define FZ_PING_TIMEOUT 10
#define FZ_SENDQ_MAX 16384
#define FZ_OPER_NAME "oper"
#define FZ_OPER_PASS "operpass"
#define FZ_PASSWORD "sesame"

struct fz_slot {
	struct client *c; /* NULL: empty (never connected, or freed) */
	bool stalled;     /* reads nothing: its send queue only grows */
};

struct fz {
	struct server s;
	struct fz_slot slot[FZ_SLOTS];
	time_t now;
};

/* A fresh server.  The variant server also has a MOTD and requires
 * PASS FZ_PASSWORD; the plain one sends 422 and needs no PASS. */
void fz_begin(struct fz *z, bool variant);
/* Checks the state, frees everything (LeakSanitizer sees what is left). */
void fz_end(struct fz *z);

/* Slot i gets a new, unregistered connection (the slot must be empty). */
void fz_connect(struct fz *z, int i);
/* Connects slot i and registers it as nick (plus OPER when oper). */
void fz_register(struct fz *z, int i, const char *nick, bool oper);
/* Received bytes for slot i (ignored if the slot is empty), then drain. */
void fz_feed(struct fz *z, int i, const char *p, size_t n);
/* What fz_feed hands the core: a copy of p..p+n that is the only
 * addressable part of its arena under ASan (see fakesrv.c), valid until
 * fz_unguard.  Reading before or past it, or after, is an ASan report. */
const char *fz_guard(const char *p, size_t n);
void fz_unguard(const char *at, size_t n);
/* The peer vanished: srv_client_eof (RST/EOF), or the I/O layer frees the
 * client outright (srv_client_free), then drain. */
void fz_drop(struct fz *z, int i, bool free_outright);
/* Advances the clock by secs and runs srv_tick, then drain. */
void fz_tick(struct fz *z, unsigned secs);
/* What netloop.c does after each event: every dirty client's queue is
 * checked and discarded (stalled ones keep theirs); closing ones are freed. */
void fz_drain(struct fz *z);
/* Recounts the state and aborts on a mismatch. */
void fz_check_state(const struct fz *z);

/* Input splitting shared by both targets.  A 0xFF byte ends a piece; 0xFF
 * 0xFF stands for one literal 0xFF.  fz_next_piece copies the next piece,
 * unescaped, into out (at most cap bytes; the rest of a longer piece is
 * dropped) and returns false when the input is used up. */
#define FZ_MARK 0xFF
bool fz_next_piece(const uint8_t **in, size_t *len, char *out, size_t cap, size_t *out_len);

#endif
