/* wirecheck.c - the line-format oracle (see wirecheck.h). */
#include "wirecheck.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../common/casemap.h"
#include "../common/ircmsg.h"

int wire_check_line(const char *p, size_t n, char *why, size_t whysz)
{
	const char *nul = memchr(p, '\0', n), *cr = memchr(p, '\r', n);
	if (nul) {
		snprintf(why, whysz, "a NUL byte inside a line (at byte %zu; RFC 2812 2.3.1)",
			 (size_t)(nul - p));
		return -1;
	}
	if (cr) {
		snprintf(why, whysz, "a CR inside a line, not before its LF (at byte %zu; "
			 "RFC 2812 2.3.1)", (size_t)(cr - p));
		return -1;
	}
	size_t body = n;
	if (n > 0 && p[0] == '@') {
		const char *sp = memchr(p, ' ', n);
		body = sp ? n - (size_t)(sp + 1 - p) : 0;
	}
	if (body > WIRE_CONTENT_MAX) {
		snprintf(why, whysz, "a line of %zu bytes with its CR LF (RFC 2812 2.3: at most 512)",
			 body + 2);
		return -1;
	}
	return 0;
}

static bool is_numeric(const char *cmd)
{
	return isdigit((unsigned char)cmd[0]) && isdigit((unsigned char)cmd[1]) &&
	       isdigit((unsigned char)cmd[2]) && !cmd[3];
}

int wire_check_target(const struct irc_msg *m, char *seen, size_t seensz, char *why,
		      size_t whysz)
{
	if (strcmp(m->command, "001") == 0 && m->nparams >= 1) {
		snprintf(seen, seensz, "%s", m->params[0]);
		return 0;
	}
	if (strcasecmp(m->command, "NICK") == 0 && m->prefix && m->nparams >= 1 && seen[0]) {
		char nick[128];
		irc_split_source(m->prefix, nick, sizeof nick, NULL, 0, NULL, 0);
		if (irc_casecmp(nick, seen) == 0)
			snprintf(seen, seensz, "%s", m->params[m->nparams - 1]);
		return 0;
	}
	if (!seen[0] || !is_numeric(m->command) || m->nparams < 1)
		return 0;
	const char *target = m->params[0];
	if (strcmp(target, "*") == 0 || irc_casecmp(target, seen) == 0)
		return 0;
	snprintf(why, whysz, "numeric %s addressed to '%.64s', not to this client's nick '%.64s' "
		 "(RFC 2812 2.4)", m->command, target, seen);
	return -1;
}

int wire_check_prefix(const struct irc_msg *m, char *why, size_t whysz)
{
	if (!is_numeric(m->command) || (m->prefix && m->prefix[0]))
		return 0;
	snprintf(why, whysz, "numeric %s without a sender prefix (RFC 2812 2.4)", m->command);
	return -1;
}
