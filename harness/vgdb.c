/* vgdb.c - a leak search in a running server under Valgrind, and reading
 * its answer (see vgdb.h). */
#define _GNU_SOURCE /* pipe2 */
#include "vgdb.h"
#include "vgxml.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_SHOWN 1024
#define STACK_MAX 8192

extern char **environ;

/* ---- the answer ---- */

struct rec {
	bool open;
	const char *kind;
	char what[LINE_MAX_SHOWN];
	char stack[STACK_MAX];
	size_t slen;
};

const char *vgdb_line_body(const char *line, size_t len, size_t *blen)
{
	if (len > 2 && line[0] == '=' && line[1] == '=') {
		const char *end = memmem(line + 2, len - 2, "== ", 3);
		if (!end && len >= 4 && memcmp(line + len - 2, "==", 2) == 0)
			end = line + len - 2; /* "==7==": an empty line */
		if (end) {
			size_t skip = (size_t)(end - line) + (end + 3 <= line + len ? 3 : 2);
			*blen = len - skip;
			return line + skip;
		}
	}
	*blen = len;
	return line;
}

static int push(struct rec *r, struct vg_finding **v, size_t *n)
{
	if (!r->open)
		return 0;
	r->open = false;
	if (*n >= VGDB_MAX_LEAKS)
		return 0;
	return vgxml_push_finding(v, n, r->kind, r->what, r->stack);
}

/* The number in the first "(+N)" of s[0..len), or "?". */
static void delta(const char *s, size_t len, char *out, size_t outsz)
{
	const char *p = memmem(s, len, "(+", 2);
	size_t n = p ? strspn(p + 2, "0123456789,") : 0;
	snprintf(out, outsz, "%.*s", (int)(n ? n : 1), n ? p + 2 : "?");
}

/* "36 (+12) bytes in 3 (+1) blocks are definitely lost" ->
 * "12 bytes in 1 blocks are definitely lost (new; 36 bytes in 3 blocks
 * from this stack in all)": what the case added comes first. */
static void describe(struct rec *r, const char *b, size_t wl, const char *lost)
{
	char db[32], dk[32];
	const char *in = memmem(b, wl, " bytes in ", 10);
	if (!in) {
		snprintf(r->what, sizeof r->what, "%.*s", (int)wl, b);
		return;
	}
	size_t tb = strcspn(b, " "), tk = strcspn(in + 10, " ");
	delta(b, (size_t)(in - b), db, sizeof db);
	delta(in, wl - (size_t)(in - b), dk, sizeof dk);
	snprintf(r->what, sizeof r->what, "%s bytes in %s blocks are %s (new; %.*s bytes in %.*s "
		 "blocks from this stack in all)", db, dk, lost, (int)(tb < 32 ? tb : 32), b,
		 (int)(tk < 32 ? tk : 32), in + 10);
}

/* A loss record's first line: starts r and returns true. */
static bool record_start(struct rec *r, const char *b, size_t blen)
{
	static const struct {
		const char *text, *kind, *lost;
	} kinds[] = {{" blocks are definitely lost in loss record", "Leak_DefinitelyLost",
		      "definitely lost"},
		     {" blocks are indirectly lost in loss record", "Leak_IndirectlyLost",
		      "indirectly lost"}};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const char *at = memmem(b, blen, kinds[k].text, strlen(kinds[k].text));
		if (!at)
			continue;
		const char *cut = memmem(b, blen, " in loss record", 15);
		size_t wl = (size_t)(cut - b);
		describe(r, b, wl < LINE_MAX_SHOWN ? wl : 0, kinds[k].lost);
		r->kind = kinds[k].kind;
		r->stack[0] = '\0';
		r->slen = 0;
		r->open = true;
		return true;
	}
	return false;
}

/* "   at 0x4841: malloc (file:1)" -> "malloc (file:1)"; false if not a frame. */
static bool record_frame(struct rec *r, const char *b, size_t blen)
{
	size_t i = 0;
	while (i < blen && b[i] == ' ')
		i++;
	if (blen - i < 6 || (memcmp(b + i, "at 0x", 5) != 0 && memcmp(b + i, "by 0x", 5) != 0))
		return false;
	const char *colon = memmem(b + i, blen - i, ": ", 2);
	if (!colon)
		return false;
	size_t fl = blen - (size_t)(colon + 2 - b);
	if (r->slen + fl + 2 < sizeof r->stack) { /* deeper frames are cut */
		memcpy(r->stack + r->slen, colon + 2, fl);
		r->slen += fl;
		r->stack[r->slen++] = '\n';
		r->stack[r->slen] = '\0';
	}
	return true;
}

int vgdb_parse_leaks(const char *text, size_t len, struct vg_finding **v, size_t *n)
{
	struct rec *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	int found = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : len - i;
		size_t blen;
		const char *b = vgdb_line_body(text + i, ll, &blen);
		if (!(r->open && record_frame(r, b, blen))) {
			int p = push(r, v, n);
			if (p < 0) {
				free(r);
				return -1;
			}
			found += p;
			record_start(r, b, blen);
		}
		i += ll + 1;
	}
	int p = push(r, v, n);
	free(r);
	return p < 0 ? -1 : found + p;
}

/* ---- running vgdb ---- */

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads the child's answer into out (at most VGDB_OUTPUT_MAX, the rest
 * drained), until EOF or the deadline.  0 at EOF, -1 on timeout. */
static int read_answer(int fd, char *out, size_t *len)
{
	long deadline = mono_ms() + VGDB_TIMEOUT_MS;
	char scratch[4096];
	*len = 0;
	for (;;) {
		long left = deadline - mono_ms();
		if (left <= 0)
			return -1;
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int pr = poll(&pf, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		bool room = *len < VGDB_OUTPUT_MAX;
		ssize_t got = room ? read(fd, out + *len, VGDB_OUTPUT_MAX - *len)
				   : read(fd, scratch, sizeof scratch);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		if (room)
			*len += (size_t)got;
	}
}

int vgdb_ask(const char *vgdb_path, const char *prefix, long pid, char **answer, size_t *alen,
	     char *err, size_t errsz)
{
	char pfx[4200], pidarg[32];
	snprintf(pfx, sizeof pfx, "--vgdb-prefix=%s", prefix);
	snprintf(pidarg, sizeof pidarg, "--pid=%ld", pid);
	/* Errors first: the leak search does not add to them, but its answer
	 * is what follows the errors' closing ERROR SUMMARY line. */
	char *const argv[] = {(char *)vgdb_path, pfx, pidarg, "v.info", "all_errors", "-c",
			      "leak_check", "full", "kinds", "definite,indirect", "increased",
			      NULL};
	int p[2];
	char *out = malloc(VGDB_OUTPUT_MAX + 1);
	*answer = NULL;
	*alen = 0;
	if (!out || pipe2(p, O_CLOEXEC) != 0) {
		free(out);
		snprintf(err, errsz, "vgdb: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t child;
	int rc = posix_spawn(&child, vgdb_path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		free(out);
		snprintf(err, errsz, "cannot run %s: %s", vgdb_path, strerror(rc));
		return -1;
	}
	size_t len = 0;
	bool timed_out = read_answer(p[0], out, &len) != 0;
	close(p[0]);
	if (timed_out)
		kill(child, SIGKILL);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		snprintf(err, errsz, "vgdb: no answer from pid %ld in %d ms", pid, VGDB_TIMEOUT_MS);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(err, errsz, "vgdb --pid=%ld failed (status %d)", pid, status);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(out);
		return -1;
	}
	out[len] = '\0';
	*answer = out;
	*alen = len;
	return 0;
}
