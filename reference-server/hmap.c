/* hmap.c - case-insensitive string hash map (see hmap.h). */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"

/* Small to start: most maps of a fresh server (and of every fuzz input)
 * hold a handful of keys, and hmap_free walks every slot. */
#define HMAP_FIRST_SLOTS 8

void hmap_init(struct hmap *m, const unsigned char key[SIPHASH_KEY_LEN])
{
	m->slots = NULL;
	m->nslots = m->count = 0;
	memcpy(m->key, key, sizeof m->key);
}

/* Over the folded bytes, so names equal under rfc1459 share a bucket. */
static size_t hash_key(const struct hmap *m, const char *k)
{
	struct siphash h;
	siphash_init(&h, m->key);
	for (; *k; k++)
		siphash_byte(&h, irc_tolower((unsigned char)*k));
	return (size_t)siphash_final(&h);
}

static struct hmap_entry **find_slot(const struct hmap *m, const char *key)
{
	struct hmap_entry **pp = &m->slots[hash_key(m, key) & (m->nslots - 1)];
	while (*pp && irc_casecmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

void *hmap_get(const struct hmap *m, const char *key)
{
	if (m->nslots == 0)
		return NULL;
	struct hmap_entry *e = *find_slot(m, key);
	return e ? e->val : NULL;
}

static int grow(struct hmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : HMAP_FIRST_SLOTS;
	struct hmap_entry **slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->nslots; i++) {
		struct hmap_entry *e = m->slots[i];
		while (e) {
			struct hmap_entry *next = e->next;
			size_t j = hash_key(m, e->key) & (n - 1);
			e->next = slots[j];
			slots[j] = e;
			e = next;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

int hmap_put(struct hmap *m, const char *key, void *val)
{
	if ((m->count + 1) * 4 > m->nslots * 3 && grow(m) != 0)
		return -1;
	struct hmap_entry **pp = find_slot(m, key);
	if (*pp)
		return -1;
	size_t klen = strlen(key);
	struct hmap_entry *e = malloc(sizeof *e + klen + 1);
	if (!e)
		return -1;
	memcpy(e->key, key, klen + 1);
	e->val = val;
	e->next = NULL;
	*pp = e;
	m->count++;
	return 0;
}

void *hmap_del(struct hmap *m, const char *key)
{
	if (m->nslots == 0)
		return NULL;
	struct hmap_entry **pp = find_slot(m, key);
	struct hmap_entry *e = *pp;
	if (!e)
		return NULL;
	void *val = e->val;
	*pp = e->next;
	free(e);
	m->count--;
	return val;
}

void hmap_free(struct hmap *m)
{
	size_t left = m->count; /* stop at the last entry, not the last slot */
	for (size_t i = 0; left > 0 && i < m->nslots; i++) {
		struct hmap_entry *e = m->slots[i];
		while (e) {
			struct hmap_entry *next = e->next;
			free(e);
			e = next;
			left--;
		}
	}
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->count = 0;
}

void *hmap_next(const struct hmap *m, struct hmap_iter *it)
{
	if (it->e)
		it->e = it->e->next;
	while (!it->e) {
		if (it->slot >= m->nslots)
			return NULL;
		it->e = m->slots[it->slot++];
	}
	return it->e->val;
}

size_t hmap_max_chain(const struct hmap *m)
{
	size_t longest = 0;
	for (size_t i = 0; i < m->nslots; i++) {
		size_t n = 0;
		for (const struct hmap_entry *e = m->slots[i]; e; e = e->next)
			n++;
		if (n > longest)
			longest = n;
	}
	return longest;
}

/* Reverses the bits of v: the scan cursor counts from the top bit down. */
static size_t reverse_bits(size_t v)
{
	size_t r = 0;
	for (size_t i = 0; i < sizeof v * 8; i++, v >>= 1)
		r = (r << 1) | (v & 1);
	return r;
}

size_t hmap_scan(const struct hmap *m, size_t cursor, void (*fn)(void *val, void *arg),
		 void *arg)
{
	if (m->nslots == 0)
		return 0;
	size_t mask = m->nslots - 1;
	for (struct hmap_entry *e = m->slots[cursor & mask]; e; e = e->next)
		fn(e->val, arg);
	/* Add one to the cursor's reversed low bits.  Growing the table by
	 * doubling splits bucket b into b and b + nslots, and both sort after
	 * every bucket already visited in this order: so a walk resumed after
	 * a growth neither repeats a bucket nor skips one.  Setting the bits
	 * above the mask lets the carry run through them and wrap to 0. */
	cursor |= ~mask;
	return reverse_bits(reverse_bits(cursor) + 1);
}
