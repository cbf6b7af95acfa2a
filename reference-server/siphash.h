/* siphash.h - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), the keyed hash of the nick and channel maps.
 *
 * Keyed with a secret random per process, an attacker cannot compute
 * offline which names share a bucket, so no set of nicks can turn the maps
 * into linked lists (the "hash flooding" of unkeyed hashes such as FNV-1a).
 * The same choice as CPython and redis.  Byte at a time, so a caller can
 * hash a transformed string (the maps hash names folded to lower case)
 * without copying it first. */
#ifndef REFIRCD_SIPHASH_H
#define REFIRCD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

struct siphash {
	uint64_t v0, v1, v2, v3;
	uint64_t tail; /* bytes since the last whole 8-byte word, little-endian */
	uint64_t len;  /* bytes hashed so far */
};

void siphash_init(struct siphash *h, const unsigned char key[SIPHASH_KEY_LEN]);
void siphash_byte(struct siphash *h, unsigned char b);
uint64_t siphash_final(struct siphash *h);

/* The whole computation over data[0..len). */
uint64_t siphash(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len);

#endif
