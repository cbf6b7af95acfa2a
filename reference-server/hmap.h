/* hmap.h - string-keyed hash map, case-insensitive under rfc1459 mapping.
 * Used for the nick and channel registries, so lookups never fold keys by
 * hand and "Nick[1]" finds "nick{1}".  Keys are hashed with SipHash under
 * the map's secret key (see siphash.h): clients choose the names, and with
 * an unkeyed hash they could choose names that all share one bucket. */
#ifndef REFIRCD_HMAP_H
#define REFIRCD_HMAP_H

#include <stddef.h>

#include "siphash.h"

struct hmap_entry {
	struct hmap_entry *next;
	void *val;
	char key[]; /* copied in */
};

struct hmap {
	struct hmap_entry **slots;
	size_t nslots; /* power of two, or 0 before the first put */
	size_t count;
	unsigned char key[SIPHASH_KEY_LEN]; /* secret; set by hmap_init */
};

/* An empty map hashing under key (random per process in a real server,
 * fixed in tests and fuzzers so their runs repeat). */
void hmap_init(struct hmap *m, const unsigned char key[SIPHASH_KEY_LEN]);

void *hmap_get(const struct hmap *m, const char *key);
/* 0 on success; -1 if the key exists already or memory ran out. */
int hmap_put(struct hmap *m, const char *key, void *val);
/* Returns the removed value, or NULL. */
void *hmap_del(struct hmap *m, const char *key);
/* Entries only (values are the caller's); the map stays usable, empty,
 * under the same key. */
void hmap_free(struct hmap *m);
/* The longest bucket chain: what a lookup costs at worst.  For tests. */
size_t hmap_max_chain(const struct hmap *m);

/* Iteration: start with it = {0}; each call returns the next value or NULL.
 * The map must not change during a walk. */
struct hmap_iter {
	size_t slot;
	struct hmap_entry *e;
};
void *hmap_next(const struct hmap *m, struct hmap_iter *it);

/* A walk that may pause between calls while the map changes, as Redis's
 * SCAN does: start with cursor 0 and pass back what each call returns,
 * until it returns 0.  Each call hands fn the values of one bucket.  A
 * value present for the whole walk is seen exactly once however much the
 * map grew meanwhile (it never shrinks); one added or removed meanwhile
 * may or may not be.  fn must not change the map. */
size_t hmap_scan(const struct hmap *m, size_t cursor, void (*fn)(void *val, void *arg),
		 void *arg);

#endif
