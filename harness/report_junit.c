/* report_junit.c - JUnit XML, in the dialect Jenkins and GitLab read:
 *
 *   <testsuites ...><testsuite name="ircspec" tests failures errors skipped time>
 *     <testcase classname="ircspec.<first spec or level>" name="<id>: <title>" time>
 *       <failure message type="fail"> | <error message type="error"|"crash">
 *       | <skipped message/>
 *       <system-out>the transcript</system-out>
 *     </testcase>
 *
 * A crash is an <error> whose message starts with "crash:" (JUnit has no
 * crash verdict).  Valgrind findings become one more failing testcase,
 * "valgrind", because any finding fails the run.  Everything is escaped,
 * and what XML 1.0 cannot carry at all (controls other than tab, LF, CR;
 * bytes that are not UTF-8; U+FFFE/U+FFFF) is written as "\xNN" text. */
#include "report.h"

#include <string.h>

static void xml_hex(FILE *f, const unsigned char *p, size_t k)
{
	for (size_t j = 0; j < k; j++)
		fprintf(f, "\\x%02x", p[j]);
}

/* Writes s[0..len) escaped for XML text, or for a double-quoted attribute
 * when attr (where tab, LF and CR must be character references, or the
 * parser's attribute normalization turns them into spaces). */
static void xml_write(FILE *f, const char *s, size_t len, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t k = report_utf8_len(p + i, len - i);
		if (k == 0) {
			xml_hex(f, p + i, 1);
			k = 1;
		} else if (c == '&') {
			fputs("&amp;", f);
		} else if (c == '<') {
			fputs("&lt;", f);
		} else if (c == '>') {
			fputs("&gt;", f);
		} else if (c == '"') {
			fputs("&quot;", f);
		} else if (c == '\t' || c == '\n' || c == '\r') {
			/* A raw CR in text would be read back as LF. */
			if (attr || c == '\r')
				fprintf(f, "&#%d;", c);
			else
				fputc(c, f);
		} else if (c < 0x20) {
			xml_hex(f, p + i, 1);
		} else if (k == 3 && c == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe) {
			xml_hex(f, p + i, 3); /* U+FFFE, U+FFFF: not XML characters */
		} else {
			fwrite(p + i, 1, k, f);
		}
		i += k;
	}
}

static void xml_text(FILE *f, const char *s)
{
	if (s)
		xml_write(f, s, strlen(s), false);
}

static void xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	if (value)
		xml_write(f, value, strlen(value), true);
	fputc('"', f);
}

/* Seconds with milliseconds, without printf's %f: the decimal point must
 * not follow the locale. */
static void xml_time_attr(FILE *f, long ms)
{
	if (ms < 0)
		ms = 0;
	fprintf(f, " time=\"%ld.%03ld\"", ms / 1000, ms % 1000);
}

static void junit_transcript(FILE *f, const struct transcript *t)
{
	size_t gap = report_transcript_gap(t);
	fputs("<system-out>", f);
	for (size_t i = 0; i <= t->n; i++) {
		if (i == gap)
			fprintf(f, "... %zu entries dropped ...\n", t->dropped);
		if (i == t->n)
			break;
		const struct tentry *e = &t->e[i];
		fprintf(f, "+%ldms ", e->t_ms);
		xml_text(f, e->client);
		char mark[4] = {' ', report_dir_mark(e->dir), ' ', '\0'};
		xml_text(f, mark); /* '<' and '>' need escaping too */
		xml_text(f, e->data);
		fputc('\n', f);
	}
	fputs("</system-out>\n", f);
}

/* The failure, error or skipped element for a verdict; nothing for pass. */
static void junit_outcome(FILE *f, const struct case_result *cr)
{
	const char *msg = cr->message ? cr->message : "";
	if (cr->verdict == V_PASS)
		return;
	if (cr->verdict == V_SKIP) {
		fputs("<skipped", f);
		xml_attr(f, "message", msg);
		fputs("/>\n", f);
		return;
	}
	const char *elem = cr->verdict == V_FAIL ? "failure" : "error";
	fprintf(f, "<%s type=\"%s\" message=\"%s", elem, verdict_name(cr->verdict),
		cr->verdict == V_CRASH ? "crash: " : "");
	xml_write(f, msg, strlen(msg), true);
	fputs("\">", f);
	xml_text(f, msg);
	fprintf(f, "</%s>\n", elem);
}

