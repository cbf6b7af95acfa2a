/* vgerrs.c - memcheck's errors new since the last answer (see vgerrs.h). */
#define _GNU_SOURCE /* memmem */
#include "vgerrs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgdb.h"
#include "vgxml.h"

#define WHAT_MAX 1024
#define STACK_MAX 8192

struct ctx {
	char *key; /* what, '\n', stack: one context's identity */
	unsigned long count;
};

struct vgerr_tally {
	struct ctx *c;
	size_t n;
};

/* The context being read. */
struct cur {
	bool open;
	unsigned long count;
	char what[WHAT_MAX];
	char stack[STACK_MAX];
	size_t slen;
};

struct vgerr_tally *vgerr_tally_new(void)
{
	return calloc(1, sizeof(struct vgerr_tally));
}

static void forget(struct ctx *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].key);
	free(c);
}

void vgerr_tally_free(struct vgerr_tally *t)
{
	if (!t)
		return;
	forget(t->c, t->n);
	free(t);
}

/* Valgrind's XML <kind> for the first line of a context. */
static const char *kind_of(const char *what)
{
	static const struct {
		const char *start, *kind;
	} kinds[] = {{"Invalid read of size", "InvalidRead"},
		     {"Invalid write of size", "InvalidWrite"},
		     {"Invalid free()", "InvalidFree"},
		     {"Mismatched free()", "MismatchedFree"},
		     {"Conditional jump or move depends on uninitialised", "UninitCondition"},
		     {"Use of uninitialised value", "UninitValue"},
		     {"Syscall param", "SyscallParam"},
		     {"Source and destination overlap", "Overlap"},
		     {"Argument '", "FishyValue"},
		     {"Jump to the invalid address", "InvalidJump"}};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strncmp(what, kinds[k].start, strlen(kinds[k].start)) == 0)
			return kinds[k].kind;
	return "Error";
}

static void stack_add(struct cur *c, const char *s, size_t l)
{
	if (c->slen + l + 2 < sizeof c->stack) { /* deeper frames are cut */
		memcpy(c->stack + c->slen, s, l);
		c->slen += l;
		c->stack[c->slen++] = '\n';
		c->stack[c->slen] = '\0';
	}
}

/* "   at 0x4841: malloc (file:1)" -> "malloc (file:1)"; an auxiliary line
 * (" Address 0x... is 0 bytes after a block") is kept as it is. */
static void context_line(struct cur *c, const char *b, size_t blen)
{
	size_t i = 0;
	while (i < blen && b[i] == ' ')
		i++;
	if (i == blen)
		return;
	if (!c->what[0]) {
		snprintf(c->what, sizeof c->what, "%.*s", (int)(blen - i), b + i);
		return;
	}
	const char *colon = memmem(b + i, blen - i, ": ", 2);
	if (blen - i > 5 && (memcmp(b + i, "at 0x", 5) == 0 || memcmp(b + i, "by 0x", 5) == 0) &&
	    colon)
		stack_add(c, colon + 2, blen - (size_t)(colon + 2 - b));
	else
		stack_add(c, b + i, blen - i);
}

/* "3 errors in context 2 of 3:" (or "1,234 errors ..."): true and the count. */
static bool context_start(const char *b, size_t blen, unsigned long *count)
{
	const char *at = memmem(b, blen, " errors in context ", 19);
	if (!at || at == b)
		return false;
	unsigned long n = 0;
	for (const char *p = b; p < at; p++) {
		if (*p >= '0' && *p <= '9')
			n = n * 10 + (unsigned long)(*p - '0');
		else if (*p != ',')
			return false;
	}
	*count = n;
	return true;
}

static unsigned long previous(const struct vgerr_tally *t, const char *key)
{
	unsigned long n = 0; /* two contexts alike in text count as one */
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->c[i].key, key) == 0)
			n += t->c[i].count;
	return n;
}

/* The context just read: into the new tally, and a finding if it grew. */
static int close_context(struct cur *c, const struct vgerr_tally *old, struct ctx **nc,
			 size_t *nn, struct vg_finding **v, size_t *n)
{
	if (!c->open)
		return 0;
	c->open = false;
	if (*nn >= VGERRS_MAX_CONTEXTS || !c->what[0])
		return 0;
	size_t kl = strlen(c->what) + c->slen + 2;
	char *key = malloc(kl);
	struct ctx *g = realloc(*nc, (*nn + 1) * sizeof *g);
	if (!key || !g) {
		free(key);
		if (g)
			*nc = g;
		return -1;
	}
	*nc = g;
	snprintf(key, kl, "%s\n%s", c->what, c->stack);
	unsigned long before = previous(old, key);
	g[(*nn)++] = (struct ctx){.key = key, .count = c->count};
	if (c->count <= before)
		return 0;
	char what[WHAT_MAX + 96];
	snprintf(what, sizeof what, "%s (%lu new; %lu from this stack in all)", c->what,
		 c->count - before, c->count);
	return vgxml_push_finding(v, n, kind_of(c->what), what, c->stack);
}

int vgerr_parse_new(struct vgerr_tally *t, const char *text, size_t len, struct vg_finding **v,
		    size_t *n)
{
	struct cur *c = calloc(1, sizeof *c);
	struct ctx *nc = NULL;
	size_t nn = 0;
	int found = 0, rc = 0;
	for (size_t i = 0; c && i < len && rc >= 0;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : len - i;
		size_t blen;
		const char *b = vgdb_line_body(text + i, ll, &blen);
		unsigned long count;
		rc = 0;
		if (context_start(b, blen, &count)) {
			rc = close_context(c, t, &nc, &nn, v, n);
			*c = (struct cur){.open = true, .count = count};
		} else if (memmem(b, blen, "ERROR SUMMARY:", 14) || memmem(b, blen, "loss record", 11)) {
			rc = close_context(c, t, &nc, &nn, v, n); /* the list ends */
		} else if (c->open) {
			context_line(c, b, blen);
		}
		found += rc > 0;
		i += ll + 1;
	}
	if (c && rc >= 0) {
		rc = close_context(c, t, &nc, &nn, v, n);
		found += rc > 0;
	}
	free(c);
	if (!c || rc < 0) {
		forget(nc, nn);
		return -1;
	}
	forget(t->c, t->n);
	t->c = nc;
	t->n = nn;
	return found;
}
