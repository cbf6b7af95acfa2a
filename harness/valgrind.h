/* valgrind.h - everything --valgrind needs, in one place: Valgrind's
 * command line, the directory its XML goes to, and reading that XML
 * (vgxml.c) into the run's findings.  spawn.c only runs the command line
 * it is given (valgrind_wrap) and hands back the pids it started.
 *
 * The command line is
 *   valgrind --tool=memcheck ... --xml=yes --xml-file=DIR/vg.%p.xml
 *            --trace-children=yes /bin/sh -c 'exec CMD'
 * The shell's own Valgrind instance never reports: `exec` keeps the pid, and
 * the instance that follows the exec rewrites vg.PID.xml with the server's
 * output.  Shells the server itself runs (system(3)) are skipped.  A
 * server killed by a signal also yields a FatalSignal finding with the
 * stack where it died; the SIGTERM that stops it does not. */
#ifndef IRCSPEC_VALGRIND_H
#define IRCSPEC_VALGRIND_H

#include <stddef.h>

#include "result.h"
#include "spawn.h"

#define VALGRIND_READY_MS 120000  /* a server under Valgrind starts slowly */
#define VALGRIND_STOP_MS 60000    /* and must write its leak check at exit */
#define VALGRIND_TERM_REPEAT_MS 500
#define VALGRIND_MAX_FILES 4096   /* vg.PID.xml files in one directory */

struct valgrind;

/* Finds valgrind in $PATH and prepares its XML directory: dir when given
 * (created if missing; vg.*.xml an earlier run left there are removed, and
 * it is kept at close), else a fresh $TMPDIR/ircspec-vg.XXXXXX (/tmp
 * without TMPDIR) that valgrind_close removes.  Returns NULL with a message in err. */
struct valgrind *valgrind_open(const char *dir, char *err, size_t errsz);

/* vgdb (beside valgrind) and the --vgdb-prefix the server was given: to
 * ask it for new leaks between cases (vgdb.c). */
const char *valgrind_vgdb_path(const struct valgrind *vg);
const char *valgrind_vgdb_prefix(const struct valgrind *vg);

/* The command line and timings to give spawn_start. */
const struct spawn_wrap *valgrind_wrap(const struct valgrind *vg);

/* Reads every vg.PID.xml in the directory (by pid order) and appends the
 * findings to r->vg / r->nvg, except a FatalSignal SIGTERM (the harness's
 * own stop).  Sets r->vg_failed on any finding, on an unreadable or
 * truncated file, and when one of pids[0..npids) (the servers started) left
 * no file; those problems are appended to err ("; "-separated, after what
 * err already holds).  Returns 0 when every file was read whole, else -1. */
int valgrind_collect(struct valgrind *vg, const long *pids, size_t npids,
		     struct run_result *r, char *err, size_t errsz);

/* Removes the XML files and the directory it made (not a given dir), and
 * frees vg.  NULL is fine. */
void valgrind_close(struct valgrind *vg);

#endif
