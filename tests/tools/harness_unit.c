/* harness_unit.c - unit checks of the harness's report-side modules:
 * transcript bounding and escaping, JSON string escaping, the -k language,
 * baselines, the terminal view; and of the session's held auto-PONG under
 * short writes (over a socketpair).  Run with no argument it runs every check
 * and prints each failure with its line and both values; exit 1 if any.
 *
 * It also writes the reports of a fixed, deliberately hostile run (every
 * byte value, invalid UTF-8, XML metacharacters, a 100,000-entry
 * transcript, a crash, Valgrind findings) for tests/test_harness_units.py
 * to read back with real JSON and XML parsers:
 *   harness_unit --write-json PATH|-   --write-junit PATH|-   --write-html DIR
 *   harness_unit --write-term [--color] [--verbose]
 * And of the fuzz minimiser's handling of a finding that fails only now
 * and then (a race between two clients).
 * Keep hostile_message() in step with HOSTILE in that script. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "../../harness/baseline.h"
#include "../../harness/fuzz_min.h"
#include "../../harness/fuzz_oracle.h"
#include "../../harness/report.h"
#include "../../harness/result.h"
#include "../../harness/select.h"
#include "../../harness/session.h"
#include "../../harness/vgdb.h"
#include "../../harness/vgxml.h"

static int checks, failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		checks++;                                                              \
		if (!(cond)) {                                                         \
			failed++;                                                      \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                      \
	} while (0)

#define CHECK_STR(got, want) check_str(__LINE__, #got, (got), (want))

static void check_str(int line, const char *expr, const char *got, const char *want)
{
	checks++;
	if (got && want && strcmp(got, want) == 0)
		return;
	if (!got && !want)
		return;
	failed++;
	fprintf(stderr, "FAIL harness_unit.c:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n", line, expr,
		got ? got : "(null)", want ? want : "(null)");
}

/* ---- helpers: captured output, synthetic cases ---- */

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		perror("open_memstream");
		exit(2);
	}
}

/* Closes the stream; c->buf then holds the text (free it). */
static void cap_close(struct capture *c)
{
	fclose(c->f);
	c->f = NULL;
}

/* Fills a fixed array of strings (specs, tags) from "a,b,c". */
static void copy_list(char *dst, size_t width, unsigned *n, unsigned max, const char *csv)
{
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", csv);
	*n = 0;
	for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t && *n < max;
	     t = strtok_r(NULL, ",", &save)) {
		snprintf(dst + (size_t)(*n)++ * width, width, "%s", t);
	}
}

static struct casefile *mk_case(const char *id, const char *title, enum level lv, const char *specs,
				const char *tags)
{
	struct casefile *c = calloc(1, sizeof *c);
	if (!c)
		exit(2);
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->title, sizeof c->title, "%s", title);
	char path[160];
	snprintf(path, sizeof path, "cases/%s.case", id);
	c->path = strdup(path);
	c->level = lv;
	copy_list(c->specs[0], sizeof c->specs[0], &c->nspecs, CASE_MAX_SPECS, specs);
	copy_list(c->tags[0], sizeof c->tags[0], &c->ntags, CASE_MAX_TAGS, tags);
	return c;
}

static void free_case(struct casefile *c)
{
	free(c->path);
	free(c);
}

/* Bytes 1..255, then well-formed and malformed UTF-8.  The same bytes are
 * HOSTILE in tests/test_harness_units.py. */
static size_t hostile_message(char *out, size_t cap)
{
	static const char tail[] = "|\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\xed\xa0\x80|\xc0\x80"
				   "|\xf4\x90\x80\x80|\xef\xbf\xbe|\xe2\x82";
	size_t n = 0;
	for (int b = 1; b < 256 && n + 1 < cap; b++)
		out[n++] = (char)b;
	for (size_t i = 0; tail[i] && n + 1 < cap; i++)
		out[n++] = tail[i];
	out[n] = '\0';
	return n;
}

/* ---- the hostile run ---- */

/* The spawned server's last output: markup, a script, bytes that are not
 * UTF-8 and a sanitizer line.  HOSTILE_TAIL in test_report_html.py. */
#define HOSTILE_TAIL "<script>alert(1)</script>\n\xff\xfe<b>bold</b>&amp;\n==1==ERROR: AddressSanitizer: x"

#define FIX_CASES 6
#define FLOOD_ENTRIES 100000

struct fixture {
	struct run_result r;
	struct case_result cr[FIX_CASES];
	struct vg_finding vg;
};

static void add_line(struct transcript *t, long ms, const char *client, enum tdir d, const char *s)
{
	transcript_add(t, ms, client, d, s, strlen(s));
}

