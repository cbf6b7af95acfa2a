/* evtest.c - ev.h's fairness, over the backend it is built with
 * (bin/evtest-epoll from ev_epoll.c, bin/evtest-poll from ev_poll.c).
 *
 * FDS descriptors stay readable all along (dups of one pipe holding a byte,
 * as busy clients would be), and each ev_wait may return at most MAX
 * events.  Every descriptor must be reported within the first two waits,
 * and over many waits no descriptor may fall behind another by more than a
 * wait's worth.  A backend that always scans from its first slot reports
 * the same MAX every time: the descriptors past them are never served.
 *
 * Exit status 0 = pass; a failure names the descriptor and its counts. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../reference-server/ev.h"

#define FDS 300
#define MAX 256 /* netloop.c's EVENTS_MAX */
#define WAITS 30

static int fail(const char *what, int slot, int got, int want)
{
	fprintf(stderr, "evtest (%s): FAIL: %s: descriptor #%d: %d, want %d\n", ev_backend(),
		what, slot, got, want);
	return 1;
}

int main(void)
{
	int p[2];
	if (pipe(p) != 0 || write(p[1], "x", 1) != 1) {
		perror("pipe");
		return 2;
	}
	struct ev *ev = ev_new();
	if (!ev) {
		perror("ev_new");
		return 2;
	}
	static int slot_id[FDS];
	static int fds[FDS];
	for (int i = 0; i < FDS; i++) {
		slot_id[i] = i;
		fds[i] = dup(p[0]);
		if (fds[i] < 0 || ev_add(ev, fds[i], &slot_id[i], EV_READ) != 0) {
			perror("dup/ev_add");
			return 2;
		}
	}
	static int count[FDS];
	static struct ev_event out[MAX];
	for (int w = 0; w < WAITS; w++) {
		int n = ev_wait(ev, out, MAX, 1000);
		if (n <= 0 || n > MAX)
			return fail("events returned by one wait", w, n, MAX);
		for (int k = 0; k < n; k++) {
			int id = *(int *)out[k].ptr;
			if (!(out[k].events & EV_READ))
				return fail("reported without EV_READ", id, (int)out[k].events, EV_READ);
			count[id]++;
		}
		if (w == 1) {
			for (int i = 0; i < FDS; i++)
				if (count[i] == 0)
					return fail("times reported in the first two waits", i, 0, 1);
		}
	}
	int lo = count[0], hi = count[0];
	for (int i = 1; i < FDS; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	/* Round robin gives each WAITS * MAX / FDS (25.6) reports, give or take
	 * one; allow a wait's worth of slack for a backend's own order. */
	if (hi - lo > 2) {
		for (int i = 0; i < FDS; i++)
			if (count[i] == lo)
				return fail("reports over 30 waits (the busiest had more)", i, lo, hi);
	}
	for (int i = 0; i < FDS; i++)
		close(fds[i]);
	ev_free(ev);
	close(p[0]);
	close(p[1]);
	printf("evtest (%s): %d descriptors, %d waits of at most %d: reported %d..%d times each\n",
	       ev_backend(), FDS, WAITS, MAX, lo, hi);
	return 0;
}
