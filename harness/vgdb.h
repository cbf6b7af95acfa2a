/* vgdb.h - asks a server running under Valgrind, while it runs, for the
 * leaks that appeared since the last time it was asked:
 *   vgdb --vgdb-prefix=P --pid=PID leak_check full kinds definite,indirect increased
 * (Valgrind manual, "Memcheck Monitor Commands").  Memcheck answers in its
 * text form, one loss record per leak that grew, with the growth in
 * parentheses and the stack of the allocation:
 *   ==7== 4 (+4) bytes in 1 (+1) blocks are definitely lost in loss record 1 of 10
 *   ==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck...)
 *   ==7==    by 0x10DC2F: h_away (h_message.c:188)
 * The harness asks between cases to pin each leak on the case during which
 * it appeared (leakpin.c); memcheck's errors come in the same answer
 * (vgerrs.c). */
#ifndef IRCSPEC_VGDB_H
#define IRCSPEC_VGDB_H

#include <stddef.h>

#include "result.h"

#define VGDB_TIMEOUT_MS 60000      /* a leak search of a big heap under load */
#define VGDB_OUTPUT_MAX (1 << 20)  /* bytes of its answer read, at most */
#define VGDB_MAX_LEAKS 200         /* loss records kept from one answer */

/* Parses memcheck's answer in text[0..len): appends one finding per loss
 * record that grew (kind "Leak_DefinitelyLost" or "Leak_IndirectlyLost",
 * what the record's line without its "==PID==" and "in loss record N of M",
 * stack "fn (file:line)" lines) to *v / *n.  Returns the number appended,
 * or -1 when memory ran out. */
int vgdb_parse_leaks(const char *text, size_t len, struct vg_finding **v, size_t *n);

/* Runs vgdb (vgdb_path) against pid for its errors so far (v.info
 * all_errors, read by vgerrs.c) and its new leaks (leak_check ...
 * increased, read by vgdb_parse_leaks), in one answer: *answer (malloc'd,
 * NUL-terminated, *alen bytes).  Returns 0, or -1 with a message in err
 * (vgdb missing or failing, no answer in VGDB_TIMEOUT_MS). */
int vgdb_ask(const char *vgdb_path, const char *prefix, long pid, char **answer, size_t *alen,
	     char *err, size_t errsz);

/* line[0..len) without its "==PID== " prefix, *blen bytes. */
const char *vgdb_line_body(const char *line, size_t len, size_t *blen);

#endif
