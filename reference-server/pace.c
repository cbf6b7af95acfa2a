/* pace.c - RFC 1459 8.10 "Flood control of clients":
 *
 *   "* check to see if client's `message timer' is less than current
 *      time (set to be equal if it is);
 *    * read any data present from the client;
 *    * while the timer is less than ten seconds ahead of the current
 *      time, parse any present messages and penalize the client by 2
 *      seconds for each message;
 *    which in essence means that the client may send 1 message every 2
 *    seconds without being adversely affected."
 *
 * The same timer, with the penalty (cfg.flood_interval_ms) and the window
 * (flood_burst penalties) configurable: a client may send flood_burst
 * commands at once, then one per interval.  Lines that may not run yet
 * are not dropped: they wait in the client's receive queue (core.c). */
#include "pace.h"

static long long window_ms(const struct server *s)
{
	unsigned burst = s->cfg.flood_burst ? s->cfg.flood_burst : 1;
	return (long long)burst * s->cfg.flood_interval_ms;
}

bool pace_allows(const struct server *s, const struct client *c)
{
	return s->cfg.flood_interval_ms == 0 || c->msg_timer < s->now_ms + window_ms(s);
}

void pace_charge(const struct server *s, struct client *c)
{
	if (s->cfg.flood_interval_ms == 0)
		return;
	if (c->msg_timer < s->now_ms)
		c->msg_timer = s->now_ms;
	c->msg_timer += s->cfg.flood_interval_ms;
}

long long pace_wait_ms(const struct server *s, const struct client *c)
{
	if (pace_allows(s, c))
		return 0;
	return c->msg_timer - (s->now_ms + window_ms(s)) + 1;
}