static void fixture_cases(struct fixture *fx)
{
	static char msg[400];
	hostile_message(msg, sizeof msg);
	struct case_result *cr = fx->cr;
	cr[0].c = mk_case("conn-pass", "Registration completes", LEVEL_MUST, "rfc2812:3.1", "conn");
	cr[0].verdict = V_PASS;
	add_line(&cr[0].tr, 0, "a", T_SEND, "NICK x");
	add_line(&cr[0].tr, 12, "a", T_RECV, ":irc.test 001 x :Welcome");
	cr[1].c = mk_case("nick-hostile", "T\xc3\xadtle <xml> & \"quotes\" ']]>", LEVEL_MUST,
			  "rfc2812:3.1.2,rfc1459:4.1.2", "nick,hostile");
	cr[1].verdict = V_FAIL;
	cr[1].message = strdup(msg);
	cr[1].server_tail = strdup(HOSTILE_TAIL);
	char raw[256];
	for (int b = 0; b < 256; b++)
		raw[b] = (char)b;
	transcript_add(&cr[1].tr, 3, "a", T_RECV, raw, sizeof raw);
	transcript_add(&cr[1].tr, 4, "a\x01<&>", T_EVENT, msg, strlen(msg));
	cr[2].c = mk_case("opt-skip", "Optional feature", LEVEL_MAY, "ircv3", "cap");
	cr[2].verdict = V_SKIP;
	cr[2].message = strdup("server lacks CAP");
	cr[3].c = mk_case("harness-error", "Harness could not run", LEVEL_SHOULD, "", "");
	cr[3].verdict = V_ERROR;
	cr[3].message = strdup("could not resolve host");
	cr[4].c = mk_case("server-crash", "Abort mid-line", LEVEL_MUST, "rfc2812:2.3", "abort");
	cr[4].verdict = V_CRASH;
	cr[4].message = strdup("server killed by signal 11\nlast stderr: \x1b[31mboom");
	cr[5].c = mk_case("flood", "Endless stream", LEVEL_SHOULD, "", "robustness");
	cr[5].verdict = V_FAIL;
	cr[5].message = strdup("expected: PONG\nreceived: (flood)");
	for (long i = 0; i < FLOOD_ENTRIES; i++) {
		char line[160];
		snprintf(line, sizeof line, "line %ld %0100d", i, 0);
		add_line(&cr[5].tr, i, "b", T_RECV, line);
	}
	for (int i = 0; i < FIX_CASES; i++)
		cr[i].duration_ms = 10 * i + 2;
}

static void fixture_init(struct fixture *fx)
{
	memset(fx, 0, sizeof *fx);
	fixture_cases(fx);
	fx->vg.kind = strdup("InvalidRead");
	fx->vg.what = strdup("Invalid read of size 4 <&>");
	fx->vg.stack = strdup("main (main.c:10)\nbad\x01 (x.c:2)");
	struct run_result *r = &fx->r;
	r->host = "127.0.0.1";
	r->port = 6667;
	r->spawn_cmd = "bin/refircd -p {port}";
	snprintf(r->server_name, sizeof r->server_name, "irc.\xff" "example");
	snprintf(r->server_version, sizeof r->server_version, "refircd-1.0");
	r->started_unix = 1700000000;
	r->duration_ms = 1234;
	r->cases = fx->cr;
	r->ncases = FIX_CASES;
	r->vg = &fx->vg;
	r->nvg = 1;
}

static void fixture_free(struct fixture *fx)
{
	for (int i = 0; i < FIX_CASES; i++) {
		free_case((struct casefile *)fx->cr[i].c);
		free(fx->cr[i].message);
		free(fx->cr[i].server_tail);
		transcript_free(&fx->cr[i].tr);
	}
	free(fx->vg.kind);
	free(fx->vg.what);
	free(fx->vg.stack);
}

/* ---- JSON escaping ---- */

static char *json_of(const char *s, size_t len)
{
	struct capture c;
	cap_open(&c);
	json_write_string(c.f, s, len);
	cap_close(&c);
	return c.buf;
}

static void want_json(const char *in, size_t len, const char *want, int line)
{
	char *got = json_of(in, len);
	check_str(line, "json_write_string", got, want);
	free(got);
}

static void test_json_every_byte(void)
{
	for (int b = 0; b < 256; b++) {
		char in = (char)b, want[16];
		if (b == '"' || b == '\\')
			snprintf(want, sizeof want, "\"\\%c\"", b);
		else if (b == '\n' || b == '\r' || b == '\t')
			snprintf(want, sizeof want, "\"\\%c\"", b == '\n' ? 'n' : b == '\r' ? 'r' : 't');
		else if (b < 0x20 || b >= 0x7f)
			snprintf(want, sizeof want, "\"\\u%04x\"", b);
		else
			snprintf(want, sizeof want, "\"%c\"", b);
		want_json(&in, 1, want, __LINE__);
	}
	/* All 256 bytes in a row: nothing but printable ASCII may come out. */
	char all[256];
	for (int b = 0; b < 256; b++)
		all[b] = (char)b;
	char *got = json_of(all, sizeof all);
	bool ascii = true;
	for (const char *p = got; *p; p++)
		ascii = ascii && *p >= 0x20 && *p < 0x7f;
	CHECK(ascii);
	CHECK(strstr(got, "\\u0000\\u0001") == got + 1);
	free(got);
}

