/* report_html.c - --html DIR: a report to click through, with no network
 * and nothing but files (it works from file://):
 *   DIR/index.html       the target, the counts, Valgrind findings, and
 *                        every case by family with filters (verdict, level,
 *                        tag, spec section) and a search box;
 *   DIR/cases/ID.html    one page per case (report_html_case.c).
 * The filters read and write the page's #fragment (verdict=fail&level=MUST
 * &tag=nick&spec=rfc2812:3.2&q=text), so a filtered view is a link.
 * The directory is written aside and swapped into place (html.c). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_html.h"

/* The filters: rows carry data-* attributes, the script hides what does
 * not match and any family left empty. */
static const char filter_js[] =
	"(function(){\n"
	"var f={verdict:0,level:0,tag:0,spec:0,q:0};\n"
	"for(var k in f)f[k]=document.getElementById('f-'+k);\n"
	"function read(){var h=location.hash.slice(1)||location.search.slice(1);\n"
	" h.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i<0)return;\n"
	"  var k=decodeURIComponent(kv.slice(0,i)),v=decodeURIComponent(kv.slice(i+1).replace(/\\+/g,' '));\n"
	"  if(f[k])f[k].value=v;});}\n"
	"function has(l,v){return (' '+l+' ').indexOf(' '+v+' ')>=0;}\n"
	"function spec(l,v){return !v||l.split(' ').some(function(s){return s===v||s.indexOf(v+'.')===0;});}\n"
	"function apply(write){var v=f.verdict.value,l=f.level.value,t=f.tag.value,s=f.spec.value.trim(),\n"
	" q=f.q.value.toLowerCase(),n=0;\n"
	" document.querySelectorAll('tr.case').forEach(function(r){var d=r.dataset;\n"
	"  var ok=(!v||d.verdict===v)&&(!l||d.level===l)&&(!t||has(d.tags,t))&&spec(d.spec,s)&&\n"
	"   (!q||d.text.toLowerCase().indexOf(q)>=0);r.hidden=!ok;if(ok)n++;});\n"
	" document.querySelectorAll('section.family').forEach(function(x){\n"
	"  x.hidden=!x.querySelector('tr.case:not([hidden])');});\n"
	" document.getElementById('shown').textContent=n;\n"
	" if(write){var p=[];for(var k in f)if(f[k].value)p.push(k+'='+encodeURIComponent(f[k].value));\n"
	"  try{history.replaceState(null,'',p.length?'#'+p.join('&'):location.pathname);}catch(e){}}}\n"
	"read();\n"
	"for(var k in f)f[k].addEventListener('input',function(){apply(true);});\n"
	"window.addEventListener('hashchange',function(){read();apply(false);});\n"
	"apply(false);\n"
	"})();\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every distinct tag (or spec reference) of the run, sorted, as <option>s. */
static void distinct_options(FILE *f, const struct run_result *r, bool tags)
{
	size_t cap = 0;
	for (size_t i = 0; i < r->ncases; i++)
		cap += tags ? r->cases[i].c->ntags : r->cases[i].c->nspecs;
	const char **v = calloc(cap ? cap : 1, sizeof *v);
	if (!v)
		return; /* the filter still works by typing; only its list is lost */
	size_t n = 0;
	for (size_t i = 0; i < r->ncases; i++) {
		const struct casefile *c = r->cases[i].c;
		unsigned k = tags ? c->ntags : c->nspecs;
		for (unsigned j = 0; j < k; j++)
			v[n++] = tags ? c->tags[j] : c->specs[j];
	}
	qsort(v, n, sizeof *v, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(v[i], v[i - 1]) == 0)
			continue;
		fputs("<option value=\"", f);
		html_str(f, v[i]);
		fputs("\">", f);
		html_str(f, v[i]);
		fputs("</option>", f);
	}
	free(v);
}

static void filters(FILE *f, const struct run_result *r)
{
	fputs("<div class=\"filters\">"
	      "<label>verdict <select id=\"f-verdict\"><option value=\"\">all</option>", f);
	for (int v = 0; v < REPORT_NVERDICTS; v++)
		fprintf(f, "<option>%s</option>", verdict_name((enum verdict)v));
	fputs("</select></label><label>level <select id=\"f-level\"><option value=\"\">all</option>"
	      "<option>MUST</option><option>SHOULD</option><option>MAY</option></select></label>"
	      "<label>tag <select id=\"f-tag\"><option value=\"\">all</option>", f);
	distinct_options(f, r, true);
	fputs("</select></label><label>spec <input id=\"f-spec\" list=\"specs\" size=\"16\" "
	      "placeholder=\"rfc2812:3.2\"><datalist id=\"specs\">", f);
	distinct_options(f, r, false);
	fprintf(f, "</datalist></label><label>search <input id=\"f-q\" type=\"search\" "
		   "size=\"24\"></label> <span id=\"shown\">%zu</span> of %zu shown</div>\n",
		r->ncases, r->ncases);
}

