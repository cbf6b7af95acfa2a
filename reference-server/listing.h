/* listing.h - long replies produced as the asker's send queue drains.
 *
 * LIST, WHO and NAMES answer with a line per channel or user: on a big
 * network more than a send queue may hold (cfg.sendq_max), and queuing it
 * all at once would drop the asker with "SendQ exceeded".  So, as
 * ircd-hybrid's "safelist" does, the handler starts a listing instead: a
 * step function and a cursor into a registry (hmap_scan's, which stays
 * valid while channels and users come and go).  The core runs one batch
 * whenever the asker's queue is below a low-water mark (srv_run_due), and
 * the step sends the end numeric (323, 315, 366) last.
 *
 * While a listing runs, the asker's further commands wait in its receive
 * queue and run once it is done (core.c), so two replies never mix.  A
 * reader that reads nothing stalls its listing at one batch; what else is
 * sent to it still meets the send queue cap. */
#ifndef REFIRCD_LISTING_H
#define REFIRCD_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "server.h"

struct listing;
/* Emits a batch (listing_scan says when it is big enough); true once the
 * end numeric is sent. */
typedef bool listing_step_fn(struct server *s, struct client *c, struct listing *l);

struct listing {
	listing_step_fn *step;
	size_t cursor;            /* hmap_scan position */
	unsigned phase;           /* replies in parts: NAMES has two */
	bool opers_only;          /* WHO <mask> o */
	char arg[IRC_LINE_MAX + 1]; /* the mask or channel asked about */
};

/* Starts a listing for c (which has none) and runs its first batch.
 * Out of memory, the whole reply is queued at once instead. */
void listing_start(struct server *s, struct client *c, listing_step_fn *step,
		   const char *arg, bool opers_only);
/* True when c has a listing and its queue has room for the next batch. */
bool listing_ready(const struct server *s, const struct client *c);
/* Runs the next batch when listing_ready; frees the listing once done. */
void listing_run(struct server *s, struct client *c);
void listing_free(struct client *c);

/* For step functions: walks map from l->cursor, handing fn each value,
 * until c's queue holds a batch; true when the walk is over. */
bool listing_scan(struct server *s, struct client *c, struct listing *l,
		  const struct hmap *map, void (*fn)(void *val, void *arg), void *arg);

#endif
