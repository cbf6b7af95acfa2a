/* client.c - the nick registry, user modes, exits and WHOWAS.  An exit
 * asked for mid-command (client_kill, in pending.c) runs in client_reap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"
#include "core.h"
#include "proto.h"

struct client *client_find(struct server *s, const char *nick)
{
	struct client *c = hmap_get(&s->nicks, nick);
	return c && c->state == CLIENT_REGISTERED ? c : NULL;
}

void nick_delay_add(struct server *s, const char *nick)
{
	struct nick_delay *d = &s->nick_delays[s->nick_delay_next++ % NICK_DELAY_SLOTS];
	str_copy(d->nick, sizeof d->nick, nick);
	d->until = s->mono + NICK_DELAY_SECS;
}

bool nick_delayed(const struct server *s, const char *nick)
{
	for (size_t i = 0; i < NICK_DELAY_SLOTS; i++) {
		const struct nick_delay *d = &s->nick_delays[i];
		if (d->nick[0] && s->mono < d->until && irc_casecmp(d->nick, nick) == 0)
			return true;
	}
	return false;
}

static bool is_special(char ch)
{
	/* RFC 2812 2.3.1: special = %x5B-60 / %x7B-7D  ; "[", "]", "\", "`", "_", "^", "{", "|", "}" */
	return (ch >= 0x5B && ch <= 0x60) || (ch >= 0x7B && ch <= 0x7D);
}

static bool is_letter(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

bool nick_valid(const char *nick)
{
	size_t len = strlen(nick);
	if (len == 0 || len > NICKLEN)
		return false;
	if (!is_letter(nick[0]) && !is_special(nick[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		char ch = nick[i];
		if (!is_letter(ch) && !is_special(ch) && ch != '-' && !(ch >= '0' && ch <= '9'))
			return false;
	}
	return true;
}

void client_update_source(struct client *c)
{
	snprintf(c->source, sizeof c->source, "%s!%s@%s", c->nick[0] ? c->nick : "*",
		 c->user[0] ? c->user : "*", c->host);
}

bool client_set_nick(struct server *s, struct client *c, const char *nick)
{
	struct client *holder = hmap_get(&s->nicks, nick);
	if (holder && holder != c)
		return false;
	if (c->nick[0])
		hmap_del(&s->nicks, c->nick); /* also when only the case changes */
	if (hmap_put(&s->nicks, nick, c) != 0) {
		c->nick[0] = '\0'; /* out of memory: no nick rather than a stale one */
		client_update_source(c);
		return false;
	}
	str_copy(c->nick, sizeof c->nick, nick);
	client_update_source(c);
	return true;
}

void client_reap(struct server *s)
{
	while (s->reap) {
		struct client *c = s->reap;
		s->reap = c->reap_next;
		c->reap_next = NULL;
		c->on_reap = false;
		client_exit(s, c, c->exit_reason);
	}
}

static void count_umodes(struct server *s, unsigned umodes, int sign)
{
	if (umodes & UMODE_INVISIBLE)
		s->ninvisible += (unsigned)sign;
	if (umodes & UMODE_OPER)
		s->nopers += (unsigned)sign;
}

void client_set_umodes(struct server *s, struct client *c, unsigned umodes)
{
	if (c->state == CLIENT_REGISTERED) {
		count_umodes(s, c->umodes, -1);
		count_umodes(s, umodes, +1);
	}
	c->umodes = umodes;
}

void client_exit(struct server *s, struct client *c, const char *reason)
{
	if (c->state == CLIENT_DEAD)
		return;
	if (c->state == CLIENT_REGISTERED) {
		whowas_add(s, c);
		send_to_common(s, c, false, ":%s QUIT :%s", c->source, reason);
		count_umodes(s, c->umodes, -1);
		s->nusers--;
	}
	while (c->chans)
		chan_remove(s, c->chans);
	if (c->nick[0] && hmap_get(&s->nicks, c->nick) == c)
		hmap_del(&s->nicks, c->nick);
	/* RFC 2812 3.1.7: the server acknowledges with an ERROR message. */
	send_fmt(s, c, "ERROR :Closing Link: %s (%s)", c->host, reason);
	free(c->away);
	c->away = NULL;
	c->state = CLIENT_DEAD;
	c->closing = true;
	s->nclosing++;
	send_mark_dirty(s, c);
}

/* The ring only wraps at its full size, so until then entry i is
 * whowas[i] and growing it is a plain realloc. */
static bool whowas_room(struct server *s)
{
	if (s->whowas_next < s->whowas_cap || s->whowas_cap == WHOWAS_SIZE)
		return true;
	unsigned ncap = s->whowas_cap ? s->whowas_cap * 2 : WHOWAS_FIRST;
	if (ncap > WHOWAS_SIZE)
		ncap = WHOWAS_SIZE;
	struct whowas *w = realloc(s->whowas, ncap * sizeof *w);
	if (!w)
		return false;
	s->whowas = w;
	s->whowas_cap = ncap;
	return true;
}

void whowas_add(struct server *s, const struct client *c)
{
	if (!whowas_room(s))
		return; /* out of memory: this departure is not remembered */
	struct whowas *w = &s->whowas[s->whowas_next % s->whowas_cap];
	str_copy(w->nick, sizeof w->nick, c->nick);
	str_copy(w->user, sizeof w->user, c->user);
	str_copy(w->host, sizeof w->host, c->host);
	str_copy(w->realname, sizeof w->realname, c->realname);
	w->when = s->now;
	s->whowas_next++;
}

const struct whowas *whowas_get(const struct server *s, unsigned i)
{
	unsigned stored = s->whowas_next < s->whowas_cap ? s->whowas_next : s->whowas_cap;
	if (i >= stored)
		return NULL;
	return &s->whowas[(s->whowas_next - 1 - i) % s->whowas_cap];
}
