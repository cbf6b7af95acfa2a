/* h_query.c - server queries and user queries: MOTD, LUSERS, VERSION, STATS,
 * LINKS, TIME, ADMIN, INFO (RFC 2812 3.4), WHO, WHOIS, WHOWAS (3.6), KILL
 * (3.7.1), USERHOST and ISON (4.8, 4.9).
 *
 * refircd is a network of one server, so a <target> either names us and
 * is answered here, or names nothing and draws 402 ERR_NOSUCHSERVER.
 * Handlers only read state and queue replies; KILL hands its victim to
 * client_kill, which defers the exit until the current command is done. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/casemap.h"
#include "listing.h"
#include "proto.h"

/* The <server info> field of 312 and 364. */
#define SERVER_INFO "refircd reference IRC server (ircspec)"

/* RFC 2812 2.3: "IRC messages ... SHALL NOT exceed 512 characters in
 * length, counting all characters including the trailing CR-LF." */
#define LINE_BODY 510

/* WHO <channel> with at most this many members is answered at once: its
 * reply (~150 bytes a member) is far below a listing's batch. */
#define WHO_DIRECT_MAX 64

/* ---- helpers ---- */

/* RFC 2812 3.4: "Wildcards are allowed in the <target> parameter."  With
 * one server a target names us when it matches our name, or - as 3.4.9's
 * example "ADMIN syrk" shows - is the nick of someone connected here.
 * Otherwise 402 is sent and false returned. */
/* target "" is no target (irc_parse leaves "" past nparams): this server. */
static bool target_is_us(struct server *s, struct client *c, const char *target)
{
	if (target[0] == '\0' || irc_mask_match(target, s->name) ||
	    client_find(s, target))
		return true;
	send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", target);
	return false;
}

/* RFC 2812 5.1, RPL_TIME: "The string showing the time need only contain
 * the correct day and time there." */
static void format_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    strftime(buf, n, "%A %B %d %Y -- %H:%M:%S %z", &tm) == 0)
		str_copy(buf, n, "unknown");
}

/* For durations: then is a monotonic time (server.h, struct srv_clock). */
static long long seconds_since(const struct server *s, time_t then)
{
	return s->mono > then ? (long long)(s->mono - then) : 0;
}

/* Copies the next space-separated word of *p into out and advances *p;
 * false when no word is left.  A word too long for out is returned as ""
 * rather than cut, so a cut could never turn it into someone else's nick. */
static bool word_next(const char **p, char *out, size_t n)
{
	const char *w = *p;
	size_t len;

	while (*w == ' ')
		w++;
	if (*w == '\0')
		return false;
	len = strcspn(w, " ");
	if (len < n) {
		memcpy(out, w, len);
		out[len] = '\0';
	} else {
		out[0] = '\0';
	}
	*p = w + len;
	return true;
}

/* ---- replies whose last parameter is a list (302, 303, 319) ----
 * send_* cut every line at 510 bytes.  These are packed item by item into
 * as many lines as needed, so an item is never split between lines. */
struct item_reply {
	int num;
	const char *head; /* parameters before the list: "" or "<nick> " */
	size_t room;      /* bytes the list may take on one line */
	size_t len;
	unsigned lines;   /* lines sent so far */
	char items[LINE_BODY + 1];
};

static void items_init(struct item_reply *r, const struct server *s,
		       const struct client *c, int num, const char *head)
{
	/* ":<server> NNN <nick> " + head + ":" */
	size_t used = 1 + strlen(s->name) + 5 + strlen(c->nick) + 1 + strlen(head) + 1;

	r->num = num;
	r->head = head;
	r->room = used < LINE_BODY ? LINE_BODY - used : 0;
	r->len = 0;
	r->lines = 0;
	r->items[0] = '\0';
}

static void items_flush(struct server *s, struct client *c, struct item_reply *r)
{
	send_numeric(s, c, r->num, "%s:%s", r->head, r->items);
	r->lines++;
	r->len = 0;
	r->items[0] = '\0';
}

