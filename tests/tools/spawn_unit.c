/* spawn_unit.c - tests of harness/spawn.c, harness/valgrind.c and
 * harness/vgxml.c.
 *
 *   spawn_unit                    template filling, start/readiness, crash by
 *                                 signal and by exit code, restart, stop,
 *                                 concurrent polls, fds; XML reader on
 *                                 built-in documents.  The program itself is
 *                                 the server (--serve), so nothing else is
 *                                 needed.
 *   spawn_unit --fixture LEAK CRASH
 *                                 reads real Valgrind XML: LEAK (vg_leak.xml:
 *                                 a 77-byte leak in leak_on_purpose), and
 *                                 every prefix of it; CRASH (vg_crash.xml: a
 *                                 NULL write, its SIGSEGV, the leak).
 *   spawn_unit --valgrind CMD --vg-dir DIR --expect-fn NAME [--crash]
 *                                 runs CMD under --valgrind and expects one
 *                                 definite leak whose stack has NAME and no
 *                                 other finding (so nothing of /bin/sh);
 *                                 --crash: make it crash (a NULL write), restart,
 *                                 and expect the InvalidWrite, the FatalSignal
 *                                 and the leak of both runs.
 *   spawn_unit --serve PORT       the test server (see serve_main).
 * Prints "N checks passed" and exits 0, or names each failed check. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../harness/spawn.h"
#include "../../harness/valgrind.h"
#include "../../harness/vgxml.h"

static int g_checks, g_failed;

/* Waits are bounded only so a bug cannot hang the test; a slow machine
 * (or Valgrind's leak check) must never fail one. */
#define HANG_GUARD_MS 60000

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		g_checks++;                                                      \
		if (!(cond)) {                                                   \
			g_failed++;                                              \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
		}                                                                \
	} while (0)

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the test server ---- */

static volatile sig_atomic_t g_stop;

static void on_term(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* One command per connection, answered "ok" once done:
 *   SAY TEXT     TEXT on stderr        EXIT N   exit(N)
 *   SEGV         dies by SIGSEGV       FLOOD N  N lines of 1000 bytes on stdout */
static void serve_command(int c, char *line)
{
	if (strncmp(line, "SAY ", 4) == 0) {
		fprintf(stderr, "%s\n", line + 4);
	} else if (strncmp(line, "EXIT ", 5) == 0) {
		fprintf(stderr, "serve: exiting %s\n", line + 5);
		_exit((int)strtol(line + 5, NULL, 10));
	} else if (strcmp(line, "SEGV") == 0) {
		fprintf(stderr, "serve: about to crash");  /* no newline: a partial line */
		raise(SIGSEGV);
	} else if (strncmp(line, "FLOOD ", 6) == 0) {
		long n = strtol(line + 6, NULL, 10);
		char big[1001];
		memset(big, 'f', 1000);
		big[1000] = '\n';
		for (long i = 0; i < n; i++)
			fwrite(big, 1, sizeof big, stdout);
		fflush(stdout);
	}
	ssize_t w = write(c, "ok\n", 3);
	(void)w;
}

static int serve_main(unsigned port)
{
	/* ASan's SIGSEGV handler would turn a crash into exit(1). */
	signal(SIGSEGV, SIG_DFL);
	struct sigaction sa = {.sa_handler = on_term}; /* no SA_RESTART */
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stderr, NULL, _IONBF, 0);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0) {
		perror("serve: bind");
		return 1;
	}
	fprintf(stderr, "serve: listening on %u\n", port);
	printf("serve: a line on stdout\n");
	fflush(stdout);
	while (!g_stop) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		struct timeval tv = {2, 0};
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char line[256];
		ssize_t n = read(c, line, sizeof line - 1);
		if (n > 0) {
			line[n] = '\0';
			line[strcspn(line, "\r\n")] = '\0';
			serve_command(c, line);
		}
		close(c);
	}
	fprintf(stderr, "serve: bye\n");
	return 0;
}

/* ---- client side ---- */

/* Sends one command and waits for "ok" (or the connection closing). */
static int send_cmd(unsigned port, const char *cmd)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char buf[64];
	size_t l = strlen(cmd);
	ssize_t w = write(fd, cmd, l);
	ssize_t r = w == (ssize_t)l ? read(fd, buf, sizeof buf) : -1;
	close(fd);
	return r > 0 && strncmp(buf, "ok", 2) == 0 ? 0 : -1;
}

