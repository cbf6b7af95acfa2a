/* numexpr.c - parses number expressions (see numexpr.h). */
#include "numexpr.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct cursor {
	const char *s, *end;
	char *err;
	size_t errsz;
};

static int bad(struct cursor *c, const char *what)
{
	snprintf(c->err, c->errsz, "%s at '%.*s'", what, (int)(c->end - c->s), c->s);
	return -1;
}

/* Digits at the cursor as a number of at most NUM_ABS_MAX. */
static int digits(struct cursor *c, long long *out)
{
	long long v = 0;
	const char *start = c->s;
	while (c->s < c->end && isdigit((unsigned char)*c->s)) {
		v = v * 10 + (*c->s - '0');
		c->s++;
		if (v > NUM_ABS_MAX) {
			c->s = start;
			return bad(c, "number larger than 1000000000");
		}
	}
	if (c->s == start)
		return bad(c, "expected a decimal number");
	*out = v;
	return 0;
}

static bool is_key_char(char ch)
{
	return ch > ' ' && ch < 0x7f && !strchr("+-?:{},", ch);
}

/* A run of chars accepted by ok() into out (NUM_TOKEN_MAX at most). */
static int word(struct cursor *c, bool (*ok)(char), char *out, const char *what)
{
	size_t n = 0;
	while (c->s + n < c->end && ok(c->s[n]))
		n++;
	if (n == 0 || n > NUM_TOKEN_MAX) {
		char msg[96];
		snprintf(msg, sizeof msg, n ? "%s longer than %d characters" : "expected %s", what,
			 NUM_TOKEN_MAX);
		return bad(c, msg);
	}
	memcpy(out, c->s, n);
	out[n] = '\0';
	c->s += n;
	return 0;
}

static bool is_token_char(char ch)
{
	return isalnum((unsigned char)ch);
}

/* PCRE2's group names: letters, digits and '_', not starting with a digit
 * (checked by the caller). */
static bool is_var_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

static bool starts(struct cursor *c, const char *word_)
{
	size_t n = strlen(word_);
	if ((size_t)(c->end - c->s) < n || memcmp(c->s, word_, n) != 0)
		return false;
	c->s += n;
	return true;
}

static int isupport_term(struct cursor *c, struct num_term *t)
{
	t->kind = NUM_ISUPPORT;
	if (word(c, is_token_char, t->name, "an ISUPPORT token (letters, digits)") != 0)
		return -1;
	if (c->s < c->end && *c->s == ':') {
		c->s++;
		if (word(c, is_key_char, t->key, "a KEY after TOKEN:") != 0)
			return -1;
	}
	if (c->s < c->end && *c->s == '?') {
		c->s++;
		t->has_default = true;
		return digits(c, &t->def);
	}
	return 0;
}

static int term(struct cursor *c, struct num_term *t)
{
	memset(t, 0, sizeof *t);
	if (starts(c, "isupport:"))
		return isupport_term(c, t);
	if (starts(c, "var:")) {
		t->kind = NUM_VAR;
		if (c->s < c->end && isdigit((unsigned char)*c->s))
			return bad(c, "a variable name starts with a letter or '_'");
		return word(c, is_var_char, t->name, "a variable name (letters, digits, '_')");
	}
	t->kind = NUM_LITERAL;
	bool neg = c->s < c->end && *c->s == '-';
	c->s += neg;
	if (c->s == c->end || !isdigit((unsigned char)*c->s))
		return bad(c, "expected a number, isupport:TOKEN or var:NAME");
	if (digits(c, &t->literal) != 0)
		return -1;
	t->literal = neg ? -t->literal : t->literal;
	return 0;
}

int numexpr_parse(const char *s, size_t len, struct num_expr *e, char *err, size_t errsz)
{
	struct cursor c = {s, s + len, err, errsz};
	memset(e, 0, sizeof *e);
	if (term(&c, &e->term) != 0)
		return -1;
	while (c.s < c.end) {
		char op = *c.s;
		long long n;
		if (op != '+' && op != '-')
			return bad(&c, "expected +N or -N");
		c.s++;
		if (digits(&c, &n) != 0)
			return -1;
		e->offset += op == '+' ? n : -n;
		if (e->offset > NUM_ABS_MAX || e->offset < -NUM_ABS_MAX)
			return bad(&c, "offsets add up past 1000000000");
	}
	return 0;
}

int num_parse_decimal(const char *s, size_t len, long long *out)
{
	char err[8];
	struct cursor c = {s, s + len, err, sizeof err};
	bool neg = len > 0 && s[0] == '-';
	c.s += neg;
	if (digits(&c, out) != 0 || c.s != c.end)
		return -1;
	*out = neg ? -*out : *out;
	return 0;
}
