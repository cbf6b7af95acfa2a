/* expand.h - fills placeholders and escapes in case text.
 *
 *   {nick:NAME} {user:NAME}  the nick/user the harness gave client NAME
 *   {chan} {chan:KEY}        a channel name unique to this case run
 *   {server}                 the server's name (prefix of its 001)
 *   {isupport:TOKEN}         an ISUPPORT value from the server's 005
 *   {password} {oper:name} {oper:pass}
 *   {i}                      the counter of a `repeat` step
 *   {repeat:N:TEXT}          TEXT N times (to build long lines)
 *   {{                       a literal '{'
 * Escapes (when asked): \r \n \t \0 \\ \xNN; other "\X" pairs are kept as
 * they are, so a pattern's "\*" still reaches the glob matcher.
 * In a regex the values of placeholders are quoted (quote_values): a nick
 * or channel the server chose stands for itself, never for regex syntax. */
#ifndef IRCSPEC_EXPAND_H
#define IRCSPEC_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves {kind:key} into out; returns 0, or -1 with a reason in out. */
typedef int expand_lookup_fn(void *arg, const char *kind, const char *key, char *out,
			     size_t outsz);

struct expand_ctx {
	expand_lookup_fn *lookup;
	void *arg;
	long counter;  /* {i} */
	bool escapes;  /* also decode backslash escapes */
	bool quote_values; /* a backslash before each ASCII punctuation byte of a
			      looked-up value: PCRE2 then takes it literally */
};

/* The longest value a lookup may give (its buffer is one byte more). */
#define EXPAND_VALUE_MAX 1023

/* Expands tmpl into out (binary-safe; *outlen bytes, NUL-terminated when
 * room).  Returns 0, or -1 with a message in err. */
int expand(const struct expand_ctx *ctx, const char *tmpl, char *out, size_t outsz,
	   size_t *outlen, char *err, size_t errsz);

#endif
