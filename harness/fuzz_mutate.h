/* fuzz_mutate.h - the seeded PRNG and the IRC-aware mutations of a fuzz
 * input.  Everything random comes from one struct fz_rng the caller owns,
 * so the same seed gives the same inputs. */
#ifndef IRCSPEC_FUZZ_MUTATE_H
#define IRCSPEC_FUZZ_MUTATE_H

#include <stdint.h>

#include "fuzz.h"

struct fz_rng {
	uint64_t s;
};

void fz_rng_seed(struct fz_rng *r, uint64_t seed);
uint64_t fz_rand(struct fz_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
unsigned fz_below(struct fz_rng *r, unsigned n);

/* Applies 1..8 stacked mutations to in (donor: another corpus input for
 * splicing, or NULL).  Returns the number applied (0: none applied, or out
 * of memory; in is valid either way).  *what names the last one. */
int fz_mutate(struct fz_input *in, const struct fz_input *donor, struct fz_rng *r,
	      const char **what);

/* A fresh input from nothing: a few registered clients sending dictionary
 * commands (for when no case gives a seed). */
int fz_generate(struct fz_input *in, struct fz_rng *r);

#endif
