/* select.c - the -k expression language (see select.h): a tokenizer and a
 * recursive-descent parser into a small tree, then matching against case
 * headers.  Errors name the column, as a user fixing a shell line needs. */
#include "select.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Nesting of parentheses and "not"; bounds the parser's recursion. */
#define SELECT_DEPTH_MAX 64

enum tok { TK_END, TK_WORD, TK_LPAREN, TK_RPAREN, TK_OR, TK_AND, TK_NOT };

enum sx_kind { SX_TERM, SX_NOT, SX_AND, SX_OR };

struct select_expr {
	enum sx_kind kind;
	struct select_expr *l, *r; /* NOT uses l only */
	char term[];               /* SX_TERM */
};

struct parser {
	const char *s;
	size_t pos;       /* first byte after the current token */
	enum tok tok;     /* the current token */
	size_t at, len;   /* where it starts, how long */
	int depth;
	char *err;
	size_t errsz;
	bool failed;
};

static void next(struct parser *p)
{
	const char *s = p->s;
	while (isspace((unsigned char)s[p->pos]))
		p->pos++;
	p->at = p->pos;
	char c = s[p->pos];
	if (c == '\0' || c == '(' || c == ')' || c == ',') {
		p->tok = c == '\0' ? TK_END : c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : TK_OR;
		p->len = c != '\0';
		p->pos += p->len;
		return;
	}
	while (s[p->pos] && !isspace((unsigned char)s[p->pos]) && !strchr("(),", s[p->pos]))
		p->pos++;
	p->len = p->pos - p->at;
	p->tok = TK_WORD;
	if (p->len == 3 && strncmp(s + p->at, "and", 3) == 0)
		p->tok = TK_AND;
	else if (p->len == 2 && strncmp(s + p->at, "or", 2) == 0)
		p->tok = TK_OR;
	else if (p->len == 3 && strncmp(s + p->at, "not", 3) == 0)
		p->tok = TK_NOT;
}

/* Records the first error only; returns NULL for the caller to pass up. */
static struct select_expr *fail(struct parser *p, const char *what)
{
	if (!p->failed) {
		if (p->tok == TK_END)
			snprintf(p->err, p->errsz, "-k: %s at the end of the expression", what);
		else
			snprintf(p->err, p->errsz, "-k: %s '%.*s' at column %zu", what,
				 (int)(p->len > 40 ? 40 : p->len), p->s + p->at, p->at + 1);
	}
	p->failed = true;
	return NULL;
}

static struct select_expr *node(struct parser *p, enum sx_kind kind, struct select_expr *l,
				struct select_expr *r)
{
	struct select_expr *e = calloc(1, sizeof *e + 1);
	if (!e) {
		select_free(l);
		select_free(r);
		snprintf(p->err, p->errsz, "-k: out of memory");
		p->failed = true;
		return NULL;
	}
	e->kind = kind;
	e->l = l;
	e->r = r;
	return e;
}

static struct select_expr *parse_or(struct parser *p);

static struct select_expr *parse_term(struct parser *p)
{
	struct select_expr *e = malloc(sizeof *e + p->len + 1);
	if (!e) {
		snprintf(p->err, p->errsz, "-k: out of memory");
		p->failed = true;
		return NULL;
	}
	e->kind = SX_TERM;
	e->l = e->r = NULL;
	memcpy(e->term, p->s + p->at, p->len);
	e->term[p->len] = '\0';
	next(p);
	return e;
}

