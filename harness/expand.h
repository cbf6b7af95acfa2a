/* expand.h - fills placeholders and escapes in case text.
 *
 *   {nick:NAME} {user:NAME}  the nick/user the harness gave client NAME
 *   {chan} {chan:KEY}        a channel name unique to this case run
 *   {server}                 the server's name (prefix of its 001)
 *   {isupport:TOKEN}         an ISUPPORT value from the server's 005
 *   {isupport:TOKEN:KEY}     KEY's value in a list-valued token (TARGMAX)
 *   {password} {oper:name} {oper:pass}
 *   {i}                      the counter of a `repeat` step
 *   {num:EXPR}               a number (numexpr.h): 9, isupport:NICKLEN+1
 *   {repeat:EXPR:TEXT}       TEXT EXPR times (to build long lines)
 *   {nick:NAME=EXPR}         NAME's nick, padded or cut to EXPR characters
 *   {chan:KEY=EXPR}          {chan:KEY}, padded or cut to EXPR bytes
 *   {nicks:KEY=EXPR}         EXPR distinct nicks of no client, comma-separated
 *   {chans:KEY=EXPR}         EXPR distinct channel names, comma-separated
 *   {{                       a literal '{'
 * Escapes (when asked): \r \n \t \0 \\ \xNN; other "\X" pairs are kept as
 * they are, so a pattern's "\*" still reaches the glob matcher.
 * In a regex the values of placeholders are quoted (quote_values): a nick
 * or channel the server chose stands for itself, never for regex syntax. */
#ifndef IRCSPEC_EXPAND_H
#define IRCSPEC_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "numexpr.h"

/* What a lookup or an expansion returns besides 0 (done) and -1 (an
 * error, the case's fault): the server lacks what the text needs (an
 * ISUPPORT token an expression reads), so the case does not apply. */
#define EXPAND_SKIP (-2)

/* Resolves {kind:key} into out; returns 0, or -1 with a reason in out. */
typedef int expand_lookup_fn(void *arg, const char *kind, const char *key, char *out,
			     size_t outsz);
/* Resolves an expression's term (never NUM_LITERAL) into *out; 0, or -1 /
 * EXPAND_SKIP with a reason in why. */
typedef int expand_number_fn(void *arg, const struct num_term *t, long long *out, char *why,
			     size_t whysz);

struct expand_ctx {
	expand_lookup_fn *lookup;
	void *arg;
	long counter;  /* {i} */
	bool escapes;  /* also decode backslash escapes */
	bool quote_values; /* a backslash before each ASCII punctuation byte of a
			      looked-up value: PCRE2 then takes it literally */
	expand_number_fn *number; /* terms of expressions (same arg) */
	bool widest_numbers; /* --check: {num:} of a term as wide as a run's can be, a
				list's count from a 005 term as long as a run sends */
};

/* The longest value a lookup may give (its buffer is one byte more). */
#define EXPAND_VALUE_MAX 1023

/* An IRC line's bytes before its CR LF (RFC 2812 2.3): a text holding a
 * {nicks:} or {chans:} list may not be longer. */
#define EXPAND_LINE_MAX 510
/* Each name of a list: the lookup of kind "nicks" / "chans" gives a base
 * two bytes shorter, to which the list adds a two-character index.  A nick
 * of 9 (RFC 2812 2.3.1's NICKLEN): every server takes it. */
#define EXPAND_LIST_NICK_LEN 9
#define EXPAND_LIST_CHAN_LEN 10

/* Evaluates expr (numexpr.h) as a count between min and NUM_COUNT_MAX,
 * under the rules of {repeat:EXPR:TEXT}.  0, or -1 / EXPAND_SKIP with a
 * message in err. */
int expand_count(const struct expand_ctx *ctx, const char *expr, long long min, long long *out,
		 char *err, size_t errsz);

/* Expands tmpl into out (binary-safe; *outlen bytes, NUL-terminated when
 * room).  Returns 0, or -1 / EXPAND_SKIP with a message in err. */
int expand(const struct expand_ctx *ctx, const char *tmpl, char *out, size_t outsz,
	   size_t *outlen, char *err, size_t errsz);

#endif
