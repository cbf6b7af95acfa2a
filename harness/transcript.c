/* transcript.c - the per-case record of what was sent, received and seen.
 *
 * A hostile server can send without end, so the transcript is bounded:
 * each entry's text is capped, and once the whole passes
 * TRANSCRIPT_MAX_BYTES, entries are dropped from the middle.  The start
 * shows how the case began and the last TRANSCRIPT_TAIL entries show how it
 * ended; both are what a reader needs to act on a failure.  While anything
 * has been dropped, the gap sits just before the last TRANSCRIPT_TAIL
 * entries (e[n - TRANSCRIPT_TAIL]), which is where reports print
 * "... N entries dropped ...". */
#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Escaped text kept per entry.  4 bytes per input byte covers a 512-byte
 * IRC line (RFC 2812 2.3) even if every byte needs \xNN; and
 * TRANSCRIPT_TAIL full entries stay well inside TRANSCRIPT_MAX_BYTES, so
 * the tail can always be kept. */
#define TRANSCRIPT_ENTRY_MAX 2048

/* What an entry costs against TRANSCRIPT_MAX_BYTES besides its text: the
 * array slot.  Counting it bounds memory even for a flood of empty lines. */
#define ENTRY_OVERHEAD (sizeof(struct tentry) + 1)

/* The tail must fit the budget even when every entry in it is full, so
 * that make_room never has to eat into the tail it promises to keep. */
_Static_assert(TRANSCRIPT_TAIL * (TRANSCRIPT_ENTRY_MAX + 48 + 64) < TRANSCRIPT_MAX_BYTES,
	       "the tail of full entries must fit the transcript budget");

const char *tdir_name(enum tdir d)
{
	switch (d) {
	case T_SEND:
		return "send";
	case T_RECV:
		return "recv";
	case T_EVENT:
		return "event";
	}
	return "?";
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = {"pass", "fail", "skip", "error", "crash"};
	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

/* Escapes one byte into out (room for 5); returns the length written. */
static size_t escape_byte(unsigned char ch, char *out)
{
	static const char hex[] = "0123456789abcdef";
	char short_form = ch == '\r' ? 'r' : ch == '\n' ? 'n' : ch == '\t' ? 't' : ch == '\\' ? '\\' : 0;
	if (short_form) {
		out[0] = '\\';
		out[1] = short_form;
		return 2;
	}
	if (ch >= 0x20 && ch <= 0x7e) {
		out[0] = (char)ch;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[ch >> 4];
	out[3] = hex[ch & 15];
	return 4;
}

/* Printable ASCII copy of data, at most TRANSCRIPT_ENTRY_MAX bytes of
 * escapes plus a note of how much was cut.  NULL when out of memory. */
static char *escape_data(const char *data, size_t len)
{
	char note[48] = "";
	size_t body = len < TRANSCRIPT_ENTRY_MAX / 4 ? len * 4 : TRANSCRIPT_ENTRY_MAX;
	char *out = malloc(body + sizeof note);
	if (!out)
		return NULL;
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		char one[5];
		size_t k = escape_byte((unsigned char)data[i], one);
		if (o + k > TRANSCRIPT_ENTRY_MAX)
			break;
		memcpy(out + o, one, k);
		o += k;
	}
	if (i < len)
		snprintf(note, sizeof note, "... [%zu more bytes]", len - i);
	size_t nl = strlen(note);
	memcpy(out + o, note, nl + 1);
	return out;
}

static void drop_entry(struct transcript *t, size_t idx)
{
	t->bytes -= strlen(t->e[idx].data) + ENTRY_OVERHEAD;
	free(t->e[idx].data);
	memmove(&t->e[idx], &t->e[idx + 1], (t->n - idx - 1) * sizeof t->e[0]);
	t->n--;
	t->dropped++;
}

/* Makes room for `cost` more bytes by dropping the entry just after the
 * gap (it is leaving the tail window as the new entry joins it); if that is
 * not enough, the head gives up its last entries too. */
static void make_room(struct transcript *t, size_t cost)
{
	while (t->n > 0 && t->bytes + cost > TRANSCRIPT_MAX_BYTES) {
		size_t idx = t->n >= TRANSCRIPT_TAIL ? t->n - TRANSCRIPT_TAIL : 0;
		drop_entry(t, idx);
	}
}

static int reserve_slot(struct transcript *t)
{
	if (t->n < t->cap)
		return 0;
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct tentry *ne = realloc(t->e, ncap * sizeof *ne);
	if (!ne)
		return -1;
	t->e = ne;
	t->cap = ncap;
	return 0;
}

void transcript_add(struct transcript *t, long t_ms, const char *client, enum tdir dir,
		    const char *data, size_t len)
{
	char *text = escape_data(data ? data : "", data ? len : 0);
	size_t cost = text ? strlen(text) + ENTRY_OVERHEAD : 0;
	if (text)
		make_room(t, cost);
	if (!text || reserve_slot(t) != 0) {
		/* Out of memory: losing one line of a transcript must not end the
		 * run; it is counted like any other dropped entry. */
		free(text);
		t->dropped++;
		return;
	}
	struct tentry *e = &t->e[t->n++];
	e->t_ms = t_ms;
	snprintf(e->client, sizeof e->client, "%s", client ? client : "");
	e->dir = dir;
	e->data = text;
	t->bytes += cost;
}

void transcript_free(struct transcript *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].data);
	free(t->e);
	memset(t, 0, sizeof *t);
}
