/* spawn.h - starts the server under test (--spawn), watches it, restarts it
 * after a crash, and stops it.  It runs what it is given: under --valgrind
 * that is valgrind.c's command line (struct spawn_wrap), and spawn_stop
 * hands back the pid of every server run, whose XML valgrind.c then reads.
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
 * With a wrapper the command line is WRAP-ARGV... /bin/sh -c 'exec CMD'.
 *
 * Threads: spawn_poll, spawn_generation and spawn_kill_now may be called
 * from any thread; spawn_restart, spawn_terminate and spawn_stop are
 * serialised internally
 * (a second caller waits for the first), and while one runs spawn_poll
 * reports nothing (they reap the server themselves). */
#ifndef IRCSPEC_SPAWN_H
#define IRCSPEC_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SPAWN_RING_LINES 50   /* server output lines kept */
#define SPAWN_LINE_MAX 512    /* longer lines are cut, marked " [...]" */
#define SPAWN_TAIL_LINES 20   /* lines copied into a crash report */
#define SPAWN_TAIL_MAX (SPAWN_TAIL_LINES * (SPAWN_LINE_MAX + 1) + 1)
#define SPAWN_CMD_MAX 4096    /* filled command, bytes */

#define SPAWN_READY_MS 20000        /* until the port accepts */
#define SPAWN_STOP_MS 10000         /* SIGTERM to SIGKILL */
#define SPAWN_WRAP_ARGV_MAX 16      /* a wrapper's own argv entries */

/* A program the server command runs under (Valgrind; see valgrind.h). */
struct spawn_wrap {
	const char *argv[SPAWN_WRAP_ARGV_MAX + 1]; /* NULL-terminated; argv[0]: a path */
	long ready_ms, stop_ms;  /* its slower start and stop (0: the defaults) */
	long term_repeat_ms;     /* while stopping, SIGTERM again this often (0: once) */
};

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

/* Picks a port, starts the command (under wrap when not NULL; *wrap is
 * copied; its strings must outlive sp) and waits until 127.0.0.1:port
 * accepts a TCP connection.
 * Returns NULL with a message in err (exit status and last output lines
 * when the server died while starting). */
struct spawn *spawn_start(const char *cmd_template, const char *password,
			  const struct spawn_wrap *wrap, unsigned *port_out, char *err,
			  size_t errsz);

/* Non-blocking: 1 if the server died since the last call (ex filled; the
 * first caller to see a death gets it), 0 otherwise. */
int spawn_poll(struct spawn *sp, struct spawn_exit *ex);

/* Counts deaths observed so far (by spawn_poll, spawn_restart, spawn_stop,
 * spawn_terminate).
 * A case that saw the count change, after its own spawn_poll, overlapped a
 * crash. */
unsigned spawn_generation(const struct spawn *sp);

/* Starts the server again on the same port and waits until it accepts.  A
 * server still running (hung) is killed first.  Returns 0, or -1 with err. */
int spawn_restart(struct spawn *sp, char *err, size_t errsz);

/* The graceful stop without freeing sp, for a caller that wants the
 * server's last words (exitreport.c): SIGTERM to the process group, a wait
 * of at most SPAWN_STOP_MS (or the wrapper's stop_ms), SIGKILL at its end.
 * The one wait spawn_stop would make: after it spawn_stop finds nothing
 * to stop (and reports the kill, if there was one); spawn_restart starts
 * the server again.  Returns 1 when it exited by itself (or had died
 * before: ex filled), 0 when it had to be killed, -1 when none ran. */
int spawn_terminate(struct spawn *sp, struct spawn_exit *ex);

/* SIGTERM to the process group, SIGKILL after SPAWN_STOP_MS (or the
 * wrapper's stop_ms), the same wait as spawn_terminate's; frees sp.  When pids is not NULL, *pids / *npids get
 * the pid of every server started, first to last (malloc'd; the caller
 * frees it).  Returns 0, or -1 with err when
 * something needs reporting (server killed after the timeout or died by a
 * signal while stopping, unreported death). */
int spawn_stop(struct spawn *sp, long **pids, size_t *npids, char *err, size_t errsz);

/* Async-signal-safe (one kill(2)): SIGKILL to the server's process group,
 * for a SIGINT handler that is about to exit.  spawn_stop is still the way
 * to free sp when the program goes on. */
void spawn_kill_now(struct spawn *sp);

/* Async-signal-safe: SIGKILL to every server this module runs, including
 * one still starting inside spawn_start (before the caller has its sp). */
void spawn_kill_all_now(void);

/* The running server's pid (0 when none): for tests and diagnostics. */
pid_t spawn_pid(struct spawn *sp);

/* Bounds the wait of later stops (spawn_terminate, spawn_stop) for the
 * server's exit to ms, below SPAWN_STOP_MS: for a run past its deadline,
 * which must end, a server that ignores SIGTERM costs ms, not 10 s.  Not
 * under a wrapper (Valgrind writes its leak report while the server
 * exits, and needs its stop_ms). */
void spawn_cap_stop(struct spawn *sp, long ms);

/* The server's last nlines output lines so far, '\n'-separated (a
 * report shows them beside a failed case). */
void spawn_tail(struct spawn *sp, unsigned nlines, char *out, size_t outsz);
/* Lines of output the server (all its runs) has written so far: a change
 * tells `ircspec fuzz` to look at the tail for a sanitizer report from a
 * server that did not die of it. */
unsigned long spawn_output_lines(struct spawn *sp);

/* The port chosen at spawn_start. */
unsigned spawn_port(const struct spawn *sp);

#endif
