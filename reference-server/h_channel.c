/* h_channel.c - JOIN, PART, TOPIC, NAMES, LIST, INVITE and KICK
 * (RFC 2812 3.2; RFC 2811 for what members and outsiders may see).
 *
 * Comma lists are copied into a local buffer and walked in place with
 * list_next, since a parsed message is read-only.  A parameter is part of
 * one line, so IRC_LINE_MAX bounds every copy.  Each list item gets its own
 * reply: RFC 2812 3 "In the case of incorrect messages which use
 * parameter lists with comma as an item separator, a reply MUST be sent for
 * each item." */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"
#include "listing.h"
#include "proto.h"

/* Room for one parameter: it can never be longer than a line. */
#define PARAM_BUF (IRC_LINE_MAX + 1)
/* Most items a comma list in one parameter can hold ("a,b,c..."). */
#define MAX_ITEMS (IRC_LINE_MAX / 2 + 1)

static bool is_op(const struct member *m)
{
	return m && (m->flags & MEMBER_OP);
}

/* RFC 2811 4.2.6: "+p" and "+s" channels "conceal the existence of the
 * channel from other users": LIST, NAMES and friends show them to members
 * only. */
static bool chan_visible(const struct channel *ch, const struct client *c)
{
	return !(ch->modes & (CMODE_PRIVATE | CMODE_SECRET)) || chan_member(ch, c);
}

/* Copies text cut to n-1 bytes like str_copy, but never leaves half of a
 * UTF-8 character at the end: a cut topic must still be valid text. */
static void copy_text(char *dst, size_t n, const char *src)
{
	str_copy(dst, n, src);
	size_t len = strlen(dst);
	if (src[len] == '\0')
		return; /* nothing was cut */
	/* src[len] is the first byte dropped; while it continues a sequence,
	 * that sequence began inside dst and must go too (at most 3 bytes). */
	for (int i = 0; i < 3 && len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80; i++)
		len--;
	dst[len] = '\0';
}

/* Splits a comma list (a copied parameter) in place into items[], which
 * holds MAX_ITEMS, with next (list_next skips empty items; list_next_item
 * keeps them, for JOIN keys where an empty one is a channel without key);
 * returns the count. */
static unsigned split_list(char *list, char **items, char *(*next)(char **))
{
	unsigned n = 0;
	char *item;
	while (n < MAX_ITEMS && (item = next(&list)))
		items[n++] = item;
	return n;
}

/* "JOIN :" or "PART ,,": a list that names nothing is a missing
 * parameter (dispatch.c only counted that one was there; an empty first
 * parameter of TOPIC, INVITE and MODE is treated the same way). */
static bool list_is_empty(const char *list)
{
	return list[strspn(list, ",")] == '\0';
}

/* RFC 2812 5.2 ERR_TOOMANYTARGETS for each item past MAXTARGETS (RFC
 * 2812 3: "a reply MUST be sent for each item"); the first MAXTARGETS
 * items have been acted on. */
static void too_many_targets(struct server *s, struct client *c, char **items, unsigned n)
{
	for (unsigned i = MAXTARGETS; i < n; i++)
		send_numeric(s, c, ERR_TOOMANYTARGETS, "%s :Too many targets, ignored", items[i]);
}

/* ---- topic ---- */

/* RFC 2812 3.2.4: 332 with the topic, or 331 when there is none; 333
 * (who set it, and when) is the modern companion of 332. */
static void send_topic(struct server *s, struct client *c, const struct channel *ch)
{
	if (!ch->topic) {
		send_numeric(s, c, RPL_NOTOPIC, "%s :No topic is set", ch->name);
		return;
	}
	send_numeric(s, c, RPL_TOPIC, "%s :%s", ch->name, ch->topic);
	send_numeric(s, c, RPL_TOPICWHOTIME, "%s %s %lld", ch->name, ch->topic_setter,
		     (long long)ch->topic_time);
}

/* RFC 2812 3.2.4: "If the <topic> parameter is an empty string, the topic
 * for that channel will be removed." */
