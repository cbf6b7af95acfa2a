/* h_oper.c - the operator-only commands that act on the server itself:
 * CONNECT and SQUIT (RFC 2812 3.4.7, 3.1.8), DIE and REHASH (4.3, 4.2).
 *
 * Every one is refused with 481 ERR_NOPRIVILEGES to a client that is not an
 * operator, before anything else is looked at: a non-operator learns
 * nothing about links or files.  require_oper, that refusal, also guards
 * KILL and WALLOPS.  refircd is a network of one server, so
 * CONNECT and SQUIT can only name a server it has no link to (402).
 * RESTART, optional in RFC 2812 4.4, is not offered: it draws 421 like any
 * command refircd lacks ("an error reply message MUST be generated or an
 * unknown command error"). */
#include <stdio.h>

#include "motd.h"
#include "proto.h"

bool require_oper(struct server *s, struct client *c)
{
	if (c->umodes & UMODE_OPER)
		return true;
	send_numeric(s, c, ERR_NOPRIVILEGES, ":Permission Denied- You're not an IRC operator");
	return false;
}

/* CONNECT <target server> <port> [ <remote server> ] */
void h_connect(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (require_oper(s, c))
		send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", m->params[0]);
}

/* SQUIT <server> <comment> */
void h_squit(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (require_oper(s, c))
		send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", m->params[0]);
}

/* The loop ends after this turn (netloop_run reads s->dying); clients are
 * closed as at SIGTERM. */
void h_die(struct server *s, struct client *c, const struct irc_msg *m)
{
	(void)m;
	if (require_oper(s, c))
		s->dying = true;
}

/* REHASH re-reads the one file refircd has, the MOTD.  If that fails the
 * old MOTD stays and the operator is told why. */
void h_rehash(struct server *s, struct client *c, const struct irc_msg *m)
{
	(void)m;
	if (!require_oper(s, c))
		return;
	const char *file = s->cfg.motd_file ? s->cfg.motd_file : "refircd";
	char **lines = NULL;
	char err[256] = "";
	send_numeric(s, c, RPL_REHASHING, "%s :Rehashing", file);
	if (s->cfg.motd_file && motd_load(s->cfg.motd_file, &lines, err, sizeof err) != 0) {
		send_fmt(s, c, ":%s NOTICE %s :REHASH: %s; the MOTD is unchanged", s->name,
			 c->nick, err);
		return;
	}
	if (lines) {
		motd_free(s->motd);
		s->motd = lines;
	}
}
