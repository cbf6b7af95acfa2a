/* vgerrs.h - memcheck's errors (not leaks) that happened since the last
 * time the server was asked, from its answer to
 *   vgdb ... v.info all_errors
 * (Valgrind manual, "Valgrind monitor commands").  Memcheck reports an
 * error context once, then only counts it, so the XML it writes never
 * shows a repeat; this answer lists every context with its count:
 *   ==7== 3 errors in context 2 of 3:
 *   ==7== Invalid read of size 1
 *   ==7==    at 0x1091B0: h_away (h_message.c:188)
 *    Address 0x4a44088 is 0 bytes after a block of size 8 alloc'd
 *   ==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_...)
 * A tally keeps the counts of the last answer; what grew since is new.
 * The harness asks between cases (leakpin.c) to pin each error on the case
 * during which it happened, as it does with leaks (vgdb.c). */
#ifndef IRCSPEC_VGERRS_H
#define IRCSPEC_VGERRS_H

#include <stddef.h>

#include "result.h"

#define VGERRS_MAX_CONTEXTS 1000 /* contexts kept from one answer */

struct vgerr_tally;

struct vgerr_tally *vgerr_tally_new(void); /* NULL when out of memory */
void vgerr_tally_free(struct vgerr_tally *t);

/* Parses the answer in text[0..len): appends a finding for each context
 * whose count grew since the tally's last answer (kind "InvalidRead",
 * "UninitCondition", ... as in Valgrind's XML; what "Invalid read of size
 * 1 (2 new; 3 from this stack in all)"; stack "fn (file:line)" lines with
 * the auxiliary descriptions between them), then makes this answer the
 * tally's: contexts it lacks are forgotten (a new server process counts
 * from zero).  Returns the number appended, -1 when memory ran out. */
int vgerr_parse_new(struct vgerr_tally *t, const char *text, size_t len, struct vg_finding **v,
		    size_t *n);

#endif
