/* exitreport.c - a graceful stop that reads the server's last words
 * (exitreport.h). */
#include "exitreport.h"

#include <stdio.h>
#include <string.h>

#include "fuzz_oracle.h"

void exit_report_stop(struct spawn *sp, struct exit_report *r)
{
	memset(r, 0, sizeof *r);
	/* The ring holds earlier runs' output too: only the last words count. */
	unsigned long before = spawn_output_lines(sp);
	struct spawn_exit ex;
	/* One bounded wait, then SIGKILL (spawn.c): spawn_stop after this has
	 * nothing left to wait for, so a server that ignores SIGTERM costs one
	 * wait, not two. */
	int t = spawn_terminate(sp, &ex);
	r->exited = t == 1;
	r->killed = t == 0;
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
