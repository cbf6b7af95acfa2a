/* ircmsg.h - parses one IRC line into tags, prefix, command and params.
 *
 * RFC 2812 2.3.1 grammar, with one deliberate leniency that every modern
 * server shares (and RFC 1459 2.3.1 states): tokens may be separated by
 * more than one space.  IRCv3 message tags ("@a=b;c ") are split off raw so
 * a line carrying them still parses; nothing here interprets them. */
#ifndef IRC_IRCMSG_H
#define IRC_IRCMSG_H

#include <stddef.h>

/* RFC 2812 2.3.1: "params = *14( SPACE middle ) [ SPACE ":" trailing ]
 *                 =/ 14( SPACE middle ) [ SPACE [ ":" ] trailing ]" */
#define IRC_MAX_PARAMS 15

/* Tags may add up to 8191 bytes to a line (IRCv3 message-tags); anything
 * longer is refused rather than truncated. */
#define IRC_PARSE_MAX (8191 + 512)

struct irc_msg {
	const char *tags;    /* raw tag text without '@', or NULL */
	const char *prefix;  /* without ':', or NULL */
	const char *command; /* never NULL after a successful parse */
	int nparams;
	const char *params[IRC_MAX_PARAMS]; /* past nparams: "" */
	char store[IRC_PARSE_MAX + 1]; /* NUL-separated copy the fields point into */
};

enum irc_parse_result {
	IRC_PARSE_OK = 0,
	IRC_PARSE_EMPTY,     /* no command (blank, or only a prefix/tags) */
	IRC_PARSE_TOO_LONG,  /* longer than IRC_PARSE_MAX */
};

/* Parses line[0..len) (no CR LF).  A NUL byte inside the line ends the
 * token it is in: the rest of that token is dropped, never read as C text. */
enum irc_parse_result irc_parse(struct irc_msg *m, const char *line, size_t len);

/* Reconstructs the prefix parts "nick!user@host"; any output may be NULL.
 * Each out buffer gets at most its size-1 chars. */
void irc_split_source(const char *src, char *nick, size_t nsz, char *user,
		      size_t usz, char *host, size_t hsz);

#endif