static void items_add(struct server *s, struct client *c, struct item_reply *r,
		      const char *item)
{
	size_t n = strlen(item);

	if (r->len > 0 && r->len + 1 + n > r->room)
		items_flush(s, c, r);
	if (r->len > 0)
		r->items[r->len++] = ' ';
	if (n > sizeof r->items - 1 - r->len)
		n = sizeof r->items - 1 - r->len; /* longer than a line: cannot fit */
	memcpy(r->items + r->len, item, n);
	r->len += n;
	r->items[r->len] = '\0';
}

/* Sends what is left.  send_empty: an empty list is still sent as one line
 * (302 and 303 always answer; 319 is left out when there is nothing). */
static void items_finish(struct server *s, struct client *c, struct item_reply *r,
			 bool send_empty)
{
	if (r->len > 0 || (send_empty && r->lines == 0))
		items_flush(s, c, r);
}

/* ---- visibility (RFC 2812 3.6: "The visibility of a user is determined
 * as a combination of the user's mode and the common set of channels you
 * are both on.") ---- */

static bool shares_channel(const struct client *a, const struct client *b)
{
	for (const struct member *m = a->chans; m; m = m->client_next)
		if (chan_member(m->chan, b))
			return true;
	return false;
}

static bool user_visible(const struct client *asker, const struct client *u)
{
	return u == asker || !(u->umodes & UMODE_INVISIBLE) || shares_channel(asker, u);
}

/* RFC 2811 4.2.6: +p and +s channels are hidden from non-members. */
static bool chan_visible(const struct channel *ch, const struct client *asker)
{
	return !(ch->modes & (CMODE_SECRET | CMODE_PRIVATE)) || chan_member(ch, asker);
}

/* ---- RFC 2812 3.4: server queries ---- */

void h_motd(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (target_is_us(s, c, m->params[0]))
		send_motd(s, c);
}

/* RFC 2812 3.4.2: LUSERS [ <mask> [ <target> ] ].  The mask selects servers;
 * with one server every mask gives the same counts, so it is not used. */
void h_lusers(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (target_is_us(s, c, m->params[1]))
		send_lusers(s, c);
}

/* RFC 2812 5.1, 351: "<version>.<debuglevel> <server> :<comments>"; we have
 * no debug level, so it is empty. */
void h_version(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!target_is_us(s, c, m->params[0]))
		return;
	send_numeric(s, c, RPL_VERSION, "%s. %s :%s", REFIRCD_VERSION, s->name,
		     "ircspec reference server for RFC 2812");
}

/* STATS l: one 211 per connection.  Traffic counters are not kept, so they
 * are 0; the send queue and the time open are real. */
static void stats_links(struct server *s, struct client *c)
{
	char link[NICKLEN + USERLEN + HOSTLEN + 8];

	/* Every connection's host is an operator's business; anyone else is
	 * shown their own link only, as modern servers do. */
	bool oper = c->umodes & UMODE_OPER;
	for (struct client *u = oper ? s->clients : c; u; u = oper ? u->next : NULL) {
		if (u->state == CLIENT_DEAD)
			continue;
		snprintf(link, sizeof link, "%s[%s@%s]", u->nick[0] ? u->nick : "*",
			 u->user[0] ? u->user : "*", u->host);
		send_numeric(s, c, RPL_STATSLINKINFO, "%s %zu 0 0 0 0 :%lld", link,
			     sendq_cost(&u->sendq), seconds_since(s, u->connected));
	}
}

/* STATS m: RFC 2812 3.4.4: "returns the usage count for each of commands
 * supported by the server; commands for which the usage count is zero MAY
 * be omitted".  212 is "<command> <count> <byte count> <remote count>";
 * bytes are not counted and there are no remote servers: both 0. */