static void test_json_utf8(void)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{"\xc3\xa9", "\"\xc3\xa9\""},                       /* é kept */
		{"\xe2\x82\xac", "\"\xe2\x82\xac\""},               /* € kept */
		{"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},       /* U+1F600 kept */
		{"\xc0\x80", "\"\\u00c0\\u0080\""},                 /* overlong NUL */
		{"\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""},      /* overlong '/' */
		{"\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""},      /* surrogate */
		{"\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""}, /* > U+10FFFF */
		{"\xf5\x80", "\"\\u00f5\\u0080\""},
		{"a\xe2\x82", "\"a\\u00e2\\u0082\""},               /* cut short */
		{"\xe2\x82x", "\"\\u00e2\\u0082x\""},
		{"\x80", "\"\\u0080\""},                            /* stray continuation */
		{"\xff\xfe", "\"\\u00ff\\u00fe\""},
		{"\xc2\xa0", "\"\xc2\xa0\""},                       /* U+00A0 kept */
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		want_json(v[i].in, strlen(v[i].in), v[i].want, __LINE__);
	CHECK(report_utf8_len((const unsigned char *)"\xe2\x82\xac", 2) == 0);
	CHECK(report_utf8_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4) == 4);
}

/* ---- transcript ---- */

static void test_transcript_escape(void)
{
	struct transcript t = {0};
	const char in[] = "a\r\n\t\\\x01\xff\x7f \0z";
	transcript_add(&t, 5, "client-name-longer-than-thirty-one-bytes", T_RECV, in, sizeof in - 1);
	CHECK(t.n == 1);
	CHECK_STR(t.e[0].data, "a\\r\\n\\t\\\\\\x01\\xff\\x7f \\x00z");
	CHECK(strlen(t.e[0].client) == sizeof t.e[0].client - 1);
	CHECK(t.e[0].t_ms == 5 && t.e[0].dir == T_RECV);
	transcript_add(&t, 6, NULL, T_EVENT, NULL, 10);
	CHECK(t.n == 2);
	CHECK_STR(t.e[1].data, "");
	CHECK_STR(t.e[1].client, "");
	CHECK_STR(tdir_name(T_SEND), "send");
	CHECK_STR(tdir_name(T_EVENT), "event");
	CHECK_STR(verdict_name(V_CRASH), "crash");
	CHECK_STR(verdict_name(V_SKIP), "skip");
	transcript_free(&t);
	CHECK(t.n == 0 && t.e == NULL && t.bytes == 0);
}

static void test_transcript_huge_entry(void)
{
	struct transcript t = {0};
	size_t len = 1 << 20;
	char *big = malloc(len);
	if (!big)
		exit(2);
	memset(big, 0xfe, len);
	transcript_add(&t, 0, "a", T_RECV, big, len);
	CHECK(t.n == 1);
	CHECK(strlen(t.e[0].data) < 4096);
	CHECK(strstr(t.e[0].data, "more bytes]") != NULL);
	CHECK(strncmp(t.e[0].data, "\\xfe\\xfe", 8) == 0);
	free(big);
	transcript_free(&t);
}

static void test_transcript_bounded(void)
{
	struct transcript t = {0};
	size_t max_n = 0, max_bytes = 0;
	for (long i = 0; i < FLOOD_ENTRIES; i++) {
		char line[160];
		snprintf(line, sizeof line, "line %ld %0100d", i, 0);
		add_line(&t, i, "b", T_RECV, line);
		max_bytes = t.bytes > max_bytes ? t.bytes : max_bytes;
		max_n = t.n > max_n ? t.n : max_n;
	}
	CHECK(max_bytes <= TRANSCRIPT_MAX_BYTES);
	CHECK(t.dropped > 0);
	CHECK(t.n + t.dropped == FLOOD_ENTRIES);
	CHECK(t.n >= TRANSCRIPT_TAIL + 1);
	CHECK(max_n * 100 <= TRANSCRIPT_MAX_BYTES);
	size_t gap = report_transcript_gap(&t);
	CHECK(gap == t.n - TRANSCRIPT_TAIL);
	/* The head is the start in order; the tail is the very end in order. */
	for (size_t i = 0; i < t.n; i++) {
		long want = i < gap ? (long)i : FLOOD_ENTRIES - (long)(t.n - i);
		if (t.e[i].t_ms != want) {
			fprintf(stderr, "FAIL entry %zu: t_ms %ld, want %ld\n", i, t.e[i].t_ms, want);
			failed++;
			break;
		}
	}
	checks++;
	transcript_free(&t);

	/* A flood of empty lines is bounded too: each entry has a cost. */
	for (long i = 0; i < FLOOD_ENTRIES; i++)
		transcript_add(&t, i, "c", T_RECV, "", 0);
	CHECK(t.bytes <= TRANSCRIPT_MAX_BYTES);
	CHECK(t.n * sizeof(struct tentry) <= TRANSCRIPT_MAX_BYTES);
	CHECK(t.e[0].t_ms == 0 && t.e[t.n - 1].t_ms == FLOOD_ENTRIES - 1);
	transcript_free(&t);
}

/* ---- -k ---- */

static void test_select_match(void)
{
	struct casefile *c = mk_case("nick-in-use", "t", LEVEL_MUST, "rfc2812:3.1.2,rfc1459:4.1.2",
				     "nick,registration");
	struct casefile *d = mk_case("join-x", "t", LEVEL_MAY, "rfc2812:3.21,rfc2812:3.2", "join");
	static const struct {
		const char *expr;
		bool c, d;
	} v[] = {
		{"nick-in-use", true, false},      {"nick-*", true, false},
		{"*-x", false, true},              {"nick", true, false},
		{"MUST", true, false},             {"must", true, false},
		{"May", false, true},              {"SHOULD", false, false},
		{"rfc2812:3.1", true, false},      {"rfc2812:3.1.2", true, false},
		{"RFC2812:3.1", true, false},      {"rfc2812:3", true, true},
		{"rfc2812", true, true},           {"rfc281", false, false},
		{"rfc2812:3.1.2.4", false, false}, {"rfc2812:3.2", false, true},
		{"rfc2812:3.21", false, true},     {"rfc2812:3.1.", true, false},
		{"rfc1459", true, false},          {"MUST and not nick", false, false},
		{"MUST and not split", true, false}, {"split or nick", true, false},
		{"split, join", false, true},      {"split,nick", true, false},
		{"not (split or join)", true, false}, {"not not MUST", true, false},
		{"(MAY or SHOULD) and nick", false, false},
		{"nick and registration and MUST", true, false},
		/* "and" binds tighter than "or": nick or (split and MAY) */
		{"nick or split and MAY", true, false},
		{"(nick or join) and MAY", false, true},
		{"  ( ( nick ) )  ", true, false},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char err[128] = "";
		struct select_expr *e = select_compile(v[i].expr, err, sizeof err);
		checks++;
		if (!e) {
			failed++;
			fprintf(stderr, "FAIL -k '%s': %s\n", v[i].expr, err);
			continue;
		}
		if (select_match(e, c) != v[i].c || select_match(e, d) != v[i].d) {
			failed++;
			fprintf(stderr, "FAIL -k '%s': matched nick-in-use=%d join-x=%d, want %d %d\n",
				v[i].expr, select_match(e, c), select_match(e, d), v[i].c, v[i].d);
		}
		select_free(e);
	}
	CHECK(select_match(NULL, c));
	free_case(c);
	free_case(d);
}

static void test_select_errors(void)
{
	char deep[200], big[SELECT_EXPR_MAX + 2];
	memset(deep, '(', 70);
	snprintf(deep + 70, sizeof deep - 70, "a");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	static const char *const exprs[][2] = {
		{"", "-k: empty expression"},
		{"   ", "-k: empty expression"},
		{"a and )", "-k: unexpected ')' at column 7"},
		{"a and", "-k: expected a term at the end of the expression"},
		{"not", "-k: expected a term at the end of the expression"},
		{"(a", "-k: missing ')' for the '(' at column 1"},
		{"x or (a", "-k: missing ')' for the '(' at column 6"},
		{"a )", "-k: unexpected ')' at column 3"},
		{"a b", "-k: expected 'and', 'or' or ',' before 'b' at column 3"},
		{"a not b", "-k: expected 'and', 'or' or ',' before 'not' at column 3"},
		{"(a b)", "-k: expected ')' before 'b' at column 4"},
		{",a", "-k: unexpected ',' at column 1"},
		{"a or or b", "-k: unexpected 'or' at column 6"},
		{"()", "-k: unexpected ')' at column 2"},
	};
	for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		char err[128] = "";
		struct select_expr *e = select_compile(exprs[i][0], err, sizeof err);
		CHECK(e == NULL);
		select_free(e);
		check_str(__LINE__, exprs[i][0], err, exprs[i][1]);
	}
	char err[128] = "";
	CHECK(select_compile(deep, err, sizeof err) == NULL);
	CHECK_STR(err, "-k: nested deeper than 64 at column 65");
	CHECK(select_compile(big, err, sizeof err) == NULL);
	CHECK(strstr(err, "longer than") != NULL);
}

/* ---- baseline ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void set_run(struct run_result *r, struct case_result *cr, const enum verdict *v, size_t n,
		    struct casefile **cf)
{
	memset(r, 0, sizeof *r);
	r->host = "localhost";
	for (size_t i = 0; i < n; i++) {
		memset(&cr[i], 0, sizeof cr[i]);
		cr[i].c = cf[i];
		cr[i].verdict = v[i];
	}
	r->cases = cr;
	r->ncases = n;
}

static void test_baseline_compare(const char *dir)
{
	struct casefile *cf[5] = {
		mk_case("A", "a", LEVEL_MUST, "", ""), mk_case("B", "b", LEVEL_MUST, "", ""),
		mk_case("C", "c", LEVEL_MUST, "", ""), mk_case("D", "d", LEVEL_MUST, "", ""),
		mk_case("E", "e", LEVEL_MUST, "", ""),
	};
	static const enum verdict then[] = {V_PASS, V_FAIL, V_PASS, V_SKIP};
	static const enum verdict now[] = {V_CRASH, V_PASS, V_PASS, V_PASS, V_FAIL};
	struct case_result cr[5];
	struct run_result r;
	char path[512], err[512] = "";
	snprintf(path, sizeof path, "%s/base.json", dir);
	set_run(&r, cr, then, 4, cf);
	CHECK(report_json(&r, path, err, sizeof err) == 0);
	struct baseline b;
	CHECK(baseline_load(path, &b, err, sizeof err) == 0);
	CHECK(b.n == 4);
	CHECK_STR(baseline_status(&b, "A"), "pass");
	CHECK_STR(baseline_status(&b, "B"), "fail");
	CHECK_STR(baseline_status(&b, "D"), "skip");
	CHECK(baseline_status(&b, "E") == NULL);
	set_run(&r, cr, now, 5, cf);
	struct capture c;
	cap_open(&c);
	int reg = baseline_compare(&b, &r, c.f);
	cap_close(&c);
	CHECK(reg == 1);
	CHECK(strstr(c.buf, "Regressions (passed in the baseline and not now, or crash/error now "
			   "and not then):\n  A: pass -> crash\n"));
	CHECK(strstr(c.buf, "  B: fail -> pass\n  D: skip -> pass\n"));
	CHECK(strstr(c.buf, "New (not in the baseline):\n  E: fail\n"));
	CHECK(strstr(c.buf, "Baseline: 1 regression, 2 fixed, 1 new\n"));
	CHECK(strstr(c.buf, "C:") == NULL);
	free(c.buf);
	baseline_free(&b);
	for (int i = 0; i < 5; i++)
		free_case(cf[i]);
}

/* Loads text as a baseline and checks the error message. */
static void want_baseline_error(const char *dir, const char *text, const char *want_sub, int line)
{
	char path[512], err[512] = "", want[600];
	snprintf(path, sizeof path, "%s/bad.json", dir);
	write_file(path, text);
	struct baseline b;
	checks++;
	int rc = baseline_load(path, &b, err, sizeof err);
	snprintf(want, sizeof want, "%s%s", path, want_sub);
	if (rc == 0 || strncmp(err, want, strlen(want)) != 0) {
		failed++;
		fprintf(stderr, "FAIL harness_unit.c:%d: baseline error\n  got:  %s\n  want: %s...\n",
			line, rc == 0 ? "(loaded)" : err, want);
	}
	if (rc == 0)
		baseline_free(&b);
}

static void test_baseline_errors(const char *dir)
{
	want_baseline_error(dir, "{\"cases\": [\n  {\"id\": \"a\",\n", ":3:", __LINE__);
	want_baseline_error(dir, "{\"cases\": [}", ":1:", __LINE__);
	want_baseline_error(dir, "", ":1:", __LINE__);
	want_baseline_error(dir, "[]", ": not an ircspec JSON report", __LINE__);
	want_baseline_error(dir, "{\"cases\": {}}", ": not an ircspec JSON report", __LINE__);
	want_baseline_error(dir, "{\"cases\": [{\"id\": 1, \"status\": \"pass\"}]}",
			    ": cases[0]: expected an object", __LINE__);
	want_baseline_error(dir, "{\"cases\": [{\"id\": \"x\", \"status\": \"pass\"}, 3]}",
			    ": cases[1]: expected an object", __LINE__);
	want_baseline_error(dir, "{\"cases\": [{\"id\": \"x\", \"status\": \"good\"}]}",
			    ": cases[0]: unknown status \"good\"", __LINE__);
	want_baseline_error(dir,
			    "{\"cases\": [{\"id\": \"x\", \"status\": \"pass\"},"
			    "{\"id\": \"x\", \"status\": \"fail\"}]}",
			    ": case \"x\" appears twice", __LINE__);
	char err[512], missing[512];
	struct baseline b;
	snprintf(missing, sizeof missing, "%s/none.json", dir);
	CHECK(baseline_load(missing, &b, err, sizeof err) == -1);
	CHECK(strstr(err, "none.json: No such file") != NULL);
	unlink(missing);
}

/* ---- report files and the terminal ---- */

static void test_report_files(const char *dir)
{
	struct fixture fx;
	fixture_init(&fx);
	char path[512], err[512] = "";
	snprintf(path, sizeof path, "%s/r.json", dir);
	CHECK(report_json(&fx.r, path, err, sizeof err) == 0);
	snprintf(path, sizeof path, "%s/r.xml", dir);
	CHECK(report_junit(&fx.r, path, err, sizeof err) == 0);
	/* Nothing but the two reports (and earlier files) is left behind. */
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));)
		CHECK(strstr(de->d_name, ".tmp") == NULL);
	if (d)
		closedir(d);
	CHECK(report_json(&fx.r, "/nonexistent-dir/r.json", err, sizeof err) == -1);
	CHECK(strstr(err, "/nonexistent-dir/r.json: cannot create a temporary file") == err);
	CHECK(report_junit(&fx.r, "/nonexistent-dir/r.xml", err, sizeof err) == -1);
	fixture_free(&fx);
}