static void head_section(FILE *f, const struct run_result *r)
{
	size_t n[REPORT_NVERDICTS];
	char started[32];
	report_count(r, n);
	report_iso_time(r->started_unix, started, sizeof started);
	fputs("<h1 id=\"head\">ircspec report: ", f);
	html_str(f, r->server_name[0] ? r->server_name : r->host);
	fputs("</h1>\n<table class=\"meta\"><tr><th>target</th><td>", f);
	html_str(f, r->host);
	fprintf(f, ":%u", r->port);
	if (r->server_version[0]) {
		fputs(" &mdash; ", f);
		html_str(f, r->server_version);
	}
	fputs("</td></tr>", f);
	if (r->spawn_cmd) {
		fputs("<tr><th>spawned</th><td><code>", f);
		html_str(f, r->spawn_cmd);
		fputs("</code></td></tr>", f);
	}
	fprintf(f, "<tr><th>started</th><td>%s, %ld ms%s</td></tr></table>\n", started,
		r->duration_ms, r->deadline_hit ? " (the --deadline ended it)"
				: r->stopped_early ? " (--fail-fast stopped it at a failure)" : "");
	fputs("<p class=\"summary\">", f);
	for (int v = 0; v < REPORT_NVERDICTS; v++)
		fprintf(f, "<span><span class=\"badge %s\">%zu</span> %s</span>",
			verdict_name((enum verdict)v), n[v], verdict_name((enum verdict)v));
	fprintf(f, "<span>%zu cases</span></p>\n", r->ncases);
}

static void valgrind_section(FILE *f, const struct run_result *r)
{
	if (r->nvg == 0)
		return;
	fprintf(f, "<h2>Valgrind: %zu finding%s in the server</h2>\n", r->nvg, r->nvg == 1 ? "" : "s");
	html_findings(f, r->vg, r->nvg, NULL);
}

static void exit_report_section(FILE *f, const struct run_result *r)
{
	if (!r->exit_report)
		return;
	fputs("<h2>The server's sanitizer report at exit (", f);
	html_str(f, r->exit_sig);
	fputs(")</h2>\n<p>No single case was given it (printed at exit after several cases, "
	      "or during cases none of which repeated it alone): run the cases alone to find "
	      "the one that causes it.</p>\n<pre>", f);
	html_str(f, r->exit_report);
	fputs("</pre>\n", f);
}

/* One case's pinned findings of one sort, linked to its page's list. */
static void pinned_item(FILE *f, const struct case_result *cr, const struct vg_finding *v,
			size_t n, const char *anchor)
{
	fputs("<li><a href=\"cases/", f);
	html_str(f, cr->c->id);
	fprintf(f, ".html#%s\">", anchor);
	html_str(f, cr->c->id);
	fputs("</a>", f);
	for (size_t k = 0; k < n; k++) {
		fputs("<br><code>", f);
		html_str(f, v[k].what);
		fputs("</code>", f);
	}
	fputs("</li>\n", f);
}

/* --valgrind's leaks and memcheck errors, by the case they were pinned on. */
static void pinned_section(FILE *f, const struct run_result *r)
{
	size_t nl = 0, ne = 0;
	for (size_t i = 0; i < r->ncases; i++) {
		nl += r->cases[i].nleaks > 0;
		ne += r->cases[i].nerrs > 0;
	}
	if (ne > 0) {
		fprintf(f, "<h2 id=\"vgerrors\">Memory errors by case: %zu case%s</h2>\n<ul>\n", ne,
			ne == 1 ? "" : "s");
		for (size_t i = 0; i < r->ncases; i++)
			if (r->cases[i].nerrs)
				pinned_item(f, &r->cases[i], r->cases[i].errs, r->cases[i].nerrs,
					    "vgerrors");
		fputs("</ul>\n", f);
	}
	if (nl > 0) {
		fprintf(f, "<h2 id=\"leaks\">Leaks by case: %zu case%s</h2>\n<ul>\n", nl,
			nl == 1 ? "" : "s");
		for (size_t i = 0; i < r->ncases; i++)
			if (r->cases[i].nleaks)
				pinned_item(f, &r->cases[i], r->cases[i].leaks, r->cases[i].nleaks,
					    "leaks");
		fputs("</ul>\n", f);
	}
}

