/* report_html_case.c - the page of one case in the HTML report: what it
 * checks (title, spec sections linked to the RFC, level, tags), its
 * verdict, the first unmet step with expected vs received, the leaks and
 * memory errors pinned on it, the server output seen around it, and the
 * numbered wire transcript with one colour per client.  Every text is escaped (html.c): a server's
 * bytes never become markup. */
#include "report_html.h"

#include <ctype.h>
#include <string.h>

#include "html.h"
#include "rfctext.h"
#include "report.h"

#define CLIENT_COLOURS 8 /* .c0 ... .c7 in html.c's style */

void html_case_family(const struct casefile *c, char *out, size_t outsz)
{
	const char *p = c->path, *slash = p ? strrchr(p, '/') : NULL;
	if (!slash || slash == p) {
		snprintf(out, outsz, "other");
		return;
	}
	const char *start = slash;
	while (start > p && start[-1] != '/')
		start--;
	snprintf(out, outsz, "%.*s", (int)(slash - start), start);
}

/* The section part of "rfcNNNN:SECTION" when it is digits and dots. */
static bool rfc_section(const char *spec, const char **colon)
{
	if (strncmp(spec, "rfc", 3) != 0 || !isdigit((unsigned char)spec[3]))
		return false;
	const char *c = strchr(spec, ':');
	if (!c || !c[1])
		return false;
	for (const char *s = spec + 3; s < c; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	for (const char *s = c + 1; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	*colon = c;
	return true;
}

void html_spec_ref(FILE *f, const char *spec, const char *up)
{
	const char *colon;
	if (!rfc_section(spec, &colon)) {
		fputs("<code>", f);
		html_str(f, spec);
		fputs("</code>", f);
		return;
	}
	int nl = (int)(colon - spec);
	if (rfctext_known(spec, (size_t)nl))
		fprintf(f, "<a href=\"%srfc/%.*s.html#section-%s\"><code>", up, nl, spec, colon + 1);
	else
		fprintf(f, "<a href=\"https://www.rfc-editor.org/rfc/%.*s#section-%s\"><code>", nl,
			spec, colon + 1);
	html_str(f, spec);
	fputs("</code></a>", f);
}

static void meta_row(FILE *f, const char *name)
{
	fprintf(f, "<tr><th>%s</th><td>", name);
}

static void case_meta(FILE *f, const struct case_result *cr, const char *target)
{
	const struct casefile *c = cr->c;
	fputs("<table class=\"meta\">", f);
	meta_row(f, "spec");
	for (unsigned i = 0; i < c->nspecs; i++) {
		html_spec_ref(f, c->specs[i], "../");
		fputc(' ', f);
	}
	fputs("</td></tr>", f);
	meta_row(f, "level");
	fprintf(f, "%s</td></tr>", level_name(c->level));
	meta_row(f, "tags");
	for (unsigned i = 0; i < c->ntags; i++) {
		fputs("<code>", f);
		html_str(f, c->tags[i]);
		fputs("</code> ", f);
	}
	fputs("</td></tr>", f);
	meta_row(f, "file");
	fputs("<code>", f);
	html_str(f, c->path);
	fputs("</code></td></tr>", f);
	meta_row(f, "target");
	html_str(f, target);
	fputs("</td></tr>", f);
	meta_row(f, "duration");
	fprintf(f, "%ld ms</td></tr></table>\n", cr->duration_ms);
}

/* The verdict's message, line by line: the unmet step, then "expected:"
 * and what was received instead, marked so a reader sees them at once. */
static void case_message(FILE *f, const struct case_result *cr)
{
	if (!cr->message)
		return;
	fprintf(f, "<h2>%s</h2>\n<pre class=\"msg\">",
		cr->verdict == V_FAIL ? "First unmet step" : "Why");
	const char *s = cr->message;
	for (int line = 0; *s; line++) {
		size_t n = strcspn(s, "\n");
		const char *t = s;
		while (t < s + n && (*t == ' ' || *t == '\t'))
			t++;
		const char *cls = line == 0 ? NULL : strncmp(t, "expected:", 9) == 0 ? "exp" : "got";
		if (cls)
			fprintf(f, "<span class=\"%s\">", cls);
		html_text(f, s, n);
		fputs(cls ? "</span>\n" : "\n", f);
		s += n + (s[n] == '\n');
	}
	fputs("</pre>\n", f);
}

static void case_findings(FILE *f, const struct case_result *cr)
{
	if (cr->nerrs) {
		fprintf(f, "<h2 id=\"vgerrors\">Memory errors: %zu in the server during this "
			   "case (Valgrind)</h2>\n", cr->nerrs);
		html_findings(f, cr->errs, cr->nerrs, "leak");
	}
	if (cr->nleaks) {
		fprintf(f, "<h2 id=\"leaks\">Leaks: %zu new in the server during this case</h2>\n",
			cr->nleaks);
		html_findings(f, cr->leaks, cr->nleaks, "leak");
	}
}
/* Server output, with sanitizer and Valgrind lines marked. */
static void case_server_tail(FILE *f, const struct case_result *cr)
{
	if (!cr->server_tail || !cr->server_tail[0])
		return;
	fputs("<h2>Server output (its last lines when the case ended)</h2>\n<pre class=\"tail\">", f);
	const char *s = cr->server_tail;
	while (*s) {
		size_t n = strcspn(s, "\n");
		char line[1024]; /* a ring line is at most SPAWN_LINE_MAX + a mark */
		snprintf(line, sizeof line, "%.*s", (int)n, s);
		bool finding = strstr(line, "Sanitizer") || strstr(line, "runtime error:") ||
			       strstr(line, "==ERROR") || strstr(line, "Invalid read") ||
			       strstr(line, "Invalid write");
		fputs(finding ? "<span class=\"got\">" : "", f);
		html_text(f, s, n);
		fputs(finding ? "</span>\n" : "\n", f);
		s += n + (s[n] == '\n');
	}
	fputs("</pre>\n", f);
}

/* A client beyond the first ones named keeps one colour all the same. */
static unsigned name_hash(const char *s)
{
	unsigned h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void case_transcript(FILE *f, const struct transcript *t)
{
	fprintf(f, "<h2>Wire transcript (%zu entries%s)</h2>\n", t->n,
		t->dropped ? ", some dropped for size" : "");
	if (t->n == 0 && !t->dropped) {
		fputs("<p>Nothing was sent or received.</p>\n", f);
		return;
	}
	fputs("<table class=\"tr\"><tr><th>#</th><th>time</th><th>client</th><th></th>"
	      "<th>line</th></tr>\n", f);
	size_t gap = report_transcript_gap(t);
	/* Colours by order of first appearance: a is blue, b orange, ... */
	char first[CLIENT_COLOURS * 4][32];
	unsigned nfirst = 0;
	for (size_t i = 0; i <= t->n; i++) {
		if (i == gap)
			fprintf(f, "<tr class=\"ev\"><td class=\"n\"></td><td class=\"t\"></td>"
				   "<td></td><td></td><td>... %zu entries dropped ...</td></tr>\n",
				t->dropped);
		if (i == t->n)
			break;
		const struct tentry *e = &t->e[i];
		unsigned col = CLIENT_COLOURS;
		for (unsigned k = 0; k < nfirst; k++)
			if (strcmp(first[k], e->client) == 0)
				col = k % CLIENT_COLOURS;
		if (col == CLIENT_COLOURS && nfirst < sizeof first / sizeof first[0]) {
			col = nfirst % CLIENT_COLOURS;
			snprintf(first[nfirst++], sizeof first[0], "%s", e->client);
		} else if (col == CLIENT_COLOURS) {
			col = name_hash(e->client) % CLIENT_COLOURS;
		}
		fprintf(f, "<tr class=\"c%u%s\"><td class=\"n\">%zu</td><td class=\"t\">+%ld ms</td>"
			   "<td>", col, e->dir == T_EVENT ? " ev" : "", i + 1, e->t_ms);
		html_str(f, e->client);
		fprintf(f, "</td><td>%s</td><td>", e->dir == T_SEND ? "&gt;" : e->dir == T_RECV
								     ? "&lt;" : "*");
		html_str(f, e->data);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

void html_case_page(FILE *f, const struct case_result *cr, const char *target, const char *back)
{
	const struct casefile *c = cr->c;
	const char *v = verdict_name(cr->verdict);
	html_page_head(f, c->id);
	fprintf(f, "<p><a href=\"%s\">&larr; all cases</a></p>\n", back);
	fprintf(f, "<h1><span class=\"badge %s\" id=\"verdict\">%s</span> ", html_verdict_class(v), v);
	html_str(f, c->id);
	fputs("</h1>\n<p class=\"title\">", f);
	html_str(f, c->title);
	fputs("</p>\n", f);
	case_meta(f, cr, target);
	case_message(f, cr);
	case_findings(f, cr);
	case_server_tail(f, cr);
	case_transcript(f, &cr->tr);
	html_page_foot(f, NULL);
}