/* Polls until the server's death is reported (HANG_GUARD_MS at most). */
static int wait_death(struct spawn *sp, struct spawn_exit *ex)
{
	long end = now_ms() + HANG_GUARD_MS;
	while (now_ms() < end) {
		if (spawn_poll(sp, ex))
			return 1;
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- template ---- */

static void test_template(void)
{
	char out[256], err[256];
	CHECK(spawn_fill_template("srv -p {port} -P {password}", 6667, "pw", out, sizeof out, err,
				  sizeof err) == 0 && strcmp(out, "srv -p 6667 -P pw") == 0, "%s", out);
	CHECK(spawn_fill_template("a {{port} b", 1, NULL, out, sizeof out, err, sizeof err) == 0 &&
	      strcmp(out, "a {port} b") == 0, "%s", out);
	CHECK(spawn_fill_template("x -P {password}", 1, "it's a pw", out, sizeof out, err,
				  sizeof err) == 0 && strcmp(out, "x -P 'it'\\''s a pw'") == 0, "%s", out);
	CHECK(spawn_fill_template("x {nope} y", 1, NULL, out, sizeof out, err, sizeof err) < 0 &&
	      strstr(err, "unknown placeholder {nope} at column 3"), "%s", err);
	CHECK(spawn_fill_template("x {port", 1, NULL, out, sizeof out, err, sizeof err) < 0 &&
	      strstr(err, "unterminated '{' at column 3"), "%s", err);
	CHECK(spawn_fill_template("x {password}", 1, NULL, out, sizeof out, err, sizeof err) < 0 &&
	      strstr(err, "no --password"), "%s", err);
	CHECK(spawn_fill_template("  ", 1, NULL, out, sizeof out, err, sizeof err) < 0 &&
	      strstr(err, "empty"), "%s", err);
	CHECK(spawn_fill_template("0123456789 {port}", 65535, NULL, out, 14, err, sizeof err) < 0 &&
	      strstr(err, "longer than"), "%s", err);

	unsigned port = 0;
	struct spawn *sp = spawn_start("true {what}", NULL, NULL, &port, err, sizeof err);
	CHECK(!sp && strstr(err, "{what}"), "%s", err);
}

/* ---- lifecycle, with this program as the server ---- */

static char g_self[4096];

static struct spawn *start_self(unsigned *port)
{
	char tmpl[4200], err[2048];
	snprintf(tmpl, sizeof tmpl, "%s --serve {port}", g_self);
	struct spawn *sp = spawn_start(tmpl, NULL, NULL, port, err, sizeof err);
	CHECK(sp != NULL, "spawn_start: %s", err);
	return sp;
}

static void test_start_failures(void)
{
	char err[2048];
	unsigned port = 0;
	/* Reported as the exit it is, not as the readiness wait running out. */
	struct spawn *sp = spawn_start("sh -c 'echo boom >&2; exit 3'", NULL, NULL, &port,
				       err, sizeof err);
	CHECK(!sp && strstr(err, "exited with status 3") && strstr(err, "boom"), "%s", err);
	sp = spawn_start("/nonexistent/server {port}", NULL, NULL, &port, err, sizeof err);
	CHECK(!sp && strstr(err, "status 127") && strstr(err, "not found"), "%s", err);
}

static void test_crash_and_restart(void)
{
	unsigned port = 0;
	struct spawn *sp = start_self(&port);
	if (!sp)
		return;
	struct spawn_exit ex;
	char err[2048];
	CHECK(port > 0 && spawn_port(sp) == port, "port %u", port);
	CHECK(spawn_poll(sp, &ex) == 0 && spawn_generation(sp) == 0, "alive");
	CHECK(send_cmd(port, "SAY hello-from-server\n") == 0, "server answers");

	pid_t pid = spawn_pid(sp);
	kill(pid, SIGSEGV); /* a crash from outside */
	CHECK(wait_death(sp, &ex) && ex.signaled && ex.sig == SIGSEGV &&
	      strcmp(ex.signame, "SIGSEGV") == 0, "%s", ex.status);
	CHECK(strstr(ex.status, "killed by signal 11 (SIGSEGV)"), "%s", ex.status);
	CHECK(strstr(ex.tail, "hello-from-server") && strstr(ex.tail, "a line on stdout"), "tail:\n%s",
	      ex.tail);
	CHECK(spawn_generation(sp) == 1 && spawn_poll(sp, &ex) == 0, "one report per death");
	CHECK(spawn_pid(sp) == 0 && waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD, "reaped");

	CHECK(spawn_restart(sp, err, sizeof err) == 0, "restart: %s", err);
	CHECK(spawn_pid(sp) > 0 && send_cmd(port, "SAY again\n") == 0, "same port after restart");
	send_cmd(port, "EXIT 7\n"); /* no "ok": it exits first */
	CHECK(wait_death(sp, &ex) && !ex.signaled && ex.code == 7, "%s", ex.status);
	CHECK(strstr(ex.tail, "serve: exiting 7"), "tail:\n%s", ex.tail);

	/* Its last words, without a newline, written just before dying. */
	CHECK(spawn_restart(sp, err, sizeof err) == 0, "restart: %s", err);
	send_cmd(port, "SEGV\n");
	CHECK(wait_death(sp, &ex) && ex.sig == SIGSEGV, "%s", ex.status);
	const char *last = strrchr(ex.tail, '\n');
	CHECK(last && strcmp(last + 1, "serve: about to crash") == 0, "tail:\n%s", ex.tail);
	CHECK(spawn_generation(sp) == 3, "generation %u", spawn_generation(sp));

	CHECK(spawn_restart(sp, err, sizeof err) == 0, "restart: %s", err);
	pid = spawn_pid(sp);
	CHECK(spawn_stop(sp, NULL, NULL, err, sizeof err) == 0 && !err[0], "stop: %s", err);
	CHECK(kill(pid, 0) < 0 && errno == ESRCH, "stopped and reaped (no zombie)");
}

/* A server that writes megabytes never blocks; long lines are cut. */
static void test_flood(void)
{
	unsigned port = 0;
	struct spawn *sp = start_self(&port);
	if (!sp)
		return;
	struct spawn_exit ex;
	char err[2048];
	CHECK(send_cmd(port, "FLOOD 5000\n") == 0, "5 MB of output, never blocked on the pipe");
	CHECK(send_cmd(port, "SAY after the flood\n") == 0, "alive after the flood");
	send_cmd(port, "EXIT 0\n");
	CHECK(wait_death(sp, &ex) && ex.code == 0, "%s", ex.status);
	const char *cut = strstr(ex.tail, "fff [...]");
	const char *nl = cut ? strchr(ex.tail, '\n') : NULL;
	CHECK(cut && nl && nl - ex.tail == SPAWN_LINE_MAX, "a cut line is %d bytes:\n%.600s",
	      SPAWN_LINE_MAX, ex.tail);
	CHECK(strstr(ex.tail, "serve: exiting 0"), "tail end:\n%s",
	      ex.tail + (strlen(ex.tail) > 200 ? strlen(ex.tail) - 200 : 0));
	CHECK(spawn_stop(sp, NULL, NULL, err, sizeof err) == 0, "stop after an observed exit: %s",
	      err);
}

struct poller {
	struct spawn *sp;
	int reports;
};

static void *poller_main(void *arg)
{
	struct poller *p = arg;
	struct spawn_exit ex;
	long end = now_ms() + HANG_GUARD_MS;
	while (spawn_generation(p->sp) == 0 && now_ms() < end)
		p->reports += spawn_poll(p->sp, &ex);
	p->reports += spawn_poll(p->sp, &ex);
	return NULL;
}

/* Four threads poll while the server is killed: exactly one hears of it. */
static void test_concurrent_poll_and_kill_now(void)
{
	unsigned port = 0;
	struct spawn *sp = start_self(&port);
	if (!sp)
		return;
	struct poller p[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		p[i] = (struct poller){sp, 0};
		pthread_create(&t[i], NULL, poller_main, &p[i]);
	}
	spawn_kill_now(sp); /* what a SIGINT handler does */
	int total = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += p[i].reports;
	}
	CHECK(total == 1 && spawn_generation(sp) == 1, "%d reports", total);
	char err[2048];
	CHECK(spawn_stop(sp, NULL, NULL, err, sizeof err) == 0, "stop: %s", err);
}

/* An unreported death shows up in spawn_stop's message. */
static void test_stop_reports_unseen_death(void)
{
	unsigned port = 0;
	struct spawn *sp = start_self(&port);
	if (!sp)
		return;
	send_cmd(port, "EXIT 5\n");
	long end = now_ms() + HANG_GUARD_MS;
	while (kill(spawn_pid(sp), 0) == 0 && now_ms() < end) {
		/* a zombie still answers kill(0): wait for it to be one */
		char st[64];
		snprintf(st, sizeof st, "/proc/%d/stat", (int)spawn_pid(sp));
		FILE *f = fopen(st, "re");
		char state = 0;
		if (f) {
			int ok = fscanf(f, "%*d (%*[^)]) %c", &state);
			fclose(f);
			if (ok == 1 && state == 'Z')
				break;
		}
	}
	char err[2048];
	CHECK(spawn_stop(sp, NULL, NULL, err, sizeof err) < 0 && strstr(err, "exited with status 5"),
	      "%s", err);
}

/* ---- XML reader ---- */

static const char doc_errors[] =
	"<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n"
	"<error>\n  <unique>0x1</unique>\n  <kind>InvalidRead</kind>\n"
	"  <what>Invalid read of size 1</what>\n  <stack>\n"
	"    <frame><ip>0x1</ip><obj>/x/srv</obj><fn>std::vector&lt;int&gt;::at</fn>"
	"<dir>/src</dir><file>v.cc</file><line>12</line></frame>\n"
	"    <frame><ip>0x2</ip><obj>/lib/libc.so.6</obj></frame>\n  </stack>\n"
	"  <auxwhat>Address 0x4a is 0 bytes after a block of size 10 alloc'd</auxwhat>\n"
	"  <stack><frame><ip>0x3</ip><fn>malloc</fn></frame></stack>\n"
	"  <suppression><sname>x</sname><rawtext>\n<![CDATA[\n{\n   "
	"<insert_a_suppression_name_here>\n}\n]]>\n</rawtext></suppression>\n"
	"</error>\n<fatal_signal><tid>1</tid><signo>11</signo><signame>SIGSEGV</signame>"
	"<stack><frame><ip>0x9</ip><fn>main</fn><file>m.c</file><line>3</line></frame></stack>"
	"</fatal_signal>\n<errorcounts/>\n</valgrindoutput>\n";

static void test_vgxml_documents(void)
{
	struct vg_finding *v = NULL;
	size_t n = 0;
	char err[256];
	int rc = vgxml_parse(doc_errors, sizeof doc_errors - 1, &v, &n, err, sizeof err);
	CHECK(rc == 0 && n == 2, "rc %d n %zu %s", rc, n, rc ? err : "");
	if (n == 2) {
		CHECK(strcmp(v[0].kind, "InvalidRead") == 0, "%s", v[0].kind);
		CHECK(strcmp(v[0].what, "Invalid read of size 1") == 0, "%s", v[0].what);
		CHECK(strcmp(v[0].stack, "std::vector<int>::at (v.cc:12)\n0x2 (in /lib/libc.so.6)\n"
					 "Address 0x4a is 0 bytes after a block of size 10 alloc'd\n"
					 "malloc\n") == 0, "stack:\n%s", v[0].stack);
		CHECK(strcmp(v[1].kind, "FatalSignal") == 0 &&
		      strncmp(v[1].what, "SIGSEGV (signal 11)", 19) == 0 &&
		      strcmp(v[1].stack, "main (m.c:3)\n") == 0, "%s / %s", v[1].what, v[1].stack);
	}
	vgxml_free_findings(v, n);

	/* Truncated: what came before the cut is kept, the result says so. */
	v = NULL, n = 0;
	const char *cut = strstr(doc_errors, "<fatal_signal>");
	rc = vgxml_parse(doc_errors, (size_t)(cut - doc_errors), &v, &n, err, sizeof err);
	CHECK(rc < 0 && n == 1 && strstr(err, "truncated"), "rc %d n %zu %s", rc, n, err);
	vgxml_free_findings(v, n);

	static const char *const bad[] = {"", "garbage", "<html><body></body></html>",
					  "<valgrindoutput><error><kind>X", "<<<>>>&&&;</"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = NULL, n = 0;
		CHECK(vgxml_parse(bad[i], strlen(bad[i]), &v, &n, err, sizeof err) < 0, "%s", bad[i]);
		vgxml_free_findings(v, n);
	}
}

/* Deep nesting and random bytes end with an error, no crash. */
static void test_vgxml_hostile(void)
{
	size_t len = 200000;
	char *buf = malloc(len);
	struct vg_finding *v = NULL;
	size_t n = 0;
	char err[256];
	if (!buf)
		return;
	memcpy(buf, "<valgrindoutput>", 16);
	for (size_t i = 16; i + 3 <= len; i += 3)
		memcpy(buf + i, "<a>", 3);
	CHECK(vgxml_parse(buf, len - len % 3 + 1, &v, &n, err, sizeof err) < 0 &&
	      strstr(err, "nested"), "%s", err);
	unsigned x = 12345;
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = "<>/&;a \n"[(x >> 16) % 8];
	}
	CHECK(vgxml_parse(buf, len, &v, &n, err, sizeof err) < 0 && n == 0, "random bytes");
	/* 5000 frames: the stack text stops at its cap, the top kept. */
	size_t o = (size_t)snprintf(buf, len, "<valgrindoutput><error><kind>K</kind><stack>");
	for (int i = 0; i < 5000; i++)
		o += (size_t)snprintf(buf + o, len - o, "<frame><fn>f%d</fn></frame>", i);
	o += (size_t)snprintf(buf + o, len - o, "</stack></error></valgrindoutput>");
	CHECK(vgxml_parse(buf, o, &v, &n, err, sizeof err) == 0 && n == 1 &&
	      strncmp(v[0].stack, "f0\nf1\n", 6) == 0 && strlen(v[0].stack) < VGXML_STACK_MAX &&
	      strlen(v[0].stack) > VGXML_STACK_MAX - 16, "n %zu", n);
	vgxml_free_findings(v, n);
	free(buf);
}

