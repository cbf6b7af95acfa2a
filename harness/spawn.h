/* spawn.h - starts the server under test (--spawn), watches it, restarts it
 * after a crash, stops it, and (--valgrind) collects Valgrind's findings.
 *
 * The command template gets {port} (a free port on 127.0.0.1, chosen by
 * binding port 0) and {password}; "{{" is a literal '{'.  It is run as
 * `/bin/sh -c 'exec CMD'`, so CMD must be one simple command (prefix it with
 * `env VAR=x` for variables; wrap pipelines in their own `sh -c`).  The
 * password is inserted verbatim when it is made of shell-safe characters and
 * single-quoted otherwise, so write {password} unquoted.
 *
 * The server runs in its own process group, with default signal handling,
 * stdin from /dev/null, stdout and stderr into one pipe that a background
 * thread keeps draining into a ring of the last SPAWN_RING_LINES lines (so
 * a chatty server never blocks), and no other fd of ours: not even ones the
 * harness inherited without FD_CLOEXEC.  It must stay in the foreground (a
 * server that daemonizes looks like one that exited).
 *
 * Under --valgrind the command line is
 *   valgrind --tool=memcheck ... --xml=yes --xml-file=DIR/vg.%p.xml
 *            --trace-children=yes /bin/sh -c 'exec CMD'
 * The shell's own Valgrind instance never reports: `exec` keeps the pid, and
 * the instance that follows the exec rewrites vg.PID.xml with the server's
 * output.  Shells the server itself runs (system(3)) are skipped.  A
 * server killed by a signal also yields a FatalSignal finding with the
 * stack where it died; the SIGTERM of spawn_stop does not.
 *
 * Threads: spawn_poll, spawn_generation and spawn_kill_now may be called
 * from any thread; spawn_restart and spawn_stop are serialised internally
 * (a second caller waits for the first), and while one runs spawn_poll
 * reports nothing (they reap the server themselves). */
#ifndef IRCSPEC_SPAWN_H
#define IRCSPEC_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "result.h"

#define SPAWN_RING_LINES 50   /* server output lines kept */
#define SPAWN_LINE_MAX 512    /* longer lines are cut, marked " [...]" */
#define SPAWN_TAIL_LINES 20   /* lines copied into a crash report */
#define SPAWN_TAIL_MAX (SPAWN_TAIL_LINES * (SPAWN_LINE_MAX + 1) + 1)
#define SPAWN_CMD_MAX 4096    /* filled command, bytes */

#define SPAWN_READY_MS 20000        /* until the port accepts */
#define SPAWN_READY_VG_MS 120000    /* same, under Valgrind */
#define SPAWN_STOP_MS 10000         /* SIGTERM to SIGKILL */
#define SPAWN_STOP_VG_MS 60000      /* Valgrind must write its leak check */

/* How the server ended: one death, as spawn_poll saw it. */
struct spawn_exit {
	bool signaled;
	int code;                  /* exit status, when !signaled */
	int sig;                   /* signal number, when signaled */
	char signame[16];          /* "SIGSEGV" */
	char status[64];           /* "exited with status 3" / "killed by signal 11 (SIGSEGV)" */
	char tail[SPAWN_TAIL_MAX]; /* its last output lines, '\n'-separated */
};

struct spawn;

/* Fills {port} and {password} of tmpl into out.  Unknown or unterminated
 * placeholders, {password} with no password, or no room are errors:
 * returns -1 with a message in err; 0 on success. */
int spawn_fill_template(const char *tmpl, unsigned port, const char *password, char *out,
			size_t outsz, char *err, size_t errsz);

/* Picks a port, starts the command and waits until 127.0.0.1:port accepts a
 * TCP connection.  With valgrind, vg_dir (created if missing) receives
 * vg.PID.xml files; vg.*.xml files left there by an earlier run are removed.
 * Returns NULL with a message in err (exit status and last output lines
 * when the server died while starting). */
struct spawn *spawn_start(const char *cmd_template, const char *password, bool valgrind,
			  const char *vg_dir, unsigned *port_out, char *err, size_t errsz);

/* Non-blocking: 1 if the server died since the last call (ex filled; the
 * first caller to see a death gets it), 0 otherwise. */
int spawn_poll(struct spawn *sp, struct spawn_exit *ex);

/* Counts deaths observed so far (by spawn_poll, spawn_restart, spawn_stop).
 * A case that saw the count change, after its own spawn_poll, overlapped a
 * crash. */
unsigned spawn_generation(const struct spawn *sp);

/* Starts the server again on the same port and waits until it accepts.  A
 * server still running (hung) is killed first.  Returns 0, or -1 with err. */
int spawn_restart(struct spawn *sp, char *err, size_t errsz);

/* SIGTERM to the process group, SIGKILL after SPAWN_STOP_MS (or _VG_MS);
 * frees sp.  Under Valgrind, every vg.*.xml in vg_dir is read and its
 * findings appended to r->vg / r->nvg; r->vg_failed is set if there is any
 * finding or the XML is missing or unreadable.  Returns 0, or -1 with err
 * when something needs reporting (server killed after the timeout or died
 * by a signal while stopping, unreported death, unreadable XML).  r may be
 * NULL without Valgrind. */
int spawn_stop(struct spawn *sp, struct run_result *r, char *err, size_t errsz);

/* Async-signal-safe (one kill(2)): SIGKILL to the server's process group,
 * for a SIGINT handler that is about to exit.  spawn_stop is still the way
 * to free sp when the program goes on. */
void spawn_kill_now(struct spawn *sp);

/* Async-signal-safe: SIGKILL to every server this module runs, including
 * one still starting inside spawn_start (before the caller has its sp). */
void spawn_kill_all_now(void);

/* The running server's pid (0 when none): for tests and diagnostics. */
pid_t spawn_pid(struct spawn *sp);

/* The port chosen at spawn_start. */
unsigned spawn_port(const struct spawn *sp);

#endif
