/* fuzz_leak.c - the graceful restart that lets a server's exit-time
 * reports (LeakSanitizer) reach the fuzzer (fuzz_leak.h). */
#include "fuzz_leak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitreport.h"

int fz_server_cycle(struct spawn *sp, struct fz_verdict *v, char *err, size_t errsz)
{
	memset(v, 0, sizeof *v);
	struct exit_report *r = malloc(sizeof *r);
	int found = 0;
	if (r) {
		exit_report_stop(sp, r);
		if (r->found) {
			found = 1;
			v->fault = FZ_SANITIZER;
			snprintf(v->sig, sizeof v->sig, "%s", r->sig);
			size_t n = strlen(r->text);
			n = n < sizeof v->detail - 1 ? n : sizeof v->detail - 1;
			memcpy(v->detail, r->text, n);
			v->detail[n] = '\0';
		}
		free(r);
	}
	if (spawn_restart(sp, err, errsz) != 0)
		return -1;
	return found;
}
