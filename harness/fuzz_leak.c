/* fuzz_leak.c - the graceful restart that lets a server's exit-time
 * reports (LeakSanitizer) reach the fuzzer (fuzz_leak.h). */
#include "fuzz_leak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitreport.h"

int fz_server_exit(struct spawn *sp, struct fz_verdict *v, bool *killed)
{
	memset(v, 0, sizeof *v);
	if (killed)
		*killed = false;
	struct exit_report *r = malloc(sizeof *r);
	if (!r) { /* no room to read the report: the stop still happens */
		struct spawn_exit ex;
		int t = spawn_terminate(sp, &ex);
		if (killed)
			*killed = t == 0;
		return 0;
	}
	exit_report_stop(sp, r);
	if (killed)
		*killed = r->killed;
	int found = r->found;
	if (found) {
		v->fault = FZ_SANITIZER;
		snprintf(v->sig, sizeof v->sig, "%s", r->sig);
		size_t n = strlen(r->text);
		n = n < sizeof v->detail - 1 ? n : sizeof v->detail - 1;
		memcpy(v->detail, r->text, n);
		v->detail[n] = '\0';
	}
	free(r);
	return found;
}

int fz_server_cycle(struct spawn *sp, struct fz_verdict *v, bool *killed, char *err,
		    size_t errsz)
{
	int found = fz_server_exit(sp, v, killed);
	if (spawn_restart(sp, err, errsz) != 0)
		return -1;
	return found;
}
