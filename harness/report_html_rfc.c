/* report_html_rfc.c - the RFC texts shipped with an HTML report: rfc/NAME.html
 * is the text as it is (escaped, page breaks dropped) with an anchor
 * id="section-N.N" before each section heading, where a case's spec
 * reference points (html_spec_ref).  A heading is a line that starts at
 * column 0 with a section number and a title ("4.2.4 Topic message",
 * "1.  INTRODUCTION"); body text, the contents and the page headers are
 * indented or start with "RFC".  The first heading of a number wins. */
#include "report_html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "rfctext.h"

#define SECTION_MAX 32
#define SEEN_MAX 512

/* The section number a heading line s[0..len) starts with, or false. */
static bool heading(const char *s, size_t len, char *num, size_t numsz)
{
	size_t i = 0;
	while (i < len && (isdigit((unsigned char)s[i]) || (s[i] == '.' && i > 0)))
		i++;
	size_t n = i;
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= numsz || i >= len || s[i] != ' ')
		return false;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || !isalpha((unsigned char)s[i]))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	return true;
}

static bool seen_before(char seen[][SECTION_MAX], size_t *nseen, const char *num)
{
	for (size_t k = 0; k < *nseen; k++)
		if (strcmp(seen[k], num) == 0)
			return true;
	if (*nseen < SEEN_MAX)
		snprintf(seen[(*nseen)++], SECTION_MAX, "%s", num);
	return false;
}

static void write_text(FILE *f, const char *t, size_t len)
{
	char seen[SEEN_MAX][SECTION_MAX]; /* 16 KiB */
	size_t nseen = 0;
	fputs("<pre class=\"rfc\">", f);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (t + i)) + 1 : len - i;
		const char *s = t + i;
		size_t sl = l;
		if (sl > 0 && s[0] == '\f') /* a page break: the text, not the form feed */
			s++, sl--;
		char num[SECTION_MAX];
		if (heading(s, sl, num, sizeof num) && !seen_before(seen, &nseen, num))
			fprintf(f, "<span id=\"section-%s\"></span>", num);
		html_text(f, s, sl);
		i += l;
	}
	fputs("</pre>\n", f);
}

int html_write_rfcs(const struct html_dir *d, const char *sub, char *err, size_t errsz)
{
	char rel[256];
	snprintf(rel, sizeof rel, "%srfc", sub);
	if (html_dir_mkdir(d, rel, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < RFCTEXT_COUNT; i++) {
		struct rfctext t = rfctext_get(i);
		snprintf(rel, sizeof rel, "%srfc/%s.html", sub, t.name);
		FILE *f = html_dir_file(d, rel, err, errsz);
		if (!f)
			return -1;
		char title[32];
		snprintf(title, sizeof title, "RFC %s", t.name + 3);
		html_page_head(f, title);
		write_text(f, t.text, t.len);
		html_page_foot(f, NULL);
		if (html_dir_close_file(f, rel, err, errsz) != 0)
			return -1;
	}
	return 0;
}
