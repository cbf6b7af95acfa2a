/* report_json.c - the JSON report, and the plumbing every report shares:
 * UTF-8 checking, atomic output files, counts.
 *
 * Shape (also read back by --baseline, see baseline.c):
 *   {"target":{"host","port","spawn","server_name","server_version"},
 *    "started","duration_ms","deadline_hit","stopped_early",
 *    "summary":{"passed","failed","skipped","errors","crashed","total"},
 *    "valgrind":[{"kind","what","stack"}],
 *    "server_exit_report":{"signature","output"} or null,
 *    "cases":[{"id","file","title","spec":[..],"level","tags":[..],"status",
 *              "message","duration_ms",
 *              "transcript":[{"t_ms","client","dir","data"}],
 *              "server_tail","leaks":[{"kind","what","stack"}],
 *              "valgrind_errors":[{"kind","what","stack"}]}]}
 * ("server_tail": the spawned server's last output lines when a case that
 * did not pass ended; "leaks" and "valgrind_errors": --valgrind's leaks and
 * memcheck errors pinned on the case.  A finding new while several cases
 * ran at once that none of them repeated alone is on each of them, with
 * "group":[ids of those cases], see leakpin.h.  "server_exit_report": a
 * sanitizer report the server printed when stopped after several cases,
 * see exitreport.h; after one case alone it is that case's crash.)
 * Unknown values are null.  Where a transcript lost entries for size, an
 * "event" entry "... N entries dropped ..." stands in the gap, so the shape
 * stays the same. */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- UTF-8 ---- */

size_t report_utf8_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0; /* continuation byte, C0/C1 (always overlong), F5-FF */
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* ---- JSON values ---- */

void json_write_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t k = report_utf8_len(p + i, len - i);
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c == 0x7f || k == 0) {
			/* A byte that is not UTF-8 is shown as the code point of the
			 * same number: lossless to read, and the file stays valid. */
			fprintf(f, "\\u%04x", c);
			k = 1;
		} else {
			fwrite(p + i, 1, k, f);
		}
		i += k ? k : 1;
	}
	fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
	json_write_string(f, s, strlen(s));
}

/* A string, or null when it is absent or empty (not learned). */
static void json_str_or_null(FILE *f, const char *s)
{
	if (s && *s)
		json_str(f, s);
	else
		fputs("null", f);
}

/* ---- shared report plumbing ---- */

void report_iso_time(long unix_time, char *out, size_t outsz)
{
	time_t t = (time_t)unix_time;
	struct tm tm;
	if (outsz == 0)
		return;
	if (!gmtime_r(&t, &tm) || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outsz, "%ld", unix_time);
}

char report_dir_mark(enum tdir d)
{
	return d == T_SEND ? '>' : d == T_RECV ? '<' : '*';
}

void report_count(const struct run_result *r, size_t counts[REPORT_NVERDICTS])
{
	memset(counts, 0, REPORT_NVERDICTS * sizeof counts[0]);
	for (size_t i = 0; i < r->ncases; i++)
		if ((unsigned)r->cases[i].verdict < REPORT_NVERDICTS)
			counts[r->cases[i].verdict]++;
}

int report_file_open(struct report_file *rf, const char *path, char *err, size_t errsz)
{
	rf->path = path;
	rf->tmp[0] = '\0';
	if (strcmp(path, "-") == 0) {
		rf->f = stdout;
		return 0;
	}
	/* Same directory as the target, so rename() is atomic. */
	int n = snprintf(rf->tmp, sizeof rf->tmp, "%s.tmpXXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof rf->tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	int fd = mkstemp(rf->tmp);
	if (fd < 0) {
		snprintf(err, errsz, "%s: cannot create a temporary file: %s", path, strerror(errno));
		return -1;
	}
	/* mkstemp makes the file 0600; a report is as readable as any file
	 * the user creates.  umask can only be read by setting it. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask); /* if it fails, the report is merely private */
	rf->f = fdopen(fd, "w");
	if (!rf->f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(rf->tmp);
		return -1;
	}
	return 0;
}

int report_file_commit(struct report_file *rf, char *err, size_t errsz)
{
	if (rf->f == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			snprintf(err, errsz, "standard output: write error");
			return -1;
		}
		return 0;
	}
	const char *why = ferror(rf->f) ? "write error" : NULL;
	if (fclose(rf->f) != 0 && !why)
		why = strerror(errno);
	rf->f = NULL;
	if (!why && rename(rf->tmp, rf->path) != 0)
		why = strerror(errno);
	if (why) {
		snprintf(err, errsz, "%s: cannot write: %s", rf->path, why);
		unlink(rf->tmp);
		return -1;
	}
	return 0;
}

/* ---- the report ---- */

size_t report_transcript_gap(const struct transcript *t)
{
	if (!t->dropped)
		return SIZE_MAX;
	return t->n >= TRANSCRIPT_TAIL ? t->n - TRANSCRIPT_TAIL : 0;
}

static void json_entry(FILE *f, bool *first, long t_ms, const char *client, const char *dir,
		       const char *data)
{
	fprintf(f, "%s\n    {\"t_ms\":%ld,\"client\":", *first ? "" : ",", t_ms);
	*first = false;
	json_str(f, client);
	fputs(",\"dir\":", f);
	json_str(f, dir);
	fputs(",\"data\":", f);
	json_str(f, data);
	fputc('}', f);
}

