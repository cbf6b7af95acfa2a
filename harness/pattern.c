/* pattern.c - message patterns (see pattern.h). */
#include "pattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"

int pattern_compile(struct pattern *p, const char *text, char *err, size_t errsz)
{
	memset(p, 0, sizeof *p);
	p->msg = malloc(sizeof *p->msg);
	if (!p->msg) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	enum irc_parse_result r = irc_parse(p->msg, text, strlen(text));
	if (r != IRC_PARSE_OK) {
		snprintf(err, errsz, r == IRC_PARSE_TOO_LONG ? "pattern too long"
							      : "no command in '%s'", text);
		pattern_free(p);
		return -1;
	}
	p->nfixed = p->msg->nparams;
	if (p->nfixed > 0 && strcmp(p->msg->params[p->nfixed - 1], "...") == 0) {
		p->any_tail = true;
		p->nfixed--;
	}
	return 0;
}

/* irc_mask_match's glob (RFC 2812 2.5: '*', '?', '\' escapes the next
 * byte), comparing bytes as they are: text that must arrive unchanged. */
static bool glob_exact(const char *mask, const char *s)
{
	const char *star_m = NULL, *star_t = NULL;
	while (*s) {
		if (*mask == '*') {
			while (*mask == '*')
				mask++;
			star_m = mask;
			star_t = s;
			continue;
		}
		bool literal = mask[0] == '\\' && mask[1];
		char mc = literal ? mask[1] : mask[0];
		if (mc && ((!literal && mc == '?') || mc == *s)) {
			mask += literal ? 2 : 1;
			s++;
			continue;
		}
		if (!star_m)
			return false;
		mask = star_m;
		s = ++star_t;
	}
	while (*mask == '*')
		mask++;
	return *mask == '\0';
}

static bool field_match(const struct pattern *p, const char *mask, const char *s)
{
	return p->exact ? glob_exact(mask, s) : irc_mask_match(mask, s);
}

bool pattern_match(const struct pattern *p, const struct irc_msg *m)
{
	const struct irc_msg *pm = p->msg;
	if (pm->prefix && (!m->prefix || !field_match(p, pm->prefix, m->prefix)))
		return false;
	if (!field_match(p, pm->command, m->command))
		return false;
	if (m->nparams < p->nfixed || (!p->any_tail && m->nparams != p->nfixed))
		return false;
	for (int i = 0; i < p->nfixed; i++)
		if (!field_match(p, pm->params[i], m->params[i]))
			return false;
	return true;
}

void pattern_free(struct pattern *p)
{
	free(p->msg);
	p->msg = NULL;
}
