/* h_login.c - connection registration and keep-alive (RFC 2812 3.1, 3.7):
 * PASS NICK USER OPER QUIT PING PONG, and CAP so modern clients that start
 * with "CAP LS 302" register without waiting. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/casemap.h"
#include "core.h"
#include "proto.h"

void h_pass(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (c->state == CLIENT_REGISTERED) {
		send_numeric(s, c, ERR_ALREADYREGISTRED, ":Unauthorized command (already registered)");
		return;
	}
	c->pass_ok = !s->cfg.password || strcmp(m->params[0], s->cfg.password) == 0;
}

void h_nick(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0]) {
		send_numeric(s, c, ERR_NONICKNAMEGIVEN, ":No nickname given");
		return;
	}
	const char *nick = m->params[0];
	if (!nick_valid(nick)) {
		send_numeric(s, c, ERR_ERRONEUSNICKNAME, "%s :Erroneous nickname", nick);
		return;
	}
	if (strcmp(nick, c->nick) == 0)
		return; /* no change at all */
	if (nick_delayed(s, nick)) {
		send_numeric(s, c, ERR_UNAVAILRESOURCE, "%s :Nick/channel is temporarily unavailable",
			     nick);
		return;
	}
	struct client *holder = hmap_get(&s->nicks, nick);
	if (holder && holder != c) {
		send_numeric(s, c, ERR_NICKNAMEINUSE, "%s :Nickname is already in use", nick);
		return;
	}
	char old_source[sizeof c->source];
	str_copy(old_source, sizeof old_source, c->source);
	bool registered = c->state == CLIENT_REGISTERED;
	if (registered)
		whowas_add(s, c);
	if (!client_set_nick(s, c, nick))
		return; /* out of memory: the client now has no nick */
	if (registered)
		send_to_common(s, c, true, ":%s NICK :%s", old_source, c->nick);
	else
		client_try_register(s, c);
}

/* RFC 2812 3.1.3: "The <mode> parameter should be a numeric ... bit 2 set,
 * the user mode 'w' will be set and if the bit 3 is set, the user mode 'i'
 * will be set." */
static unsigned user_mode_bits(const char *param)
{
	char *end;
	unsigned long bits = strtoul(param, &end, 10);
	if (*end != '\0')
		return 0;
	return ((bits & 4) ? UMODE_WALLOPS : 0) | ((bits & 8) ? UMODE_INVISIBLE : 0);
}

void h_user(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (c->state == CLIENT_REGISTERED || c->got_user) {
		send_numeric(s, c, ERR_ALREADYREGISTRED, ":Unauthorized command (already registered)");
		return;
	}
	const char *user = m->params[0];
	/* An empty <user> or <realname> is a parameter missing (Modern:
	 * "SHOULD reject the command with ERR_NEEDMOREPARAMS (even an empty
	 * parameter is provided)"), as inspircd and hybrid answer. */
	if (!user[0] || !m->params[3][0]) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "USER :Not enough parameters");
		return;
	}
	/* Keep the ident printable and free of the separators of a prefix. */
	size_t n = 0;
	for (const char *p = user; *p && n < USERLEN; p++)
		if (*p != '@' && *p != '!' && (unsigned char)*p > ' ')
			c->user[n++] = *p;
	c->user[n] = '\0';
	if (n == 0)
		str_copy(c->user, sizeof c->user, "unknown");
	str_copy(c->realname, sizeof c->realname, m->params[3]);
	c->umodes = user_mode_bits(m->params[1]);
	c->got_user = true;
	client_update_source(c);
	client_try_register(s, c);
}

void h_oper(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (s->cfg.nopers == 0) {
		send_numeric(s, c, ERR_NOOPERHOST, ":No O-lines for your host");
		return;
	}
	for (unsigned i = 0; i < s->cfg.nopers; i++) {
		const struct oper_cred *o = &s->cfg.opers[i];
		if (strcmp(o->name, m->params[0]) == 0 && strcmp(o->password, m->params[1]) == 0) {
			if (!(c->umodes & UMODE_OPER)) {
				client_set_umodes(s, c, c->umodes | UMODE_OPER);
				send_fmt(s, c, ":%s MODE %s :+o", c->nick, c->nick);
			}
			send_numeric(s, c, RPL_YOUREOPER, ":You are now an IRC operator");
			return;
		}
	}
	send_numeric(s, c, ERR_PASSWDMISMATCH, ":Password incorrect");
}

void h_quit(struct server *s, struct client *c, const struct irc_msg *m)
{
	const char *msg = m->nparams > 0 && m->params[0][0] ? m->params[0] : "Client Quit";
	char reason[KICKLEN + 1];
	str_copy(reason, sizeof reason, msg);
	client_kill(s, c, reason);
}

void h_ping(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0]) {
		send_numeric(s, c, ERR_NOORIGIN, ":No origin specified");
		return;
	}
	if (m->nparams > 1 && !irc_mask_match(m->params[1], s->name)) {
		send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", m->params[1]);
		return;
	}
	send_fmt(s, c, ":%s PONG %s :%s", s->name, s->name, m->params[0]);
}

void h_pong(struct server *s, struct client *c, const struct irc_msg *m)
{
	/* The timer was already reset by the input itself.  RFC 2812 3.7.3:
	 * PONG <server> [ <server2> ] is forwarded to <server2>; a network of
	 * one can forward it nowhere but here. */
	if (!m->params[0][0])
		send_numeric(s, c, ERR_NOORIGIN, ":No origin specified");
	else if (m->nparams > 1 && m->params[1][0] && !irc_mask_match(m->params[1], s->name))
		send_numeric(s, c, ERR_NOSUCHSERVER, "%s :No such server", m->params[1]);
}

void h_cap(struct server *s, struct client *c, const struct irc_msg *m)
{
	/* IRCv3 capability negotiation with no capabilities on offer: enough
	 * for clients that open with CAP LS to go on to register. */
	const char *sub = m->params[0];
	const char *target = c->nick[0] ? c->nick : "*";
	if (strcasecmp(sub, "LS") == 0) {
		if (c->state == CLIENT_UNREGISTERED)
			c->cap_negotiating = true;
		send_fmt(s, c, ":%s CAP %s LS :", s->name, target);
	} else if (strcasecmp(sub, "LIST") == 0) {
		send_fmt(s, c, ":%s CAP %s LIST :", s->name, target);
	} else if (strcasecmp(sub, "REQ") == 0) {
		if (c->state == CLIENT_UNREGISTERED)
			c->cap_negotiating = true;
		send_fmt(s, c, ":%s CAP %s NAK :%s", s->name, target,
			 m->params[1]);
	} else if (strcasecmp(sub, "END") == 0) {
		c->cap_negotiating = false;
		client_try_register(s, c);
	} else {
		send_numeric(s, c, 410, "%s :Invalid CAP command", sub);
	}
}
