/* reportload.c - a JSON report read back into a run_result (see
 * reportload.h).  Transcript texts were escaped when recorded and are kept
 * as they are (not escaped again). */
#include "reportload.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vgxml.h"

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static enum verdict verdict_of(const char *s)
{
	for (int v = V_PASS; v <= V_CRASH; v++)
		if (s && strcmp(s, verdict_name((enum verdict)v)) == 0)
			return (enum verdict)v;
	return V_ERROR;
}

static enum level level_of(const char *s)
{
	for (int l = LEVEL_MUST; l <= LEVEL_MAY; l++)
		if (s && strcmp(s, level_name((enum level)l)) == 0)
			return (enum level)l;
	return LEVEL_MAY;
}

/* A JSON array of strings into a fixed table of rows. */
static unsigned take_list(json_t *arr, char *rows, size_t rowsz, unsigned max)
{
	unsigned n = 0;
	for (size_t i = 0; i < json_array_size(arr) && n < max; i++) {
		json_t *v = json_array_get(arr, i);
		if (json_is_string(v))
			snprintf(rows + rowsz * n++, rowsz, "%s", json_string_value(v));
	}
	return n;
}

static int take_transcript(json_t *arr, struct transcript *t)
{
	size_t n = json_array_size(arr);
	if (n == 0)
		return 0;
	t->e = calloc(n, sizeof *t->e);
	if (!t->e)
		return -1;
	t->cap = n;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		struct tentry *e = &t->e[t->n];
		const char *dir = str(o, "dir"), *data = str(o, "data");
		e->t_ms = num(o, "t_ms");
		snprintf(e->client, sizeof e->client, "%s", str(o, "client") ? str(o, "client") : "");
		e->dir = dir && strcmp(dir, "send") == 0 ? T_SEND
		       : dir && strcmp(dir, "recv") == 0 ? T_RECV : T_EVENT;
		if (!(e->data = strdup(data ? data : "")))
			return -1;
		t->n++;
	}
	return 0;
}

static int take_findings(json_t *arr, struct vg_finding **v, size_t *n)
{
	size_t k = json_array_size(arr);
	if (k == 0)
		return 0;
	if (!(*v = calloc(k, sizeof **v)))
		return -1;
	for (size_t i = 0; i < k; i++) {
		json_t *o = json_array_get(arr, i);
		*n = i + 1; /* counted before it is filled: freed whole on failure */
		(*v)[i].kind = strdup(str(o, "kind") ? str(o, "kind") : "");
		(*v)[i].what = strdup(str(o, "what") ? str(o, "what") : "");
		(*v)[i].stack = strdup(str(o, "stack") ? str(o, "stack") : "");
		if (!(*v)[i].kind || !(*v)[i].what || !(*v)[i].stack)
			return -1;
	}
	return 0;
}

static int take_case(struct loaded_report *lr, json_t *o, size_t i)
{
	struct casefile *c = &lr->cases[i];
	struct case_result *cr = &lr->r.cases[i];
	cr->c = c;
	const char *id = str(o, "id");
	if (!id)
		return -1;
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->title, sizeof c->title, "%s", str(o, "title") ? str(o, "title") : "");
	c->path = dup_or_null(str(o, "file"));
	c->level = level_of(str(o, "level"));
	c->nspecs = take_list(json_object_get(o, "spec"), c->specs[0], sizeof c->specs[0],
			      CASE_MAX_SPECS);
	c->ntags = take_list(json_object_get(o, "tags"), c->tags[0], sizeof c->tags[0],
			     CASE_MAX_TAGS);
	cr->verdict = verdict_of(str(o, "status"));
	cr->message = dup_or_null(str(o, "message"));
	cr->server_tail = dup_or_null(str(o, "server_tail"));
	cr->duration_ms = num(o, "duration_ms");
	if (take_transcript(json_object_get(o, "transcript"), &cr->tr) != 0)
		return -1;
	if (take_findings(json_object_get(o, "valgrind_errors"), &cr->errs, &cr->nerrs) != 0)
		return -1;
	return take_findings(json_object_get(o, "leaks"), &cr->leaks, &cr->nleaks);
}

static int take_target(struct loaded_report *lr, json_t *root)
{
	json_t *t = json_object_get(root, "target");
	struct run_result *r = &lr->r;
	lr->host = strdup(str(t, "host") ? str(t, "host") : "?");
	lr->spawn = dup_or_null(str(t, "spawn"));
	r->host = lr->host;
	r->spawn_cmd = lr->spawn;
	r->port = (unsigned)num(t, "port");
	snprintf(r->server_name, sizeof r->server_name, "%s",
		 str(t, "server_name") ? str(t, "server_name") : "");
	snprintf(r->server_version, sizeof r->server_version, "%s",
		 str(t, "server_version") ? str(t, "server_version") : "");
	r->duration_ms = num(root, "duration_ms");
	r->deadline_hit = json_is_true(json_object_get(root, "deadline_hit"));
	r->stopped_early = json_is_true(json_object_get(root, "stopped_early"));
	json_t *ex = json_object_get(root, "server_exit_report");
	if (json_is_object(ex) && str(ex, "output")) {
		r->exit_report = strdup(str(ex, "output"));
		snprintf(r->exit_sig, sizeof r->exit_sig, "%s",
			 str(ex, "signature") ? str(ex, "signature") : "?");
	}
	return lr->host ? take_findings(json_object_get(root, "valgrind"), &r->vg, &r->nvg) : -1;
}

int report_load(const char *path, struct loaded_report *lr, char *err, size_t errsz)
{
	memset(lr, 0, sizeof *lr);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		snprintf(err, errsz, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	json_t *cases = json_object_get(root, "cases");
	size_t n = json_array_size(cases);
	if (!json_is_array(cases) || n > REPORTLOAD_MAX_CASES) {
		snprintf(err, errsz, "%s: not an ircspec JSON report: no \"cases\" array", path);
		json_decref(root);
		return -1;
	}
	lr->cases = calloc(n ? n : 1, sizeof *lr->cases);
	lr->r.cases = calloc(n ? n : 1, sizeof *lr->r.cases);
	int rc = lr->cases && lr->r.cases ? take_target(lr, root) : -1;
	for (size_t i = 0; i < n && rc == 0; i++, lr->r.ncases++)
		rc = take_case(lr, json_array_get(cases, i), i);
	json_decref(root);
	if (rc != 0) {
		snprintf(err, errsz, "%s: cases[%zu]: not a case of an ircspec report (or out of memory)",
			 path, lr->r.ncases ? lr->r.ncases - 1 : 0);
		report_unload(lr);
		return -1;
	}
	return 0;
}

void report_unload(struct loaded_report *lr)
{
	for (size_t i = 0; i < lr->r.ncases; i++) {
		struct case_result *cr = &lr->r.cases[i];
		free(cr->message);
		free(cr->server_tail);
		vgxml_free_findings(cr->leaks, cr->nleaks);
		vgxml_free_findings(cr->errs, cr->nerrs);
		transcript_free(&cr->tr);
		free(lr->cases[i].path);
	}
	vgxml_free_findings(lr->r.vg, lr->r.nvg);
	free(lr->r.exit_report);
	free(lr->r.cases);
	free(lr->cases);
	free(lr->host);
	free(lr->spawn);
	memset(lr, 0, sizeof *lr);
}
