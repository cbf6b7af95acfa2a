/* html.c - escaping, the shared page frame, and the atomic report
 * directory (see html.h). */
#define _GNU_SOURCE /* renameat2, nftw */
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "result.h"

/* ---- text ---- */

void html_text(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t k = report_utf8_len(p + i, len - i);
		bool c1 = k == 2 && c == 0xc2 && p[i + 1] < 0xa0;
		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if (c == '\n' || c == '\t')
			fputc(c, f);
		else if (k == 0 || c1 || c < 0x20 || c == 0x7f) {
			fprintf(f, "\\x%02x", c);
			k = 1;
		} else {
			fwrite(p + i, 1, k, f);
		}
		i += k ? k : 1;
	}
}

void html_str(FILE *f, const char *s)
{
	if (s)
		html_text(f, s, strlen(s));
}

/* ---- the page frame ---- */

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 2em;color:#222;background:#fff}"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}"
	"table{border-collapse:collapse;width:100%}"
	"td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}"
	"th{background:#f4f4f4}a{color:#0645ad}"
	"code,pre,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}"
	"pre{background:#f8f8f8;border:1px solid #ddd;padding:8px;white-space:pre-wrap;"
	"word-break:break-all}"
	".badge{display:inline-block;min-width:3.5em;text-align:center;border-radius:3px;"
	"padding:0 4px;color:#fff;font-weight:bold}"
	".pass{background:#2e7d32}.fail{background:#c62828}.skip{background:#9e9e9e}"
	".error{background:#8e24aa}.crash{background:#000}.leak{background:#e65100}"
	".filters{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #ccc}"
	".filters label{margin-right:1em}"
	".summary span{margin-right:1.5em}"
	".tr td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;"
	"white-space:pre-wrap;word-break:break-all}"
	".tr td.n,.tr td.t{color:#888;text-align:right;white-space:nowrap}"
	".c0{background:#e3f2fd}.c1{background:#fff3e0}.c2{background:#e8f5e9}"
	".c3{background:#f3e5f5}.c4{background:#fffde7}.c5{background:#e0f7fa}"
	".c6{background:#fce4ec}.c7{background:#f1f8e9}.ev{color:#666;font-style:italic}"
	".exp{color:#1b5e20;font-weight:bold}.got{color:#b71c1c;font-weight:bold}"
	".finding{border-left:4px solid #e65100;padding-left:8px}";

void html_page_head(FILE *f, const char *title)
{
	fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>",
	      f);
	html_str(f, title);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

void html_page_foot(FILE *f, const char *script)
{
	if (script)
		fprintf(f, "<script>\n%s</script>\n", script);
	fputs("</body></html>\n", f);
}

void html_findings(FILE *f, const struct vg_finding *v, size_t n, const char *pre_class)
{
	for (size_t i = 0; i < n; i++) {
		fputs("<div class=\"finding\"><p><b>", f);
		html_str(f, v[i].kind);
		fputs("</b> ", f);
		html_str(f, v[i].what);
		if (pre_class)
			fprintf(f, "</p><pre class=\"%s\">", pre_class);
		else
			fputs("</p><pre>", f);
		html_str(f, v[i].stack);
		fputs("</pre></div>\n", f);
	}
}

const char *html_verdict_class(const char *verdict)
{
	static const char *const known[] = {"pass", "fail", "skip", "error", "crash", "leak"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(verdict, known[i]) == 0)
			return known[i];
	return "error";
}

