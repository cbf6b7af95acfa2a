/* fuzz_mutate_int.h - what the mutation files share (fuzz_line.c): one
 * line of a send step, its words, and the step-picking helpers. */
#ifndef IRCSPEC_FUZZ_MUTATE_INT_H
#define IRCSPEC_FUZZ_MUTATE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz.h"
#include "fuzz_mutate.h"

struct line {
	size_t start, end; /* [start, end): the line without its CR LF */
	size_t next;       /* where the next line starts */
};

/* The words of a line: offsets of each word's start and end. */
#define WORDS_MAX 32
struct words {
	size_t s[WORDS_MAX], e[WORDS_MAX];
	unsigned n;
	unsigned cmd; /* index of the command word (after a :prefix) */
};

/* Mode letters and the rfc1459 case-mapping characters (fuzz_line.c). */
extern const char fzm_mode_chars[];
extern const char fzm_casemap_chars[];

/* In fuzz_line.c: a random send step with bytes (NULL: none); a random
 * line of it (false: no bytes); its words; st->data[from, to) replaced by
 * p[0..n) (0 or -1); a new step at at (NULL: full); a random client bit;
 * a generated parameter (bounded, its length). */
struct fz_step *fzm_pick_send(struct fz_input *in, struct fz_rng *r);
bool fzm_pick_line(const struct fz_step *st, struct fz_rng *r, struct line *l);
void fzm_split_words(const struct fz_step *st, const struct line *l, struct words *w);
int fzm_splice(struct fz_step *st, size_t from, size_t to, const void *p, size_t n);
struct fz_step *fzm_insert_step(struct fz_input *in, unsigned at, unsigned kind, unsigned who);
unsigned fzm_pick_who(const struct fz_input *in, struct fz_rng *r);
size_t fzm_gen_param(struct fz_rng *r, char *out, size_t outsz);

/* A random line of a random send step and its words: the step, or NULL
 * when no step has a line. */
struct fz_step *fzm_pick_words(struct fz_input *in, struct fz_rng *r, struct line *l,
			       struct words *w);

/* A random parameter (a word after the command) of a random line of a
 * random send step: the step (NULL: no step has a line), the line, its
 * words, and in *k the parameter's word index, or 0 when the line has
 * no parameter. */
struct fz_step *fzm_pick_param(struct fz_input *in, struct fz_rng *r, struct line *l,
			       struct words *w, unsigned *k);

/* In fuzz_mutate_irc.c, each 0 when applied: a parameter given a leading
 * character IRC gives a meaning to; a parameter set to the edge of the
 * 005 limit that governs it; a line of another input (or of another
 * client) given to a client; a parameter replaced by a generated one. */
int fzm_sigil(struct fz_input *in, struct fz_rng *r);
int fzm_limit(struct fz_input *in, struct fz_rng *r);
int fzm_line_splice(struct fz_input *in, const struct fz_input *donor, struct fz_rng *r);
int fzm_replace_param(struct fz_input *in, struct fz_rng *r);

#endif
