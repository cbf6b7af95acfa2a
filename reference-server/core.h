/* core.h - internals shared by core.c, client.c, send.c and pending.c only;
 * handlers use proto.h. */
#ifndef REFIRCD_CORE_H
#define REFIRCD_CORE_H

#include "server.h"

/* Queues c for the I/O layer (it has output, or is closing).  pending.c */
void send_mark_dirty(struct server *s, struct client *c);
/* The dirty and busy lists: which one is named by the link's offset in
 * struct client (offsetof(struct client, dirty) or busy); push and remove
 * are no-ops for a client already on, or not on, that list. */
void client_list_push(struct client **head, struct client *c, size_t link);
void client_list_remove(struct client **head, struct client *c, size_t link);
/* Does the exit now: QUIT to peers, leaves channels, frees the nick, queues
 * ERROR and marks c closing.  Only outside any walk over members. */
void client_exit(struct server *s, struct client *c, const char *reason);
/* Exits every client that client_kill marked. */
void client_reap(struct server *s);
/* Updates "nick!user@host" after a nick or registration change. */
void client_update_source(struct client *c);

#endif
