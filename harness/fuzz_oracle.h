/* fuzz_oracle.h - what makes a fuzz session a finding, and what makes it
 * new: the server's death or sanitizer report, a hang, protocol-breaking
 * output, and the response state (the sequence of reply commands, as
 * AFLNet keeps) or coverage map that feedback compares. */
#ifndef IRCSPEC_FUZZ_ORACLE_H
#define IRCSPEC_FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

enum fz_fault { FZ_NONE, FZ_CRASH, FZ_SANITIZER, FZ_HANG, FZ_PROTOCOL, FZ_FAULTS };

#define FZ_SIG_MAX 96
#define FZ_DETAIL_MAX 16384

struct fz_verdict {
	enum fz_fault fault;
	char sig[FZ_SIG_MAX];         /* what tells two findings apart */
	char detail[FZ_DETAIL_MAX];   /* how it failed, with the server's last output */
};

#define FZ_STATE_MAP 65536 /* response-state map, bytes */

const char *fz_fault_name(enum fz_fault f); /* "crash", "sanitizer", ... */

/* A sanitizer's report in text (ASan, UBSan, LSan, MSan, TSan): true, with
 * its kind ("heap-use-after-free", "runtime-error", "leak") in sig. */
bool fz_sanitizer_report(const char *text, char *sig, size_t sigsz);

/* Fills v from a server death described by why (status and last output). */
void fz_classify_death(const char *why, struct fz_verdict *v);

/* A received line that breaks RFC 2812 2.3 (over 512 bytes with CR LF,
 * holding NUL or a bare CR, or ended by LF alone after lines ended by CR
 * LF: the session's WIRE_LF_INSIDE event): true, v filled. */
bool fz_check_protocol(const struct transcript *tr, struct fz_verdict *v);
/* Whether a client of the session sent DIE or RESTART (RFC 2812 4.3, 4.4):
 * a server that then exits with status 0 did what an operator asked. */
bool fz_sent_shutdown(const struct transcript *tr);

/* Counts reply commands and the transitions between numerics, per client,
 * into map[FZ_STATE_MAP] (saturating).  With pongs (per client 'a'..,
 * from fz_pongs_expected), only what client k received up to its
 * pongs[k]-th sync PONG counts, and nothing of a client that did not get
 * that far (what it saw then depends on timing); a marker says so. */
void fz_state_trace(const struct transcript *tr, const unsigned *pongs, uint8_t *map);

/* AFL's novelty test: the hit counts in trace, bucketed, against the
 * bits seen so far in virgin (updated).  Returns how many new bits. */
unsigned fz_map_novel(uint8_t *virgin, const uint8_t *trace, size_t n);

#endif
