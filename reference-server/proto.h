/* proto.h - what command handlers may call.  Handlers only read state,
 * change registries through these functions, and queue output; they never
 * free a client (client_kill defers that) and never touch sockets. */
#ifndef REFIRCD_PROTO_H
#define REFIRCD_PROTO_H

#include <stdbool.h>

#include "../common/ircmsg.h"
#include "numerics.h"
#include "server.h"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

#define REFIRCD_VERSION "refircd-0.1"

/* ---- handlers (dispatch.c calls them after checking min params) ---- */
typedef void handler_fn(struct server *s, struct client *c, const struct irc_msg *m);

/* h_login.c */
handler_fn h_pass, h_nick, h_user, h_oper, h_quit, h_ping, h_pong, h_cap;
/* h_channel.c */
handler_fn h_join, h_part, h_topic, h_names, h_list, h_invite, h_kick;
/* h_mode.c */
handler_fn h_mode;
/* h_message.c */
handler_fn h_privmsg, h_notice, h_wallops, h_away;
/* h_query.c */
handler_fn h_motd, h_lusers, h_version, h_stats, h_links, h_time, h_admin,
	h_info, h_who, h_whois, h_whowas, h_kill, h_userhost, h_ison;
/* h_oper.c */
handler_fn h_connect, h_squit, h_die, h_rehash;
/* true for an operator; anyone else gets 481 (RFC 2812 5.2: "Any command
 * requiring operator privileges to operate MUST return this error"). */
bool require_oper(struct server *s, struct client *c);
/* h_network.c */
handler_fn h_trace, h_servlist, h_squery, h_summon, h_users;

/* ---- send.c: output.  Every line is cut to 510 bytes + CR LF. ---- */
/* One line, CR LF added.  Past the send queue cap the client is killed
 * (client_kill) instead. */
void send_fmt(struct server *s, struct client *to, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* ":<server> <NNN> <nick or *> " + fmt */
void send_numeric(struct server *s, struct client *to, int num, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
/* Formats once, queues to every member except `except` (may be NULL). */
void send_to_channel(struct server *s, struct channel *ch, struct client *except,
		     const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Formats once, queues to every client sharing a channel with c (each
 * once), and to c itself when include_self. */
void send_to_common(struct server *s, struct client *c, bool include_self,
		    const char *fmt, ...) PRINTF_LIKE(4, 5);

/* ---- pending.c ---- */
/* Marks c to quit with reason once the current command is done; peers see
 * ":c QUIT :reason", c gets "ERROR :Closing Link: host (reason)".  Safe to
 * call anywhere, any number of times (the send path calls it too). */
void client_kill(struct server *s, struct client *c, const char *reason);

/* ---- client.c ---- */
/* Registered client with this nick (rfc1459 case), or NULL. */
struct client *client_find(struct server *s, const char *nick);
/* The nick delay after a KILL (RFC 2812 3.7.1). */
void nick_delay_add(struct server *s, const char *nick);
bool nick_delayed(const struct server *s, const char *nick);
/* RFC 2812 2.3.1: nickname = ( letter / special ) *( letter / digit /
 * special / "-" ), at most NICKLEN. */
bool nick_valid(const char *nick);
/* Registers the new nick; false if in use (by anyone else). */
bool client_set_nick(struct server *s, struct client *c, const char *nick);
void client_set_umodes(struct server *s, struct client *c, unsigned umodes);
void whowas_add(struct server *s, const struct client *c);
/* Newest first; returns NULL when i is past the remembered entries. */
const struct whowas *whowas_get(const struct server *s, unsigned i);

/* ---- channel.c ---- */
struct channel *chan_find(struct server *s, const char *name);
/* RFC 2812 1.3 (prefix '#' or '&'), at most CHANNELLEN, no space,
 * comma, BEL or colon. */
bool chan_name_valid(const char *name);
struct channel *chan_create(struct server *s, const char *name); /* NULL: no memory */
struct member *chan_member(const struct channel *ch, const struct client *c);
struct member *chan_add(struct server *s, struct channel *ch, struct client *c,
			unsigned char flags); /* NULL: no memory */
/* Drops the membership; frees the channel when it empties. */
void chan_remove(struct server *s, struct member *m);
bool chan_is_banned(const struct channel *ch, const struct client *c);
bool chan_is_invited(const struct channel *ch, const struct client *c);
bool chan_is_invex(const struct channel *ch, const struct client *c);
void chan_add_invite(struct channel *ch, const struct client *c);
/* '@', '+' or "" for NAMES/WHO. */
const char *member_prefix(const struct member *m);

/* ---- register.c ---- */
/* Completes registration when NICK and USER are both in (and CAP is done):
 * checks PASS, then sends the burst (001-005, LUSERS, MOTD). */
void client_try_register(struct server *s, struct client *c);
void send_lusers(struct server *s, struct client *c);
void send_motd(struct server *s, struct client *c);

/* ---- misc helpers ---- */
/* Copies at most n-1 chars and NUL-terminates. */
void str_copy(char *dst, size_t n, const char *src);
/* Next comma-separated item of *list (modified in place), or NULL;
 * empty items ("a,,b") are skipped. */
char *list_next(char **list);
/* The same, keeping empty items: for JOIN keys, where position matters
 * ("JOIN #a,#b ,kb": #a has no key). */
char *list_next_item(char **list);
/* Starts like a channel name ('#' or '&'): a target that is not a nick. */
bool chan_is_name(const char *name);

#endif
