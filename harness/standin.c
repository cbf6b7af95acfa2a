/* standin.c - placeholder lookups with stand-in values (see standin.h). */
#include "standin.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bounded_re.h"
#include "expand.h"

/* A stand-in value: head, then '_' up to the longest real value.  '_' is
 * punctuation, so quoted in a regex it takes two bytes, as much as any
 * byte of a real value can. */
static void stand_in(char *out, size_t outsz, const char *head, size_t len)
{
	int n = snprintf(out, outsz, "%s", head);
	size_t o = n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
	while (o < len && o + 1 < outsz)
		out[o++] = '_';
	out[o] = '\0';
}

/* The runner's table of {chan:KEY}s, filled in the same order. */
static int chan_key(struct standin *p, const char *key, char *out, size_t outsz)
{
	if (strlen(key) > CASE_CHAN_KEY_MAX) {
		snprintf(out, outsz, "channel key longer than %d characters", CASE_CHAN_KEY_MAX);
		return -1;
	}
	for (unsigned i = 0; i < p->nchan_keys; i++)
		if (strcmp(p->chan_keys[i], key) == 0)
			return 0;
	if (p->nchan_keys == CASE_CHAN_KEYS_MAX) {
		snprintf(out, outsz, "more than %d channels ({chan}, {chan:KEY}) in one case",
			 CASE_CHAN_KEYS_MAX);
		return -1;
	}
	snprintf(p->chan_keys[p->nchan_keys++], sizeof p->chan_keys[0], "%s", key);
	return 0;
}

/* {nicks:KEY=}, {chans:KEY=}: the same limits as {chan:KEY}, and a base
 * as long as the runner's (expand.h). */
static int list_key(struct standin *p, const char *kind, const char *key, char *out,
		    size_t outsz)
{
	if (strlen(key) > CASE_CHAN_KEY_MAX) {
		snprintf(out, outsz, "list key longer than %d characters", CASE_CHAN_KEY_MAX);
		return -1;
	}
	unsigned i;
	for (i = 0; i < p->nlist_keys && strcmp(p->list_keys[i], key) != 0; i++)
		;
	if (i == p->nlist_keys) {
		if (i == CASE_CHAN_KEYS_MAX) {
			snprintf(out, outsz, "more than %d list keys ({nicks:KEY=}, {chans:KEY=}) "
				 "in one case", CASE_CHAN_KEYS_MAX);
			return -1;
		}
		snprintf(p->list_keys[p->nlist_keys++], sizeof p->list_keys[0], "%s", key);
	}
	snprintf(out, outsz, "%s", kind[0] == 'c' ? "#lzzzzz-" : "lzzzzz-");
	return 0;
}

/* case_client_index's work, here so that case.c, which calls this file,
 * is not called back. */
static int client_index(const struct casefile *c, const char *name)
{
	for (unsigned i = 0; i < c->nclients; i++)
		if (strcmp(c->clients[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The runner's lookup, with stand-in values: what it would refuse is
 * refused here, at the step's line. */
int standin_lookup(void *arg, const char *kind, const char *key, char *out, size_t outsz)
{
	struct standin *p = arg;
	struct casefile *c = p->c;
	char head[64];
	p->lookups++;
	bool host = strcmp(kind, "host") == 0;
	if (host || strcmp(kind, "nick") == 0 || strcmp(kind, "user") == 0) {
		int k = client_index(c, key);
		if (k < 0) {
			snprintf(out, outsz, "no client named '%s' in clients:", key);
			return -1;
		}
		if (!p->connected[k]) {
			snprintf(out, outsz, "client '%s' has no connect or register step before "
				 "this line, so it has no %s yet", key, host ? "address" : kind);
			return -1;
		}
		if (host) {
			stand_in(out, outsz, "127.0.0.1", CASE_HOST_MAX);
		} else {
			snprintf(head, sizeof head, "n%s", key);
			stand_in(out, outsz, head, CASE_NICK_MAX);
		}
	} else if (strcmp(kind, "chan") == 0) {
		if (chan_key(p, key, out, outsz) != 0)
			return -1;
		snprintf(head, sizeof head, "#c%s", key);
		stand_in(out, outsz, head, CASE_CHANNEL_MAX);
	} else if (strcmp(kind, "nicks") == 0 || strcmp(kind, "chans") == 0) {
		return list_key(p, kind, key, out, outsz);
	} else if (strcmp(kind, "var") == 0) {
		if (!vars_get(&p->vars, key)) {
			snprintf(out, outsz, "no expect-re before this line captures var:%s", key);
			return -1;
		}
		stand_in(out, outsz, "v", CASE_VAR_VALUE_MAX);
	} else if (strcmp(kind, "server") == 0) {
		stand_in(out, outsz, "irc.example.net", CASE_SERVER_MAX);
	} else if (strcmp(kind, "password") == 0) {
		if (key[0] && strcmp(key, "swapcase") != 0) {
			snprintf(out, outsz, "the only key it takes is swapcase "
				 "({password:swapcase})");
			return -1;
		}
		stand_in(out, outsz, "pw", EXPAND_VALUE_MAX);
	} else if (strcmp(kind, "isupport") == 0 || strcmp(kind, "oper") == 0) {
		if (!key[0] || (strcmp(kind, "oper") == 0 && strcmp(key, "name") != 0 &&
				strcmp(key, "pass") != 0)) {
			snprintf(out, outsz, "needs a key ({isupport:TOKEN}, {oper:name|pass})");
			return -1;
		}
		/* Without --oper there is nothing to fill in: skipped, as with `oper`. */
		if (strcmp(kind, "oper") == 0)
			c->needs_oper = true;
		stand_in(out, outsz, "9", EXPAND_VALUE_MAX);
	} else {
		snprintf(out, outsz, "unknown placeholder kind '%s'", kind);
		return -1;
	}
	return 0;
}

/* Every term stands for the largest value a count may take from it: the
 * longest text a run can build is then the one checked.  {num:} prints
 * it as wide as any run's number (expand's widest_numbers). */
int standin_number(void *arg, const struct num_term *t, long long *out, char *why,
		   size_t whysz)
{
	struct standin *p = arg;
	p->lookups++;
	if (t->kind == NUM_VAR && !vars_get(&p->vars, t->name)) {
		snprintf(why, whysz, "no expect-re before this line captures var:%s", t->name);
		return -1;
	}
	*out = NUM_COUNT_TERM_MAX;
	return 0;
}

struct names_ctx {
	struct standin *p;
	char *err;
	size_t errsz;
};

static int define_name(void *arg, const char *name, const char *value, size_t len)
{
	(void)value;
	(void)len;
	struct names_ctx *nc = arg;
	return vars_set(&nc->p->vars, name, "", 0, nc->err, nc->errsz);
}

int standin_capture_names(struct standin *p, const struct bre *re, char *err, size_t errsz)
{
	struct names_ctx nc = {p, err, errsz};
	return bre_group_names(re, define_name, &nc);
}
