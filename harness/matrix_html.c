/* matrix_html.c - the matrix as HTML (see matrix.h): an index of servers
 * x cases whose every cell links to that server's page of the case, and
 * each server's whole report beside it, made from its JSON report. */
#include "matrix.h"

#include <stdbool.h>
#include <string.h>

#include "html.h"
#include "report.h"
#include "report_html.h"

/* "#differ" (or the box) shows only the cases not passing everywhere. */
static const char differ_js[] =
	"(function(){var b=document.getElementById('f-differ');\n"
	"function apply(){document.querySelectorAll('tr.case').forEach(function(r){\n"
	" r.hidden=b.checked&&r.dataset.differ!=='1';});}\n"
	"b.checked=location.hash.indexOf('differ')>=0;\n"
	"b.addEventListener('input',function(){try{history.replaceState(null,'',\n"
	" b.checked?'#differ':location.pathname);}catch(e){}apply();});\n"
	"apply();})();\n";

static void totals(FILE *f, const struct matrix *m)
{
	fputs("<table class=\"meta\"><tr><th>server</th><th>version</th><th>pass</th><th>fail</th>"
	      "<th>skip</th><th>error</th><th>crash</th><th>cases</th></tr>\n", f);
	for (size_t k = 0; k < m->ns; k++) {
		const struct run_result *r = &m->s[k].rep.r;
		size_t n[REPORT_NVERDICTS];
		report_count(r, n);
		fprintf(f, "<tr class=\"server\"><td><a href=\"%s/index.html\">%s</a></td><td>",
			m->s[k].name, m->s[k].name); /* names are [A-Za-z0-9._-] */
		html_str(f, r->server_version);
		fputs("</td>", f);
		for (int v = 0; v < REPORT_NVERDICTS; v++)
			fprintf(f, "<td>%zu</td>", n[v]);
		fprintf(f, "<td>%zu</td></tr>\n", r->ncases);
	}
	fputs("</table>\n", f);
}

static void row(FILE *f, const struct matrix *m, const char *id)
{
	const struct case_result *any = NULL;
	bool green = true;
	for (size_t k = 0; k < m->ns; k++) {
		const struct case_result *cr = matrix_find(&m->s[k], id);
		any = any ? any : cr;
		green = green && cr && cr->verdict == V_PASS;
	}
	fprintf(f, "<tr class=\"case\" data-differ=\"%d\"><td><code>", green ? 0 : 1);
	html_str(f, id);
	fputs("</code></td><td>", f);
	html_str(f, any->c->title);
	fprintf(f, "</td><td>%s</td>", level_name(any->c->level));
	for (size_t k = 0; k < m->ns; k++) {
		const struct case_result *cr = matrix_find(&m->s[k], id);
		if (!cr) {
			fputs("<td>-</td>", f);
			continue;
		}
		const char *v = verdict_name(cr->verdict);
		fprintf(f, "<td><a class=\"badge %s%s\" href=\"%s/cases/", html_verdict_class(v),
			cr->nleaks || cr->nerrs ? " leaky" : "", m->s[k].name);
		html_str(f, id); /* ids are [A-Za-z0-9._-]: a file name as they are */
		fprintf(f, ".html\">%s%s%s</a></td>", v, cr->nerrs ? "+memerr" : "",
			cr->nleaks ? "+leak" : "");
	}
	fputs("</tr>\n", f);
}

static int write_index(const struct html_dir *d, const struct matrix *m, char *err, size_t errsz)
{
	FILE *f = html_dir_file(d, "index.html", err, errsz);
	if (!f)
		return -1;
	html_page_head(f, "ircspec conformance matrix");
	fprintf(f, "<h1>Conformance matrix: %zu servers, %zu cases</h1>\n", m->ns, m->nids);
	totals(f, m);
	fputs("<div class=\"filters\"><label><input type=\"checkbox\" id=\"f-differ\"> only the "
	      "cases that do not pass on every server</label></div>\n<table class=\"matrix\">"
	      "<tr><th>case</th><th>title</th><th>level</th>", f);
	for (size_t k = 0; k < m->ns; k++)
		fprintf(f, "<th><a href=\"%s/index.html\">%s</a></th>", m->s[k].name, m->s[k].name);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < m->nids; i++)
		row(f, m, m->ids[i]);
	fputs("<tr class=\"totals\"><th colspan=\"3\">passed / cases</th>", f);
	for (size_t k = 0; k < m->ns; k++) {
		size_t n[REPORT_NVERDICTS];
		report_count(&m->s[k].rep.r, n);
		fprintf(f, "<th>%zu / %zu</th>", n[V_PASS], m->s[k].rep.r.ncases);
	}
	fputs("</tr></table>\n", f);
	html_page_foot(f, differ_js);
	return html_dir_close_file(f, "index.html", err, errsz);
}

int matrix_html(const struct matrix *m, const char *dir, char *err, size_t errsz)
{
	struct html_dir d;
	if (html_dir_open(&d, dir, err, errsz) != 0)
		return -1;
	for (size_t k = 0; k < m->ns; k++) {
		char sub[MATRIX_NAME_MAX + 2];
		snprintf(sub, sizeof sub, "%s/", m->s[k].name);
		if (report_html_into(&d, sub, &m->s[k].rep.r, err, errsz) != 0) {
			html_dir_abort(&d);
			return -1;
		}
	}
	if (write_index(&d, m, err, errsz) != 0) {
		html_dir_abort(&d);
		return -1;
	}
	return html_dir_commit(&d, err, errsz);
}
