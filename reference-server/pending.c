/* pending.c - the two marks a client carries until the current command is
 * done: "dirty" (the I/O layer has output to write, or a close to do) and
 * "killed" (client_reap exits it, outside any walk over members).
 *
 * Only list operations live here (the dirty and busy lists share one push
 * and one removal), so the send path can kill a client whose queue
 * overflowed, and the exit path can queue output, without send.c and
 * client.c calling each other: both call down to this file. */
#include <stddef.h>

#include "core.h"
#include "proto.h"

static struct client_link *link_of(struct client *c, size_t link)
{
	return (struct client_link *)((char *)c + link);
}

void client_list_push(struct client **head, struct client *c, size_t link)
{
	struct client_link *l = link_of(c, link);
	if (l->on)
		return;
	l->on = true;
	l->prev = NULL;
	l->next = *head;
	if (*head)
		link_of(*head, link)->prev = c;
	*head = c;
}

void client_list_remove(struct client **head, struct client *c, size_t link)
{
	struct client_link *l = link_of(c, link);
	if (!l->on)
		return;
	if (l->prev)
		link_of(l->prev, link)->next = l->next;
	else
		*head = l->next;
	if (l->next)
		link_of(l->next, link)->prev = l->prev;
	l->next = l->prev = NULL;
	l->on = false;
}

void send_mark_dirty(struct server *s, struct client *c)
{
	client_list_push(&s->dirty, c, offsetof(struct client, dirty));
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