static void test_term(void)
{
	struct fixture fx;
	fixture_init(&fx);
	struct capture c;
	cap_open(&c);
	for (size_t i = 0; i < fx.r.ncases; i++)
		report_term_case(c.f, &fx.r.cases[i], false, false);
	report_term_summary(c.f, &fx.r, false, false);
	cap_close(&c);
	bool clean = true;
	for (const char *p = c.buf; *p; p++)
		clean = clean && ((unsigned char)*p >= 0x20 || *p == '\n') && *p != 0x7f;
	CHECK(clean);
	CHECK(strstr(c.buf, "  [PASS]  conn-pass  Registration completes (2 ms)\n"));
	CHECK(strstr(c.buf, "  [SKIP]  opt-skip  Optional feature (22 ms): server lacks CAP\n"));
	CHECK(strstr(c.buf, "\nFailures:\n"));
	CHECK(strstr(c.buf, "    spec: rfc2812:3.1.2 rfc1459:4.1.2  level: MUST  file: "
			    "cases/nick-hostile.case\n"));
	CHECK(strstr(c.buf, "    transcript (last 20 of 100000 entries):\n      +99980ms b < line 99980"));
	CHECK(strstr(c.buf, "      +0ms a > NICK x\n") == NULL); /* passes are not listed */
	CHECK(strstr(c.buf, "last stderr: \\x1b[31mboom\n"));
	CHECK(strstr(c.buf, "Valgrind: 1 finding\n"));
	CHECK(strstr(c.buf, "      bad\\x01 (x.c:2)\n"));
	size_t len = strlen(c.buf);
	const char *want_end = "\n(1.23 s)\n1 passed, 2 failed, 1 skipped, 1 errors, 1 crashed\n";
	CHECK(len > strlen(want_end) && strcmp(c.buf + len - strlen(want_end), want_end) == 0);
	free(c.buf);

	cap_open(&c);
	report_term_case(c.f, &fx.r.cases[0], true, true);
	report_progress(c.f, 3, 12, "conn-pass");
	report_progress_clear(c.f);
	cap_close(&c);
	CHECK(strstr(c.buf, "\033[32m✔\033[0m conn-pass"));
	CHECK(strstr(c.buf, "      +0ms a > NICK x\n      +12ms a < :irc.test 001 x :Welcome\n"));
	CHECK(strstr(c.buf, "\r\033[K[ 3/12] conn-pass\r\033[K"));
	free(c.buf);
	fixture_free(&fx);
}