static void json_transcript(FILE *f, const struct transcript *t)
{
	size_t gap = report_transcript_gap(t);
	bool first = true;
	fputc('[', f);
	for (size_t i = 0; i <= t->n; i++) {
		if (i == gap) {
			char note[64];
			snprintf(note, sizeof note, "... %zu entries dropped ...", t->dropped);
			json_entry(f, &first, i > 0 ? t->e[i - 1].t_ms : 0, "", "event", note);
		}
		if (i == t->n)
			break;
		const struct tentry *e = &t->e[i];
		json_entry(f, &first, e->t_ms, e->client, tdir_name(e->dir), e->data ? e->data : "");
	}
	fputc(']', f);
}

static void json_findings(FILE *f, const struct vg_finding *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  {\"kind\":" : "\n  {\"kind\":", f);
		json_str_or_null(f, v[i].kind);
		fputs(",\"what\":", f);
		json_str_or_null(f, v[i].what);
		fputs(",\"stack\":", f);
		json_str_or_null(f, v[i].stack);
		for (const char *g = v[i].group; g && *g;) {
			size_t l = strcspn(g, " ");
			char id[sizeof ((struct casefile *)0)->id];
			snprintf(id, sizeof id, "%.*s", (int)l, g);
			fputs(g == v[i].group ? ",\"group\":[" : ",", f);
			json_str(f, id);
			g += l + (g[l] == ' ');
			if (!*g)
				fputc(']', f);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_case(FILE *f, const struct case_result *cr)
{
	const struct casefile *c = cr->c;
	fputs("\n  {\"id\":", f);
	json_str(f, c->id);
	fputs(",\"file\":", f);
	json_str_or_null(f, c->path);
	fputs(",\"title\":", f);
	json_str(f, c->title);
	fputs(",\"spec\":[", f);
	for (unsigned i = 0; i < c->nspecs; i++) {
		if (i)
			fputc(',', f);
		json_str(f, c->specs[i]);
	}
	fputs("],\"level\":", f);
	json_str(f, level_name(c->level));
	fputs(",\"tags\":[", f);
	for (unsigned i = 0; i < c->ntags; i++) {
		if (i)
			fputc(',', f);
		json_str(f, c->tags[i]);
	}
	fputs("],\"status\":", f);
	json_str(f, verdict_name(cr->verdict));
	fputs(",\"message\":", f);
	json_str_or_null(f, cr->message);
	fprintf(f, ",\"duration_ms\":%ld,\"transcript\":", cr->duration_ms);
	json_transcript(f, &cr->tr);
	fputs(",\"server_tail\":", f);
	json_str_or_null(f, cr->server_tail);
	fputs(",\"leaks\":", f);
	json_findings(f, cr->leaks, cr->nleaks);
	fputs(",\"valgrind_errors\":", f);
	json_findings(f, cr->errs, cr->nerrs);
	fputc('}', f);
}

static void json_head(FILE *f, const struct run_result *r)
{
	char started[32];
	size_t n[REPORT_NVERDICTS];
	report_count(r, n);
	report_iso_time(r->started_unix, started, sizeof started);
	fputs("{\"target\":{\"host\":", f);
	json_str_or_null(f, r->host);
	fprintf(f, ",\"port\":%u,\"spawn\":", r->port);
	json_str_or_null(f, r->spawn_cmd);
	fputs(",\"server_name\":", f);
	json_str_or_null(f, r->server_name);
	fputs(",\"server_version\":", f);
	json_str_or_null(f, r->server_version);
	fputs("},\n\"started\":", f);
	json_str(f, started);
	fprintf(f, ",\"duration_ms\":%ld,\"deadline_hit\":%s,\"stopped_early\":%s,\n",
		r->duration_ms, r->deadline_hit ? "true" : "false",
		r->stopped_early ? "true" : "false");
	fprintf(f, "\"summary\":{\"passed\":%zu,\"failed\":%zu,\"skipped\":%zu,\"errors\":%zu,"
		   "\"crashed\":%zu,\"total\":%zu},\n",
		n[V_PASS], n[V_FAIL], n[V_SKIP], n[V_ERROR], n[V_CRASH], r->ncases);
}

static void json_findings(FILE *f, const struct vg_finding *v, size_t n);

static void json_valgrind(FILE *f, const struct run_result *r)
{
	fputs("\"valgrind\":", f);
	json_findings(f, r->vg, r->nvg);
	fputs(",\n\"server_exit_report\":", f);
	if (r->exit_report) {
		fputs("{\"signature\":", f);
		json_str(f, r->exit_sig);
		fputs(",\"output\":", f);
		json_str(f, r->exit_report);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fputs(",\n", f);
}

int report_json(const struct run_result *r, const char *path, char *err, size_t errsz)
{
	struct report_file rf;
	if (report_file_open(&rf, path, err, errsz) != 0)
		return -1;
	FILE *f = rf.f;
	json_head(f, r);
	json_valgrind(f, r);
	fputs("\"cases\":[", f);
	for (size_t i = 0; i < r->ncases; i++) {
		if (i)
			fputc(',', f);
		json_case(f, &r->cases[i]);
	}
	fputs("\n]}\n", f);
	return report_file_commit(&rf, err, errsz);
}
