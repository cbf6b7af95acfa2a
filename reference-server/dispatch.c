/* dispatch.c - the command table: who may send each command, how many
 * parameters it needs, and which handler runs it.  Argument-count checks
 * live here once instead of in every handler. */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

enum {
	PRE_REG = 0x1, /* allowed before registration completes */
	REG = 0x2,     /* allowed after */
};

struct command {
	const char *name;
	handler_fn *fn;
	unsigned char min_params; /* fewer: 461 ERR_NEEDMOREPARAMS */
	unsigned char flags;
};

/* Sorted by name for bsearch. */
static const struct command commands[] = {
	{"ADMIN", h_admin, 0, REG},
	{"AWAY", h_away, 0, REG},
	{"CAP", h_cap, 1, PRE_REG | REG},
	{"CONNECT", h_connect, 2, REG},
	{"DIE", h_die, 0, REG},
	{"INFO", h_info, 0, REG},
	{"INVITE", h_invite, 2, REG},
	{"ISON", h_ison, 1, REG},
	{"JOIN", h_join, 1, REG},
	{"KICK", h_kick, 2, REG},
	{"KILL", h_kill, 2, REG},
	{"LINKS", h_links, 0, REG},
	{"LIST", h_list, 0, REG},
	{"LUSERS", h_lusers, 0, REG},
	{"MODE", h_mode, 1, REG},
	{"MOTD", h_motd, 0, REG},
	{"NAMES", h_names, 0, REG},
	{"NICK", h_nick, 0, PRE_REG | REG}, /* 431, not 461, when missing */
	{"NOTICE", h_notice, 0, REG},       /* never answered with an error */
	{"OPER", h_oper, 2, REG},
	{"PART", h_part, 1, REG},
	{"PASS", h_pass, 1, PRE_REG | REG},
	{"PING", h_ping, 0, PRE_REG | REG}, /* 409, not 461, when missing */
	{"PONG", h_pong, 0, PRE_REG | REG},
	{"PRIVMSG", h_privmsg, 0, REG},     /* 411/412, not 461 */
	{"QUIT", h_quit, 0, PRE_REG | REG},
	{"REHASH", h_rehash, 0, REG},
	{"SERVLIST", h_servlist, 0, REG},
	{"SQUERY", h_squery, 0, REG},      /* 411/412, not 461 */
	{"SQUIT", h_squit, 2, REG},
	{"STATS", h_stats, 0, REG},
	{"SUMMON", h_summon, 0, REG},
	{"TIME", h_time, 0, REG},
	{"TOPIC", h_topic, 1, REG},
	{"TRACE", h_trace, 0, REG},
	{"USER", h_user, 4, PRE_REG | REG},
	{"USERHOST", h_userhost, 1, REG},
	{"USERS", h_users, 0, REG},
	{"VERSION", h_version, 0, REG},
	{"WALLOPS", h_wallops, 1, REG},
	{"WHO", h_who, 0, REG},
	{"WHOIS", h_whois, 0, REG},          /* 431 when missing */
	{"WHOWAS", h_whowas, 0, REG},        /* 431 when missing */
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
_Static_assert(NCOMMANDS <= sizeof ((struct server *)0)->cmd_stats / sizeof(struct cmd_stat),
	       "every command needs a STATS m slot in struct server");

static int cmp_command(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct command *)elem)->name);
}

void dispatch(struct server *s, struct client *c, const struct irc_msg *m)
{
	const struct command *cmd =
		bsearch(m->command, commands, NCOMMANDS, sizeof commands[0], cmp_command);
	bool registered = c->state == CLIENT_REGISTERED;

	if (!cmd) {
		/* RFC 2812 4.? / 5.2: 421 for anything we do not know; numerics
		 * from a client are not commands either. */
		send_numeric(s, c, ERR_UNKNOWNCOMMAND, "%s :Unknown command", m->command);
		return;
	}
	size_t slot = (size_t)(cmd - commands);
	if (slot < sizeof s->cmd_stats / sizeof s->cmd_stats[0]) {
		s->cmd_stats[slot].name = cmd->name;
		s->cmd_stats[slot].count++;
	}
	if (!(cmd->flags & (registered ? REG : PRE_REG))) {
		if (!registered)
			send_numeric(s, c, ERR_NOTREGISTERED, ":You have not registered");
		else
			send_numeric(s, c, ERR_ALREADYREGISTRED, ":Unauthorized command (already registered)");
		return;
	}
	if (m->nparams < cmd->min_params) {
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "%s :Not enough parameters", cmd->name);
		return;
	}
	cmd->fn(s, c, m);
}
