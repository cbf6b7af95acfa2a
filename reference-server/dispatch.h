/* dispatch.h - runs one parsed message through the command table. */
#ifndef REFIRCD_DISPATCH_H
#define REFIRCD_DISPATCH_H

#include <stddef.h>

#include "../common/ircmsg.h"
#include "server.h"

void dispatch(struct server *s, struct client *c, const struct irc_msg *m);

#endif
