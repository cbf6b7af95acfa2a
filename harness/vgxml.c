/* vgxml.c - Valgrind's XML protocol 4 into findings (see vgxml.h).
 *
 * libexpat does the XML: tokens, entities, well-formedness, partial input.
 * This file keeps the path of open element names; the handlers look at the
 * path to know what a <text> or <fn> belongs to.  Anything unknown is
 * skipped, which is how later protocol additions stay harmless.
 *
 * Hostile input: a DOCTYPE stops the parse (no entity can be declared, so
 * no "billion laughs"; expat's own amplification limit stays on as well),
 * nesting past VGXML_MAX_DEPTH stops it, text beyond its cap is dropped, and
 * expat's time is linear in the input, which is capped at VGXML_MAX_FILE. */
#include "vgxml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Debian's libexpat is built with DTD support; its header declares the
 * calls that limit entity expansion only when XML_DTD says so. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>

#define NAME_MAX_LEN 24        /* element names we care about are short */
#define FIELD_MAX 512          /* one frame field (C++ names can be long) */
#define FEED_MAX (1024 * 1024) /* bytes per XML_Parse call (its length is an int) */
#define READ_CHUNK 65536       /* a file is read and parsed this much at a time */
/* Expat's limit on entity expansion (output bytes per input byte, checked
 * once the output passes the threshold); moot while a DOCTYPE is refused,
 * kept as a second wall.  Without the DOCTYPE refusal a 777-byte "billion
 * laughs" stops after ~0.4 MB of expansion instead of 3 GB. */
#define AMPLIFICATION_MAX 4.0f
#define AMPLIFICATION_FROM (1024 * 1024)

struct vframe {
	char ip[32], obj[FIELD_MAX], fn[FIELD_MAX], file[FIELD_MAX], line[16];
};

struct vgp {
	XML_Parser xp;
	bool stopped;              /* err says why; later callbacks are ignored */
	char err[256];
	char path[VGXML_MAX_DEPTH][NAME_MAX_LEN];
	int depth;
	char text[VGXML_TEXT_MAX]; /* text of the element being read */
	size_t tlen;
	bool text_full;            /* cut at its cap: nothing more is appended */
	bool root_seen, root_closed;

	bool in_item, is_signal; /* inside <error> or <fatal_signal> */
	int item_depth;          /* depth of that element */
	char kind[64], what[VGXML_TEXT_MAX], aux[VGXML_TEXT_MAX];
	char signame[32], signo[16], event[128], siaddr[32];
	char stack[VGXML_STACK_MAX];
	size_t slen;
	int nstacks;
	struct vframe fr;

	struct vg_finding **v;
	size_t *n;
	size_t dropped;
	bool oom;
};

/* ---- bounded string helpers ---- */

/* The longest prefix of s[0..len) of at most max bytes that does not end
 * inside a UTF-8 sequence, so a cut string stays valid for the reports. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void copy_field(char *dst, size_t dstsz, const char *src, size_t len)
{
	len = utf8_prefix(src, len, dstsz - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Trims surrounding whitespace of the element text into dst. */
static void take_text(const struct vgp *p, char *dst, size_t dstsz)
{
	const char *s = p->text;
	size_t len = p->tlen;
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	copy_field(dst, dstsz, s, len);
}

static void stop(struct vgp *p, const char *why)
{
	if (!p->stopped) {
		p->stopped = true;
		snprintf(p->err, sizeof p->err, "%s", why);
		XML_StopParser(p->xp, XML_FALSE);
	}
}

/* ---- findings ---- */

static bool is(const struct vgp *p, int depth_index, const char *name)
{
	return depth_index >= 0 && depth_index < p->depth &&
	       strcmp(p->path[depth_index], name) == 0;
}

static void stack_append(struct vgp *p, const char *s)
{
	size_t l = strlen(s);
	if (p->slen + l + 1 > sizeof p->stack) {
		/* The top of a stack is what matters: the rest is cut, and
		 * nothing shorter may slip in after the cut. */
		p->slen = sizeof p->stack - 1;
		return;
	}
	memcpy(p->stack + p->slen, s, l + 1);
	p->slen += l;
}

