/* sendq.h - a client's send queue: references to shared, formatted lines.
 *
 * A line for many recipients (a channel message to 500 members) is
 * formatted once into a struct line, and each recipient's queue holds a
 * pointer to it: no copy per member.  The I/O layer writes a queue with
 * one writev per turn, straight from the lines (sendq_iov), and the line
 * is freed when the last queue has written it.
 *
 * A queue counts, against its cap, the memory it keeps alive: each line
 * whole, header and text, as if it held it alone (so a shared line is
 * never cheaper to hoard than a private one), and its ring of pointers. */
#ifndef REFIRCD_SENDQ_H
#define REFIRCD_SENDQ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

struct line {
	unsigned refs;   /* queues holding it, plus its maker until line_put */
	unsigned len;    /* bytes of text, CR LF included: at most 512 */
	char text[];
};

/* A queue's first ring, doubled as it fills: a reply burst fits at once. */
#define SENDQ_FIRST_SLOTS 16

struct sendq {
	struct line **ring; /* cap slots, a power of two; NULL while idle */
	unsigned cap;
	unsigned head;      /* first queued line */
	unsigned count;     /* lines queued */
	unsigned head_off;  /* bytes of the first line already written */
	size_t line_bytes;  /* header and text of every line queued */
};

/* A new line holding len bytes of text, one reference (the caller's), or
 * NULL when memory ran out. */
struct line *line_new(const char *text, size_t len);
/* Drops the caller's reference. */
void line_put(struct line *l);

/* Queues a reference to l unless the queue would then count more than
 * limit.  Returns 0, or -1 (nothing queued) over the limit or out of
 * memory. */
int sendq_push(struct sendq *q, struct line *l, size_t limit);
/* Points iov[0..max) at the unwritten text, in order; returns how many. */
int sendq_iov(const struct sendq *q, struct iovec *iov, int max);
/* n bytes from the front were written: drops them, and every line done. */
void sendq_consume(struct sendq *q, size_t n);
/* Drops everything; gives the storage back. */
void sendq_clear(struct sendq *q);

static inline bool sendq_empty(const struct sendq *q) { return q->count == 0; }
/* What the queue counts against its cap (see above). */
static inline size_t sendq_cost(const struct sendq *q)
{
	return q->line_bytes + q->cap * sizeof *q->ring;
}

#endif