static void stats_commands(struct server *s, struct client *c)
{
	size_t slots = sizeof s->cmd_stats / sizeof s->cmd_stats[0];

	for (size_t i = 0; i < slots; i++)
		if (s->cmd_stats[i].name)
			send_numeric(s, c, RPL_STATSCOMMANDS, "%s %lu 0 0",
				     s->cmd_stats[i].name, s->cmd_stats[i].count);
}

/* STATS o: 243 "O <hostmask> * <name>".  Our operators may OPER from any
 * host, hence "*"; the password is never shown. */
static void stats_opers(struct server *s, struct client *c)
{
	for (unsigned i = 0; i < s->cfg.nopers; i++)
		send_numeric(s, c, RPL_STATSOLINE, "O * * %s", s->cfg.opers[i].name);
}

static void stats_uptime(struct server *s, struct client *c)
{
	long long up = seconds_since(s, s->started_mono);

	send_numeric(s, c, RPL_STATSUPTIME, ":Server Up %lld days %lld:%02lld:%02lld",
		     up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
}

/* RFC 2812 3.4.4: STATS [ <query> [ <target> ] ].  "If <query> parameter is
 * omitted, only the end of stats reply is sent back."  The standard
 * queries l, m, o, u "SHOULD be supported"; any other letter is answered
 * with 219 alone. */
void h_stats(struct server *s, struct client *c, const struct irc_msg *m)
{
	char letter = m->nparams >= 1 && m->params[0][0] ? m->params[0][0] : '*';

	if (!target_is_us(s, c, m->params[1]))
		return;
	switch (letter) {
	case 'l': case 'L':
		stats_links(s, c);
		break;
	case 'm': case 'M':
		stats_commands(s, c);
		break;
	case 'o': case 'O':
		stats_opers(s, c);
		break;
	case 'u': case 'U':
		stats_uptime(s, c);
		break;
	default:
		break;
	}
	send_numeric(s, c, RPL_ENDOFSTATS, "%c :End of STATS report", letter);
}

/* RFC 2812 3.4.5: LINKS [ [ <remote server> ] <server mask> ].  "The
 * returned list of servers MUST match the mask"; we know one server. */
void h_links(struct server *s, struct client *c, const struct irc_msg *m)
{
	const char *mask = "*";

	if (m->nparams >= 2) {
		if (!target_is_us(s, c, m->params[0]))
			return;
		mask = m->params[1];
	} else if (m->params[0][0]) {
		mask = m->params[0];
	}
	if (irc_mask_match(mask, s->name))
		send_numeric(s, c, RPL_LINKS, "%s %s :0 %s", s->name, s->name, SERVER_INFO);
	send_numeric(s, c, RPL_ENDOFLINKS, "%s :End of LINKS list", mask);
}

/* RFC 2812 5.1: "When replying to the TIME message, a server MUST send the
 * reply using the RPL_TIME format above." */
void h_time(struct server *s, struct client *c, const struct irc_msg *m)
{
	char when[96];

	if (!target_is_us(s, c, m->params[0]))
		return;
	format_time(s->now, when, sizeof when);
	send_numeric(s, c, RPL_TIME, "%s :%s", s->name, when);
}

/* RFC 2812 5.1: "When replying to an ADMIN message, a server is expected
 * to use replies RPL_ADMINME through to RPL_ADMINEMAIL and provide a text
 * message with each." */
void h_admin(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!target_is_us(s, c, m->params[0]))
		return;
	send_numeric(s, c, RPL_ADMINME, "%s :Administrative info", s->name);
	send_numeric(s, c, RPL_ADMINLOC1, ":refircd, the ircspec reference server");
	send_numeric(s, c, RPL_ADMINLOC2, ":Run for IRC conformance testing");
	send_numeric(s, c, RPL_ADMINEMAIL, ":No administrator e-mail is configured");
}

/* RFC 2812 3.4.10: INFO "is REQUIRED to return information describing the
 * server: its version, when it was compiled, the patchlevel, when it was
 * started, and any other miscellaneous information". */
