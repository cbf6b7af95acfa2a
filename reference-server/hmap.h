/* hmap.h - string-keyed hash map, case-insensitive under rfc1459 mapping.
 * Used for the nick and channel registries, so lookups never fold keys by
 * hand and "Nick[1]" finds "nick{1}". */
#ifndef REFIRCD_HMAP_H
#define REFIRCD_HMAP_H

#include <stddef.h>

struct hmap_entry {
	struct hmap_entry *next;
	void *val;
	char key[]; /* copied in */
};

struct hmap {
	struct hmap_entry **slots;
	size_t nslots; /* power of two, or 0 before the first put */
	size_t count;
};

void *hmap_get(const struct hmap *m, const char *key);
/* 0 on success; -1 if the key exists already or memory ran out. */
int hmap_put(struct hmap *m, const char *key, void *val);
/* Returns the removed value, or NULL. */
void *hmap_del(struct hmap *m, const char *key);
void hmap_free(struct hmap *m); /* entries only: values are the caller's */

/* Iteration: start with it = {0}; each call returns the next value or NULL.
 * The map must not change during a walk. */
struct hmap_iter {
	size_t slot;
	struct hmap_entry *e;
};
void *hmap_next(const struct hmap *m, struct hmap_iter *it);

#endif
