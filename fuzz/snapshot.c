/* snapshot.c - starts each input from a copy of a pre-registered server.
 *
 * Registering a client costs refircd a welcome burst of a dozen numerics;
 * under ASan that is ~8 us of printf and malloc per client, more than all
 * else an average input does.  So each distinct starting state (say "alice
 * to dave registered, alice an operator") is built once through the real
 * seam (fz_register: NICK, USER, OPER as bytes) and then copied for every
 * input: a fresh, private server in the same state, for the cost of a few
 * mallocs.
 *
 * The copy knows which fields of struct server and struct client are
 * pointers.  It only accepts templates where all of them are empty or
 * static (no channels, no queued output, no partial line, no AWAY, no
 * WHOWAS ring yet) and checks that once, when the template is taken.  If
 * a pointer field is added to those structs, fz_snapshot_restore must learn
 * it: a missed one is shared by two servers, and the first input that
 * frees it makes ASan report a double free in every later one. */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void refuse(const char *what)
{
	fprintf(stderr, "snapshot: template not copyable: %s\n", what);
	abort();
}

void fz_snapshot_take(struct fz_snapshot *snap, struct fz *z)
{
	const struct server *s = &z->s;
	if (s->dirty || s->reap || s->busy)
		refuse("I/O work pending");
	if (s->chans.count || s->nchannels)
		refuse("a channel exists");
	if (s->whowas)
		refuse("the WHOWAS ring is allocated");
	for (const struct client *c = s->clients; c; c = c->next) {
		if (c->chans || c->nchans)
			refuse("a client is in a channel");
		if (c->away)
			refuse("a client is away");
		if (c->framer.part || c->framer.part_len || c->framer.discarding)
			refuse("a partial line is held");
		if (!sendq_empty(&c->sendq))
			refuse("output is queued");
		if (buf_used(&c->recvq) || c->listing || c->input_eof)
			refuse("input or a listing is waiting");
		if (c->state == CLIENT_DEAD || c->closing)
			refuse("a client is closing");
	}
	for (int i = 0; i < FZ_SLOTS; i++)
		if (z->slot[i].stalled)
			refuse("a slot is stalled");
	snap->z = z;
}

void fz_snapshot_restore(struct fz *dst, const struct fz_snapshot *snap)
{
	const struct fz *src = snap->z;
	memcpy(&dst->s, &src->s, sizeof dst->s); /* scalars, config, counters */
	dst->now = src->now;
	memset(dst->slot, 0, sizeof dst->slot);
	dst->s.clients = NULL;
	hmap_init(&dst->s.nicks, src->s.nicks.key); /* empty, the same hash key */
	hmap_init(&dst->s.chans, src->s.chans.key);

	struct client *tail = NULL;
	for (const struct client *t = src->s.clients; t; t = t->next) {
		struct client *c = malloc(sizeof *c);
		if (!c)
			abort();
		memcpy(c, t, sizeof *c);
		/* Same order in the client list as in the template. */
		c->next = NULL;
		c->prev = tail;
		if (tail)
			tail->next = c;
		else
			dst->s.clients = c;
		tail = c;
		c->dirty = c->busy = (struct client_link){0};
		c->reap_next = NULL;
		c->on_reap = false;
		memset(&c->sendq, 0, sizeof c->sendq); /* empty; storage is per copy */
		memset(&c->recvq, 0, sizeof c->recvq);
		c->framer.part = NULL;
		if (c->nick[0] && hmap_put(&dst->s.nicks, c->nick, c) != 0)
			abort();
		for (int i = 0; i < FZ_SLOTS; i++)
			if (src->slot[i].c == t)
				dst->slot[i].c = c;
	}
}
