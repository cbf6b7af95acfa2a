/* dispatch.h - runs one parsed message through the command table. */
#ifndef REFIRCD_DISPATCH_H
#define REFIRCD_DISPATCH_H

#include <stddef.h>

#include "../common/ircmsg.h"
#include "server.h"

void dispatch(struct server *s, struct client *c, const struct irc_msg *m);
/* For STATS m: the table's size and the name at each slot. */
size_t dispatch_command_count(void);
const char *dispatch_command_name(size_t slot);

#endif
