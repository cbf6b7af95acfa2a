/* buf.c - growable byte queue with a hard cap (see buf.h). */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

/* Queues that drained keep at most this much storage: enough for the
 * common "append a few lines, flush at once" pattern without a malloc per
 * message, small enough that 10k idle clients cost little. */
#define BUF_KEEP 1024

int buf_append(struct buf *b, const void *p, size_t n, size_t limit)
{
	if (n == 0)
		return 0;
	if (n > limit || buf_used(b) > limit - n)
		return -1;
	if (b->len + n > b->cap) {
		size_t used = buf_used(b);
		if (b->off > 0 && used + n <= b->cap) {
			/* Reclaim the consumed prefix before growing. */
			memmove(b->data, b->data + b->off, used);
		} else {
			size_t ncap = b->cap ? b->cap : 256;
			while (ncap < used + n)
				ncap *= 2;
			char *nd = malloc(ncap);
			if (!nd)
				return -1;
			if (used)
				memcpy(nd, b->data + b->off, used);
			free(b->data);
			b->data = nd;
			b->cap = ncap;
		}
		b->off = 0;
		b->len = used;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= buf_used(b)) {
		b->off = b->len = 0;
		if (b->cap > BUF_KEEP) {
			free(b->data);
			b->data = NULL;
			b->cap = 0;
		}
		return;
	}
	b->off += n;
}

void buf_clear(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}