void h_info(struct server *s, struct client *c, const struct irc_msg *m)
{
	char started[96];

	if (!target_is_us(s, c, m->params[0]))
		return;
	format_time(s->started, started, sizeof started);
	send_numeric(s, c, RPL_INFO, ":%s - the ircspec reference IRC server", REFIRCD_VERSION);
	send_numeric(s, c, RPL_INFO, ":Implements RFC 2812 as modern servers practise it");
	send_numeric(s, c, RPL_INFO, ":Compiled %s %s", __DATE__, __TIME__);
	send_numeric(s, c, RPL_INFO, ":Started %s", started);
	send_numeric(s, c, RPL_ENDOFINFO, ":End of INFO list");
}

/* ---- RFC 2812 3.6.1: WHO ---- */

/* 352: "<channel> <user> <host> <server> <nick> ( "H" / "G" ) ["*"]
 * [ ( "@" / "+" ) ] :<hopcount> <real name>" - G(one) when away, * for an
 * operator, @/+ for the status on the channel named (mb may be NULL). */
static void send_whoreply(struct server *s, struct client *c, const char *chname,
			  const struct client *u, const struct member *mb)
{
	send_numeric(s, c, RPL_WHOREPLY, "%s %s %s %s %s %c%s%s :0 %s", chname,
		     u->user, u->host, s->name, u->nick, u->away ? 'G' : 'H',
		     (u->umodes & UMODE_OPER) ? "*" : "", mb ? member_prefix(mb) : "",
		     u->realname);
}

/* A channel's members as the asker may see them: a non-member sees
 * nothing of a +s/+p channel and no +i member of any channel. */
static void who_channel(struct server *s, struct client *c, struct channel *ch,
			bool opers_only)
{
	bool inside = chan_member(ch, c) != NULL;

	if (!chan_visible(ch, c))
		return;
	for (const struct member *mb = ch->members; mb; mb = mb->chan_next) {
		const struct client *u = mb->client;
		if (opers_only && !(u->umodes & UMODE_OPER))
			continue;
		if (!inside && (u->umodes & UMODE_INVISIBLE))
			continue;
		send_whoreply(s, c, ch->name, u, mb);
	}
}

/* "The <mask> passed to WHO is matched against users' host, server, real
 * name and nickname if the channel <mask> cannot be found."  We match the
 * user name too, as modern servers do. */
static bool who_matches(const struct server *s, const char *mask, const struct client *u)
{
	return irc_mask_match(mask, u->nick) || irc_mask_match(mask, u->user) ||
	       irc_mask_match(mask, u->host) || irc_mask_match(mask, u->realname) ||
	       irc_mask_match(mask, s->name);
}

/* WHO over every user, or over a big channel's members, is a listing
 * (listing.h) that walks the users by nick; a step hands each to one of
 * these. */
struct who_ctx {
	struct server *s;
	struct client *c;
	const struct listing *l;
	const struct channel *ch; /* WHO <channel>: the channel */
	bool inside;              /* the asker is on it */
	bool everyone;            /* WHO <mask>: the mask matches all */
};

static void who_of_user(void *val, void *arg)
{
	const struct who_ctx *x = arg;
	const struct client *u = val;

	if (u->state != CLIENT_REGISTERED || !user_visible(x->c, u))
		return;
	if (x->l->opers_only && !(u->umodes & UMODE_OPER))
		return;
	if (x->everyone || who_matches(x->s, x->l->arg, u))
		send_whoreply(x->s, x->c, "*", u, NULL);
}

static bool who_mask_step(struct server *s, struct client *c, struct listing *l)
{
	/* "The same result can be achieved by using a <mask> of "0" or any
	 * wildcard which will end up matching every visible user." */
	struct who_ctx x = {s, c, l, NULL, false,
			    strcmp(l->arg, "0") == 0 || strcmp(l->arg, "*") == 0};

	if (!listing_scan(s, c, l, &s->nicks, who_of_user, &x))
		return false;
	send_numeric(s, c, RPL_ENDOFWHO, "%s :End of WHO list", l->arg);
	return true;
}

