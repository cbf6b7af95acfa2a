/* register.c - completing registration and the welcome burst
 * (RFC 2812 3.1 and 5.1: 001-004; modern 005; then LUSERS and MOTD). */
#include <string.h>

#include "core.h"
#include "proto.h"

/* ISUPPORT tokens, at most 13 per 005 line (modern.ircdocs.horse: "a
 * server SHOULD NOT send more than 13 parameters"). */
static const char *const isupport_lines[] = {
	"CHANTYPES=#& PREFIX=(ov)@+ CHANMODES=beI,k,l,imnpst CASEMAPPING=rfc1459 EXCEPTS=e INVEX=I",
	"NICKLEN=30 CHANNELLEN=50 TOPICLEN=390 KICKLEN=255 AWAYLEN=200 USERLEN=10",
	"CHANLIMIT=#&:50 MAXLIST=b:100,e:100,I:100 MODES=6 MAXTARGETS=20 TARGMAX=PRIVMSG:20,NOTICE:20,KICK:20,JOIN:20",
};

static void send_welcome(struct server *s, struct client *c)
{
	send_numeric(s, c, RPL_WELCOME, ":Welcome to the Internet Relay Network %s", c->source);
	send_numeric(s, c, RPL_YOURHOST, ":Your host is %s, running version %s", s->name,
		     REFIRCD_VERSION);
	send_numeric(s, c, RPL_CREATED, ":This server was created %s", s->created_str);
	/* RFC 2812 5.1: "<servername> <version> <available user modes>
	 * <available channel modes>"; the modern fifth token lists the channel
	 * modes that take a parameter. */
	send_numeric(s, c, RPL_MYINFO, "%s %s iow beIiklmnopstv beIklov", s->name, REFIRCD_VERSION);
	for (size_t i = 0; i < sizeof isupport_lines / sizeof isupport_lines[0]; i++)
		send_numeric(s, c, RPL_ISUPPORT, "%s%s%s :are supported by this server",
			     isupport_lines[i], i == 0 ? " NETWORK=" : "",
			     i == 0 ? s->cfg.network : "");
}

void send_lusers(struct server *s, struct client *c)
{
	/* RFC 2812 5.1: 251 and 255 always; "The other replies are only
	 * sent back if a non-zero count is found for them." */
	send_numeric(s, c, RPL_LUSERCLIENT, ":There are %u users and %u invisible on 1 servers",
		     s->nusers - s->ninvisible, s->ninvisible);
	if (s->nopers > 0)
		send_numeric(s, c, RPL_LUSEROP, "%u :operator(s) online", s->nopers);
	/* A client that has exited is gone, even while its last lines
	 * (ERROR) are still being written to it. */
	unsigned unknown = s->nclients - s->nusers - s->nclosing;
	if (unknown > 0)
		send_numeric(s, c, RPL_LUSERUNKNOWN, "%u :unknown connection(s)", unknown);
	if (s->nchannels > 0)
		send_numeric(s, c, RPL_LUSERCHANNELS, "%u :channels formed", s->nchannels);
	send_numeric(s, c, RPL_LUSERME, ":I have %u clients and 0 servers", s->nusers);
	send_numeric(s, c, RPL_LOCALUSERS, "%u %u :Current local users %u, max %u", s->nusers,
		     s->max_users, s->nusers, s->max_users);
	send_numeric(s, c, RPL_GLOBALUSERS, "%u %u :Current global users %u, max %u", s->nusers,
		     s->max_users, s->nusers, s->max_users);
}

void send_motd(struct server *s, struct client *c)
{
	if (!s->motd) {
		send_numeric(s, c, ERR_NOMOTD, ":MOTD File is missing");
		return;
	}
	send_numeric(s, c, RPL_MOTDSTART, ":- %s Message of the day - ", s->name);
	for (char **line = s->motd; *line; line++)
		send_numeric(s, c, RPL_MOTD, ":- %s", *line);
	send_numeric(s, c, RPL_ENDOFMOTD, ":End of MOTD command");
}

void client_try_register(struct server *s, struct client *c)
{
	if (c->state != CLIENT_UNREGISTERED || !c->nick[0] || !c->got_user || c->cap_negotiating)
		return;
	if (!c->pass_ok) {
		/* RFC 2812 3.1.1 / 5.2: 464 ERR_PASSWDMISMATCH, then close. */
		send_numeric(s, c, ERR_PASSWDMISMATCH, ":Password incorrect");
		client_kill(s, c, "Bad Password");
		return;
	}
	c->state = CLIENT_REGISTERED;
	c->last_recv = c->last_msg = s->mono;
	s->nusers++;
	if (s->nusers > s->max_users)
		s->max_users = s->nusers;
	unsigned wanted = c->umodes;
	c->umodes = 0;
	client_set_umodes(s, c, wanted); /* counts the modes USER asked for */
	client_update_source(c);
	send_welcome(s, c);
	send_lusers(s, c);
	send_motd(s, c);
	if (c->umodes)
		send_fmt(s, c, ":%s MODE %s :+%s%s", c->nick, c->nick,
			 (c->umodes & UMODE_INVISIBLE) ? "i" : "",
			 (c->umodes & UMODE_WALLOPS) ? "w" : "");
}
