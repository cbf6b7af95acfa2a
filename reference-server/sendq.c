/* sendq.c - send queues of shared lines (see sendq.h). */
#include "sendq.h"

#include <stdlib.h>
#include <string.h>

/* A queue's first ring: a reply burst fits without growing. */
#define SENDQ_FIRST_SLOTS 16

struct line *line_new(const char *text, size_t len)
{
	struct line *l = malloc(sizeof *l + len);
	if (!l)
		return NULL;
	l->refs = 1;
	l->len = (unsigned)len;
	memcpy(l->text, text, len);
	return l;
}

void line_put(struct line *l)
{
	if (--l->refs == 0)
		free(l);
}

static struct line **slot(const struct sendq *q, unsigned i)
{
	return &q->ring[(q->head + i) & (q->cap - 1)];
}

/* Doubles the ring, unwrapping it so the first line is slot 0. */
static int grow(struct sendq *q)
{
	unsigned ncap = q->cap ? q->cap * 2 : SENDQ_FIRST_SLOTS;
	struct line **ring = malloc(ncap * sizeof *ring);
	if (!ring)
		return -1;
	for (unsigned i = 0; i < q->count; i++)
		ring[i] = *slot(q, i);
	free(q->ring);
	q->ring = ring;
	q->cap = ncap;
	q->head = 0;
	return 0;
}

int sendq_push(struct sendq *q, struct line *l, size_t limit)
{
	size_t cost = SENDQ_LINE_COST(l->len);
	if (cost > limit || q->cost > limit - cost)
		return -1;
	if (q->count == q->cap && grow(q) != 0)
		return -1;
	*slot(q, q->count) = l;
	q->count++;
	q->cost += cost;
	l->refs++;
	return 0;
}

int sendq_iov(const struct sendq *q, struct iovec *iov, int max)
{
	int n = 0;
	for (unsigned i = 0; i < q->count && n < max; i++, n++) {
		const struct line *l = *slot(q, i);
		unsigned skip = i == 0 ? q->head_off : 0;
		iov[n].iov_base = (char *)l->text + skip;
		iov[n].iov_len = l->len - skip;
	}
	return n;
}

/* Drops the first line. */
static void pop(struct sendq *q)
{
	struct line *l = *slot(q, 0);
	q->cost -= SENDQ_LINE_COST(l->len);
	q->head = (q->head + 1) & (q->cap - 1);
	q->count--;
	q->head_off = 0;
	line_put(l);
}

void sendq_consume(struct sendq *q, size_t n)
{
	while (n > 0 && q->count > 0) {
		struct line *first = *slot(q, 0);
		size_t left = first->len - q->head_off;
		if (n < left) {
			q->head_off += (unsigned)n;
			return;
		}
		n -= left;
		pop(q);
	}
	if (q->count == 0)
		sendq_clear(q); /* an idle client keeps no ring */
}

void sendq_clear(struct sendq *q)
{
	while (q->count > 0)
		pop(q);
	free(q->ring);
	*q = (struct sendq){0};
}