static int write_mode(int argc, char **argv)
{
	struct fixture fx;
	bool color = false, verbose = false;
	int rc = 0;
	char err[512] = "";
	fixture_init(&fx);
	for (int i = 1; i < argc; i++) {
		color = color || strcmp(argv[i], "--color") == 0;
		verbose = verbose || strcmp(argv[i], "--verbose") == 0;
	}
	for (int i = 1; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "--write-json") == 0 && i + 1 < argc)
			rc = report_json(&fx.r, argv[++i], err, sizeof err);
		else if (strcmp(argv[i], "--write-junit") == 0 && i + 1 < argc)
			rc = report_junit(&fx.r, argv[++i], err, sizeof err);
		else if (strcmp(argv[i], "--write-html") == 0 && i + 1 < argc)
			rc = report_html(&fx.r, argv[++i], err, sizeof err);
		else if (strcmp(argv[i], "--write-term") == 0) {
			for (size_t k = 0; k < fx.r.ncases; k++)
				report_term_case(stdout, &fx.r.cases[k], color, verbose);
			report_term_summary(stdout, &fx.r, color, verbose);
		}
	}
	if (rc != 0)
		fprintf(stderr, "harness_unit: %s\n", err);
	fixture_free(&fx);
	return rc == 0 ? 0 : 1;
}

