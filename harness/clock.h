/* clock.h - the harness's one clock: monotonic milliseconds.
 *
 * Every deadline (per step, --deadline, connect) is a point on this clock,
 * so a wall-clock step (NTP, a suspended VM) never ends or stretches a
 * wait. */
#ifndef IRCSPEC_CLOCK_H
#define IRCSPEC_CLOCK_H

long now_ms(void);

#endif
