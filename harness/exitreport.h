/* exitreport.h - what a --spawn'd server says only when it exits:
 * LeakSanitizer reports its leaks at exit, so neither a case's verdict
 * nor a death shows them.  The server is stopped gracefully (SIGTERM to
 * its process group, a bounded wait, then SIGKILL: spawn_terminate) and
 * what it printed while exiting is searched for a sanitizer report.  Used at the end of `ircspec --spawn`
 * (the report is then the only case's crash, or the run's failure) and by
 * `ircspec fuzz`'s periodic graceful restarts (fuzz_leak.c). */
#ifndef IRCSPEC_EXITREPORT_H
#define IRCSPEC_EXITREPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "spawn.h"

/* Room for the exit status and every line the output ring holds. */
#define EXIT_REPORT_MAX (256 + SPAWN_RING_LINES * (SPAWN_LINE_MAX + 1) + 1)

struct exit_report {
	bool exited;        /* it exited within the wait */
	bool killed;        /* it did not, and was killed (SIGTERM ignored) */
	bool found;         /* its output at exit holds a sanitizer report */
	char sig[96];       /* the report's kind: "leak", "heap-use-after-free" */
	char text[EXIT_REPORT_MAX]; /* "the server exited with status 23 ...:\n" + output */
};

/* spawn_terminate (SIGTERM, at most SPAWN_STOP_MS for the exit, which
 * LSan's report on a big heap needs, then SIGKILL) and fills r from the
 * lines it wrote since the signal.  sp is not freed: spawn_stop (which
 * then waits no more) or spawn_restart follows.  Not under --valgrind
 * (its own report is read by valgrind.c). */
void exit_report_stop(struct spawn *sp, struct exit_report *r);

#endif
