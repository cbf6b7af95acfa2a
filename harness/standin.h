/* standin.h - the runner's placeholder lookups, with stand-in values.
 *
 * `ircspec --check` (and every run, before it connects) expands each
 * step's text as the runner will, but with stand-ins as long as real
 * values can be, and refuses what the runner would refuse: a client's nick
 * before its connect step, a 17th channel, an expression's variable that
 * no earlier step captures.  The step order is followed: the loader tells
 * what each step makes known. */
#ifndef IRCSPEC_STANDIN_H
#define IRCSPEC_STANDIN_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"
#include "numexpr.h"
#include "vars.h"

struct bre;

struct standin {
	struct casefile *c; /* needs_oper is set on {oper:...} */
	unsigned lookups;   /* placeholders and terms looked up since reset */
	bool connected[CASE_MAX_CLIENTS]; /* nick known: connect or register came */
	char chan_keys[CASE_CHAN_KEYS_MAX][CASE_CHAN_KEY_MAX + 1];
	unsigned nchan_keys;
	char list_keys[CASE_CHAN_KEYS_MAX][CASE_CHAN_KEY_MAX + 1]; /* {nicks:KEY=} ... */
	unsigned nlist_keys;
	struct case_vars vars; /* names the expect-re steps so far capture */
};

/* expand_lookup_fn and expand_number_fn over a struct standin. */
int standin_lookup(void *arg, const char *kind, const char *key, char *out, size_t outsz);
int standin_number(void *arg, const struct num_term *t, long long *out, char *why,
		   size_t whysz);
/* Makes the named groups of an expect-re's regex known variables from
 * the next step on.  0, or -1 with why in err (too many, a long name). */
int standin_capture_names(struct standin *p, const struct bre *re, char *err, size_t errsz);

#endif
