/* h_message.c - PRIVMSG, NOTICE, WALLOPS and AWAY (RFC 2812 3.3, 4.1, 4.7).
 *
 * PRIVMSG and NOTICE share one delivery path; the only difference is that a
 * NOTICE never produces a reply.  Delivery touches only the named targets:
 * no handler here walks the whole client list except WALLOPS, which by
 * definition goes to everyone with +w. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* How one PRIVMSG or NOTICE is being relayed. */
struct relay {
	const char *cmd;  /* "PRIVMSG" or "NOTICE", as sent on to recipients */
	const char *text;
	/* RFC 2812 3.3.2: "automatic replies MUST NEVER be sent in response to
	 * a NOTICE message.  This rule applies to servers too - they MUST NOT
	 * send any error reply back to the client on receipt of a notice." */
	bool quiet;
};

/* RFC 2812 5.2, ERR_CANNOTSENDTOCHAN: refused when the sender is "either
 * (a) not on a channel which is mode +n or (b) not a chanop (or mode +v) on
 * a channel which has mode +m set or where the user is banned". */
static bool may_speak(const struct channel *ch, const struct client *c)
{
	const struct member *me = chan_member(ch, c);
	bool privileged = me && (me->flags & (MEMBER_OP | MEMBER_VOICE));

	if (!me && (ch->modes & CMODE_NOEXTERNAL))
		return false;
	if (privileged)
		return true;
	if (ch->modes & CMODE_MODERATED)
		return false;
	return !chan_is_banned(ch, c);
}

static void relay_to_channel(struct server *s, struct client *c, struct channel *ch,
			     const char *target, const struct relay *r)
{
	if (!may_speak(ch, c)) {
		if (!r->quiet)
			send_numeric(s, c, ERR_CANNOTSENDTOCHAN, "%s :Cannot send to channel",
				     ch->name);
		return;
	}
	/* Everyone but the sender: a client shows its own message itself, so
	 * echoing it back would show it twice (IRCv3 echo-message aside). */
	send_to_channel(s, ch, c, ":%s %s %s :%s", c->source, r->cmd, target, r->text);
}

static void relay_to_user(struct server *s, struct client *c, struct client *to,
			  const char *target, const struct relay *r)
{
	send_fmt(s, to, ":%s %s %s :%s", c->source, r->cmd, target, r->text);
	/* RFC 2812 4.1: the server "sends an automatic reply to the client
	 * sending the PRIVMSG command" - PRIVMSG only, never for a NOTICE. */
	if (to->away && !r->quiet)
		send_numeric(s, c, RPL_AWAY, "%s :%s", to->nick, to->away);
}

/* Remembers where this message already went, so "PRIVMSG a,a :x" delivers
 * once.  Returns true if p was seen before. */
static bool seen_before(const void **seen, unsigned *nseen, const void *p)
{
	for (unsigned i = 0; i < *nseen; i++)
		if (seen[i] == p)
			return true;
	if (*nseen < MAXTARGETS)
		seen[(*nseen)++] = p;
	return false;
}

/* One target of the list: a channel or a nickname.  Host masks (#<mask>)
 * and server masks ($<mask>) from RFC 2812 3.3.1 are an operator-only
 * extension that would mean messaging every user; we do not offer it, so
 * such a target simply does not exist (401). */
static void relay_to_target(struct server *s, struct client *c, const char *target,
			    const struct relay *r, const void **seen, unsigned *nseen)
{
	struct channel *ch = NULL;
	struct client *to = NULL;

	if (chan_is_name(target))
		ch = chan_find(s, target);
	else
		to = client_find(s, target);

	if (!ch && !to) {
		if (!r->quiet)
			send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", target);
		return;
	}
	if (seen_before(seen, nseen, ch ? (const void *)ch : (const void *)to))
		return;
	if (ch)
		relay_to_channel(s, c, ch, target, r);
	else
		relay_to_user(s, c, to, target, r);
}

/* RFC 2812 3.3.1: PRIVMSG <msgtarget> <text to be sent>, where msgtarget
 * is a comma-separated list (2.3.1: msgtarget = msgto *( "," msgto )). */
static void relay_message(struct server *s, struct client *c, const struct irc_msg *m,
			  const struct relay *r0)
{
	struct relay r = *r0;
	char list[IRC_PARSE_MAX + 1];
	const void *seen[MAXTARGETS];
	unsigned nseen = 0, ntargets = 0;
	char *rest, *target;

	if (m->nparams < 1 || m->params[0][strspn(m->params[0], ",")] == '\0') {
		if (!r.quiet)
			send_numeric(s, c, ERR_NORECIPIENT, ":No recipient given (%s)", r.cmd);
		return;
	}
	if (m->nparams < 2 || m->params[1][0] == '\0') {
		if (!r.quiet)
			send_numeric(s, c, ERR_NOTEXTTOSEND, ":No text to send");
		return;
	}
	r.text = m->params[1];
	c->last_msg = s->mono; /* WHOIS idle time counts from the last message */

	str_copy(list, sizeof list, m->params[0]);
	rest = list;
	while ((target = list_next(&rest)) != NULL) {
		if (++ntargets > MAXTARGETS) {
			/* RFC 2812 5.2, 407: "Returned to a client which trying to
			 * send a PRIVMSG/NOTICE to too many recipients."  One error
			 * names the first target left out; the rest share its fate. */
			if (!r.quiet)
				send_numeric(s, c, ERR_TOOMANYTARGETS,
					     "%s :Too many recipients. Only %d processed",
					     target, MAXTARGETS);
			return;
		}
		relay_to_target(s, c, target, &r, seen, &nseen);
	}
}

void h_privmsg(struct server *s, struct client *c, const struct irc_msg *m)
{
	const struct relay r = {.cmd = "PRIVMSG", .text = NULL, .quiet = false};
	relay_message(s, c, m, &r);
}

void h_notice(struct server *s, struct client *c, const struct irc_msg *m)
{
	const struct relay r = {.cmd = "NOTICE", .text = NULL, .quiet = true};
	relay_message(s, c, m, &r);
}

/* RFC 2812 4.7: WALLOPS goes "to all currently connected users who have set
 * the 'w' user mode".  The RFC RECOMMENDS that only servers originate it;
 * like every modern server we let operators send it too, and refuse
 * everyone else with 481 (5.2: "Any command requiring operator privileges
 * to operate MUST return this error"). */
void h_wallops(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!require_oper(s, c))
		return;
	for (struct client *to = s->clients; to; to = to->next) {
		if (to->state == CLIENT_REGISTERED && (to->umodes & UMODE_WALLOPS))
			send_fmt(s, to, ":%s WALLOPS :%s", c->source, m->params[0]);
	}
}

/* RFC 2812 4.1: "The AWAY command is used either with one parameter, to set
 * an AWAY message, or with no parameters, to remove the AWAY message."  An
 * empty parameter ("AWAY :") also removes it, as every server treats it. */
void h_away(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (m->nparams < 1 || m->params[0][0] == '\0') {
		free(c->away);
		c->away = NULL;
		send_numeric(s, c, RPL_UNAWAY, ":You are no longer marked as being away");
		return;
	}
	/* Cut to AWAYLEN (advertised in ISUPPORT) so every 301 fits a line. */
	size_t len = strnlen(m->params[0], AWAYLEN);
	char *away = malloc(len + 1);
	if (!away)
		return; /* out of memory: leave the old state, claim nothing */
	memcpy(away, m->params[0], len);
	away[len] = '\0';
	free(c->away);
	c->away = away;
	send_numeric(s, c, RPL_NOWAWAY, ":You have been marked as being away");
}