static void case_row(FILE *f, const struct case_result *cr)
{
	const struct casefile *c = cr->c;
	const char *v = verdict_name(cr->verdict);
	fprintf(f, "<tr class=\"case\" data-verdict=\"%s\" data-level=\"%s\" data-tags=\"", v,
		level_name(c->level));
	for (unsigned i = 0; i < c->ntags; i++) {
		fputs(i ? " " : "", f);
		html_str(f, c->tags[i]);
	}
	fputs("\" data-spec=\"", f);
	for (unsigned i = 0; i < c->nspecs; i++) {
		fputs(i ? " " : "", f);
		html_str(f, c->specs[i]);
	}
	fputs("\" data-text=\"", f);
	html_str(f, c->id);
	fputc(' ', f);
	html_str(f, c->title);
	fprintf(f, "\"><td><span class=\"badge %s\">%s</span></td><td><a href=\"cases/",
		html_verdict_class(v), v);
	html_str(f, c->id); /* ids are [A-Za-z0-9._-]: a file name as they are */
	fputs(".html\">", f);
	html_str(f, c->id);
	fputs("</a></td><td>", f);
	html_str(f, c->title);
	fprintf(f, "</td><td>%s</td><td>", level_name(c->level));
	for (unsigned i = 0; i < c->nspecs; i++) {
		html_spec_ref(f, c->specs[i], "");
		fputc(' ', f);
	}
	fputs("</td><td>", f);
	for (unsigned i = 0; i < c->ntags; i++) {
		html_str(f, c->tags[i]);
		fputc(' ', f);
	}
	fprintf(f, "</td><td>%ld ms</td></tr>\n", cr->duration_ms);
}

/* Cases grouped by family, families in order of first appearance (the
 * run's order is the files' order, so a family's cases are together). */
static void families(FILE *f, const struct run_result *r)
{
	char fam[128] = "", cur[128];
	bool open = false;
	for (size_t i = 0; i < r->ncases; i++) {
		html_case_family(r->cases[i].c, cur, sizeof cur);
		if (!open || strcmp(cur, fam) != 0) {
			if (open)
				fputs("</table></section>\n", f);
			memcpy(fam, cur, sizeof fam);
			fputs("<section class=\"family\"><h2>", f);
			html_str(f, fam);
			fputs("</h2>\n<table><tr><th>verdict</th><th>case</th><th>title</th>"
			      "<th>level</th><th>spec</th><th>tags</th><th>time</th></tr>\n", f);
			open = true;
		}
		case_row(f, &r->cases[i]);
	}
	if (open)
		fputs("</table></section>\n", f);
}

static void target_line(const struct run_result *r, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s:%u%s%s%s%s", r->host ? r->host : "?", r->port,
		 r->server_name[0] ? " " : "", r->server_name, r->server_version[0] ? " " : "",
		 r->server_version);
}

static int write_index(const struct html_dir *d, const char *sub, const struct run_result *r,
		       char *err, size_t errsz)
{
	char rel[256];
	snprintf(rel, sizeof rel, "%sindex.html", sub);
	FILE *f = html_dir_file(d, rel, err, errsz);
	if (!f)
		return -1;
	html_page_head(f, "ircspec report");
	head_section(f, r);
	valgrind_section(f, r);
	exit_report_section(f, r);
	pinned_section(f, r);
	filters(f, r);
	families(f, r);
	html_page_foot(f, filter_js);
	return html_dir_close_file(f, rel, err, errsz);
}

int report_html_into(const struct html_dir *d, const char *sub, const struct run_result *r,
		     char *err, size_t errsz)
{
	char target[400], rel[256];
	target_line(r, target, sizeof target);
	snprintf(rel, sizeof rel, "%scases", sub);
	if ((sub[0] && html_dir_mkdir(d, sub, err, errsz) != 0) ||
	    html_dir_mkdir(d, rel, err, errsz) != 0 || html_write_rfcs(d, sub, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < r->ncases; i++) {
		snprintf(rel, sizeof rel, "%scases/%s.html", sub, r->cases[i].c->id);
		FILE *f = html_dir_file(d, rel, err, errsz);
		if (!f)
			return -1;
		html_case_page(f, &r->cases[i], target, "../index.html");
		if (html_dir_close_file(f, rel, err, errsz) != 0)
			return -1;
	}
	return write_index(d, sub, r, err, errsz);
}

int report_html(const struct run_result *r, const char *dir, char *err, size_t errsz)
{
	struct html_dir d;
	if (html_dir_open(&d, dir, err, errsz) != 0)
		return -1;
	if (report_html_into(&d, "", r, err, errsz) != 0) {
		html_dir_abort(&d);
		return -1;
	}
	return html_dir_commit(&d, err, errsz);
}