/* ---- vgdb: memcheck's answer to leak_check ... increased ---- */

static void test_vgdb_parse(void)
{
	static const char answer[] =
		"==7== 48 (+48) (16 (+16) direct, 32 (+32) indirect) bytes in 1 (+1) blocks are "
		"definitely lost in loss record 3 of 4\n"
		"==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
		"==7==    by 0x10DC2F: make_list (list.c:12)\n"
		"==7== \n"
		"==7== 1,032 (+32) bytes in 2 (+1) blocks are indirectly lost in loss record 4 of 4\n"
		"==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
		"==7==    by 0x10DC40: add_node (list.c:20)\n"
		"==7==\n"
		"==7== LEAK SUMMARY:\n"
		"==7==    definitely lost: 16 (+16) bytes in 1 (+1) blocks\n";
	struct vg_finding *v = NULL;
	size_t n = 0;
	CHECK(vgdb_parse_leaks(answer, sizeof answer - 1, &v, &n) == 2);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0].kind, "Leak_DefinitelyLost");
		CHECK_STR(v[0].what, "48 bytes in 1 blocks are definitely lost (new; 48 bytes in 1 "
				     "blocks from this stack in all)");
		CHECK_STR(v[0].stack, "malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
				      "make_list (list.c:12)\n");
		CHECK_STR(v[1].kind, "Leak_IndirectlyLost");
		CHECK_STR(v[1].what, "32 bytes in 1 blocks are indirectly lost (new; 1,032 bytes in "
				     "2 blocks from this stack in all)");
		CHECK_STR(v[1].stack, "malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
				      "add_node (list.c:20)\n");
	}
	vgxml_free_findings(v, n);
	v = NULL, n = 0;
	CHECK(vgdb_parse_leaks("==7== LEAK SUMMARY:\n", 20, &v, &n) == 0 && n == 0);
}