static void who_of_member(void *val, void *arg)
{
	const struct who_ctx *x = arg;
	const struct client *u = val;
	const struct member *mb =
		u->state == CLIENT_REGISTERED ? chan_member(x->ch, u) : NULL;

	if (!mb || (x->l->opers_only && !(u->umodes & UMODE_OPER)))
		return;
	if (!x->inside && (u->umodes & UMODE_INVISIBLE))
		return;
	send_whoreply(x->s, x->c, x->ch->name, u, mb);
}

/* The channel is looked up by name at every step: it may have emptied
 * (and gone) since the last one, and then the reply just ends. */
static bool who_channel_step(struct server *s, struct client *c, struct listing *l)
{
	const struct channel *ch = chan_find(s, l->arg);

	if (ch && chan_visible(ch, c)) {
		struct who_ctx x = {s, c, l, ch, chan_member(ch, c) != NULL, false};
		if (!listing_scan(s, c, l, &s->nicks, who_of_member, &x))
			return false;
	}
	send_numeric(s, c, RPL_ENDOFWHO, "%s :End of WHO list", l->arg);
	return true;
}

/* WHO [ <mask> [ "o" ] ]: "If the "o" parameter is passed only operators
 * are returned according to the <mask> supplied."  A channel small enough
 * to answer at once is answered in its own member order; anything else
 * is a listing. */
void h_who(struct server *s, struct client *c, const struct irc_msg *m)
{
	const char *mask = m->nparams >= 1 && m->params[0][0] ? m->params[0] : "*";
	bool opers_only = m->nparams >= 2 && strcmp(m->params[1], "o") == 0;
	struct channel *ch = chan_is_name(mask) ? chan_find(s, mask) : NULL;

	if (!ch) {
		listing_start(s, c, who_mask_step, mask, opers_only);
	} else if (ch->nmembers > WHO_DIRECT_MAX) {
		listing_start(s, c, who_channel_step, mask, opers_only);
	} else {
		who_channel(s, c, ch, opers_only);
		send_numeric(s, c, RPL_ENDOFWHO, "%s :End of WHO list", mask);
	}
}

/* ---- RFC 2812 3.6.2: WHOIS ---- */

/* 319 "<nick> :*( ( "@" / "+" ) <channel> " " )", over as many lines as
 * needed ("only RPL_WHOISCHANNELS may appear more than once (for long
 * lists of channel names)"); channels hidden from the asker are left out. */
static void whois_channels(struct server *s, struct client *c, const struct client *u)
{
	struct item_reply r;
	char head[NICKLEN + 2];
	char item[CHANNELLEN + 8];

	snprintf(head, sizeof head, "%s ", u->nick);
	items_init(&r, s, c, RPL_WHOISCHANNELS, head);
	for (const struct member *mb = u->chans; mb; mb = mb->client_next) {
		if (!chan_visible(mb->chan, c))
			continue;
		snprintf(item, sizeof item, "%s%s", member_prefix(mb), mb->chan->name);
		items_add(s, c, &r, item);
	}
	items_finish(s, c, &r, false);
}

static void whois_one(struct server *s, struct client *c, const char *nick)
{
	const struct client *u = client_find(s, nick);

	if (!u) {
		send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", nick);
		return;
	}
	send_numeric(s, c, RPL_WHOISUSER, "%s %s %s * :%s", u->nick, u->user, u->host,
		     u->realname);
	whois_channels(s, c, u);
	send_numeric(s, c, RPL_WHOISSERVER, "%s %s :%s", u->nick, s->name, SERVER_INFO);
	if (u->away)
		send_numeric(s, c, RPL_AWAY, "%s :%s", u->nick, u->away);
	if (u->umodes & UMODE_OPER)
		send_numeric(s, c, RPL_WHOISOPERATOR, "%s :is an IRC operator", u->nick);
	/* RFC 2812 has "<nick> <integer> :seconds idle"; the signon time after
	 * it is what every modern server adds. */
	send_numeric(s, c, RPL_WHOISIDLE, "%s %lld %lld :seconds idle, signon time",
		     u->nick, seconds_since(s, u->last_msg), (long long)u->signon);
}

