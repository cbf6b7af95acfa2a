/* sendq.c - send queues of shared lines (see sendq.h). */
#include "sendq.h"

#include <stdlib.h>
#include <string.h>

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

static unsigned grown_cap(const struct sendq *q)
{
	return q->cap ? q->cap * 2 : SENDQ_FIRST_SLOTS;
}

/* Doubles the ring, unwrapping it so the first line is slot 0. */
static int grow(struct sendq *q)
{
	unsigned ncap = grown_cap(q);
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
	bool full = q->count == q->cap;
	size_t ring = (full ? grown_cap(q) : q->cap) * sizeof *q->ring;
	size_t line = sizeof *l + l->len;
	if (ring > limit || line > limit - ring || q->line_bytes > limit - ring - line)
		return -1;
	if (full && grow(q) != 0)
		return -1;
	*slot(q, q->count) = l;
	q->count++;
	q->line_bytes += line;
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
	q->line_bytes -= sizeof *l + l->len;
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
