/* result.h - what a run produced: a verdict and transcript per case, and
 * facts about the target.  Reports (JSON, JUnit, terminal) only read this. */
#ifndef IRCSPEC_RESULT_H
#define IRCSPEC_RESULT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "case.h"

enum verdict { V_PASS, V_FAIL, V_SKIP, V_ERROR, V_CRASH };

/* A transcript holds at most TRANSCRIPT_MAX_BYTES of memory per case
 * (entry slots, text and the allocator's overhead, not just the text);
 * past that, entries are dropped from the middle and `dropped` counts them
 * (the start and the last TRANSCRIPT_TAIL entries are what a reader
 * needs).  All the transcripts a run keeps for its reports hold at most
 * TRANSCRIPT_RUN_MAX_BYTES: once that is spent, a finished case keeps only
 * what is left of it (transcript_settle). */
#define TRANSCRIPT_MAX_BYTES (256 * 1024)
#define TRANSCRIPT_RUN_MAX_BYTES (16 * 1024 * 1024)
#define TRANSCRIPT_TAIL 64

enum tdir { T_SEND, T_RECV, T_EVENT };

struct tentry {
	long t_ms;      /* since the case started */
	char client[32];
	enum tdir dir;
	char *data;     /* printable: \r \n \t \\ and \xNN for bytes outside 0x20-0x7e */
};

struct transcript {
	struct tentry *e;
	size_t n, cap;
	size_t bytes;   /* memory held: the slot array (cap slots) and each text */
	size_t dropped; /* entries dropped for size */
};

void transcript_add(struct transcript *t, long t_ms, const char *client, enum tdir dir,
		    const char *data, size_t len);
/* Drops entries from the middle (then the head, then the tail) until at
 * most `limit` bytes are held, and gives back the unused slots. */
void transcript_trim(struct transcript *t, size_t limit);
/* A finished case's transcript joins what the run keeps: it takes its
 * size from *run_total (capped at TRANSCRIPT_RUN_MAX_BYTES) and is trimmed
 * to what it got.  Thread-safe. */
void transcript_settle(struct transcript *t, atomic_size_t *run_total);
void transcript_free(struct transcript *t);
const char *tdir_name(enum tdir d); /* "send", "recv", "event" */

/* One Valgrind finding (an error or a leak) of the spawned server. */
struct vg_finding {
	char *kind;  /* "InvalidRead", "Leak_DefinitelyLost", ... */
	char *what;  /* Valgrind's one-line description */
	char *stack; /* "fn (file:line)\n..." */
	char *group; /* pinned on cases: NULL, or the ids ("a b c") of the cases
			that ran at once when it appeared, none of which
			repeated it when re-run alone */
};

struct case_result {
	const struct casefile *c;
	enum verdict verdict;
	char *message;     /* why (fail/skip/error/crash): expected vs received */
	long duration_ms;
	struct transcript tr;
	char *server_tail; /* --spawn: the server's last output lines when the
			      case ended, for a case that did not pass; or NULL */
	struct vg_finding *leaks; /* --valgrind: leaks new during this case */
	size_t nleaks;
	struct vg_finding *errs;  /* --valgrind: memcheck's errors during it */
	size_t nerrs;
};

struct run_result {
	const char *host;
	unsigned port;
	const char *spawn_cmd;   /* NULL when not spawned */
	char server_name[128];   /* from 001, when learned */
	char server_version[128];/* from 004, when learned */
	long started_unix;
	long duration_ms;
	bool deadline_hit;
	bool stopped_early;      /* --fail-fast: a failure stopped the run */
	struct case_result *cases;
	size_t ncases;
	struct vg_finding *vg;   /* --valgrind findings */
	size_t nvg;
	bool vg_failed;          /* Valgrind could not be read, or reported */
	char *exit_report;       /* a sanitizer report no single case was given: what
				    the server printed when stopped (LeakSanitizer)
				    after several cases, or one it printed while
				    cases ran that none repeated alone; or NULL */
	char exit_sig[96];       /* its kind: "leak" */
};

const char *verdict_name(enum verdict v); /* "pass", "fail", ... */

#endif
