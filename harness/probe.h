/* probe.h - one throw-away client that registers and pings: the pre-flight
 * before a run, and the liveness check after a case that may have broken
 * the server. */
#ifndef IRCSPEC_PROBE_H
#define IRCSPEC_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "runenv.h"

/* Connects, registers and pings once, learning the server name and 005
 * into env->ti.  0; -2 when nothing accepts a connection (unreachable); -1
 * when it connects but registration or the PING fails (why in err). */
int probe_preflight(struct run_env *env, char *err, size_t errsz);
/* A new client can register and gets a PONG: the server still serves. */
bool probe_liveness(struct run_env *env, char *why, size_t whysz);

#endif
