/* motd.c - reads the MOTD file and wraps lines too long for one RPL_MOTD,
 * so nothing is cut or split silently: the caller gets a warning to show. */
#include "motd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void motd_free(char **lines)
{
	if (!lines)
		return;
	for (char **l = lines; *l; l++)
		free(*l);
	free(lines);
}

/* Where to end the piece of text[0..len) that goes on this line: after its
 * last space within MOTD_TEXT_MAX, else at MOTD_TEXT_MAX moved back to the
 * start of a UTF-8 character. */
static size_t wrap_at(const char *text, size_t len)
{
	if (len <= MOTD_TEXT_MAX)
		return len;
	for (size_t i = MOTD_TEXT_MAX; i > 0; i--)
		if (text[i] == ' ')
			return i;
	size_t i = MOTD_TEXT_MAX;
	while (i > 1 && ((unsigned char)text[i] & 0xC0) == 0x80)
		i--;
	return i;
}

struct motd_reader {
	char **lines;
	size_t n;
	unsigned first_long;   /* file line number of the first wrapped line */
	unsigned nlong;        /* lines wrapped */
	bool too_many;         /* stopped at MOTD_MAX_LINES */
};

/* Adds one line of the file, wrapped as needed.  -1: out of memory. */
static int add_line(struct motd_reader *r, const char *text, size_t len, unsigned lineno)
{
	if (len > MOTD_TEXT_MAX && r->nlong++ == 0)
		r->first_long = lineno;
	do {
		if (r->n == MOTD_MAX_LINES) {
			r->too_many = true;
			return 0;
		}
		size_t cut = wrap_at(text, len);
		if (!(r->lines[r->n] = strndup(text, cut)))
			return -1;
		r->n++;
		text += cut;
		len -= cut;
		if (len > 0 && *text == ' ') { /* the space we wrapped at */
			text++;
			len--;
		}
	} while (len > 0);
	return 0;
}

int motd_load(const char *path, char ***lines, char *msg, size_t msgsz)
{
	msg[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msg, msgsz, "cannot read MOTD file %s: %s", path, strerror(errno));
		return -1;
	}
	char *data = malloc(MOTD_FILE_MAX);
	struct motd_reader r = {.lines = calloc(MOTD_MAX_LINES + 1, sizeof(char *))};
	size_t size = data ? fread(data, 1, MOTD_FILE_MAX, f) : 0;
	bool read_error = ferror(f);
	bool too_big = size == MOTD_FILE_MAX && fgetc(f) != EOF;
	fclose(f);
	int rc = data && r.lines ? 0 : -1;
	unsigned lineno = 0;
	for (size_t pos = 0; rc == 0 && pos < size && !r.too_many;) {
		const char *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
		size_t text_len = strnlen(data + pos, len); /* nothing past a NUL */
		if (text_len > 0 && data[pos + text_len - 1] == '\r')
			text_len--;
		rc = add_line(&r, data + pos, text_len, ++lineno);
		pos += len + 1;
	}
	free(data);
	if (rc != 0 || read_error) {
		motd_free(r.lines);
		snprintf(msg, msgsz, rc != 0 ? "out of memory reading %s" : "cannot read MOTD file %s",
			 path);
		return -1;
	}
	*lines = r.lines;
	if (r.nlong)
		snprintf(msg, msgsz,
			 "MOTD file %s line %u%s longer than %d bytes, the most one RPL_MOTD "
			 "reply holds: wrapped at a word boundary",
			 path, r.first_long, r.nlong > 1 ? " and others are" : " is", MOTD_TEXT_MAX);
	else if (r.too_many || too_big)
		snprintf(msg, msgsz, "MOTD file %s: only its first %s are used", path,
			 r.too_many ? "1000 lines" : "256 KiB");
	return 0;
}