static void junit_case(FILE *f, const struct case_result *cr)
{
	const struct casefile *c = cr->c;
	char classname[128], name[sizeof c->id + sizeof c->title + 2];
	snprintf(classname, sizeof classname, "ircspec.%s",
		 c->nspecs ? c->specs[0] : level_name(c->level));
	snprintf(name, sizeof name, "%s: %s", c->id, c->title);
	fputs("<testcase", f);
	xml_attr(f, "classname", classname);
	xml_attr(f, "name", name);
	if (c->path)
		xml_attr(f, "file", c->path);
	xml_time_attr(f, cr->duration_ms);
	fputs(">\n", f);
	junit_outcome(f, cr);
	junit_transcript(f, &cr->tr);
	fputs("</testcase>\n", f);
}

static bool valgrind_failed(const struct run_result *r)
{
	return r->nvg > 0 || r->vg_failed;
}

static void junit_valgrind(FILE *f, const struct run_result *r)
{
	char msg[128];
	if (r->nvg)
		snprintf(msg, sizeof msg, "%zu Valgrind finding%s", r->nvg, r->nvg == 1 ? "" : "s");
	else
		snprintf(msg, sizeof msg, "Valgrind's report of the server could not be read");
	fputs("<testcase classname=\"ircspec.valgrind\" name=\"valgrind: memcheck of the server\""
	      " time=\"0.000\">\n<failure type=\"valgrind\"", f);
	xml_attr(f, "message", msg);
	fputs(">", f);
	for (size_t i = 0; i < r->nvg; i++) {
		xml_text(f, r->vg[i].kind);
		fputs(": ", f);
		xml_text(f, r->vg[i].what);
		fputc('\n', f);
		xml_text(f, r->vg[i].stack);
		fputs("\n\n", f);
	}
	fputs("</failure>\n</testcase>\n", f);
}

/* The server's sanitizer report at exit, after several cases. */
static void junit_exit_report(FILE *f, const struct run_result *r)
{
	char msg[160];
	snprintf(msg, sizeof msg, "the server's sanitizer report at exit (%s)", r->exit_sig);
	fputs("<testcase classname=\"ircspec.server\" name=\"server: sanitizer report at exit\""
	      " time=\"0.000\">\n<failure type=\"sanitizer\"", f);
	xml_attr(f, "message", msg);
	fputs(">", f);
	xml_text(f, r->exit_report);
	fputs("</failure>\n</testcase>\n", f);
}

static void junit_property(FILE *f, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	fputs("<property", f);
	xml_attr(f, "name", name);
	xml_attr(f, "value", value);
	fputs("/>\n", f);
}

static void junit_properties(FILE *f, const struct run_result *r)
{
	char target[300];
	snprintf(target, sizeof target, "%s:%u", r->host ? r->host : "", r->port);
	fputs("<properties>\n", f);
	junit_property(f, "target", target);
	junit_property(f, "spawn", r->spawn_cmd);
	junit_property(f, "server_name", r->server_name);
	junit_property(f, "server_version", r->server_version);
	junit_property(f, "deadline_hit", r->deadline_hit ? "true" : "false");
	fputs("</properties>\n", f);
}

/* The counts attributes, shared by <testsuites> and <testsuite>. */
static void junit_counts(FILE *f, const struct run_result *r)
{
	size_t n[REPORT_NVERDICTS];
	report_count(r, n);
	size_t extra = (valgrind_failed(r) ? 1 : 0) + (r->exit_report ? 1 : 0);
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"",
		r->ncases + extra, n[V_FAIL] + extra, n[V_ERROR] + n[V_CRASH], n[V_SKIP]);
	xml_time_attr(f, r->duration_ms);
}

int report_junit(const struct run_result *r, const char *path, char *err, size_t errsz)
{
	struct report_file rf;
	if (report_file_open(&rf, path, err, errsz) != 0)
		return -1;
	FILE *f = rf.f;
	char started[32];
	report_iso_time(r->started_unix, started, sizeof started);
	/* JUnit's schema takes the time without a zone (UTC here). */
	started[strcspn(started, "Z")] = '\0';
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ircspec\"", f);
	junit_counts(f, r);
	fputs(">\n<testsuite name=\"ircspec\"", f);
	junit_counts(f, r);
	xml_attr(f, "timestamp", started);
	xml_attr(f, "hostname", r->host);
	fputs(">\n", f);
	junit_properties(f, r);
	for (size_t i = 0; i < r->ncases; i++)
		junit_case(f, &r->cases[i]);
	if (valgrind_failed(r))
		junit_valgrind(f, r);
	if (r->exit_report)
		junit_exit_report(f, r);
	fputs("</testsuite>\n</testsuites>\n", f);
	return report_file_commit(&rf, err, errsz);
}