/* ---- session: the auto-PONG held across short writes ---- */

#define HELD_PINGS 6
#define TOKEN_LEN 500

/* Reads up to max bytes the peer has now into got, leaving out the bare-LF
 * filler (a kept LF always follows a CR). */
static void read_peer(int fd, size_t max, char *got, size_t gotsz, size_t *glen)
{
	char buf[65536];
	ssize_t n;
	while (max > 0 && (n = recv(fd, buf, max < sizeof buf ? max : sizeof buf,
				    MSG_DONTWAIT)) > 0) {
		max -= (size_t)n;
		for (ssize_t i = 0; i < n; i++)
			if ((buf[i] != '\n' || (*glen > 0 && got[*glen - 1] == '\r')) &&
			    *glen + 1 < gotsz)
				got[(*glen)++] = buf[i];
	}
	got[*glen] = '\0';
}

/* The socket is filled with bare LFs (empty lines), then the server PINGs:
 * the PONGs are held.  Room is made bit by bit until a PONG goes out in
 * part (a short write); then the case sends a line, which must wait for
 * that PONG to end, so the peer sees whole lines only. */
static void test_held_pong_short_write(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	/* The least send buffer (a few KB): one byte read frees room for part
	 * of the PONGs, not all (Linux takes a stream write in pieces of half
	 * the buffer while it is not full). */
	int least = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &least, sizeof least);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	struct run_env env = {.host = "unit", .timeout_ms = 2000};
	struct sclient cl = {.name = "a"};
	struct transcript tr = {0};
	struct session s;
	CHECK(sess_init(&s, &env, &cl, 1, &tr) == 0);
	struct hconn *c = &cl.conn;
	c->fd = sv[0];
	char token[TOKEN_LEN + 1], ping[TOKEN_LEN + 16];
	memset(token, 't', TOKEN_LEN);
	token[TOKEN_LEN] = '\0';
	int pl = snprintf(ping, sizeof ping, "PING :%s\r\n", token);
	for (int i = 0; i < HELD_PINGS; i++)
		CHECK(write(sv[1], ping, (size_t)pl) == pl);
	while (write(sv[0], "\n", 1) == 1)
		;
	sess_drain(&s, 0);
	CHECK(c->held_len - c->held_off == (size_t)HELD_PINGS * (TOKEN_LEN + 8));
	static char got[65536];
	size_t glen = 0;
	for (int i = 0; i < 10000 && !c->held_mid && c->held_off < c->held_len; i++) {
		read_peer(sv[1], 1, got, sizeof got, &glen);
		const char *p;
		char err[64];
		hconn_write_held(c, &p, err, sizeof err);
	}
	CHECK(c->held_mid); /* a PONG is cut by a short write */
	read_peer(sv[1], SIZE_MAX, got, sizeof got, &glen);
	const char msg[] = "PRIVMSG x :hello\r\n";
	CHECK(sess_send(&s, 0, msg, sizeof msg - 1, now_ms() + 2000) == 0);
	CHECK(!c->held_mid);
	read_peer(sv[1], SIZE_MAX, got, sizeof got, &glen);
	/* Whole lines only: the cut PONG ended before the case's line. */
	size_t pongs = 0, hellos = 0;
	for (const char *p = got; *p;) {
		const char *eol = strstr(p, "\r\n");
		CHECK(eol != NULL);
		if (!eol)
			break;
		size_t len = (size_t)(eol - p);
		bool pong = len == TOKEN_LEN + 6 && strncmp(p, "PONG :", 6) == 0 &&
			    strspn(p + 6, "t") == TOKEN_LEN;
		bool hello = len == sizeof msg - 3 && strncmp(p, msg, len) == 0;
		CHECK(pong || hello);
		pongs += pong;
		hellos += hello;
		p = eol + 2;
	}
	CHECK(hellos == 1);
	CHECK(pongs + (c->held_len - c->held_off) / (TOKEN_LEN + 8) == HELD_PINGS);
	sess_free(&s);
	transcript_free(&tr);
	close(sv[1]);
}

/* ---- the fuzz minimiser and flaky findings ---- */

struct flaky {
	unsigned calls;
	unsigned full_steps; /* test 2: an input of this many steps fails every time */
};

static bool has_send(const struct fz_input *in, char c)
{
	for (unsigned i = 0; i < in->nsteps; i++)
		if (in->step[i].kind == FZ_SEND && in->step[i].len && in->step[i].data[0] == c)
			return true;
	return false;
}

/* Test 1: fails (a crash, "SIGSEGV") when b's 'Y' line is there; with a
 * racy step in the input only every other run (the race is lost half the
 * time). */
static int try_racy(void *arg, const struct fz_input *in, struct fz_verdict *v)
{
	struct flaky *f = arg;
	memset(v, 0, sizeof *v);
	bool hit = has_send(in, 'Y') && (!fz_input_racy(in) || f->calls % 2 == 0);
	f->calls++;
	if (hit) {
		v->fault = FZ_CRASH;
		snprintf(v->sig, sizeof v->sig, "SIGSEGV");
	}
	return 0;
}