static void frame_done(struct vgp *p)
{
	char line[FIELD_MAX * 2 + 64];
	const struct vframe *f = &p->fr;
	const char *fn = f->fn[0] ? f->fn : f->ip[0] ? f->ip : "???";
	if (f->file[0] && f->line[0])
		snprintf(line, sizeof line, "%s (%s:%s)\n", fn, f->file, f->line);
	else if (f->file[0])
		snprintf(line, sizeof line, "%s (%s)\n", fn, f->file);
	else if (f->obj[0])
		snprintf(line, sizeof line, "%s (in %s)\n", fn, f->obj);
	else
		snprintf(line, sizeof line, "%s\n", fn);
	stack_append(p, line);
}

static char *dup_or_oom(struct vgp *p, const char *s)
{
	char *d = strdup(s);
	if (!d)
		p->oom = true;
	return d;
}

/* An <auxwhat> ends up as a line of the stack text, after the frames it
 * follows, as in Valgrind's text output ("Address 0x0 is not stack'd"). */
static void aux_flush(struct vgp *p)
{
	if (p->aux[0]) {
		stack_append(p, p->aux);
		stack_append(p, "\n");
		p->aux[0] = '\0';
	}
}

static void item_done(struct vgp *p)
{
	p->in_item = false;
	aux_flush(p);
	if (*p->n >= VGXML_MAX_FINDINGS) {
		p->dropped++;
		return;
	}
	char what[VGXML_TEXT_MAX + 64];
	char detail[192] = ""; /* e.g. " (Access not within mapped region at 0x0)" */
	if (p->event[0])
		snprintf(detail, sizeof detail, " (%s%s%s)", p->event, p->siaddr[0] ? " at " : "",
			 p->siaddr);
	if (p->is_signal)
		snprintf(what, sizeof what, "%s (signal %s): the process was terminated%s",
			 p->signame[0] ? p->signame : "?", p->signo[0] ? p->signo : "?", detail);
	else
		snprintf(what, sizeof what, "%s", p->what[0] ? p->what : "(no description)");
	struct vg_finding f = {
		.kind = dup_or_oom(p, p->is_signal ? "FatalSignal" : p->kind[0] ? p->kind : "Unknown"),
		.what = dup_or_oom(p, what),
		.stack = dup_or_oom(p, p->stack),
	};
	struct vg_finding *nv = p->oom ? NULL : realloc(*p->v, (*p->n + 1) * sizeof *nv);
	if (!nv) {
		free(f.kind);
		free(f.what);
		free(f.stack);
		p->oom = true;
		stop(p, "out of memory");
		return;
	}
	nv[*p->n] = f;
	*p->v = nv;
	(*p->n)++;
}

static void item_start(struct vgp *p, bool is_signal)
{
	p->in_item = true;
	p->is_signal = is_signal;
	p->item_depth = p->depth;
	p->kind[0] = p->what[0] = p->aux[0] = p->signame[0] = p->signo[0] = '\0';
	p->event[0] = p->siaddr[0] = '\0';
	p->stack[0] = '\0';
	p->slen = 0;
	p->nstacks = 0;
}

/* ---- element handlers: `d` is the index of the element in path ---- */

static void on_open(struct vgp *p, const char *name)
{
	int d = p->depth - 1;
	if (d == 0) {
		p->root_seen = true;
		if (strcmp(name, "valgrindoutput") != 0) {
			char why[96];
			snprintf(why, sizeof why, "not Valgrind XML (root element <%.40s>)", name);
			stop(p, why);
		}
		return;
	}
	if (d == 1 && strcmp(name, "error") == 0)
		item_start(p, false);
	else if (d == 1 && strcmp(name, "fatal_signal") == 0)
		item_start(p, true);
	else if (p->in_item && strcmp(name, "stack") == 0) {
		/* A second stack is described by the <auxwhat> or <origin><what>
		 * read just before it. */
		if (p->nstacks++ > 0 && !p->aux[0])
			stack_append(p, "(another stack)\n");
		aux_flush(p);
	} else if (p->in_item && strcmp(name, "frame") == 0)
		memset(&p->fr, 0, sizeof p->fr);
}

static void on_frame_field(struct vgp *p, const char *name)
{
	struct vframe *f = &p->fr;
	if (strcmp(name, "ip") == 0)
		take_text(p, f->ip, sizeof f->ip);
	else if (strcmp(name, "obj") == 0)
		take_text(p, f->obj, sizeof f->obj);
	else if (strcmp(name, "fn") == 0)
		take_text(p, f->fn, sizeof f->fn);
	else if (strcmp(name, "file") == 0)
		take_text(p, f->file, sizeof f->file);
	else if (strcmp(name, "line") == 0)
		take_text(p, f->line, sizeof f->line);
}

