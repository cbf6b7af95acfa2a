/* fuzz.h - what `ircspec fuzz` works on: one input is a session of a few
 * clients, each step one of the case language's actions (connect,
 * register, bytes with split points, sync, abort, half-close, close,
 * stop/resume reading).  An input is run by writing it as a .case text and
 * handing that to the ordinary runner, so the file written for a finding
 * is exactly what was run. */
#ifndef IRCSPEC_FUZZ_H
#define IRCSPEC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_CLIENTS 4       /* clients a, b, c, d */
#define FZ_STEPS_MAX 48    /* steps per input */
#define FZ_DATA_MAX 4096   /* bytes of one send step */
#define FZ_CUTS_MAX 6      /* split points of one send step */
#define FZ_CASE_MAX (256 * 1024) /* the .case text of one input */

enum fz_kind {
	FZ_CONNECT,
	FZ_REGISTER,
	FZ_SEND,         /* data, cut into segments at cuts[] */
	FZ_SYNC,
	FZ_ABORT,
	FZ_HALF_CLOSE,
	FZ_CLOSE,
	FZ_STOP_READING,
	FZ_RESUME_READING,
	FZ_KINDS
};

struct fz_step {
	unsigned char kind;  /* enum fz_kind */
	unsigned char who;   /* bit k: client k (never 0) */
	unsigned char ncuts;
	unsigned char racy;  /* no barrier before it: it races the steps of
				other clients before it (see fz_to_case) */
	unsigned short cuts[FZ_CUTS_MAX]; /* ascending, inside (0, len) */
	size_t len;
	unsigned char *data; /* FZ_SEND: owned, len bytes; placeholders
				({nick:a}, {chan:x}) kept as text */
};

struct fz_input {
	unsigned nclients;   /* 1..FZ_CLIENTS */
	unsigned nsteps;
	struct fz_step step[FZ_STEPS_MAX];
};

/* What the .case text may use: {oper:...} only with --oper (else the case
 * would be skipped). */
struct fz_text_opts {
	bool oper;
	const char *id;      /* "fuzz-..." */
	const char *tags;    /* "fuzz" while fuzzing, "fuzz crash" for a finding */
	const char *comment; /* lines for the header (each is prefixed "# "), or NULL */
	unsigned *pongs;     /* out, or NULL: per client, the sync PONGs it gets
				when every step works; its replies up to the last
				are the same in every run against a server that
				handles each client's lines in order */
};

void fz_input_free(struct fz_input *in);
/* Deep copy; 0, or -1 out of memory (dst is then empty). */
int fz_input_copy(struct fz_input *dst, const struct fz_input *src);
/* Removes step i (frees its data). */
void fz_step_remove(struct fz_input *in, unsigned i);
/* Sets a send step's bytes (copied, cut to FZ_DATA_MAX); cuts past the
 * end are dropped.  0 or -1. */
int fz_step_set_data(struct fz_step *st, const unsigned char *p, size_t n);
/* The clients an input actually addresses, renumbered from 0 (a client no
 * step names is dropped). */
void fz_input_compact(struct fz_input *in);

/* Writes in as a .case file text into out (NUL-terminated).  Clients take
 * turns: before a step of other clients, those that sent since the last
 * turn are synced (unless the step is racy, or they hold half a line), so
 * the server sees the steps in order and answers the same every run.  It
 * ends with a sync of every client still open, twice, so every reply is
 * in.  Returns its length, or -1 when it does not fit outsz. */
long fz_to_case(const struct fz_input *in, const struct fz_text_opts *o, char *out,
		size_t outsz);

/* Whether a step races another client's (its replies vary by timing). */
bool fz_input_racy(const struct fz_input *in);
/* Clients still open after the last step (they get the final syncs). */
unsigned fz_open_at_end(const struct fz_input *in);

struct casefile;
/* A seed from a case's own steps (expectations, pauses, require and oper
 * dropped: an input acts, it does not check).  0, or -1 when nothing of
 * it can be used (too many clients, no action). */
int fz_from_case(const struct casefile *c, struct fz_input *out);

/* FNV-1a of the bytes, for --log-inputs and corpus de-duplication. */
uint64_t fz_hash(const void *p, size_t n, uint64_t h);
#define FZ_HASH_INIT 1469598103934665603ULL

#endif