/* Test 2: the whole input fails every time, any smaller one every other
 * run (it fails by luck). */
static int try_lucky(void *arg, const struct fz_input *in, struct fz_verdict *v)
{
	struct flaky *f = arg;
	memset(v, 0, sizeof *v);
	bool hit = in->nsteps == f->full_steps || f->calls % 2 == 0;
	f->calls++;
	if (hit) {
		v->fault = FZ_CRASH;
		snprintf(v->sig, sizeof v->sig, "SIGSEGV");
	}
	return 0;
}

static void add_step(struct fz_input *in, unsigned kind, unsigned who, const char *data, bool racy)
{
	struct fz_step *st = &in->step[in->nsteps++];
	memset(st, 0, sizeof *st);
	st->kind = (unsigned char)kind;
	st->who = (unsigned char)who;
	st->racy = racy;
	if (data)
		CHECK(fz_step_set_data(st, (const unsigned char *)data, strlen(data)) == 0);
}

static void flaky_input(struct fz_input *in)
{
	memset(in, 0, sizeof *in);
	in->nclients = 2;
	add_step(in, FZ_REGISTER, 1, NULL, false);
	add_step(in, FZ_REGISTER, 2, NULL, false);
	add_step(in, FZ_SEND, 1, "X1\r\n", false);
	add_step(in, FZ_SEND, 1, "X2\r\n", false);
	add_step(in, FZ_SEND, 2, "Y\r\n", true); /* races a's lines */
	add_step(in, FZ_SEND, 1, "X3\r\n", false);
}

static void test_minimise_flaky(void)
{
	struct fz_verdict want = {.fault = FZ_CRASH, .sig = "SIGSEGV"};
	struct fz_min_limits lim = {500, 0};
	struct fz_input in;
	struct flaky f = {0, 0};
	/* The failure does not need the race: the reproducer takes turns. */
	flaky_input(&in);
	fz_minimise(try_racy, &f, &in, &want, &lim);
	CHECK(!fz_input_racy(&in));
	CHECK(has_send(&in, 'Y'));
	CHECK(in.nsteps < 6);
	for (unsigned i = 0; i < 6; i++) {
		struct fz_verdict v;
		try_racy(&f, &in, &v);
		CHECK(v.fault == FZ_CRASH);
	}
	fz_input_free(&in);
	/* Every smaller input fails only by luck: the whole one is kept. */
	flaky_input(&in);
	for (unsigned i = 0; i < in.nsteps; i++)
		in.step[i].racy = 0;
	f = (struct flaky){0, in.nsteps};
	fz_minimise(try_lucky, &f, &in, &want, &lim);
	CHECK(in.nsteps == 6);
	CHECK(has_send(&in, 'X') && has_send(&in, 'Y'));
	fz_input_free(&in);
}

/* fz_map_novel skips empty words: the same answer as byte by byte, for
 * hits at every offset of a word, at the ends, in maps of odd length. */
static unsigned novel_by_byte(uint8_t *virgin, const uint8_t *trace, size_t n)
{
	unsigned fresh = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = trace[i];
		uint8_t b = c == 0 ? 0 : c == 1 ? 1 : c == 2 ? 2 : c == 3 ? 4 : c < 8 ? 8 : c < 16 ? 16
			  : c < 32 ? 32 : c < 128 ? 64 : 128;
		if (b && !(virgin[i] & b)) {
			virgin[i] |= b;
			fresh++;
		}
	}
	return fresh;
}

static void test_map_novel(void)
{
	static uint8_t trace[203], v1[203], v2[203];
	unsigned seed = 1;
	for (int round = 0; round < 400; round++) {
		size_t n = round < 200 ? sizeof trace : 1 + (size_t)round % 17;
		memset(trace, 0, sizeof trace);
		for (int k = 0; k < 1 + round % 5; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = round % 7 == 0 ? n - 1 : (seed >> 8) % n;
			trace[at] = (uint8_t)(1 + (seed >> 20) % 255);
		}
		if (round % 50 == 0)
			memset(v1, 0, sizeof v1), memset(v2, 0, sizeof v2);
		unsigned a = fz_map_novel(v1, trace, n), b = novel_by_byte(v2, trace, n);
		CHECK(a == b);
		CHECK(memcmp(v1, v2, sizeof v1) == 0);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return write_mode(argc, argv);
	char dir[] = "/tmp/harness_unit.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_json_every_byte();
	test_json_utf8();
	test_transcript_escape();
	test_transcript_huge_entry();
	test_transcript_bounded();
	test_select_match();
	test_select_errors();
	test_baseline_compare(dir);
	test_baseline_errors(dir);
	test_report_files(dir);
	test_term();
	test_vgdb_parse();
	test_held_pong_short_write();
	test_minimise_flaky();
	test_map_novel();
	const char *names[] = {"base.json", "bad.json", "r.json", "r.xml"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	printf("harness_unit: %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
