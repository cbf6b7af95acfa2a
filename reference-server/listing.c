/* listing.c - long replies produced as the asker's send queue drains (see
 * listing.h). */
#include "listing.h"

#include <stdlib.h>

#include "proto.h"

/* A batch is what one step queues: big enough that a listing costs few
 * loop turns, small beside the send queue cap so that a batch and the
 * asker's other traffic never reach it.  The next batch starts once the
 * queue has drained to half a batch. */
#define LISTING_BATCH (32 * 1024)

static size_t batch_bytes(const struct server *s)
{
	size_t quarter = s->cfg.sendq_max / 4;
	return quarter < LISTING_BATCH ? quarter : LISTING_BATCH;
}

bool listing_ready(const struct server *s, const struct client *c)
{
	size_t half = batch_bytes(s) / 2;
	return c->listing && c->state != CLIENT_DEAD && sendq_cost(&c->sendq) < half;
}

void listing_free(struct client *c)
{
	free(c->listing);
	c->listing = NULL;
}

void listing_run(struct server *s, struct client *c)
{
	struct listing *l = c->listing;
	if (listing_ready(s, c) && l->step(s, c, l))
		listing_free(c);
}

void listing_start(struct server *s, struct client *c, listing_step_fn *step,
		   const char *arg, bool opers_only)
{
	struct listing *l = calloc(1, sizeof *l);
	if (!l) {
		/* No room to keep a cursor: answer in one go, as before
		 * listings existed (the queue cap still bounds it). */
		struct listing now = {.step = step, .opers_only = opers_only};
		str_copy(now.arg, sizeof now.arg, arg);
		c->listing = &now;
		while (c->state != CLIENT_DEAD && !step(s, c, &now))
			;
		c->listing = NULL;
		return;
	}
	l->step = step;
	l->opers_only = opers_only;
	str_copy(l->arg, sizeof l->arg, arg);
	c->listing = l;
	listing_run(s, c);
}

bool listing_scan(struct server *s, struct client *c, struct listing *l,
		  const struct hmap *map, void (*fn)(void *val, void *arg), void *arg)
{
	do
		l->cursor = hmap_scan(map, l->cursor, fn, arg);
	while (l->cursor != 0 && sendq_cost(&c->sendq) < batch_bytes(s));
	return l->cursor == 0;
}