/* Signal details: one text field each, directly inside the item. */
static void on_item_field(struct vgp *p, const char *name)
{
	if (strcmp(name, "kind") == 0)
		take_text(p, p->kind, sizeof p->kind);
	else if (strcmp(name, "what") == 0)
		take_text(p, p->what, sizeof p->what);
	else if (strcmp(name, "event") == 0)
		take_text(p, p->event, sizeof p->event);
	else if (strcmp(name, "siaddr") == 0)
		take_text(p, p->siaddr, sizeof p->siaddr);
	else if (strcmp(name, "signame") == 0)
		take_text(p, p->signame, sizeof p->signame);
	else if (strcmp(name, "signo") == 0)
		take_text(p, p->signo, sizeof p->signo);
}

static void on_close(struct vgp *p, const char *name)
{
	int d = p->depth - 1, rel = d - (p->item_depth - 1);
	if (d == 0) {
		p->root_closed = true;
		return;
	}
	if (!p->in_item)
		return;
	if (rel == 0)
		item_done(p);
	else if (is(p, d - 1, "frame") && is(p, d - 2, "stack"))
		on_frame_field(p, name);
	else if (strcmp(name, "frame") == 0 && is(p, d - 1, "stack"))
		frame_done(p);
	else if (rel == 2 && strcmp(name, "text") == 0 && is(p, d - 1, "xwhat"))
		take_text(p, p->what, sizeof p->what);
	else if ((rel == 1 && strcmp(name, "auxwhat") == 0) ||
		 (rel == 2 && strcmp(name, "text") == 0 && is(p, d - 1, "xauxwhat")) ||
		 (rel == 2 && strcmp(name, "what") == 0 && is(p, d - 1, "origin"))) {
		aux_flush(p); /* two in a row: both are kept */
		take_text(p, p->aux, sizeof p->aux);
	} else if (rel == 1)
		on_item_field(p, name);
}

/* ---- expat callbacks ---- */

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct vgp *p = ud;
	(void)atts; /* Valgrind writes none */
	if (p->stopped)
		return;
	if (p->depth >= VGXML_MAX_DEPTH) {
		char why[64];
		snprintf(why, sizeof why, "elements nested deeper than %d", VGXML_MAX_DEPTH);
		stop(p, why);
		return;
	}
	copy_field(p->path[p->depth], NAME_MAX_LEN, name, strlen(name));
	p->depth++;
	p->tlen = 0;
	p->text_full = false;
	on_open(p, name);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct vgp *p = ud;
	if (p->stopped || p->depth == 0)
		return;
	on_close(p, name);
	p->depth--;
	p->tlen = 0;
	p->text_full = false;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct vgp *p = ud;
	if (p->stopped || p->depth == 0 || p->text_full || len <= 0)
		return;
	size_t room = sizeof p->text - 1 - p->tlen, take = utf8_prefix(s, (size_t)len, room);
	memcpy(p->text + p->tlen, s, take);
	p->tlen += take;
	p->text_full = take < (size_t)len;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	stop(ud, "a DOCTYPE (Valgrind writes none; entity declarations are refused)");
}

/* ---- one parse ---- */

static struct vgp *vgp_new(struct vg_finding **v, size_t *n)
{
	struct vgp *p = calloc(1, sizeof *p); /* ~40 KB: kept off the stack */
	if (!p)
		return NULL;
	p->xp = XML_ParserCreate("UTF-8"); /* Valgrind writes UTF-8 */
	if (!p->xp) {
		free(p);
		return NULL;
	}
	p->v = v;
	p->n = n;
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
	XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(p->xp, AMPLIFICATION_MAX);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(p->xp, AMPLIFICATION_FROM);
#else
#error "libexpat 2.4 or later is needed (Debian 12 has 2.5): its entity-expansion limit"
#endif
	return p;
}

/* Feeds buf[0..len); returns false once the parse has stopped. */
static bool vgp_feed(struct vgp *p, const char *buf, size_t len, bool final)
{
	do {
		size_t part = len < FEED_MAX ? len : FEED_MAX;
		bool last = final && part == len;
		if (XML_Parse(p->xp, buf, (int)part, last) != XML_STATUS_OK)
			return false;
		buf += part;
		len -= part;
	} while (len > 0);
	return true;
}