static void set_topic(struct server *s, struct client *c, struct channel *ch, const char *text)
{
	char topic[TOPICLEN + 1];
	copy_text(topic, sizeof topic, text);

	char *copy = NULL;
	if (topic[0] && !(copy = strdup(topic)))
		return; /* out of memory: the old topic stays */
	free(ch->topic);
	ch->topic = copy;
	str_copy(ch->topic_setter, sizeof ch->topic_setter, c->source);
	ch->topic_time = s->now;
	send_to_channel(s, ch, NULL, ":%s TOPIC %s :%s", c->source, ch->name, topic);
}

void h_topic(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0]) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "TOPIC :Not enough parameters");
		return;
	}
	struct channel *ch = chan_find(s, m->params[0]);
	if (!ch) {
		send_numeric(s, c, ERR_NOSUCHCHANNEL, "%s :No such channel", m->params[0]);
		return;
	}
	struct member *me = chan_member(ch, c);

	if (m->nparams < 2) {
		/* Anyone may read the topic of a channel they can see; a
		 * secret channel's stays hidden from outsiders (RFC 2811
		 * 4.2.6), who get 442 as modern servers answer. */
		if (!me && (ch->modes & CMODE_SECRET))
			send_numeric(s, c, ERR_NOTONCHANNEL, "%s :You're not on that channel", ch->name);
		else
			send_topic(s, c, ch);
		return;
	}
	if (!me) {
		send_numeric(s, c, ERR_NOTONCHANNEL, "%s :You're not on that channel", ch->name);
		return;
	}
	/* RFC 1459 4.2.3.1: +t is "topic settable by channel operator only". */
	if ((ch->modes & CMODE_TOPIC) && !is_op(me)) {
		send_numeric(s, c, ERR_CHANOPRIVSNEEDED, "%s :You're not channel operator", ch->name);
		return;
	}
	set_topic(s, c, ch, m->params[1]);
}

/* ---- NAMES ---- */

/* Packs nicks into as few 353 lines as fit in 510 bytes, never cutting a
 * nick: send_numeric would cut an over-long line in the middle of one. */
struct names_out {
	struct server *s;
	struct client *to;
	char sym;         /* '=', '*' or '@' (RFC 2812 5.1, RPL_NAMREPLY) */
	const char *chan;
	char words[IRC_LINE_MAX + 1];
	size_t len;
	size_t room;      /* bytes the nick list may take on one line */
};

static void names_init(struct names_out *o, struct server *s, struct client *to, char sym,
		       const char *chan)
{
	/* Each line is ":<server> 353 <nick> <sym> <chan> :<words>". */
	size_t fixed = strlen(s->name) + strlen(to->nick) + strlen(chan) + 11;
	o->s = s;
	o->to = to;
	o->sym = sym;
	o->chan = chan;
	o->len = 0;
	o->words[0] = '\0';
	o->room = fixed < IRC_LINE_CONTENT_MAX ? IRC_LINE_CONTENT_MAX - fixed : 0;
	if (o->room > sizeof o->words - 1)
		o->room = sizeof o->words - 1;
}

static void names_flush(struct names_out *o)
{
	if (o->len)
		send_numeric(o->s, o->to, RPL_NAMREPLY, "%c %s :%s", o->sym, o->chan, o->words);
	o->len = 0;
	o->words[0] = '\0';
}

static void names_add(struct names_out *o, const char *prefix, const char *nick)
{
	size_t word = strlen(prefix) + strlen(nick);
	if (o->len && o->len + 1 + word > o->room)
		names_flush(o);
	if ((o->len ? o->len + 1 : 0) + word > o->room)
		return; /* cannot happen: a nick is far shorter than a line */
	size_t left = sizeof o->words - o->len;
	int n = snprintf(o->words + o->len, left, "%s%s%s", o->len ? " " : "", prefix, nick);
	if (n > 0)
		o->len += (size_t)n < left ? (size_t)n : left - 1;
}

