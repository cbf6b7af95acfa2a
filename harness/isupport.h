/* isupport.h - reading values out of a server's 005 (RPL_ISUPPORT) tokens.
 *
 * The tokens are kept space-separated, as the pre-flight registration saw
 * them ("CASEMAPPING=rfc1459 NICKLEN=30 TARGMAX=PRIVMSG:4,JOIN:").  A token
 * name is matched case-insensitively.  List-valued tokens hold KEY:VALUE
 * entries separated by ','; a KEY of one character also finds an entry
 * whose key holds it, case-sensitively, as mode letters and channel types
 * are grouped (MAXLIST=beI:50, CHANLIMIT=#&:20). */
#ifndef IRCSPEC_ISUPPORT_H
#define IRCSPEC_ISUPPORT_H

#include <stddef.h>

/* TOKEN's value ("" for a bare token), or with a key (not NULL) the value
 * of that KEY in TOKEN's list ("" for an entry without one), into out (cut
 * to fit); returns out, or NULL when absent. */
const char *isupport_value(const char *tokens, const char *token, const char *key, char *out,
			   size_t outsz);

#endif
