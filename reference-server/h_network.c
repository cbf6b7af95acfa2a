/* h_network.c - what a client may ask about the network's servers and
 * services: TRACE (RFC 2812 3.4.8), SERVLIST and SQUERY (3.5.1, 3.5.2),
 * and the disabled SUMMON and USERS (4.5, 4.6).
 *
 * refircd is a network of one server with no services, so a TRACE ends
 * here, the service list is empty and every SQUERY names no service. */
#include <stdbool.h>

#include "../common/casemap.h"
#include "proto.h"

#define TRACE_CLASS "users"

static void trace_one(struct server *s, struct client *c, const struct client *u)
{
	if (u->state != CLIENT_REGISTERED)
		send_numeric(s, c, RPL_TRACEUNKNOWN, "???? %s %s", TRACE_CLASS, u->host);
	else if (u->umodes & UMODE_OPER)
		send_numeric(s, c, RPL_TRACEOPERATOR, "Oper %s %s", TRACE_CLASS, u->nick);
	else
		send_numeric(s, c, RPL_TRACEUSER, "User %s %s", TRACE_CLASS, u->nick);
}

/* An operator sees every connection; anyone else sees the operators and
 * themselves, as in ircd-hybrid: a user's presence is WHO's to tell. */
static bool trace_shows(const struct client *asker, const struct client *u)
{
	return (asker->umodes & UMODE_OPER) || u == asker ||
	       (u->state == CLIENT_REGISTERED && (u->umodes & UMODE_OPER));
}

/* TRACE [ <target> ]: no target or our name traces the server, a nick
 * traces that user; anything else is 402.  262 ends every trace. */
void h_trace(struct server *s, struct client *c, const struct irc_msg *m)
{
	const char *target = m->nparams > 0 ? m->params[0] : NULL;
	if (!target || irc_mask_match(target, s->name)) {
		unsigned in_class = 0;
		for (const struct client *u = s->clients; u; u = u->next) {
			if (u->state == CLIENT_DEAD)
				continue;
			in_class++;
			if (trace_shows(c, u))
				trace_one(s, c, u);
		}
		/* RFC 2812 5.1: 209 "Class <class> <count>"; every connection is
		 * in the one class, and only operators see the count of it. */
		if (c->umodes & UMODE_OPER)
			send_numeric(s, c, RPL_TRACECLASS, "Class %s %u", TRACE_CLASS, in_class);
	} else {
		const struct client *u = client_find(s, target);
		if (!u) {
			send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", target);
			return;
		}
		if (trace_shows(c, u))
			trace_one(s, c, u);
	}
	send_numeric(s, c, RPL_TRACEEND, "%s %s :End of TRACE", s->name, REFIRCD_VERSION);
}

/* SERVLIST [ <mask> [ <type> ] ]: the list is empty, only its end is sent. */
void h_servlist(struct server *s, struct client *c, const struct irc_msg *m)
{
	send_numeric(s, c, RPL_SERVLISTEND, "%s %s :End of service listing",
		     m->nparams > 0 ? m->params[0] : "*", m->nparams > 1 ? m->params[1] : "*");
}

/* SQUERY <servicename> <text>: answered like PRIVMSG to a missing nick. */
void h_squery(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0]) /* none, or empty: irc_parse leaves "" past nparams */
		send_numeric(s, c, ERR_NORECIPIENT, ":No recipient given (SQUERY)");
	else if (!m->params[1][0])
		send_numeric(s, c, ERR_NOTEXTTOSEND, ":No text to send");
	else
		send_numeric(s, c, ERR_NOSUCHSERVICE, "%s :No such service", m->params[0]);
}

/* RFC 2812 4.5: "If summon is not enabled in a server, it MUST return the
 * ERR_SUMMONDISABLED numeric." */
void h_summon(struct server *s, struct client *c, const struct irc_msg *m)
{
	(void)m;
	send_numeric(s, c, ERR_SUMMONDISABLED, ":SUMMON has been disabled");
}

/* RFC 4.6: USERS "SHOULD be disabled by default"; "If disabled, the
 * correct numeric MUST be returned". */
void h_users(struct server *s, struct client *c, const struct irc_msg *m)
{
	(void)m;
	send_numeric(s, c, ERR_USERSDISABLED, ":USERS has been disabled");
}
