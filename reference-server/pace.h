/* pace.h - RFC 1459 8.10 flood control: each client's message timer. */
#ifndef REFIRCD_PACE_H
#define REFIRCD_PACE_H

#include <stdbool.h>

#include "server.h"

/* May c run a command now (s->now_ms)?  Always, when pacing is off. */
bool pace_allows(const struct server *s, const struct client *c);
/* Charges c for one command it runs. */
void pace_charge(const struct server *s, struct client *c);
/* Milliseconds until pace_allows(s, c) becomes true (0: it is). */
long long pace_wait_ms(const struct server *s, const struct client *c);

#endif
