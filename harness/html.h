/* html.h - what every HTML page of a report needs: text escaped so that
 * nothing a server sends can become markup, the shared page head and
 * style, and a report directory that appears whole or not at all.
 *
 * A report directory is written into a fresh sibling DIR.tmp-XXXXXX and
 * then swapped into place (renameat2 RENAME_EXCHANGE, or two renames where
 * the file system lacks it), so a reader opening DIR sees the old report or
 * the new one, never half of one.  An existing DIR is replaced only when
 * it is empty or holds the marker file of an earlier report: a mistyped
 * --html $HOME is refused, not emptied. */
#ifndef IRCSPEC_HTML_H
#define IRCSPEC_HTML_H

#include <stddef.h>
#include <stdio.h>

#define HTML_PATH_MAX 4096
#define HTML_MARKER ".ircspec-report" /* in every report directory */

/* Writes s[0..len) as HTML text, also safe inside a quoted attribute:
 * & < > " ' become entities; tab and newline stay; other controls, DEL,
 * C1 controls and bytes that are not well-formed UTF-8 become the visible
 * text \xNN (as transcripts already show them), NULs included. */
void html_text(FILE *f, const char *s, size_t len);
/* html_text of a C string; NULL writes nothing. */
void html_str(FILE *f, const char *s);

/* <!doctype html> ... <body>: UTF-8, the shared inline style, no external
 * resource of any kind (the report works from file:// with no network). */
void html_page_head(FILE *f, const char *title);
/* An optional inline script, then </body></html>. */
void html_page_foot(FILE *f, const char *script);

struct vg_finding;
/* Valgrind's findings v[0..n): each its kind, what and stack (the stack's
 * <pre> of class pre_class when given). */
void html_findings(FILE *f, const struct vg_finding *v, size_t n, const char *pre_class);

/* "pass" -> the CSS class of its badge. */
const char *html_verdict_class(const char *verdict);

struct html_dir {
	char path[HTML_PATH_MAX]; /* where the report goes */
	char tmp[HTML_PATH_MAX + 16]; /* where it is written: path.tmp-XXXXXX */
};

/* Makes the temporary directory.  0, or -1 with err. */
int html_dir_open(struct html_dir *d, const char *path, char *err, size_t errsz);
/* Makes the directory tmp/rel.  0, or -1 with err. */
int html_dir_mkdir(const struct html_dir *d, const char *rel, char *err, size_t errsz);
/* Opens tmp/rel for writing; NULL with err. */
FILE *html_dir_file(const struct html_dir *d, const char *rel, char *err, size_t errsz);
/* Closes f; -1 with err when anything written to it was lost. */
int html_dir_close_file(FILE *f, const char *rel, char *err, size_t errsz);
/* Puts the finished report in place of path (see above).  0, or -1 with
 * err, the temporary directory removed either way. */
int html_dir_commit(struct html_dir *d, char *err, size_t errsz);
/* Removes the temporary directory (a report that failed half way). */
void html_dir_abort(struct html_dir *d);

#endif
