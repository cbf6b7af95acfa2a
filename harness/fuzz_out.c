/* fuzz_out.c - the files a fuzz run writes (fuzz_out.h).  A reproducer is
 * written as soon as a finding is seen, and again once minimised, so an
 * interrupted run loses nothing. */
#include "fuzz_out.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int fz_out_mkdir(const char *dir, char *err, size_t errsz)
{
	char path[1024];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		snprintf(err, errsz, "--out: path too long");
		return -1;
	}
	for (char *p = path + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST) {
				snprintf(err, errsz, "%s: %s", path, strerror(errno));
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const char *ext, const char *text,
		      size_t len, char *err, size_t errsz)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t w = fwrite(text, 1, len, f);
	if (fclose(f) != 0 || w != len) {
		snprintf(err, errsz, "%s: write failed", path);
		return -1;
	}
	return 0;
}

int fz_out_finding(const char *dir, const struct fz_finding *f, const struct fz_input *in,
		   const struct fz_input *raw, bool oper, char *err, size_t errsz)
{
	char *text = malloc(FZ_CASE_MAX + 1);
	char comment[1024], id[96];
	if (!text) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(id, sizeof id, "fuzz-%s", f->name);
	char first[200];
	snprintf(first, sizeof first, "%.190s", f->v.detail);
	char *nl = strchr(first, '\n');
	if (nl)
		*nl = '\0';
	snprintf(comment, sizeof comment,
		 "Catches: %s (%s) found by ircspec fuzz at input %lu.\n"
		 "%s\n"
		 "Replayed %u of %u times; minimised in %u runs from %u steps to %u.\n"
		 "Run it: ircspec --spawn CMD this.case (the server's output is in %s.log)",
		 fz_fault_name(f->v.fault), f->v.sig, f->at_input, first, f->confirmed,
		 f->confirm_tries, f->min_runs, f->steps_before, f->steps_after, f->name);
	/* robustness: the liveness probe after the steps turns a hang into a
	 * crash verdict, as it does for every robustness case, also when a
	 * sync failed first (the server hung before it could answer); the
	 * syncs keep the clients' turns, which a hang may need. */
	struct fz_text_opts o = {.oper = oper, .id = id, .tags = "fuzz crash robustness",
				 .comment = comment};
	int rc = 0;
	long n = fz_to_case(in, &o, text, FZ_CASE_MAX + 1);
	if (n < 0 || write_file(dir, f->name, ".case", text, (size_t)n, err, errsz) != 0)
		rc = -1;
	o.comment = "The input as first found, before minimisation.";
	snprintf(id, sizeof id, "fuzz-%s-raw", f->name);
	if (rc == 0 && ((n = fz_to_case(raw, &o, text, FZ_CASE_MAX + 1)) < 0 ||
			write_file(dir, f->name, ".raw.case", text, (size_t)n, err, errsz) != 0))
		rc = -1;
	if (rc == 0)
		rc = write_file(dir, f->name, ".log", f->v.detail, strlen(f->v.detail), err, errsz);
	if (n < 0)
		snprintf(err, errsz, "%s: the input does not fit a case file", f->name);
	free(text);
	return rc;
}

int fz_out_summary(const char *path, bool to_stdout, const struct fz_stats *st,
		   const struct fz_finding *f, size_t nf, char *err, size_t errsz)
{
	json_t *root = json_object(), *arr = json_array();
	if (!root || !arr) {
		snprintf(err, errsz, "out of memory");
		json_decref(root);
		json_decref(arr);
		return -1;
	}
	json_object_set_new(root, "target", json_string(st->target ? st->target : ""));
	json_object_set_new(root, "seed", json_integer((json_int_t)st->seed));
	json_object_set_new(root, "feedback", json_string(st->feedback));
	json_object_set_new(root, "inputs", json_integer((json_int_t)st->inputs));
	json_object_set_new(root, "invalid_inputs", json_integer((json_int_t)st->invalid));
	json_object_set_new(root, "seeds", json_integer(st->seeds));
	json_object_set_new(root, "corpus", json_integer(st->corpus));
	json_object_set_new(root, "states", json_integer(st->states));
	json_object_set_new(root, "edges", json_integer((json_int_t)st->edges));
	json_object_set_new(root, "server_restarts", json_integer(st->restarts));
	json_object_set_new(root, "seconds", json_real(st->seconds));
	json_object_set_new(root, "inputs_per_second",
			    json_real(st->seconds > 0 ? (double)st->inputs / st->seconds : 0));
	json_object_set_new(root, "interrupted", json_boolean(st->interrupted));
	json_object_set_new(root, "deadline_hit", json_boolean(st->deadline_hit));
	for (size_t i = 0; i < nf; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(f[i].name));
		json_object_set_new(o, "kind", json_string(fz_fault_name(f[i].v.fault)));
		json_object_set_new(o, "signature", json_string(f[i].v.sig));
		json_object_set_new(o, "confirmed", json_integer(f[i].confirmed));
		json_object_set_new(o, "replays", json_integer(f[i].confirm_tries));
		json_object_set_new(o, "minimise_runs", json_integer(f[i].min_runs));
		json_object_set_new(o, "steps_before", json_integer(f[i].steps_before));
		json_object_set_new(o, "steps_after", json_integer(f[i].steps_after));
		json_object_set_new(o, "input", json_integer((json_int_t)f[i].at_input));
		json_object_set_new(o, "seconds", json_real(f[i].at_seconds));
		json_object_set_new(o, "detail", json_string(f[i].v.detail));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "findings", arr);
	int rc = 0;
	if (path && json_dump_file(root, path, JSON_INDENT(2)) != 0) {
		snprintf(err, errsz, "%s: cannot write", path);
		rc = -1;
	}
	if (to_stdout) {
		json_dumpf(root, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		fflush(stdout);
	}
	json_decref(root);
	return rc;
}
