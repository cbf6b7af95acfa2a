/* report_term.c - the terminal view, in the style of h2spec:
 *
 *     ✔ nick-in-use  NICK to a nick in use gets 433 (12 ms)
 *     × split-nick   NICK in three segments is reassembled (503 ms)
 *
 * then a failures section (spec, level, file, expected vs received, the
 * transcript tail), Valgrind findings and a closing line that CI tools
 * read, exactly "N passed, N failed, N skipped" optionally followed by
 * ", N errors, N crashed".  Without colour the marks are plain ASCII
 * ([PASS], [FAIL], ...).  Text that came from the server is printed with
 * controls escaped, so a hostile server cannot drive the terminal. */
#include "report.h"

#include <string.h>

#define C_RESET "\033[0m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"

static const struct {
	const char *mark, *ascii, *color;
} marks[] = {
	[V_PASS] = {"✔", "[PASS]", "\033[32m"},
	[V_FAIL] = {"×", "[FAIL]", "\033[31m"},
	[V_SKIP] = {"-", "[SKIP]", "\033[33m"},
	[V_ERROR] = {"!", "[ERROR]", "\033[35m"},
	[V_CRASH] = {"☠", "[CRASH]", "\033[1;31m"},
};

/* Longest id or title shown in a progress line. */
#define PROGRESS_ID_MAX 60

static void put_mark(FILE *out, enum verdict v, bool color)
{
	if ((unsigned)v >= sizeof marks / sizeof marks[0])
		v = V_ERROR;
	if (color)
		fprintf(out, "%s%s%s", marks[v].color, marks[v].mark, C_RESET);
	else
		fprintf(out, "%-7s", marks[v].ascii);
}

/* Prints s[0..len) with controls, C1 controls and bytes that are not
 * UTF-8 as \xNN; stops at a newline and returns its index (or len). */
static size_t term_put_line(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len && p[i] != '\n') {
		size_t k = report_utf8_len(p + i, len - i);
		bool c1 = k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;
		if (k == 0 || c1 || p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(out, "\\x%02x", p[i]);
			k = 1;
		} else {
			fwrite(p + i, 1, k, out);
		}
		i += k;
	}
	return i;
}

static void term_put(FILE *out, const char *s)
{
	if (s)
		term_put_line(out, s, strlen(s));
}

/* Each line of s on its own line, after indent. */
static void term_put_indented(FILE *out, const char *s, const char *indent)
{
	size_t len = strlen(s), i = 0;
	while (i < len) {
		fputs(indent, out);
		i += term_put_line(out, s + i, len - i);
		fputc('\n', out);
		if (i < len)
			i++; /* the newline */
	}
}

static void put_entry(FILE *out, const struct tentry *e, const char *indent)
{
	fprintf(out, "%s+%ldms ", indent, e->t_ms);
	term_put(out, e->client);
	fprintf(out, " %c ", report_dir_mark(e->dir));
	term_put(out, e->data);
	fputc('\n', out);
}

/* Entries [from, n) of t, with the note for a gap that falls among them. */
static void put_transcript(FILE *out, const struct transcript *t, size_t from, const char *indent)
{
	size_t gap = report_transcript_gap(t);
	for (size_t i = from; i <= t->n; i++) {
		if (i == gap)
			fprintf(out, "%s... %zu entries dropped ...\n", indent, t->dropped);
		if (i < t->n)
			put_entry(out, &t->e[i], indent);
	}
}

/* "<lead><mark> <id><sep><title>": the head of a case's line and of its
 * failure report. */
static void put_head(FILE *out, const char *lead, const struct case_result *cr, bool color,
		     const char *sep)
{
	fputs(lead, out);
	put_mark(out, cr->verdict, color);
	fputc(' ', out);
	term_put(out, cr->c->id);
	fputs(sep, out);
	term_put(out, cr->c->title);
}

void report_term_case(FILE *out, const struct case_result *cr, bool color, bool verbose)
{
	put_head(out, "  ", cr, color, "  ");
	fprintf(out, " %s(%ld ms)%s", color ? C_DIM : "", cr->duration_ms, color ? C_RESET : "");
	/* A skip is not listed among the failures, so its reason goes here. */
	if (cr->verdict == V_SKIP && cr->message && !verbose) {
		fputs(": ", out);
		term_put(out, cr->message);
	}
	fputc('\n', out);
	if (!verbose)
		return;
	if (cr->message)
		term_put_indented(out, cr->message, "      ");
	put_transcript(out, &cr->tr, 0, "      ");
}

static void put_failure(FILE *out, const struct case_result *cr, bool color, bool verbose)
{
	const struct casefile *c = cr->c;
	const struct transcript *t = &cr->tr;
	put_head(out, "\n  ", cr, color, ": ");
	fputs("\n    spec:", out);
	if (c->nspecs == 0)
		fputs(" (none)", out);
	for (unsigned i = 0; i < c->nspecs; i++) {
		fputc(' ', out);
		term_put(out, c->specs[i]);
	}
	fprintf(out, "  level: %s  file: ", level_name(c->level));
	term_put(out, c->path ? c->path : "?");
	fputc('\n', out);
	if (cr->verdict == V_CRASH)
		fputs("    the server crashed during this case\n", out);
	term_put_indented(out, cr->message ? cr->message : "(no message)", "    ");
	size_t from = verbose || t->n <= REPORT_TAIL_ENTRIES ? 0 : t->n - REPORT_TAIL_ENTRIES;
	if (t->n == 0 && t->dropped == 0)
		return;
	if (from == 0)
		fprintf(out, "    transcript (%zu entries):\n", t->n + t->dropped);
	else
		fprintf(out, "    transcript (last %zu of %zu entries):\n", t->n - from,
			t->n + t->dropped);
	put_transcript(out, t, from, "      ");
}