/* WHOIS [ <target> ] <mask> *( "," <mask> ).  Masks are taken literally:
 * wildcard WHOIS would list users without sharing a channel, which modern
 * servers no longer allow.  At most MAXTARGETS nicks are answered; one
 * 318 with the list as given ends the reply. */
void h_whois(struct server *s, struct client *c, const struct irc_msg *m)
{
	char list[IRC_PARSE_MAX + 1];
	const char *nicks = m->nparams >= 2 ? m->params[1] : m->params[0];
	char *rest = list, *nick;
	unsigned n = 0;

	if (nicks[strspn(nicks, ",")] == '\0') { /* "", or only commas */
		send_numeric(s, c, ERR_NONICKNAMEGIVEN, ":No nickname given");
		return;
	}
	if (m->nparams >= 2 && !target_is_us(s, c, m->params[0]))
		return;
	str_copy(list, sizeof list, nicks);
	while ((nick = list_next(&rest)) != NULL && n < MAXTARGETS) {
		n++;
		whois_one(s, c, nick);
	}
	/* 5.1: "The RPL_ENDOFWHOIS reply is used to mark the end of processing
	 * a WHOIS message." */
	send_numeric(s, c, RPL_ENDOFWHOIS, "%s :End of WHOIS list", nicks);
}

/* ---- RFC 2812 3.6.3: WHOWAS ---- */

/* "The history is searched backward, returning the most recent entry
 * first.  If there are multiple entries, up to <count> replies will be
 * returned"; count 0 means all of them. */
static void whowas_one(struct server *s, struct client *c, const char *nick,
		       unsigned long count)
{
	const struct whowas *w;
	unsigned long found = 0;
	char when[96];

	for (unsigned i = 0; (w = whowas_get(s, i)) != NULL; i++) {
		if (irc_casecmp(w->nick, nick) != 0)
			continue;
		format_time(w->when, when, sizeof when);
		send_numeric(s, c, RPL_WHOWASUSER, "%s %s %s * :%s", w->nick, w->user,
			     w->host, w->realname);
		send_numeric(s, c, RPL_WHOISSERVER, "%s %s :%s", w->nick, s->name, when);
		if (++found == count)
			break;
	}
	if (found == 0)
		send_numeric(s, c, ERR_WASNOSUCHNICK, "%s :There was no such nickname", nick);
}

/* "If a non-positive number is passed as being <count>, then a full search
 * is done."  So is anything that does not start with a number; the digits
 * a count starts with are its value ("2x" is 2), as ircd-hybrid's and
 * ngircd's atoi() read it. */
static unsigned long whowas_count(const char *arg)
{
	long v = strtol(arg, NULL, 10);
	return v > 0 ? (unsigned long)v : 0;
}

/* WHOWAS <nickname> *( "," <nickname> ) [ <count> [ <target> ] ].  5.1: "a
 * server MUST use the replies RPL_WHOWASUSER, RPL_WHOISSERVER or
 * ERR_WASNOSUCHNICK for each nickname in the presented list"; each nick's
 * batch ends with its own 369. */
