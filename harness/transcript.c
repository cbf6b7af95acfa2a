/* transcript.c - the per-case record of what was sent, received and seen.
 *
 * A hostile server can send without end, so the transcript is bounded:
 * each entry's text is capped, and once the whole passes
 * TRANSCRIPT_MAX_BYTES, entries are dropped from the middle.  The start
 * shows how the case began and the last TRANSCRIPT_TAIL entries show how it
 * ended; both are what a reader needs to act on a failure.  While anything
 * has been dropped, the gap sits just before the last TRANSCRIPT_TAIL
 * entries (e[n - TRANSCRIPT_TAIL]), which is where reports print
 * "... N entries dropped ...".
 *
 * The budget counts what is really held (slot array, each text's
 * allocation with malloc's overhead), and a finished case's transcript
 * also draws on the run's budget (transcript_settle): many cases against a
 * chatty server keep the memory and the JSON report bounded too. */
#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Escaped text kept per entry.  4 bytes per input byte covers a 512-byte
 * IRC line (RFC 2812 2.3) even if every byte needs \xNN; and
 * TRANSCRIPT_TAIL full entries stay well inside TRANSCRIPT_MAX_BYTES, so
 * the tail can always be kept. */
#define TRANSCRIPT_ENTRY_MAX 2048
#define CUT_NOTE_MAX 48 /* "... [N more bytes]" */

/* What malloc(n) really takes (glibc: an 8-byte size header, 16-byte
 * granules, 32 bytes at least).  A 10-byte line costs 32, not 10: counting
 * the text alone let a flood of short lines hold 4x the budget. */
static size_t malloc_cost(size_t n)
{
	size_t c = (n + 8 + 15) / 16 * 16;
	return c < 32 ? 32 : c;
}

static size_t text_cost(const char *text)
{
	return malloc_cost(strlen(text) + 1);
}

static size_t slots_cost(size_t cap)
{
	return cap ? malloc_cost(cap * sizeof(struct tentry)) : 0;
}

/* The tail must fit the budget even when every entry in it is full (and
 * the slot array has doubled past it), so that make_room never has to eat
 * into the tail it promises to keep. */
_Static_assert(TRANSCRIPT_TAIL * (TRANSCRIPT_ENTRY_MAX + CUT_NOTE_MAX + 32) +
	       4 * TRANSCRIPT_TAIL * sizeof(struct tentry) < TRANSCRIPT_MAX_BYTES,
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
 * escapes plus a note of how much was cut, in an allocation of exactly its
 * size.  NULL when out of memory. */
static char *escape_data(const char *data, size_t len)
{
	char out[TRANSCRIPT_ENTRY_MAX + CUT_NOTE_MAX];
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		char one[5];
		size_t k = escape_byte((unsigned char)data[i], one);
		if (o + k > TRANSCRIPT_ENTRY_MAX)
			break;
		memcpy(out + o, one, k);
		o += k;
	}
	int nl = i < len ? snprintf(out + o, CUT_NOTE_MAX, "... [%zu more bytes]", len - i) : 0;
	o += nl > 0 ? (size_t)nl : 0;
	char *text = malloc(o + 1);
	if (text) {
		memcpy(text, out, o);
		text[o] = '\0';
	}
	return text;
}

static void drop_entry(struct transcript *t, size_t idx)
{
	t->bytes -= text_cost(t->e[idx].data);
	free(t->e[idx].data);
	memmove(&t->e[idx], &t->e[idx + 1], (t->n - idx - 1) * sizeof t->e[0]);
	t->n--;
	t->dropped++;
}

/* The entry to drop next: the one just after the gap (it is leaving the
 * tail window as a new entry joins it), or the head's last ones once the
 * transcript is shorter than its tail. */
static size_t next_to_drop(const struct transcript *t)
{
	return t->n >= TRANSCRIPT_TAIL ? t->n - TRANSCRIPT_TAIL : 0;
}

/* What one more entry costs: its text, and the slot array's growth when it
 * is full. */
static size_t add_cost(const struct transcript *t, size_t text)
{
	size_t grow = t->n < t->cap ? 0 : slots_cost(t->cap ? t->cap * 2 : 64) - slots_cost(t->cap);
	return text + grow;
}

/* Makes room for an entry whose text costs `text` (dropping entries frees
 * slots, so the array need not grow after the first drop). */
static void make_room(struct transcript *t, size_t text)
{
	while (t->n > 0 && t->bytes + add_cost(t, text) > TRANSCRIPT_MAX_BYTES)
		drop_entry(t, next_to_drop(t));
}

static int reserve_slot(struct transcript *t)
{
	if (t->n < t->cap)
		return 0;
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct tentry *ne = realloc(t->e, ncap * sizeof *ne);
	if (!ne)
		return -1;
	t->bytes += slots_cost(ncap) - slots_cost(t->cap);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

void transcript_add(struct transcript *t, long t_ms, const char *client, enum tdir dir,
		    const char *data, size_t len)
{
	char *text = escape_data(data ? data : "", data ? len : 0);
	if (text)
		make_room(t, text_cost(text));
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
	t->bytes += text_cost(text);
}

void transcript_trim(struct transcript *t, size_t limit)
{
	while (t->n > 0 && t->bytes - slots_cost(t->cap) + slots_cost(t->n) > limit)
		drop_entry(t, next_to_drop(t));
	if (t->n == t->cap)
		return;
	if (t->n == 0) {
		t->bytes -= slots_cost(t->cap);
		free(t->e);
		t->e = NULL;
		t->cap = 0;
		return;
	}
	struct tentry *ne = realloc(t->e, t->n * sizeof *ne);
	if (ne) {
		t->bytes = t->bytes - slots_cost(t->cap) + slots_cost(t->n);
		t->e = ne;
		t->cap = t->n;
	}
}

void transcript_settle(struct transcript *t, atomic_size_t *run_total)
{
	size_t had = atomic_load(run_total), got;
	do {
		size_t room = had < TRANSCRIPT_RUN_MAX_BYTES ? TRANSCRIPT_RUN_MAX_BYTES - had : 0;
		got = t->bytes < room ? t->bytes : room;
	} while (!atomic_compare_exchange_weak(run_total, &had, had + got));
	transcript_trim(t, got);
}

void transcript_free(struct transcript *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].data);
	free(t->e);
	memset(t, 0, sizeof *t);
}
