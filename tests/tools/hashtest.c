/* hashtest.c - refircd's keyed hashing of nicks and channels (issue 9,
 * item 4: hash flooding).
 *
 *   1. SipHash-2-4 gives the reference outputs for key 00..0f (the paper's
 *      vector, message 00..0e, and messages around the 8-byte word edge).
 *   2. Names that collide under FNV-1a, refircd's old unkeyed hash, are
 *      computed here the way an attacker would, registered as nicks through
 *      the I/O seam, and the nick map's longest bucket chain is checked: it
 *      must stay short, not hold every one of them.
 *   3. A server started without a fixed key draws a fresh random one.
 *
 * Built with ASan+UBSan by the Makefile.  Exit status 0 = pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reference-server/server.h"
#include "../../reference-server/siphash.h"

#define COLLIDING_NICKS 300
#define COLLIDING_BITS 12 /* more than the 512 buckets of a 300-entry map use */
/* 300 names in 512 buckets by a good hash: the longest chain is ~5. */
#define MAX_CHAIN_ALLOWED 12

static int failures;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			failures++;                                        \
		}                                                          \
	} while (0)

static void test_vectors(void)
{
	unsigned char key[SIPHASH_KEY_LEN], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	/* Messages 00..(len-1) under key 00..0f.  Length 15 is the paper's
	 * worked example (Appendix A): a129ca6149be45e5.  The others are the
	 * reference implementation's vectors.h, as little-endian 64-bit words;
	 * `openssl mac -macopt hexkey:000102..0f -macopt size:8 SIPHASH` prints
	 * the same bytes in wire order. */
	static const struct {
		size_t len;
		uint64_t want;
	} vec[] = {
		{15, 0xa129ca6149be45e5ULL},
		{0, 0x726fdb47dd0e0e31ULL},
		{7, 0xab0200f58b01d137ULL},
		{8, 0x93f5f5799a932462ULL},
		{9, 0x9e0082df0ba9e4b0ULL},
		{63, 0x958a324ceb064572ULL},
	};
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		uint64_t got = siphash(key, msg, vec[i].len);
		CHECK(got == vec[i].want, "SipHash-2-4 of %zu bytes: got %016llx, want %016llx",
		      vec[i].len, (unsigned long long)got, (unsigned long long)vec[i].want);
	}
}

/* refircd's old map hash: FNV-1a over the folded name, unkeyed. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u; /* lower-case letters fold to themselves */
	return h;
}

/* "h" then i in base 26, lower case: valid nicks, already folded. */
static void nick_of(unsigned long i, char *out)
{
	char *p = out;
	*p++ = 'h';
	do {
		*p++ = (char)('a' + i % 26);
		i /= 26;
	} while (i);
	*p = '\0';
}

/* What an attacker does offline against an unkeyed hash: keep the names
 * whose hash shares its low bits with the first one.  Every map with at
 * most 2^COLLIDING_BITS buckets puts them all in one. */
static void fnv_colliding_nicks(char nicks[][16], int n)
{
	const uint32_t mask = (1u << COLLIDING_BITS) - 1;
	uint32_t target = 0;
	int found = 0;
	for (unsigned long i = 0; found < n; i++) {
		nick_of(i, nicks[found]);
		uint32_t h = fnv1a(nicks[found]) & mask;
		if (i == 0)
			target = h;
		if (h == target)
			found++;
	}
}

static void drain(struct server *s)
{
	struct client *c;
	struct iovec iov[64];
	int n;
	while ((c = srv_next_dirty(s)) != NULL)
		while ((n = srv_client_output(c, iov, 64)) > 0)
			for (int i = 0; i < n; i++)
				srv_client_sent(s, c, iov[i].iov_len);
}

static void test_colliding_nicks(void)
{
	static char nicks[COLLIDING_NICKS][16];
	fnv_colliding_nicks(nicks, COLLIDING_NICKS);

	static const unsigned char key[SIPHASH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8,
							   9, 10, 11, 12, 13, 14, 15, 16};
	struct srv_config cfg = {.name = "hash.refircd.test", .hash_key = key};
	struct server s;
	char err[256];
	if (srv_init(&s, &cfg, (struct srv_clock){.wall = 1700000000, .mono = 1000}, err, sizeof err) != 0) {
		CHECK(0, "srv_init: %s", err);
		return;
	}
	CHECK(memcmp(s.nicks.key, key, sizeof key) == 0, "the seam's fixed key is not used");
	for (int i = 0; i < COLLIDING_NICKS; i++) {
		struct client *c = srv_client_new(&s, "127.0.0.1", NULL);
		char line[32];
		int n = snprintf(line, sizeof line, "NICK %s\r\n", nicks[i]);
		srv_client_input(&s, c, line, (size_t)n);
		drain(&s);
	}
	CHECK(s.nicks.count == COLLIDING_NICKS, "%zu nicks in the map, want %d", s.nicks.count,
	      COLLIDING_NICKS);
	size_t chain = hmap_max_chain(&s.nicks);
	printf("hashtest: %d FNV-1a-colliding nicks, %zu buckets, longest chain %zu\n",
	       COLLIDING_NICKS, s.nicks.nslots, chain);
	CHECK(chain <= MAX_CHAIN_ALLOWED,
	      "%d nicks colliding under FNV-1a made a chain of %zu (at most %d allowed)",
	      COLLIDING_NICKS, chain, MAX_CHAIN_ALLOWED);
	srv_destroy(&s);
}

static void test_random_key(void)
{
	struct srv_config cfg = {.name = "hash.refircd.test"};
	struct server a, b;
	char err[256];
	const struct srv_clock t0 = {.wall = 1700000000, .mono = 1000};
	CHECK(srv_init(&a, &cfg, t0, err, sizeof err) == 0, "srv_init: %s", err);
	CHECK(srv_init(&b, &cfg, t0, err, sizeof err) == 0, "srv_init: %s", err);
	static const unsigned char zero[SIPHASH_KEY_LEN];
	CHECK(memcmp(a.nicks.key, zero, sizeof zero) != 0, "no key drawn: all zero");
	CHECK(memcmp(a.nicks.key, b.nicks.key, sizeof zero) != 0,
	      "two servers drew the same key: not random");
	srv_destroy(&a);
	srv_destroy(&b);
}

int main(void)
{
	test_vectors();
	test_colliding_nicks();
	test_random_key();
	if (failures) {
		fprintf(stderr, "hashtest: %d failures\n", failures);
		return 1;
	}
	printf("hashtest: all checks passed\n");
	return 0;
}