/* ---- the report directory ---- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int html_dir_open(struct html_dir *d, const char *path, char *err, size_t errsz)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--; /* "out/" and "out" are one report */
	if (n == 0 || n + 32 >= sizeof d->path) {
		snprintf(err, errsz, "%s: bad report directory", path);
		return -1;
	}
	memcpy(d->path, path, n);
	d->path[n] = '\0';
	snprintf(d->tmp, sizeof d->tmp, "%s.tmp-XXXXXX", d->path);
	if (!mkdtemp(d->tmp)) {
		snprintf(err, errsz, "%s: cannot create a temporary directory: %s", d->path,
			 strerror(errno));
		d->tmp[0] = '\0';
		return -1;
	}
	/* mkdtemp makes it 0700; a report is as readable as any file the user
	 * creates.  umask can only be read by setting it. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(d->tmp, 0777 & ~mask);
	FILE *m = html_dir_file(d, HTML_MARKER, err, errsz);
	if (!m || html_dir_close_file(m, HTML_MARKER, err, errsz) != 0) {
		html_dir_abort(d);
		return -1;
	}
	return 0;
}

int html_dir_mkdir(const struct html_dir *d, const char *rel, char *err, size_t errsz)
{
	char p[HTML_PATH_MAX + 256];
	int n = snprintf(p, sizeof p, "%s/%s", d->tmp, rel);
	if (n < 0 || (size_t)n >= sizeof p || (mkdir(p, 0777) != 0 && errno != EEXIST)) {
		snprintf(err, errsz, "%s: cannot create: %s", rel, strerror(errno));
		return -1;
	}
	return 0;
}

FILE *html_dir_file(const struct html_dir *d, const char *rel, char *err, size_t errsz)
{
	char p[HTML_PATH_MAX + 256]; /* tmp + a case's file name */
	int n = snprintf(p, sizeof p, "%s/%s", d->tmp, rel);
	if (n < 0 || (size_t)n >= sizeof p) {
		snprintf(err, errsz, "%s: path too long", rel);
		return NULL;
	}
	FILE *f = fopen(p, "we");
	if (!f)
		snprintf(err, errsz, "%s: %s", p, strerror(errno));
	return f;
}

int html_dir_close_file(FILE *f, const char *rel, char *err, size_t errsz)
{
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		snprintf(err, errsz, "%s: write error", rel);
		return -1;
	}
	return 0;
}

/* Whether path may be replaced: an earlier report or an empty directory. */
static bool replaceable(const char *path)
{
	char marker[HTML_PATH_MAX + 32]; /* path + marker name */
	snprintf(marker, sizeof marker, "%s/%s", path, HTML_MARKER);
	if (access(marker, F_OK) == 0)
		return true;
	return rmdir(path) == 0; /* empty: now gone, and rename needs no swap */
}

int html_dir_commit(struct html_dir *d, char *err, size_t errsz)
{
	struct stat st;
	int rc = 0;
	if (lstat(d->path, &st) != 0) {
		if (rename(d->tmp, d->path) != 0)
			rc = -1;
	} else if (!S_ISDIR(st.st_mode) || !replaceable(d->path)) {
		snprintf(err, errsz, "%s exists and is not an ircspec report directory (no %s)",
			 d->path, HTML_MARKER);
		html_dir_abort(d);
		return -1;
	} else if (lstat(d->path, &st) != 0) { /* it was empty: removed */
		rc = rename(d->tmp, d->path);
	} else if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->path, RENAME_EXCHANGE) != 0) {
		/* No exchange on this file system: the old report steps aside
		 * first, so for a moment there is none (never a half one). */
		char old[HTML_PATH_MAX + 32];
		snprintf(old, sizeof old, "%s.old-%ld", d->path, (long)getpid());
		if (rename(d->path, old) != 0 || rename(d->tmp, d->path) != 0)
			rc = -1;
		else
			remove_tree(old);
	}
	if (rc != 0) {
		snprintf(err, errsz, "%s: cannot put the report in place: %s", d->path,
			 strerror(errno));
		html_dir_abort(d);
		return -1;
	}
	remove_tree(d->tmp); /* after an exchange, the old report */
	d->tmp[0] = '\0';
	return 0;
}

void html_dir_abort(struct html_dir *d)
{
	if (d->tmp[0])
		remove_tree(d->tmp);
	d->tmp[0] = '\0';
}
