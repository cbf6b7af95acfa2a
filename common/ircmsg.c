/* ircmsg.c - IRC line parser (see ircmsg.h). */
#include "ircmsg.h"

#include <string.h>

/* Ends the token at *pp: writes NUL over the first space and skips the run
 * of spaces after it, leaving *pp at the next token or the end. */
static char *next_token(char **pp, char *end)
{
	char *tok = *pp;
	char *p = tok;
	while (p < end && *p != ' ')
		p++;
	char *tok_end = p;
	while (p < end && *p == ' ')
		p++;
	*tok_end = '\0';
	*pp = p;
	return tok;
}

/* Every slot past nparams reads as "", never as a pointer left from the
 * previous line parsed into the same struct: a handler that looks one
 * parameter too far sees an empty one, the same on every run. */
static const char *const no_params[IRC_MAX_PARAMS] = {
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", ""};
_Static_assert(IRC_MAX_PARAMS == 15, "no_params needs one \"\" per slot");

enum irc_parse_result irc_parse(struct irc_msg *m, const char *line, size_t len)
{
	m->tags = m->prefix = m->command = NULL;
	m->nparams = 0;
	memcpy(m->params, no_params, sizeof m->params);
	if (len > IRC_PARSE_MAX)
		return IRC_PARSE_TOO_LONG;
	memcpy(m->store, line, len);
	m->store[len] = '\0';

	char *p = m->store;
	char *end = m->store + len;
	/* Leading spaces are not in the grammar; servers skip them. */
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '@') {
		p++;
		m->tags = next_token(&p, end);
	}
	if (p < end && *p == ':') {
		p++;
		m->prefix = next_token(&p, end);
	}
	if (p >= end)
		return IRC_PARSE_EMPTY;
	m->command = next_token(&p, end);
	if (m->command[0] == '\0')
		return IRC_PARSE_EMPTY;

	while (p < end && m->nparams < IRC_MAX_PARAMS) {
		if (*p == ':' || m->nparams == IRC_MAX_PARAMS - 1) {
			/* Trailing: the rest of the line, spaces and all. */
			if (*p == ':')
				p++;
			m->params[m->nparams++] = p;
			break; /* store is NUL-terminated at end */
		}
		m->params[m->nparams++] = next_token(&p, end);
	}
	return IRC_PARSE_OK;
}

static void copy_part(char *dst, size_t dsz, const char *src, size_t n)
{
	if (!dst || dsz == 0)
		return;
	if (n >= dsz)
		n = dsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void irc_split_source(const char *src, char *nick, size_t nsz, char *user,
		      size_t usz, char *host, size_t hsz)
{
	const char *bang = strchr(src, '!');
	const char *at = strchr(bang ? bang : src, '@');
	size_t nick_len = bang ? (size_t)(bang - src) : at ? (size_t)(at - src) : strlen(src);
	copy_part(nick, nsz, src, nick_len);
	if (bang)
		copy_part(user, usz, bang + 1, at ? (size_t)(at - bang - 1) : strlen(bang + 1));
	else
		copy_part(user, usz, "", 0);
	if (at)
		copy_part(host, hsz, at + 1, strlen(at + 1));
	else
		copy_part(host, hsz, "", 0);
}
