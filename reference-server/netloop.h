/* netloop.h - refircd's real I/O layer: listening sockets, accept, recv
 * and send, all non-blocking, driven by one ev.h loop. */
#ifndef REFIRCD_NETLOOP_H
#define REFIRCD_NETLOOP_H

#include <signal.h>
#include <stddef.h>

#include "server.h"

struct netloop;

/* Binds addr:port (port 0 picks a free one) and fills the actual port.
 * Returns NULL with a message in err. */
struct netloop *netloop_new(struct server *s, const char *addr, unsigned port,
			    unsigned *bound_port, char *err, size_t errsz);
/* One turn: waits up to timeout_ms for events, handles them, runs the
 * timers when a second has passed, writes what was queued.  Returns 0, or
 * -1 with err filled.  netloop_run turns until *stop; tests turn one by one. */
int netloop_turn(struct netloop *nl, int timeout_ms, char *err, size_t errsz);
/* Runs until *stop becomes non-zero.  Returns 0, or -1 with err filled. */
int netloop_run(struct netloop *nl, volatile sig_atomic_t *stop, char *err, size_t errsz);
/* Closes every socket and frees the loop (not the server). */
void netloop_free(struct netloop *nl);

#endif
