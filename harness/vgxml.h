/* vgxml.h - reads Valgrind memcheck XML (protocol 4, docs/internals/
 * xml-output-protocol4.txt in Valgrind's sources) into vg_findings, with
 * libexpat doing the XML.
 *
 * Every <error> becomes one finding: kind from <kind>, what from <what> or
 * <xwhat><text>, stack from <stack><frame> (fn, file, line; obj when there is
 * no source) as "fn (file:line)\n" lines.  Auxiliary stacks (<auxwhat>,
 * <origin>) follow the main one, each introduced by its description line.
 * A <fatal_signal> becomes kind "FatalSignal", what "SIGSEGV (signal 11):
 * the process was terminated", with the stack where it was delivered.
 *
 * Bounded against a hostile or broken file: every string has a cap, nesting
 * and the number of findings are limited, a DOCTYPE (so any entity
 * declaration: Valgrind writes none) stops the parse, and a file killed
 * mid-write keeps what was complete before the cut. */
#ifndef IRCSPEC_VGXML_H
#define IRCSPEC_VGXML_H

#include <stddef.h>

#include "result.h"

#define VGXML_MAX_FILE (64 * 1024 * 1024) /* bytes of one file read, at most */
#define VGXML_MAX_FINDINGS 1000           /* per document; more are counted */
#define VGXML_MAX_DEPTH 32                /* element nesting */
#define VGXML_TEXT_MAX 2048               /* one element's text */
#define VGXML_STACK_MAX 16384             /* one finding's stack text */

/* Parses one document in buf[0..len) and appends its findings to *v / *n
 * (realloc'd; each string malloc'd).  Returns 0 when the document is
 * complete, -1 with a message in err when it is truncated (Valgrind killed
 * before it finished), malformed, not Valgrind XML, or memory ran out;
 * findings read before the problem are kept. */
int vgxml_parse(const char *buf, size_t len, struct vg_finding **v, size_t *n, char *err,
		size_t errsz);

/* Same, reading the file at path (at most VGXML_MAX_FILE bytes). */
int vgxml_parse_file(const char *path, struct vg_finding **v, size_t *n, char *err,
		     size_t errsz);

/* Frees n findings and the array. */
void vgxml_free_findings(struct vg_finding *v, size_t n);

/* Appends a finding with copies of kind, what and stack to *v (*n of
 * them).  Returns 1, or -1 when out of memory (nothing appended). */
int vgxml_push_finding(struct vg_finding **v, size_t *n, const char *kind, const char *what,
		       const char *stack);

#endif
