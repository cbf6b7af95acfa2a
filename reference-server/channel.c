/* channel.c - the channel registry, membership, bans and invites. */
#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"
#include "proto.h"

struct channel *chan_find(struct server *s, const char *name)
{
	return hmap_get(&s->chans, name);
}

bool chan_name_valid(const char *name)
{
	/* RFC 2812 1.3: a channel name starts with '&', '#', '+' or '!' (we
	 * offer '#' and '&', ISUPPORT CHANTYPES=#&), is at most 50 chars, and
	 * "SHALL NOT contain any spaces (' '), a control G (^G or ASCII 7), a
	 * comma (',')"; 2.3.1 also excludes ':' (the channel mask separator). */
	size_t len = strlen(name);
	if (len < 2 || len > CHANNELLEN || (name[0] != '#' && name[0] != '&'))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch == ' ' || ch == 7 || ch == ',' || ch == ':' || ch == '\r' || ch == '\n')
			return false;
	}
	return true;
}

struct channel *chan_create(struct server *s, const char *name)
{
	struct channel *ch = calloc(1, sizeof *ch);
	if (!ch)
		return NULL;
	str_copy(ch->name, sizeof ch->name, name);
	ch->created = s->now;
	/* Every deployed server creates channels +nt; clients expect it. */
	ch->modes = CMODE_NOEXTERNAL | CMODE_TOPIC;
	if (hmap_put(&s->chans, ch->name, ch) != 0) {
		free(ch);
		return NULL;
	}
	s->nchannels++;
	return ch;
}

static void mask_list_free(struct ban **head)
{
	while (*head) {
		struct ban *b = *head;
		*head = b->next;
		free(b->mask);
		free(b);
	}
}

static void chan_free(struct server *s, struct channel *ch)
{
	hmap_del(&s->chans, ch->name);
	mask_list_free(&ch->bans);
	mask_list_free(&ch->excepts);
	mask_list_free(&ch->invexes);
	free(ch->topic);
	free(ch->invited);
	free(ch);
	s->nchannels--;
}

struct member *chan_member(const struct channel *ch, const struct client *c)
{
	/* Walk whichever list is shorter: a client is in few channels, but a
	 * channel may have thousands of members. */
	if (c->nchans <= ch->nmembers) {
		for (struct member *m = c->chans; m; m = m->client_next)
			if (m->chan == ch)
				return m;
	} else {
		for (struct member *m = ch->members; m; m = m->chan_next)
			if (m->client == c)
				return m;
	}
	return NULL;
}

struct member *chan_add(struct server *s, struct channel *ch, struct client *c,
			unsigned char flags)
{
	struct member *m = calloc(1, sizeof *m);
	if (!m) {
		if (ch->nmembers == 0)
			chan_free(s, ch); /* just created: nothing may keep it */
		return NULL;
	}
	m->client = c;
	m->chan = ch;
	m->flags = flags;
	m->chan_next = ch->members;
	if (ch->members)
		ch->members->chan_prev = m;
	ch->members = m;
	m->client_next = c->chans;
	if (c->chans)
		c->chans->client_prev = m;
	c->chans = m;
	ch->nmembers++;
	c->nchans++;

	/* RFC 2812 3.2.7: an invitation is good for one join. */
	for (unsigned i = 0; i < ch->ninvited; i++) {
		if (ch->invited[i] == c->id) {
			memmove(ch->invited + i, ch->invited + i + 1,
				(ch->ninvited - i - 1) * sizeof ch->invited[0]);
			ch->ninvited--;
			break;
		}
	}
	return m;
}

void chan_remove(struct server *s, struct member *m)
{
	struct channel *ch = m->chan;
	struct client *c = m->client;
	if (m->chan_prev)
		m->chan_prev->chan_next = m->chan_next;
	else
		ch->members = m->chan_next;
	if (m->chan_next)
		m->chan_next->chan_prev = m->chan_prev;
	if (m->client_prev)
		m->client_prev->client_next = m->client_next;
	else
		c->chans = m->client_next;
	if (m->client_next)
		m->client_next->client_prev = m->client_prev;
	ch->nmembers--;
	c->nchans--;
	free(m);
	if (ch->nmembers == 0)
		chan_free(s, ch);
}

static bool mask_list_match(const struct ban *b, const struct client *c)
{
	for (; b; b = b->next)
		if (irc_mask_match(b->mask, c->source))
			return true;
	return false;
}

/* RFC 2811 4.3.1: a ban keeps a user out "unless the address also matches
 * an exception mask set for the channel". */
bool chan_is_banned(const struct channel *ch, const struct client *c)
{
	return mask_list_match(ch->bans, c) && !mask_list_match(ch->excepts, c);
}

/* RFC 2811 4.3.2: on a +i channel, "users whose address matches an
 * invitation mask set for the channel are allowed to join the channel
 * without any invitation". */
bool chan_is_invex(const struct channel *ch, const struct client *c)
{
	return mask_list_match(ch->invexes, c);
}

bool chan_is_invited(const struct channel *ch, const struct client *c)
{
	for (unsigned i = 0; i < ch->ninvited; i++)
		if (ch->invited[i] == c->id)
			return true;
	return false;
}

void chan_add_invite(struct channel *ch, const struct client *c)
{
	if (chan_is_invited(ch, c))
		return;
	if (ch->ninvited == ch->invited_cap && ch->invited_cap < MAXINVITES) {
		unsigned cap = ch->invited_cap ? 2 * ch->invited_cap : 4;
		unsigned *grown = realloc(ch->invited, (cap < MAXINVITES ? cap : MAXINVITES) *
						       sizeof *grown);
		if (grown) {
			ch->invited = grown;
			ch->invited_cap = cap < MAXINVITES ? cap : MAXINVITES;
		}
	}
	if (ch->ninvited == ch->invited_cap) {
		if (ch->ninvited == 0)
			return; /* no memory for even one */
		/* Full: forget the oldest invitation. */
		memmove(ch->invited, ch->invited + 1, (ch->ninvited - 1) * sizeof ch->invited[0]);
		ch->ninvited--;
	}
	ch->invited[ch->ninvited++] = c->id;
}

const char *member_prefix(const struct member *m)
{
	if (m->flags & MEMBER_OP)
		return "@";
	if (m->flags & MEMBER_VOICE)
		return "+";
	return "";
}
