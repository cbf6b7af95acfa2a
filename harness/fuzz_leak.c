/* fuzz_leak.c - the graceful restart that lets a server's exit-time
 * reports (LeakSanitizer) reach the fuzzer (fuzz_leak.h). */
#include "fuzz_leak.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

#define FZ_EXIT_WAIT_MS 10000 /* LSan's report takes a moment on a big heap */

int fz_server_cycle(struct spawn *sp, struct fz_verdict *v, char *err, size_t errsz)
{
	memset(v, 0, sizeof *v);
	pid_t pid = spawn_pid(sp);
	struct spawn_exit ex;
	/* The ring holds earlier runs' output too: only this run's last words
	 * count. */
	unsigned long before = spawn_output_lines(sp);
	bool dead = false;
	if (pid > 0 && kill(pid, SIGTERM) == 0) {
		long until = now_ms() + FZ_EXIT_WAIT_MS;
		while (!(dead = spawn_poll(sp, &ex) == 1) && now_ms() < until) {
			struct timespec ts = {0, 2 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	int found = 0;
	if (dead) {
		char *tail = malloc(SPAWN_RING_LINES * (SPAWN_LINE_MAX + 1) + 1);
		unsigned long fresh = spawn_output_lines(sp) - before;
		if (tail && fresh > 0) {
			spawn_tail(sp, fresh < SPAWN_RING_LINES ? (unsigned)fresh : SPAWN_RING_LINES, tail,
				   SPAWN_RING_LINES * (SPAWN_LINE_MAX + 1) + 1);
			if (fz_sanitizer_report(tail, v->sig, sizeof v->sig)) {
				found = 1;
				v->fault = FZ_SANITIZER;
				snprintf(v->detail, sizeof v->detail,
					 "at exit (SIGTERM) the server %s and reported:\n%s", ex.status,
					 tail);
			}
		}
		free(tail);
	}
	if (spawn_restart(sp, err, errsz) != 0)
		return -1;
	return found;
}