void h_whowas(struct server *s, struct client *c, const struct irc_msg *m)
{
	char list[IRC_PARSE_MAX + 1];
	char *rest = list, *nick;
	unsigned long count;
	unsigned n = 0;

	if (m->nparams < 1 || m->params[0][strspn(m->params[0], ",")] == '\0') {
		send_numeric(s, c, ERR_NONICKNAMEGIVEN, ":No nickname given");
		return;
	}
	if (m->nparams >= 3 && !target_is_us(s, c, m->params[2]))
		return;
	count = m->nparams >= 2 ? whowas_count(m->params[1]) : 0;
	str_copy(list, sizeof list, m->params[0]);
	while ((nick = list_next(&rest)) != NULL && n < MAXTARGETS) {
		n++;
		whowas_one(s, c, nick, count);
		send_numeric(s, c, RPL_ENDOFWHOWAS, "%s :End of WHOWAS", nick);
	}
}

/* ---- RFC 2812 3.7.1: KILL ---- */

/* "It is RECOMMENDED that only Operators be allowed to kill other users";
 * 483 answers "Any attempts to use the KILL command on a server". */
void h_kill(struct server *s, struct client *c, const struct irc_msg *m)
{
	const char *nick = m->params[0], *comment = m->params[1];
	struct client *victim;
	char reason[KICKLEN + 1];

	if (!require_oper(s, c))
		return;
	if (irc_casecmp(nick, s->name) == 0) {
		send_numeric(s, c, ERR_CANTKILLSERVER, ":You can't kill a server!");
		return;
	}
	victim = client_find(s, nick);
	if (!victim) {
		send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", nick);
		return;
	}
	/* The victim learns who killed it and why; "The comment given MUST
	 * reflect the actual reason for the KILL", so peers see it in QUIT. */
	send_fmt(s, victim, ":%s KILL %s :%s", c->source, victim->nick, comment);
	snprintf(reason, sizeof reason, "Killed (%s (%s))", c->nick, comment);
	nick_delay_add(s, victim->nick);
	client_kill(s, victim, reason);
}

/* ---- RFC 2812 4.8, 4.9: USERHOST and ISON ---- */

/* USERHOST <nickname> *( SPACE <nickname> ): "a list of up to 5
 * nicknames"; extra ones are ignored, unknown ones left out.  302 items
 * are: nickname [ "*" ] "=" ( "+" / "-" ) hostname, '*' for an operator
 * and '-' for away.  Nicks packed in one trailing parameter count too. */
void h_userhost(struct server *s, struct client *c, const struct irc_msg *m)
{
	struct item_reply r;
	char nick[NICKLEN + 1];
	char item[NICKLEN + USERLEN + HOSTLEN + 8];
	unsigned n = 0;

	items_init(&r, s, c, RPL_USERHOST, "");
	for (int i = 0; i < m->nparams; i++) {
		const char *p = m->params[i];
		while (n < USERHOST_MAX && word_next(&p, nick, sizeof nick)) {
			const struct client *u = nick[0] ? client_find(s, nick) : NULL;
			n++;
			if (!u)
				continue;
			snprintf(item, sizeof item, "%s%s=%c%s@%s", u->nick,
				 (u->umodes & UMODE_OPER) ? "*" : "", u->away ? '-' : '+',
				 u->user, u->host);
			items_add(s, c, &r, item);
		}
	}
	items_finish(s, c, &r, true);
}

/* ISON <nickname> *( SPACE <nickname> ): "For each nickname in the list
 * that is present, the server adds that to its reply string."  Clients
 * often send the list as one trailing parameter, so every parameter is
 * split on spaces.  A long answer is spread over several 303 lines. */
void h_ison(struct server *s, struct client *c, const struct irc_msg *m)
{
	struct item_reply r;
	char nick[NICKLEN + 1];

	items_init(&r, s, c, RPL_ISON, "");
	for (int i = 0; i < m->nparams; i++) {
		const char *p = m->params[i];
		while (word_next(&p, nick, sizeof nick)) {
			const struct client *u = nick[0] ? client_find(s, nick) : NULL;
			if (u)
				items_add(s, c, &r, u->nick);
		}
	}
	items_finish(s, c, &r, true);
}