/* The 353 lines for one channel the requester may see (366 is the
 * caller's).  RFC 2811 4.2.6 / modern practice: outsiders do not see +i
 * members. */
static void names_channel(struct server *s, struct client *c, const struct channel *ch)
{
	bool inside = chan_member(ch, c) != NULL;
	char sym = (ch->modes & CMODE_SECRET) ? '@' : (ch->modes & CMODE_PRIVATE) ? '*' : '=';
	struct names_out o;

	names_init(&o, s, c, sym, ch->name);
	for (const struct member *m = ch->members; m; m = m->chan_next) {
		if (!inside && (m->client->umodes & UMODE_INVISIBLE))
			continue;
		names_add(&o, member_prefix(m), m->client->nick);
	}
	names_flush(&o);
}

static void end_of_names(struct server *s, struct client *c, const char *name)
{
	send_numeric(s, c, RPL_ENDOFNAMES, "%s :End of NAMES list", name);
}

/* True when none of u's channels is one that c may see. */
static bool on_no_visible_channel(const struct client *u, const struct client *c)
{
	for (const struct member *m = u->chans; m; m = m->client_next)
		if (chan_visible(m->chan, c))
			return false;
	return true;
}

/* A step of a listing (listing.h) hands each value of a bucket to one of
 * these, with the asker. */
struct listing_ctx {
	struct server *s;
	struct client *c;
	struct names_out *names; /* NAMES: the "*" line being packed */
};

static void names_of_channel(void *val, void *arg)
{
	struct listing_ctx *x = arg;
	struct channel *ch = val;
	if (chan_visible(ch, x->c))
		names_channel(x->s, x->c, ch);
}

static void names_of_loner(void *val, void *arg)
{
	struct listing_ctx *x = arg;
	struct client *u = val;
	if (u->state != CLIENT_REGISTERED || !on_no_visible_channel(u, x->c))
		return;
	if (u == x->c || !(u->umodes & UMODE_INVISIBLE))
		names_add(x->names, "", u->nick);
}

/* RFC 2812 3.2.5: "If no <channel> parameter is given, a list of all
 * channels and their occupants is returned.  At the end of this list, a
 * list of users who are visible but either not on any channel or not on a
 * visible channel are listed as being on `channel' "*"."  Phase 0 walks
 * the channels, phase 1 the users (by nick); a batch's "*" nicks go out
 * at its end, as one or more 353 lines. */
static bool names_all_step(struct server *s, struct client *c, struct listing *l)
{
	struct names_out o;
	struct listing_ctx x = {s, c, &o};
	if (l->phase == 0) {
		if (!listing_scan(s, c, l, &s->chans, names_of_channel, &x))
			return false;
		l->phase = 1;
	}
	names_init(&o, s, c, '*', "*");
	bool done = listing_scan(s, c, l, &s->nicks, names_of_loner, &x);
	names_flush(&o);
	if (done)
		end_of_names(s, c, "*");
	return done;
}

/* RFC 2812 3.2.5/3.2.6 <target>: we are the only server, so a target must
 * match our name (wildcards allowed) or there is no such server. */
static bool target_is_me(struct server *s, struct client *c, const struct irc_msg *m, int i)
{
	if (m->nparams <= i || irc_mask_match(m->params[i], s->name))
		return true;
	send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", m->params[i]);
	return false;
}

void h_names(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!target_is_me(s, c, m, 1))
		return;
	if (m->nparams == 0 || !m->params[0][0]) {
		listing_start(s, c, names_all_step, "*", false);
		return;
	}
	char list[PARAM_BUF];
	char *p = list, *name;
	str_copy(list, sizeof list, m->params[0]);
	while ((name = list_next(&p))) {
		/* RFC 2812 3.2.5: "There is no error reply for bad channel
		 * names": an unknown or hidden channel gets only 366. */
		struct channel *ch = chan_find(s, name);
		if (ch && chan_visible(ch, c)) {
			names_channel(s, c, ch);
			end_of_names(s, c, ch->name);
		} else {
			end_of_names(s, c, name);
		}
	}
}

