/* motd.h - the message of the day, read from its file into lines that each
 * fit one RPL_MOTD reply. */
#ifndef REFIRCD_MOTD_H
#define REFIRCD_MOTD_H

#include <stddef.h>

#include "../common/frame.h"
#include "limits.h"

/* RFC 2812 5.1: RPL_MOTD is ":- <text>", and a line is at most 512 bytes
 * with CR LF (2.3).  With the longest server name and nick in front,
 * ":<server> 372 <nick> :- " leaves this much for the text. */
#define MOTD_TEXT_MAX (IRC_LINE_CONTENT_MAX - (1 + SERVERNAMELEN + 5 + NICKLEN + 4))
#define MOTD_MAX_LINES 1000
#define MOTD_FILE_MAX (256 * 1024) /* bytes read; the rest is ignored */

/* Reads path into *lines, NULL-terminated, each line at most MOTD_TEXT_MAX
 * bytes: a longer one is wrapped at its last space that fits (or, with
 * none, cut between characters).  Returns 0, with msg "" or a warning
 * naming the file and the first line changed; or -1 with the error in
 * msg. */
int motd_load(const char *path, char ***lines, char *msg, size_t msgsz);
void motd_free(char **lines);

#endif