/* A real capture: one definite leak in leak_on_purpose; every prefix of it
 * (in an exact-size buffer, so ASan sees any over-read) is handled. */
static int fixture_main(const char *path)
{
	struct vg_finding *v = NULL;
	size_t n = 0;
	char err[512];
	CHECK(vgxml_parse_file(path, &v, &n, err, sizeof err) == 0, "%s", err);
	CHECK(n == 1 && strcmp(v[0].kind, "Leak_DefinitelyLost") == 0 &&
	      strstr(v[0].what, "77 bytes in 1 blocks are definitely lost") &&
	      strstr(v[0].stack, "leak_on_purpose (vg_leak_server.c:") &&
	      strncmp(v[0].stack, "malloc (", 8) == 0, "n %zu: %s\n%s", n, n ? v[0].what : "",
	      n ? v[0].stack : "");
	vgxml_free_findings(v, n);
	FILE *f = fopen(path, "re");
	static char doc[65536];
	size_t len = f ? fread(doc, 1, sizeof doc - 1, f) : 0; /* doc stays a string */
	if (f)
		fclose(f);
	int complete = 0;
	for (size_t l = 0; l <= len; l++) {
		char *p = malloc(l ? l : 1);
		memcpy(p, doc, l);
		v = NULL, n = 0;
		complete += vgxml_parse(p, l, &v, &n, err, sizeof err) == 0;
		vgxml_free_findings(v, n);
		free(p);
	}
	/* Complete: exactly the prefixes that hold "</valgrindoutput>". */
	const char *end = len ? strstr(doc, "</valgrindoutput>") : NULL;
	size_t need = end ? (size_t)(end - doc) + 17 : 0;
	CHECK(end && complete == (int)(len - need + 1), "%d prefixes of %zu bytes parsed as "
	      "complete", complete, len);
	return 0;
}