/* ---- LIST ---- */

static void list_one(struct server *s, struct client *c, const struct channel *ch)
{
	send_numeric(s, c, RPL_LIST, "%s %u :%s", ch->name, ch->nmembers,
		     ch->topic ? ch->topic : "");
}

static void list_of_channel(void *val, void *arg)
{
	struct listing_ctx *x = arg;
	struct channel *ch = val;
	if (chan_visible(ch, x->c))
		list_one(x->s, x->c, ch);
}

/* LIST without channels: every channel, a batch at a time. */
static bool list_all_step(struct server *s, struct client *c, struct listing *l)
{
	struct listing_ctx x = {s, c, NULL};
	if (!listing_scan(s, c, l, &s->chans, list_of_channel, &x))
		return false;
	send_numeric(s, c, RPL_LISTEND, ":End of LIST");
	return true;
}

/* RFC 2812 3.2.6.  321 is "Obsolete" in RFC 2812 5.1 but every client
 * still expects it, and 323 MUST end the reply even when it is empty.
 * Named channels fit in a line, so only the full list is a listing. */
void h_list(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!target_is_me(s, c, m, 1))
		return;
	send_numeric(s, c, RPL_LISTSTART, "Channel :Users  Name");
	if (m->nparams == 0 || !m->params[0][0]) {
		listing_start(s, c, list_all_step, "", false);
		return;
	}
	char list[PARAM_BUF];
	char *p = list, *name;
	str_copy(list, sizeof list, m->params[0]);
	while ((name = list_next(&p))) {
		struct channel *ch = chan_find(s, name);
		if (ch && chan_visible(ch, c))
			list_one(s, c, ch);
	}
	send_numeric(s, c, RPL_LISTEND, ":End of LIST");
}

/* ---- JOIN and PART ---- */

/* RFC 2812 3.2.2: "If a "Part Message" is given, this will be sent
 * instead of the default message"; with none we send none, as modern
 * servers do.  Everyone on the channel, the parter too, hears it. */
static void part_member(struct server *s, struct client *c, struct member *me, const char *msg)
{
	struct channel *ch = me->chan;
	if (msg && msg[0])
		send_to_channel(s, ch, NULL, ":%s PART %s :%s", c->source, ch->name, msg);
	else
		send_to_channel(s, ch, NULL, ":%s PART %s", c->source, ch->name);
	chan_remove(s, me); /* may free ch */
}

/* RFC 1459 4.2.1 lists what keeps a user out; the order (ban, invite, key,
 * limit) is the common ircd one.  RFC 2812 3.2.7 / modern practice: an
 * invitation (or a +I mask) overrides +i only, and chan_add uses it up. */
static bool join_allowed(struct server *s, struct client *c, const struct channel *ch,
			 const char *key)
{
	int num = 0;
	char mode = 0;

	if (chan_is_banned(ch, c)) {
		num = ERR_BANNEDFROMCHAN;
		mode = 'b';
	} else if ((ch->modes & CMODE_INVITE) && !chan_is_invited(ch, c) &&
		   !chan_is_invex(ch, c)) {
		num = ERR_INVITEONLYCHAN;
		mode = 'i';
	} else if (ch->key[0] && (!key || strcmp(key, ch->key) != 0)) {
		num = ERR_BADCHANNELKEY;
		mode = 'k';
	} else if (ch->limit && ch->nmembers >= ch->limit) {
		num = ERR_CHANNELISFULL;
		mode = 'l';
	}
	if (!num)
		return true;
	send_numeric(s, c, num, "%s :Cannot join channel (+%c)", ch->name, mode);
	return false;
}

