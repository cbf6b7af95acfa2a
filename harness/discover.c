/* discover.c - finds case files (see discover.h). */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *ns, const char *path)
{
	if (ns->n == ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 64;
		char **nv = realloc(ns->v, ncap * sizeof *nv);
		if (!nv)
			return -1;
		ns->v = nv;
		ns->cap = ncap;
	}
	if (!(ns->v[ns->n] = strdup(path)))
		return -1;
	ns->n++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int walk(const char *dir, struct names *ns, int depth, char *err, size_t errsz)
{
	if (depth > 16) {
		snprintf(err, errsz, "%s: directories nested too deep", dir);
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errsz, "%s: cannot open directory: %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		size_t dl = strlen(dir);
		while (dl > 1 && dir[dl - 1] == '/')
			dl--; /* "cases/" names its files "cases/x.case" */
		if (snprintf(path, sizeof path, "%.*s/%s", (int)dl, dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		/* A .case that is no regular file (a FIFO, a device) is listed
		 * too: case_load refuses it by name rather than it being lost. */
		if (S_ISDIR(st.st_mode))
			rc = walk(path, ns, depth + 1, err, errsz);
		else if (ends_with(e->d_name, ".case") && names_add(ns, path) != 0) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_case(struct caselist *l, struct casefile *c)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct casefile **nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = c;
	return 0;
}

int discover(const char *const *paths, size_t npaths, struct caselist *out, char *err,
	     size_t errsz)
{
	struct names ns = {0};
	int rc = 0;
	for (size_t i = 0; i < npaths && rc == 0; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			snprintf(err, errsz, "%s: %s", paths[i], strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			size_t before = ns.n;
			rc = walk(paths[i], &ns, 0, err, errsz);
			qsort(ns.v + before, ns.n - before, sizeof *ns.v, cmp_str);
		} else if (names_add(&ns, paths[i]) != 0) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
	}
	for (size_t i = 0; i < ns.n && rc == 0; i++) {
		struct casefile *c = case_load(ns.v[i], err, errsz);
		if (!c) {
			rc = -1;
			break;
		}
		for (size_t j = 0; j < out->n; j++) {
			if (strcmp(out->v[j]->id, c->id) == 0) {
				snprintf(err, errsz, "%s:%d: id '%s' is already used by %s:%d", c->path,
					 c->id_line, c->id, out->v[j]->path, out->v[j]->id_line);
				rc = -1;
			}
		}
		if (rc == 0 && add_case(out, c) != 0) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
		if (rc != 0)
			case_free(c);
	}
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	if (rc == 0 && out->n == 0 && npaths > 0) {
		snprintf(err, errsz, "no .case files found in %s%s", paths[0], npaths > 1 ? " ..." : "");
		rc = -1;
	}
	return rc;
}

void caselist_free(struct caselist *l)
{
	for (size_t i = 0; i < l->n; i++)
		case_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
