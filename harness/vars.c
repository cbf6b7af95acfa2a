/* vars.c - a case's captured variables (see vars.h). */
#include "vars.h"

#include <stdio.h>
#include <string.h>

static struct case_var *find(const struct case_vars *vs, const char *name)
{
	for (unsigned i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return (struct case_var *)&vs->v[i];
	return NULL;
}

int vars_set(struct case_vars *vs, const char *name, const char *value, size_t len, char *err,
	     size_t errsz)
{
	if (strlen(name) > NUM_TOKEN_MAX) {
		snprintf(err, errsz, "variable name '%.40s...' longer than %d characters", name,
			 NUM_TOKEN_MAX);
		return -1;
	}
	if (len > CASE_VAR_VALUE_MAX || memchr(value, '\0', len)) {
		snprintf(err, errsz, "var:%s: the captured text is %s", name,
			 len > CASE_VAR_VALUE_MAX ? "longer than 512 bytes" : "holds a NUL byte");
		return -1;
	}
	struct case_var *v = find(vs, name);
	if (!v) {
		if (vs->n == CASE_VARS_MAX) {
			snprintf(err, errsz, "more than %d variables in one case", CASE_VARS_MAX);
			return -1;
		}
		v = &vs->v[vs->n++];
		snprintf(v->name, sizeof v->name, "%s", name);
	}
	memcpy(v->value, value, len);
	v->value[len] = '\0';
	return 0;
}

const char *vars_get(const struct case_vars *vs, const char *name)
{
	const struct case_var *v = find(vs, name);
	return v ? v->value : NULL;
}