static void put_valgrind(FILE *out, const struct run_result *r, bool color)
{
	if (r->nvg == 0 && !r->vg_failed)
		return;
	fprintf(out, "\n%sValgrind:%s ", color ? C_BOLD : "", color ? C_RESET : "");
	if (r->nvg == 0) {
		fputs("the server's report could not be read\n", out);
		return;
	}
	fprintf(out, "%zu finding%s\n", r->nvg, r->nvg == 1 ? "" : "s");
	for (size_t i = 0; i < r->nvg; i++) {
		fputs("\n  ", out);
		put_mark(out, V_FAIL, color);
		fputc(' ', out);
		term_put(out, r->vg[i].kind ? r->vg[i].kind : "?");
		fputs(": ", out);
		term_put(out, r->vg[i].what);
		fputc('\n', out);
		if (r->vg[i].stack)
			term_put_indented(out, r->vg[i].stack, "      ");
	}
}

/* A sanitizer report the server printed at exit, no single case's. */
static void put_exit_report(FILE *out, const struct run_result *r, bool color)
{
	if (!r->exit_report)
		return;
	fprintf(out, "\n%sServer at exit:%s ", color ? C_BOLD : "", color ? C_RESET : "");
	put_mark(out, V_FAIL, color);
	fprintf(out, " a sanitizer report (%s) no single case was given: run the cases "
		"alone to find the one that causes it\n", r->exit_sig);
	term_put_indented(out, r->exit_report, "      ");
}

/* Whether case ci's finding f was already shown with an earlier case. */
static bool group_shown(const struct run_result *r, size_t ci, const struct vg_finding *f)
{
	for (size_t i = 0; i < ci; i++) {
		const struct case_result *cr = &r->cases[i];
		for (size_t k = 0; k < cr->nleaks + cr->nerrs; k++) {
			const struct vg_finding *g = k < cr->nleaks ? &cr->leaks[k]
								    : &cr->errs[k - cr->nleaks];
			if (g->group && strcmp(g->group, f->group) == 0 &&
			    strcmp(g->stack, f->stack) == 0 && strcmp(g->kind, f->kind) == 0)
				return true;
		}
	}
	return false;
}

/* Findings pinned on a group of cases, none of which repeated them alone:
 * the cases' verdicts do not show them, so they are named here, once. */
static void put_group_findings(FILE *out, const struct run_result *r, bool color)
{
	bool any = false;
	for (size_t i = 0; i < r->ncases; i++) {
		const struct case_result *cr = &r->cases[i];
		for (size_t k = 0; k < cr->nleaks + cr->nerrs; k++) {
			const struct vg_finding *f = k < cr->nleaks ? &cr->leaks[k]
								    : &cr->errs[k - cr->nleaks];
			if (!f->group || group_shown(r, i, f))
				continue;
			if (!any)
				fprintf(out, "\n%sValgrind, pinned on no single case:%s\n",
					color ? C_BOLD : "", color ? C_RESET : "");
			any = true;
			fputs("\n  ", out);
			put_mark(out, V_FAIL, color);
			fputc(' ', out);
			term_put(out, f->kind);
			fputs(": ", out);
			term_put(out, f->what);
			fputc('\n', out);
			term_put_indented(out, f->stack, "      ");
		}
	}
}

void report_term_summary(FILE *out, const struct run_result *r, bool color, bool verbose)
{
	size_t n[REPORT_NVERDICTS];
	report_count(r, n);
	if (n[V_FAIL] + n[V_ERROR] + n[V_CRASH] > 0) {
		fprintf(out, "\n%sFailures:%s\n", color ? C_BOLD : "", color ? C_RESET : "");
		for (size_t i = 0; i < r->ncases; i++) {
			enum verdict v = r->cases[i].verdict;
			if (v != V_PASS && v != V_SKIP)
				put_failure(out, &r->cases[i], color, verbose);
		}
	}
	put_group_findings(out, r, color);
	put_valgrind(out, r, color);
	put_exit_report(out, r, color);
	fputc('\n', out);
	if (r->deadline_hit)
		fputs("The run deadline was reached: cases still to run were not run.\n", out);
	if (r->stopped_early)
		fputs("--fail-fast: a failure stopped the run: cases after it were not run.\n", out);
	long ms = r->duration_ms < 0 ? 0 : r->duration_ms;
	fprintf(out, "(%ld.%02ld s)\n", ms / 1000, ms % 1000 / 10);
	/* The closing line is read by CI tools: no colour, fixed form. */
	fprintf(out, "%zu passed, %zu failed, %zu skipped", n[V_PASS], n[V_FAIL], n[V_SKIP]);
	if (n[V_ERROR] || n[V_CRASH])
		fprintf(out, ", %zu errors, %zu crashed", n[V_ERROR], n[V_CRASH]);
	fputc('\n', out);
	fflush(out);
}

static int digits(size_t v)
{
	int d = 1;
	while (v >= 10)
		v /= 10, d++;
	return d;
}

void report_progress(FILE *out, size_t done, size_t total, const char *current_id)
{
	fprintf(out, "\r\033[K[%*zu/%zu] ", digits(total), done, total);
	if (current_id) {
		size_t len = strlen(current_id);
		term_put_line(out, current_id, len < PROGRESS_ID_MAX ? len : PROGRESS_ID_MAX);
	}
	fflush(out);
}

void report_progress_clear(FILE *out)
{
	fputs("\r\033[K", out);
	fflush(out);
}
