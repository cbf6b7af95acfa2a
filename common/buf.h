/* buf.h - growable byte queue with a hard cap.
 *
 * Data is appended at the end and consumed from the front by moving a read
 * cursor (no memmove per line).  Memory is taken on demand and given back
 * when the queue drains, so an idle connection costs no buffer memory. */
#ifndef IRC_BUF_H
#define IRC_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t off; /* first unconsumed byte */
	size_t len; /* end of valid data */
	size_t cap; /* allocated size */
};

/* Appends n bytes unless the queue would then hold more than limit bytes.
 * Returns 0, or -1 (nothing appended) when over the limit or out of memory. */
int buf_append(struct buf *b, const void *p, size_t n, size_t limit);

/* Drops n bytes from the front; frees the storage once the queue is empty. */
void buf_consume(struct buf *b, size_t n);

static inline size_t buf_used(const struct buf *b) { return b->len - b->off; }
static inline const char *buf_head(const struct buf *b) { return b->data + b->off; }

void buf_clear(struct buf *b);

#endif