/* A real capture of a crash: the invalid write with Valgrind's note on
 * the address, the fatal signal with its event, the leak. */
static int crash_fixture_main(const char *path)
{
	struct vg_finding *v = NULL;
	size_t n = 0;
	char err[512];
	CHECK(vgxml_parse_file(path, &v, &n, err, sizeof err) == 0, "%s", err);
	CHECK(n == 3, "%zu findings", n);
	if (n == 3) {
		CHECK(strcmp(v[0].kind, "InvalidWrite") == 0 &&
		      strcmp(v[0].what, "Invalid write of size 4") == 0 &&
		      strncmp(v[0].stack, "crash_on_purpose (vg_leak_server.c:", 35) == 0 &&
		      strstr(v[0].stack, "\nAddress 0x0 is not stack'd, malloc'd or (recently) "
					 "free'd\n"), "%s\n%s", v[0].what, v[0].stack);
		CHECK(strcmp(v[1].kind, "FatalSignal") == 0 &&
		      strcmp(v[1].what, "SIGSEGV (signal 11): the process was terminated (Access "
					"not within mapped region at 0x0)") == 0, "%s", v[1].what);
		CHECK(strcmp(v[2].kind, "Leak_DefinitelyLost") == 0, "%s", v[2].kind);
	}
	vgxml_free_findings(v, n);
	return 0;
}

