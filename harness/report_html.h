/* report_html.h - the pieces of the HTML report that the matrix
 * (matrix.c) reuses: a case's page and its family name. */
#ifndef IRCSPEC_REPORT_HTML_H
#define IRCSPEC_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

/* The page of one case: verdict, first unmet step, findings, server
 * output and the wire transcript.  `back` is the index page it links to
 * (relative), `target` a line naming the server it ran against. */
void html_case_page(FILE *f, const struct case_result *cr, const char *target, const char *back);

struct html_dir;
/* The whole report of r into the report directory d, under sub ("" or
 * "NAME/"): sub/index.html, sub/cases/ID.html and the RFC texts
 * sub/rfc/NAME.html.  0, or -1 with err. */
int report_html_into(const struct html_dir *d, const char *sub, const struct run_result *r,
		     char *err, size_t errsz);

/* The family of a case: the directory its file is in ("channel"), or
 * "other". */
void html_case_family(const struct casefile *c, char *out, size_t outsz);

/* Spec reference "rfc2812:3.2.1" as a link to that section of the RFC:
 * of its text shipped in the report (up, "" or "../", leads from the
 * page to the report's sub directory) when ircspec has it, else at
 * rfc-editor.org; any other reference as text. */
void html_spec_ref(FILE *f, const char *spec, const char *up);

/* The RFC texts ircspec has (rfctext.h), as sub/rfc/NAME.html with an
 * anchor "section-N.N" at each heading (report_html_rfc.c).  0, or -1
 * with err. */
int html_write_rfcs(const struct html_dir *d, const char *sub, char *err, size_t errsz);

#endif
