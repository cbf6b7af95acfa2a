/* vgxml.h - reads Valgrind memcheck XML (protocol 4, docs/internals/
 * xml-output-protocol4.txt in Valgrind's sources) into vg_findings, and
 * the directory of vg.PID.xml files a spawned server leaves (spawn.c).
 *
 * Every <error> becomes one finding: kind from <kind>, what from <what> or
 * <xwhat><text>, stack from <stack><frame> (fn, file, line; obj when there is
 * no source) as "fn (file:line)\n" lines.  Auxiliary stacks (<auxwhat>,
 * <origin>) follow the main one, each introduced by its description line.
 * A <fatal_signal> becomes kind "FatalSignal", what "SIGSEGV (signal 11):
 * the process was terminated", with the stack where it was delivered.
 *
 * Tolerant and bounded: no XML library, unknown elements are skipped,
 * every string has a cap, nesting and the number of findings are limited,
 * and each byte is looked at a bounded number of times. */
#ifndef IRCSPEC_VGXML_H
#define IRCSPEC_VGXML_H

#include <stddef.h>

#include "result.h"

#define VGXML_MAX_FILE (64 * 1024 * 1024) /* bigger files are refused */
#define VGXML_MAX_FINDINGS 1000           /* per document; more are counted */
#define VGXML_MAX_DEPTH 32                /* element nesting */
#define VGXML_TEXT_MAX 2048               /* one element's text */
#define VGXML_STACK_MAX 16384             /* one finding's stack text */
#define VGXML_MAX_FILES 4096              /* vg.PID.xml files in one directory */

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

#define VGXML_ARGV_MAX 12 /* valgrind's own argv entries, before the command */

/* Prepares a run under Valgrind whose XML goes to dir/vg.PID.xml: creates
 * dir if missing and removes the vg.*.xml an earlier run left there, finds
 * valgrind in $PATH (into path), and fills argv[0..n) with valgrind and its
 * options (static strings and *xml_arg, malloc'd: the caller frees it).
 * Returns n (at most VGXML_ARGV_MAX), or -1 with a message in err. */
int vgxml_prepare(const char *dir, char *path, size_t pathsz, char **argv, char **xml_arg,
		  char *err, size_t errsz);

/* Reads every vg.PID.xml in dir (by pid order) and appends the findings to
 * r->vg / r->nvg, except a FatalSignal SIGTERM (the harness's own stop).
 * Sets r->vg_failed on any finding, on an unreadable or truncated file, and
 * when one of pids[0..npids) (the servers started) left no file; those
 * problems are appended to err ("; "-separated).  Returns 0 when every file
 * was read whole, else -1. */
int vgxml_collect_dir(const char *dir, const long *pids, size_t npids, struct run_result *r,
		      char *err, size_t errsz);

#endif
