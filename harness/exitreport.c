/* exitreport.c - a graceful stop that reads the server's last words
 * (exitreport.h). */
#include "exitreport.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fuzz_oracle.h"

void exit_report_stop(struct spawn *sp, struct exit_report *r)
{
	memset(r, 0, sizeof *r);
	pid_t pid = spawn_pid(sp);
	/* The ring holds earlier runs' output too: only the last words count. */
	unsigned long before = spawn_output_lines(sp);
	struct spawn_exit ex;
	/* Its own process group (spawn.c): a wrapper's children hear it too. */
	if (pid > 0 && kill(-pid, SIGTERM) == 0) {
		long until = now_ms() + EXIT_REPORT_WAIT_MS;
		while (!(r->exited = spawn_poll(sp, &ex) == 1) && now_ms() < until) {
			struct timespec ts = {0, 2 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	if (!r->exited)
		return;
	int n = snprintf(r->text, sizeof r->text, "at exit (SIGTERM) the server %s and printed:\n",
			 ex.status);
	unsigned long fresh = spawn_output_lines(sp) - before;
	if (fresh == 0 || n < 0 || (size_t)n >= sizeof r->text)
		return;
	spawn_tail(sp, fresh < SPAWN_RING_LINES ? (unsigned)fresh : SPAWN_RING_LINES, r->text + n,
		   sizeof r->text - (size_t)n);
	r->found = fz_sanitizer_report(r->text + n, r->sig, sizeof r->sig);
}