static void join_one(struct server *s, struct client *c, const char *name, const char *key)
{
	if (!chan_name_valid(name)) {
		send_numeric(s, c, ERR_NOSUCHCHANNEL, "%s :No such channel", name);
		return;
	}
	struct channel *ch = chan_find(s, name);
	if (ch && chan_member(ch, c))
		return; /* already there: nothing to do, nothing to say */
	if (c->nchans >= MAXCHANNELS) {
		send_numeric(s, c, ERR_TOOMANYCHANNELS, "%s :You have joined too many channels",
			     ch ? ch->name : name);
		return;
	}
	unsigned char flags = 0;
	if (ch) {
		if (!join_allowed(s, c, ch, key))
			return;
	} else {
		/* Whoever creates a channel is its first operator
		 * (RFC 2811 2.4.1); chan_create makes it +nt. */
		ch = chan_create(s, name);
		if (!ch)
			return;
		flags = MEMBER_OP;
	}
	if (!chan_add(s, ch, c, flags))
		return;
	/* RFC 2812 3.2.1: "If a JOIN is successful, the user receives a JOIN
	 * message as confirmation and is then sent the channel's topic (using
	 * RPL_TOPIC) and the list of users who are on the channel (using
	 * RPL_NAMREPLY), which MUST include the user joining." */
	send_to_channel(s, ch, NULL, ":%s JOIN %s", c->source, ch->name);
	if (ch->topic)
		send_topic(s, c, ch);
	names_channel(s, c, ch);
	end_of_names(s, c, ch->name);
}

/* RFC 2812 3.2.1: "JOIN 0" is processed "as if the user had sent a PART
 * command (See Section 3.2.2) for each channel he is a member of". */
static void part_all(struct server *s, struct client *c)
{
	while (c->chans)
		part_member(s, c, c->chans, NULL);
}

void h_join(struct server *s, struct client *c, const struct irc_msg *m)
{
	char names[PARAM_BUF], keys[PARAM_BUF];
	char *namev[MAX_ITEMS], *keyv[MAX_ITEMS];

	if (list_is_empty(m->params[0])) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "JOIN :Not enough parameters");
		return;
	}
	str_copy(names, sizeof names, m->params[0]);
	str_copy(keys, sizeof keys, m->params[1]); /* "" when not given */
	unsigned nnames = split_list(names, namev, list_next);
	unsigned nkeys = keys[0] ? split_list(keys, keyv, list_next_item) : 0;

	/* RFC 2812 3.2.1: keys pair with channels in order ("JOIN
	 * #foo,#bar fubar,foobar"); channels past the keys need none. */
	for (unsigned i = 0; i < nnames && i < MAXTARGETS; i++) {
		if (strcmp(namev[i], "0") == 0)
			part_all(s, c);
		else
			join_one(s, c, namev[i], i < nkeys ? keyv[i] : NULL);
	}
	too_many_targets(s, c, namev, nnames);
}

void h_part(struct server *s, struct client *c, const struct irc_msg *m)
{
	char list[PARAM_BUF];
	char *p = list, *name;
	const char *msg = m->nparams > 1 ? m->params[1] : NULL;

	if (list_is_empty(m->params[0])) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "PART :Not enough parameters");
		return;
	}
	str_copy(list, sizeof list, m->params[0]);
	while ((name = list_next(&p))) {
		struct channel *ch = chan_find(s, name);
		struct member *me = ch ? chan_member(ch, c) : NULL;
		if (!ch)
			send_numeric(s, c, ERR_NOSUCHCHANNEL, "%s :No such channel", name);
		else if (!me)
			send_numeric(s, c, ERR_NOTONCHANNEL, "%s :You're not on that channel",
				     ch->name);
		else
			part_member(s, c, me, msg);
	}
}

/* ---- INVITE ---- */

/* RFC 2812 3.2.7: "if the channel exists, only members of the channel are
 * allowed to invite other users.  When the channel has invite-only flag
 * set, only channel operators may issue INVITE command." */
static bool invite_allowed(struct server *s, struct client *c, const struct client *target,
			   const struct channel *ch)
{
	const struct member *me = chan_member(ch, c);
	if (!me) {
		send_numeric(s, c, ERR_NOTONCHANNEL, "%s :You're not on that channel", ch->name);
		return false;
	}
	if (chan_member(ch, target)) {
		send_numeric(s, c, ERR_USERONCHANNEL, "%s %s :is already on channel", target->nick,
			     ch->name);
		return false;
	}
	if ((ch->modes & CMODE_INVITE) && !is_op(me)) {
		send_numeric(s, c, ERR_CHANOPRIVSNEEDED, "%s :You're not channel operator", ch->name);
		return false;
	}
	return true;
}

