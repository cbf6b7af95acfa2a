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
 *   4. The map itself (hmap.c): every key found under every case-folded
 *      spelling and in the bucket its keyed hash names, the table grown at
 *      75% load, duplicates refused, deletes that give the value back,
 *      iteration and the resumable scan (listing.c's LIST/WHO walk) that
 *      see each entry once, also across a growth, and a free that leaves
 *      nothing behind (LeakSanitizer).
 *
 * Built with ASan+UBSan by the Makefile.  Exit status 0 = pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/casemap.h"
#include "../../reference-server/hmap.h"
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
	/* Channel names are chosen by clients too: their map is keyed alike. */
	CHECK(memcmp(s.chans.key, key, sizeof key) == 0,
	      "the channel map does not use the fixed key");
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
	CHECK(memcmp(a.chans.key, a.nicks.key, sizeof zero) == 0,
	      "the channel map has another key than the nick map (or none)");
	srv_destroy(&a);
	srv_destroy(&b);
}

/* ---- the map (hmap.c) ---- */

#define MAP_KEYS 200

static const unsigned char map_key[SIPHASH_KEY_LEN] = {16, 15, 14, 13, 12, 11, 10, 9,
						       8,  7,  6,  5,  4,  3,  2,  1};

/* Key i: a name with rfc1459's folding pairs in it ("[]\~" fold to "{}|^"). */
static void map_name(int i, char *out, size_t n, bool upper)
{
	snprintf(out, n, upper ? "K[%d]\\~" : "k{%d}|^", i);
}

/* The bucket a key belongs in: its folded bytes' SipHash under the map's key. */
static size_t bucket_of(const struct hmap *m, const char *k)
{
	unsigned char folded[64];
	size_t n = 0;
	for (; *k && n < sizeof folded; k++)
		folded[n++] = irc_tolower((unsigned char)*k);
	return (size_t)siphash(m->key, folded, n) & (m->nslots - 1);
}

/* What a map must hold at every moment: count entries in all, each in the
 * bucket its hash names, a power-of-two table of at least 8 slots loaded at
 * most 3/4 and no bigger than that needs; returns the longest chain. */
static size_t check_map_shape(const struct hmap *m, const char *when)
{
	size_t entries = 0, longest = 0;
	for (size_t i = 0; i < m->nslots; i++) {
		size_t chain = 0;
		for (const struct hmap_entry *e = m->slots[i]; e && chain <= m->count; e = e->next) {
			chain++;
			CHECK(bucket_of(m, e->key) == i, "%s: %s in bucket %zu, its hash names %zu",
			      when, e->key, i, bucket_of(m, e->key));
		}
		entries += chain;
		if (chain > longest)
			longest = chain;
	}
	CHECK(entries == m->count, "%s: %zu entries in the buckets, count says %zu", when, entries,
	      m->count);
	if (m->count == 0)
		return longest;
	CHECK(m->nslots >= 8 && (m->nslots & (m->nslots - 1)) == 0,
	      "%s: %zu slots, not a power of two from 8", when, m->nslots);
	CHECK(m->count * 4 <= m->nslots * 3, "%s: %zu entries in %zu slots, over 3/4", when,
	      m->count, m->nslots);
	CHECK(m->nslots == 8 || m->count * 4 > m->nslots / 2 * 3,
	      "%s: %zu entries in %zu slots, half would do", when, m->count, m->nslots);
	CHECK(hmap_max_chain(m) == longest, "%s: hmap_max_chain says %zu, the longest is %zu",
	      when, hmap_max_chain(m), longest);
	return longest;
}

static void count_visit(void *val, void *arg)
{
	int *seen = arg;
	int *v = val;
	seen[*v]++;
}

/* A whole scan from cursor 0 to the 0 it ends on, bounded. */
static void scan_all(const struct hmap *m, int *seen)
{
	size_t cur = 0, steps = 0;
	do
		cur = hmap_scan(m, cur, count_visit, seen);
	while (cur != 0 && ++steps <= m->nslots);
	CHECK(cur == 0, "hmap_scan did not come back to 0 within %zu steps", m->nslots);
}

