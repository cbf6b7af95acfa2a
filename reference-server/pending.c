/* pending.c - the two marks a client carries until the current command is
 * done: "dirty" (the I/O layer has output to write, or a close to do) and
 * "killed" (client_reap exits it, outside any walk over members).
 *
 * Only list pushes live here, so the send path can kill a client whose
 * queue overflowed, and the exit path can queue output, without send.c and
 * client.c calling each other: both call down to this file. */
#include "core.h"
#include "proto.h"

void send_mark_dirty(struct server *s, struct client *c)
{
	if (c->on_dirty)
		return;
	c->on_dirty = true;
	c->dirty_prev = NULL;
	c->dirty_next = s->dirty;
	if (s->dirty)
		s->dirty->dirty_prev = c;
	s->dirty = c;
}

void client_kill(struct server *s, struct client *c, const char *reason)
{
	if (c->state == CLIENT_DEAD || c->on_reap)
		return;
	str_copy(c->exit_reason, sizeof c->exit_reason, reason);
	c->on_reap = true;
	c->reap_next = s->reap;
	s->reap = c;
}
