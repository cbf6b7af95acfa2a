/* baseline.c - reads an earlier JSON report and compares a run with it.
 *
 * Only "cases[].id" and "cases[].status" are read, so reports from older
 * or newer versions of ircspec still serve as baselines as long as those
 * two stay. */
#include "baseline.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The static verdict name equal to s, or NULL if s names none. */
static const char *known_status(const char *s)
{
	for (int v = V_PASS; v <= V_CRASH; v++)
		if (strcmp(s, verdict_name((enum verdict)v)) == 0)
			return verdict_name((enum verdict)v);
	return NULL;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct baseline_entry *)a)->id, ((const struct baseline_entry *)b)->id);
}

/* Takes case number i of the report into b->e[b->n]. */
static int take_case(struct baseline *b, json_t *item, size_t i, const char *path, char *err,
		     size_t errsz)
{
	json_t *id = json_object_get(item, "id");
	json_t *status = json_object_get(item, "status");
	if (!json_is_object(item) || !json_is_string(id) || !json_is_string(status)) {
		snprintf(err, errsz, "%s: cases[%zu]: expected an object with string \"id\" and \"status\"",
			 path, i);
		return -1;
	}
	const char *st = known_status(json_string_value(status));
	if (!st) {
		snprintf(err, errsz, "%s: cases[%zu]: unknown status \"%.32s\"", path, i,
			 json_string_value(status));
		return -1;
	}
	b->e[b->n].id = strdup(json_string_value(id));
	if (!b->e[b->n].id) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	b->e[b->n++].status = st;
	return 0;
}

static int take_cases(struct baseline *b, json_t *root, const char *path, char *err, size_t errsz)
{
	json_t *cases = json_is_object(root) ? json_object_get(root, "cases") : NULL;
	if (!json_is_array(cases)) {
		snprintf(err, errsz, "%s: not an ircspec JSON report: no \"cases\" array", path);
		return -1;
	}
	size_t n = json_array_size(cases);
	b->e = calloc(n ? n : 1, sizeof *b->e);
	if (!b->e) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (take_case(b, json_array_get(cases, i), i, path, err, errsz) != 0)
			return -1;
	qsort(b->e, b->n, sizeof *b->e, by_id);
	for (size_t i = 1; i < b->n; i++) {
		if (strcmp(b->e[i - 1].id, b->e[i].id) == 0) {
			snprintf(err, errsz, "%s: case \"%.96s\" appears twice", path, b->e[i].id);
			return -1;
		}
	}
	return 0;
}

int baseline_load(const char *path, struct baseline *b, char *err, size_t errsz)
{
	memset(b, 0, sizeof *b);
	/* Opened here rather than by json_load_file, whose message would
	 * repeat the path. */
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	json_error_t jerr;
	json_t *root = json_loadf(f, 0, &jerr);
	fclose(f);
	if (!root) {
		snprintf(err, errsz, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
			 jerr.text);
		return -1;
	}
	int rc = take_cases(b, root, path, err, errsz);
	json_decref(root);
	if (rc != 0)
		baseline_free(b);
	return rc;
}

const char *baseline_status(const struct baseline *b, const char *id)
{
	struct baseline_entry key = {.id = (char *)id};
	if (b->n == 0)
		return NULL;
	const struct baseline_entry *hit = bsearch(&key, b->e, b->n, sizeof *b->e, by_id);
	return hit ? hit->status : NULL;
}

void baseline_free(struct baseline *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->e[i].id);
	free(b->e);
	memset(b, 0, sizeof *b);
}

#define REGRESSIONS_HEADING \
	"Regressions (passed in the baseline and not now, or crash/error now and not then):"

enum change { CH_SAME, CH_REGRESSION, CH_FIXED, CH_NEW };

/* A crash or an error is never just a known failure: the server died or the
 * case could not run.  It is a regression whenever the baseline did not
 * already say exactly that, and in a case the baseline does not know. */
static bool is_broken(enum verdict v)
{
	return v == V_CRASH || v == V_ERROR;
}

static enum change classify(const struct baseline *b, const struct case_result *cr)
{
	const char *then = baseline_status(b, cr->c->id);
	const char *now = verdict_name(cr->verdict);
	bool was_pass = then && strcmp(then, "pass") == 0;
	bool is_pass = cr->verdict == V_PASS;
	if (is_broken(cr->verdict) && (!then || strcmp(then, now) != 0))
		return CH_REGRESSION;
	if (!then)
		return CH_NEW;
	if (was_pass && !is_pass)
		return CH_REGRESSION;
	if (!was_pass && is_pass)
		return CH_FIXED;
	return CH_SAME;
}

bool baseline_regressed(const struct baseline *b, const struct case_result *cr)
{
	return classify(b, cr) == CH_REGRESSION;
}

/* Lists the cases of one kind of change under a heading; returns how many. */
static int list_changes(const struct baseline *b, const struct run_result *r, enum change want,
			const char *heading, FILE *out)
{
	int count = 0;
	for (size_t i = 0; i < r->ncases; i++) {
		const struct case_result *cr = &r->cases[i];
		if (classify(b, cr) != want)
			continue;
		if (count++ == 0)
			fprintf(out, "\n%s\n", heading);
		const char *then = baseline_status(b, cr->c->id);
		if (then)
			fprintf(out, "  %s: %s -> %s\n", cr->c->id, then, verdict_name(cr->verdict));
		else if (want == CH_REGRESSION)
			fprintf(out, "  %s: new -> %s\n", cr->c->id, verdict_name(cr->verdict));
		else
			fprintf(out, "  %s: %s\n", cr->c->id, verdict_name(cr->verdict));
	}
	return count;
}

int baseline_compare(const struct baseline *b, const struct run_result *r, FILE *out)
{
	int reg = list_changes(b, r, CH_REGRESSION, REGRESSIONS_HEADING,
			       out);
	int fixed = list_changes(b, r, CH_FIXED, "Fixed (did not pass in the baseline, pass now):",
				 out);
	int fresh = list_changes(b, r, CH_NEW, "New (not in the baseline):", out);
	fprintf(out, "\nBaseline: %d regression%s, %d fixed, %d new\n", reg, reg == 1 ? "" : "s",
		fixed, fresh);
	return reg;
}