static void test_map(void)
{
	static int vals[MAP_KEYS];
	static int seen[MAP_KEYS];
	char name[32], other[32];
	struct hmap m;
	hmap_init(&m, map_key);
	CHECK(memcmp(m.key, map_key, sizeof map_key) == 0, "hmap_init did not keep the key");

	/* An empty map answers without a table. */
	CHECK(hmap_get(&m, "x") == NULL && hmap_del(&m, "x") == NULL, "empty map found x");
	CHECK(hmap_max_chain(&m) == 0, "empty map: longest chain %zu", hmap_max_chain(&m));
	CHECK(hmap_scan(&m, 0, count_visit, seen) == 0, "empty map: scan did not end at once");
	struct hmap_iter it = {0};
	CHECK(hmap_next(&m, &it) == NULL, "empty map: iteration gave a value");

	for (int i = 0; i < MAP_KEYS; i++) {
		vals[i] = i;
		map_name(i, name, sizeof name, i % 2);
		CHECK(hmap_put(&m, name, &vals[i]) == 0, "put %s refused", name);
		CHECK(m.count == (size_t)i + 1, "after %d puts count is %zu", i + 1, m.count);
		check_map_shape(&m, "growing");
		/* (a refused put may still grow the table: it checks the load first) */
		map_name(i, other, sizeof other, !(i % 2));
		CHECK(hmap_put(&m, other, &vals[0]) == -1, "%s put while %s is in", other, name);
	}
	CHECK(m.count == MAP_KEYS, "count %zu after the duplicates, want %d", m.count, MAP_KEYS);
	/* 200 keys in 512 buckets by a good keyed hash: chains of a few. */
	size_t longest = 0;
	for (size_t i = 0; i < m.nslots; i++) {
		size_t chain = 0;
		for (const struct hmap_entry *e = m.slots[i]; e && chain <= m.count; e = e->next)
			chain++;
		longest = chain > longest ? chain : longest;
	}
	CHECK(longest <= MAX_CHAIN_ALLOWED, "200 keys made a chain of %zu", longest);
	for (int i = 0; i < MAP_KEYS; i++)
		for (int up = 0; up < 2; up++) {
			map_name(i, name, sizeof name, up);
			CHECK(hmap_get(&m, name) == &vals[i], "get %s: wrong value", name);
		}
	CHECK(hmap_get(&m, "k{200}|^") == NULL, "found a key never put");

	memset(seen, 0, sizeof seen);
	it = (struct hmap_iter){0};
	int steps = 0;
	for (int *v; (v = hmap_next(&m, &it)) != NULL && steps <= MAP_KEYS; steps++)
		seen[*v]++;
	for (int i = 0; i < MAP_KEYS; i++)
		CHECK(seen[i] == 1, "iteration saw key %d %d times", i, seen[i]);

	memset(seen, 0, sizeof seen);
	scan_all(&m, seen);
	for (int i = 0; i < MAP_KEYS; i++)
		CHECK(seen[i] == 1, "scan saw key %d %d times", i, seen[i]);

	/* Every other key goes, found under the other spelling; the rest stay. */
	for (int i = 0; i < MAP_KEYS; i += 2) {
		map_name(i, name, sizeof name, !(i % 2));
		CHECK(hmap_del(&m, name) == &vals[i], "del %s did not give its value", name);
		CHECK(hmap_del(&m, name) == NULL, "del %s twice gave a value", name);
	}
	CHECK(m.count == MAP_KEYS / 2, "count %zu after deleting half, want %d", m.count,
	      MAP_KEYS / 2);
	for (int i = 0; i < MAP_KEYS; i++) {
		map_name(i, name, sizeof name, 0);
		CHECK(hmap_get(&m, name) == (i % 2 ? &vals[i] : NULL), "get %s after deletes", name);
	}
	hmap_free(&m);
	CHECK(m.slots == NULL && m.nslots == 0 && m.count == 0, "hmap_free left a table");
}

/* A scan resumed after the table grew meets every key that was there from
 * the start exactly once (listing.c resumes LIST and WHO this way while
 * channels are made). */
static void test_scan_across_growth(void)
{
	static int vals[MAP_KEYS];
	static int seen[MAP_KEYS];
	char name[32];
	struct hmap m;
	hmap_init(&m, map_key);
	const int first = 40; /* 64 slots; the rest take it to 256 */
	for (int i = 0; i < MAP_KEYS; i++)
		vals[i] = i;
	for (int i = 0; i < first; i++) {
		map_name(i, name, sizeof name, false);
		hmap_put(&m, name, &vals[i]);
	}
	size_t cur = 0, steps = 0;
	for (int i = 0; i < 5; i++)
		cur = hmap_scan(&m, cur, count_visit, seen);
	for (int i = first; i < MAP_KEYS; i++) {
		map_name(i, name, sizeof name, false);
		hmap_put(&m, name, &vals[i]);
	}
	CHECK(m.nslots > 64, "the table did not grow (%zu slots)", m.nslots);
	while (cur != 0 && ++steps <= m.nslots)
		cur = hmap_scan(&m, cur, count_visit, seen);
	CHECK(cur == 0, "the resumed scan did not end");
	for (int i = 0; i < first; i++)
		CHECK(seen[i] == 1, "scan across growth saw key %d %d times", i, seen[i]);
	hmap_free(&m);
}

int main(void)
{
	test_vectors();
	test_colliding_nicks();
	test_random_key();
	test_map();
	test_scan_across_growth();
	if (failures) {
		fprintf(stderr, "hashtest: %d failures\n", failures);
		return 1;
	}
	printf("hashtest: all checks passed\n");
	return 0;
}