void h_invite(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0] || !m->params[1][0]) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "INVITE :Not enough parameters");
		return;
	}
	struct client *target = client_find(s, m->params[0]);
	if (!target) {
		send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", m->params[0]);
		return;
	}
	/* RFC 2812 3.2.7: "There is no requirement that the channel the
	 * target user is being invited to must exist or be a valid channel." */
	struct channel *ch = chan_find(s, m->params[1]);
	const char *chname = ch ? ch->name : m->params[1];
	if (ch) {
		if (!invite_allowed(s, c, target, ch))
			return;
		chan_add_invite(ch, target);
	}
	send_numeric(s, c, RPL_INVITING, "%s %s", target->nick, chname);
	send_fmt(s, target, ":%s INVITE %s :%s", c->source, target->nick, chname);
	if (target->away)
		send_numeric(s, c, RPL_AWAY, "%s :%s", target->nick, target->away);
}

/* ---- KICK ---- */

static void kick_one(struct server *s, struct client *c, const char *chname, const char *nick,
		     const char *reason)
{
	/* Looked up for every pair: an earlier kick may have emptied and
	 * freed the channel (a lone op kicking themselves). */
	struct channel *ch = chan_find(s, chname);
	if (!ch) {
		send_numeric(s, c, ERR_NOSUCHCHANNEL, "%s :No such channel", chname);
		return;
	}
	struct member *me = chan_member(ch, c);
	if (!me) {
		send_numeric(s, c, ERR_NOTONCHANNEL, "%s :You're not on that channel", ch->name);
		return;
	}
	if (!is_op(me)) {
		send_numeric(s, c, ERR_CHANOPRIVSNEEDED, "%s :You're not channel operator", ch->name);
		return;
	}
	struct client *target = client_find(s, nick);
	if (!target) {
		send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", nick);
		return;
	}
	struct member *victim = chan_member(ch, target);
	if (!victim) {
		send_numeric(s, c, ERR_USERNOTINCHANNEL, "%s %s :They aren't on that channel",
			     target->nick, ch->name);
		return;
	}
	/* RFC 2812 3.2.8: "The server MUST NOT send KICK messages with
	 * multiple channels or users to clients": one line per victim. */
	send_to_channel(s, ch, NULL, ":%s KICK %s %s :%s", c->source, ch->name, target->nick,
			reason);
	chan_remove(s, victim); /* may free ch */
}

void h_kick(struct server *s, struct client *c, const struct irc_msg *m)
{
	char chans[PARAM_BUF], users[PARAM_BUF], reason[KICKLEN + 1];
	char *chanv[MAX_ITEMS], *userv[MAX_ITEMS];

	str_copy(chans, sizeof chans, m->params[0]);
	str_copy(users, sizeof users, m->params[1]);
	unsigned nchans = split_list(chans, chanv, list_next);
	unsigned nusers = split_list(users, userv, list_next);

	/* RFC 2812 3.2.8: "there MUST be either one channel parameter and
	 * multiple user parameter, or as many channel parameters as there
	 * are user parameters." */
	if (nchans == 0 || nusers == 0 || (nchans != 1 && nchans != nusers)) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "KICK :Not enough parameters");
		return;
	}
	/* "If a "comment" is given, this will be sent instead of the default
	 * message, the nickname of the user issuing the KICK." */
	copy_text(reason, sizeof reason,
		  m->nparams > 2 && m->params[2][0] ? m->params[2] : c->nick);
	for (unsigned i = 0; i < nusers && i < MAXTARGETS; i++)
		kick_one(s, c, chanv[nchans == 1 ? 0 : i], userv[i], reason);
	too_many_targets(s, c, userv, nusers);
}
