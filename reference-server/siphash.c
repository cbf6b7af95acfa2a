/* siphash.c - SipHash-2-4 (see siphash.h), written from the paper's
 * description: four 64-bit words of state, two SipRounds per message word,
 * four after the last. */
#include "siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(struct siphash *h)
{
	h->v0 += h->v1;
	h->v1 = ROTL(h->v1, 13);
	h->v1 ^= h->v0;
	h->v0 = ROTL(h->v0, 32);
	h->v2 += h->v3;
	h->v3 = ROTL(h->v3, 16);
	h->v3 ^= h->v2;
	h->v0 += h->v3;
	h->v3 = ROTL(h->v3, 21);
	h->v3 ^= h->v0;
	h->v2 += h->v1;
	h->v1 = ROTL(h->v1, 17);
	h->v1 ^= h->v2;
	h->v2 = ROTL(h->v2, 32);
}

static void compress(struct siphash *h, uint64_t m)
{
	h->v3 ^= m;
	sipround(h);
	sipround(h);
	h->v0 ^= m;
}

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void siphash_init(struct siphash *h, const unsigned char key[SIPHASH_KEY_LEN])
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	/* "somepseudorandomlygeneratedbytes" */
	h->v0 = k0 ^ 0x736f6d6570736575ULL;
	h->v1 = k1 ^ 0x646f72616e646f6dULL;
	h->v2 = k0 ^ 0x6c7967656e657261ULL;
	h->v3 = k1 ^ 0x7465646279746573ULL;
	h->tail = 0;
	h->len = 0;
}

void siphash_byte(struct siphash *h, unsigned char b)
{
	h->tail |= (uint64_t)b << (8 * (h->len % 8));
	h->len++;
	if (h->len % 8 == 0) {
		compress(h, h->tail);
		h->tail = 0;
	}
}

uint64_t siphash_final(struct siphash *h)
{
	/* The last word carries the length's low byte in its top byte. */
	compress(h, h->tail | h->len << 56);
	h->v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(h);
	return h->v0 ^ h->v1 ^ h->v2 ^ h->v3;
}

uint64_t siphash(const unsigned char key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
	const unsigned char *p = data;
	struct siphash h;
	siphash_init(&h, key);
	for (size_t i = 0; i < len; i++)
		siphash_byte(&h, p[i]);
	return siphash_final(&h);
}