static bool truncation(enum XML_Error e)
{
	return e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN ||
	       e == XML_ERROR_PARTIAL_CHAR || e == XML_ERROR_UNCLOSED_CDATA_SECTION;
}

/* The verdict on a finished (or stopped) parse; frees p. */
static int vgp_finish(struct vgp *p, char *err, size_t errsz)
{
	enum XML_Error e = XML_GetErrorCode(p->xp);
	unsigned long line = (unsigned long)XML_GetCurrentLineNumber(p->xp);
	int rc = -1;
	if (p->oom)
		snprintf(err, errsz, "out of memory");
	else if (p->stopped)
		snprintf(err, errsz, "line %lu: %s", line, p->err);
	else if (e != XML_ERROR_NONE && p->root_seen && !p->root_closed && truncation(e))
		snprintf(err, errsz, "truncated at line %lu: no </valgrindoutput> (Valgrind was "
				     "killed before it finished writing)", line);
	else if (e != XML_ERROR_NONE)
		snprintf(err, errsz, "line %lu: %s%s", line, XML_ErrorString(e),
			 p->root_seen ? "" : " (not Valgrind XML)");
	else if (!p->root_seen || !p->root_closed)
		snprintf(err, errsz, "not Valgrind XML (no <valgrindoutput>)");
	else if (p->dropped)
		snprintf(err, errsz, "%zu more findings past the first %d were not kept", p->dropped,
			 VGXML_MAX_FINDINGS);
	else
		rc = 0;
	XML_ParserFree(p->xp);
	free(p);
	return rc;
}

int vgxml_parse(const char *buf, size_t len, struct vg_finding **v, size_t *n, char *err,
		size_t errsz)
{
	struct vgp *p = vgp_new(v, n);
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	vgp_feed(p, buf, len, true);
	return vgp_finish(p, err, errsz);
}

/* Opens a regular file for reading without ever blocking (a FIFO would). */
static int open_regular(const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
	} else if (st.st_size > VGXML_MAX_FILE) {
		snprintf(err, errsz, "%s: larger than %d MB", path, VGXML_MAX_FILE >> 20);
	} else {
		return fd;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

int vgxml_parse_file(const char *path, struct vg_finding **v, size_t *n, char *err,
		     size_t errsz)
{
	int fd = open_regular(path, err, errsz);
	if (fd < 0)
		return -1;
	struct vgp *p = vgp_new(v, n);
	_Static_assert(READ_CHUNK <= FEED_MAX, "one read is one feed");
	char *chunk = malloc(READ_CHUNK);
	if (!p || !chunk) {
		if (p) {
			XML_ParserFree(p->xp);
			free(p);
		}
		free(chunk);
		close(fd);
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	size_t total = 0;
	int read_errno = 0;
	for (;;) { /* the file may grow while read: the cap still holds */
		size_t want = VGXML_MAX_FILE - total < READ_CHUNK ? VGXML_MAX_FILE - total
								   : READ_CHUNK;
		ssize_t r = want ? read(fd, chunk, want) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			read_errno = errno;
		bool end = r <= 0;
		total += end ? 0 : (size_t)r;
		if (!vgp_feed(p, chunk, end ? 0 : (size_t)r, end) || end)
			break;
	}
	free(chunk);
	close(fd);
	char why[384];
	int rc = vgp_finish(p, why, sizeof why);
	if (read_errno)
		snprintf(err, errsz, "%s: %s", path, strerror(read_errno));
	else if (rc < 0)
		snprintf(err, errsz, "%s: %s", path, total ? why : "empty file");
	return read_errno ? -1 : rc;
}

int vgxml_push_finding(struct vg_finding **v, size_t *n, const char *kind, const char *what,
		       const char *stack)
{
	struct vg_finding *nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	*v = nv;
	struct vg_finding *f = &nv[*n];
	memset(f, 0, sizeof *f);
	f->kind = strdup(kind);
	f->what = strdup(what);
	f->stack = strdup(stack);
	if (!f->kind || !f->what || !f->stack) {
		free(f->kind), free(f->what), free(f->stack);
		return -1;
	}
	(*n)++;
	return 1;
}

void vgxml_free_findings(struct vg_finding *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].what);
		free(v[i].stack);
		free(v[i].group);
	}
	free(v);
}