/* ---- a live server under Valgrind ---- */

static int count_in(const char *hay, const char *needle)
{
	int c = 0;
	for (const char *s = hay; (s = strstr(s, needle)); s++)
		c++;
	return c;
}

static int valgrind_main(const char *cmd, const char *dir, const char *fn, int crash)
{
	unsigned port = 0;
	char err[4096];
	struct run_result r = {0};
	struct valgrind *vg = valgrind_open(dir, err, sizeof err);
	CHECK(vg != NULL, "valgrind_open: %s", err);
	if (!vg)
		return 1;
	struct spawn *sp = spawn_start(cmd, NULL, valgrind_wrap(vg), &port, err, sizeof err);
	CHECK(sp != NULL, "spawn_start under valgrind: %s", err);
	if (!sp) {
		valgrind_close(vg);
		return 1;
	}
	if (crash) { /* a real fault, as a server's bug would make it */
		struct spawn_exit ex;
		send_cmd(port, "CRASH\n");
		CHECK(wait_death(sp, &ex) && ex.sig == SIGSEGV, "%s", ex.status);
		CHECK(strstr(ex.tail, "vg_leak_server: crashing"), "tail:\n%s", ex.tail);
		CHECK(spawn_restart(sp, err, sizeof err) == 0, "restart: %s", err);
	}
	long *pids = NULL;
	size_t npids = 0;
	CHECK(spawn_stop(sp, &pids, &npids, err, sizeof err) == 0, "stop: %s", err);
	CHECK(npids == 1u + (unsigned)crash, "%zu pids", npids);
	CHECK(valgrind_collect(vg, pids, npids, &r, err, sizeof err) == 0, "collect: %s", err);
	free(pids);
	valgrind_close(vg); /* a given directory is kept, with its files */
	int leaks = 0, fatal = 0, writes = 0;
	for (size_t i = 0; i < r.nvg; i++) {
		const struct vg_finding *f = &r.vg[i];
		bool leak = strcmp(f->kind, "Leak_DefinitelyLost") == 0 && strstr(f->stack, fn);
		bool segv = strcmp(f->kind, "FatalSignal") == 0 &&
			    strncmp(f->what, "SIGSEGV", 7) == 0 && strstr(f->stack, "crash_on_purpose");
		bool wr = strcmp(f->kind, "InvalidWrite") == 0 &&
			     strstr(f->stack, "crash_on_purpose (vg_leak_server.c:");
		leaks += leak;
		fatal += segv;
		writes += wr;
		CHECK(leak || segv || wr, "unexpected finding %s: %s\n%s", f->kind, f->what,
		      f->stack);
	}
	CHECK(leaks == 1 + crash && fatal == crash && writes == crash && r.vg_failed,
	      "%d leaks, %d fatal, %d invalid writes", leaks, fatal, writes);
	/* One file per server run, each about the server, none about sh. */
	char ls[8192] = "";
	size_t o = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && o < sizeof ls)
			o += (size_t)snprintf(ls + o, sizeof ls - o, "%s ", de->d_name);
	if (d)
		closedir(d);
	CHECK(count_in(ls, ".xml") == 1 + crash, "files: %s", ls);
	vgxml_free_findings(r.vg, r.nvg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--serve") == 0)
		return serve_main((unsigned)strtoul(argv[2], NULL, 10));
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[1], "--fixture") == 0) {
		fixture_main(argv[2]);
		crash_fixture_main(argv[3]);
	} else if ((argc == 7 || argc == 8) && strcmp(argv[1], "--valgrind") == 0 &&
		   strcmp(argv[3], "--vg-dir") == 0 && strcmp(argv[5], "--expect-fn") == 0) {
		valgrind_main(argv[2], argv[4], argv[6], argc == 8 && strcmp(argv[7], "--crash") == 0);
	} else if (argc == 1) {
		ssize_t l = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
		if (l <= 0)
			return 2;
		g_self[l] = '\0';
		int fds0 = count_fds();
		test_template();
		test_start_failures();
		test_crash_and_restart();
		test_flood();
		test_concurrent_poll_and_kill_now();
		test_stop_reports_unseen_death();
		test_vgxml_documents();
		test_vgxml_hostile();
		CHECK(count_fds() == fds0, "fds before %d, after %d", fds0, count_fds());
	} else {
		fprintf(stderr, "usage: spawn_unit [--fixture LEAK CRASH | --serve PORT | --valgrind CMD "
				"--vg-dir DIR --expect-fn NAME [--crash]]\n");
		return 2;
	}
	if (g_failed) {
		fprintf(stderr, "%d of %d checks failed\n", g_failed, g_checks);
		return 1;
	}
	printf("%d checks passed\n", g_checks);
	return 0;
}