/* primary := WORD | '(' or ')' ;  unary := 'not' unary | primary */
static struct select_expr *parse_unary(struct parser *p)
{
	if (p->tok == TK_WORD)
		return parse_term(p);
	if (p->tok != TK_NOT && p->tok != TK_LPAREN)
		return fail(p, p->tok == TK_END ? "expected a term" : "unexpected");
	if (++p->depth > SELECT_DEPTH_MAX) {
		snprintf(p->err, p->errsz, "-k: nested deeper than %d at column %zu",
			 SELECT_DEPTH_MAX, p->at + 1);
		p->failed = true;
		return NULL;
	}
	enum tok opener = p->tok;
	size_t open_at = p->at;
	next(p);
	struct select_expr *e = opener == TK_NOT ? parse_unary(p) : parse_or(p);
	p->depth--;
	if (!e)
		return NULL;
	if (opener == TK_NOT)
		return node(p, SX_NOT, e, NULL);
	if (p->tok != TK_RPAREN) {
		select_free(e);
		if (p->tok != TK_END)
			return fail(p, "expected ')' before");
		snprintf(p->err, p->errsz, "-k: missing ')' for the '(' at column %zu", open_at + 1);
		p->failed = true;
		return NULL;
	}
	next(p);
	return e;
}

/* Left-associative chain of one binary operator over `sub`. */
static struct select_expr *parse_chain(struct parser *p, enum tok op, enum sx_kind kind,
				       struct select_expr *(*sub)(struct parser *))
{
	struct select_expr *l = sub(p);
	while (l && p->tok == op) {
		next(p);
		struct select_expr *r = sub(p);
		if (!r) {
			select_free(l);
			return NULL;
		}
		l = node(p, kind, l, r);
	}
	return l;
}

static struct select_expr *parse_and(struct parser *p)
{
	return parse_chain(p, TK_AND, SX_AND, parse_unary);
}

static struct select_expr *parse_or(struct parser *p)
{
	return parse_chain(p, TK_OR, SX_OR, parse_and);
}

struct select_expr *select_compile(const char *expr, char *err, size_t errsz)
{
	struct parser p = {.s = expr, .err = err, .errsz = errsz};
	if (strlen(expr) > SELECT_EXPR_MAX) {
		snprintf(err, errsz, "-k: expression longer than %d characters", SELECT_EXPR_MAX);
		return NULL;
	}
	next(&p);
	if (p.tok == TK_END) {
		snprintf(err, errsz, "-k: empty expression");
		return NULL;
	}
	struct select_expr *e = parse_or(&p);
	if (e && p.tok != TK_END) {
		select_free(e);
		/* Two terms side by side: say what would join them. */
		bool operand = p.tok == TK_WORD || p.tok == TK_LPAREN || p.tok == TK_NOT;
		return fail(&p, operand ? "expected 'and', 'or' or ',' before" : "unexpected");
	}
	return e;
}

/* "rfc2812:3.2" is a prefix of "rfc2812:3.2.1" but not of "rfc2812:3.21":
 * the reference must end there or go on with '.' or ':'. */
static bool spec_prefix(const char *term, const char *spec)
{
	size_t n = strlen(term);
	if (n == 0 || strncasecmp(term, spec, n) != 0)
		return false;
	char next_ch = spec[n], last = term[n - 1];
	return next_ch == '\0' || next_ch == '.' || next_ch == ':' || last == '.' || last == ':';
}

static bool term_match(const char *term, const struct casefile *c)
{
	if (strcmp(term, c->id) == 0 || fnmatch(term, c->id, 0) == 0)
		return true;
	if (strcasecmp(term, level_name(c->level)) == 0)
		return true;
	for (unsigned i = 0; i < c->ntags; i++)
		if (strcmp(term, c->tags[i]) == 0)
			return true;
	for (unsigned i = 0; i < c->nspecs; i++)
		if (spec_prefix(term, c->specs[i]))
			return true;
	return false;
}

bool select_match(const struct select_expr *e, const struct casefile *c)
{
	if (!e)
		return true;
	switch (e->kind) {
	case SX_TERM:
		return term_match(e->term, c);
	case SX_NOT:
		return !select_match(e->l, c);
	case SX_AND:
		return select_match(e->l, c) && select_match(e->r, c);
	case SX_OR:
		return select_match(e->l, c) || select_match(e->r, c);
	}
	return false;
}

void select_free(struct select_expr *e)
{
	if (!e)
		return;
	select_free(e->l);
	select_free(e->r);
	free(e);
}
