/* vgxml.c - Valgrind's side of --valgrind: its command line, a small and
 * tolerant reader of its XML protocol 4, and the vg.PID.xml files.
 *
 * Valgrind writes one element per line, no attributes, and escapes text
 * with the five XML entities, so a tag scanner over (buf, len) is enough:
 * no XML library, no recursion.  The scanner keeps the path of open element
 * names; the handlers look at the path to know what a <text> or <fn>
 * belongs to.  Anything unknown is skipped, which is how later protocol
 * additions stay harmless. */
#include "vgxml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_LEN 24   /* element names we care about are short */
#define FIELD_MAX 512     /* one frame field (C++ names can be long) */

struct vframe {
	char ip[32], obj[FIELD_MAX], fn[FIELD_MAX], file[FIELD_MAX], line[16];
};

struct vgp {
	const char *buf;
	size_t len, pos;
	char path[VGXML_MAX_DEPTH][NAME_MAX_LEN];
	int depth;
	char text[VGXML_TEXT_MAX]; /* text of the element being read */
	size_t tlen;
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
	char err[256];
};

enum tk { TK_EOF, TK_TEXT, TK_OPEN, TK_CLOSE, TK_EMPTY, TK_SKIP, TK_TRUNC };

/* ---- bounded string helpers ---- */

static void copy_field(char *dst, size_t dstsz, const char *src, size_t len)
{
	if (len >= dstsz)
		len = dstsz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Trims surrounding whitespace of the element text into dst. */
static void take_text(const struct vgp *p, char *dst, size_t dstsz)
{
	const char *s = p->text;
	size_t len = p->tlen;
	while (len > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
			   s[len - 1] == '\r'))
		len--;
	copy_field(dst, dstsz, s, len);
}

/* Finds needle in buf[from..len); returns its offset or len. */
static size_t find(const char *buf, size_t len, size_t from, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = from; i + nl <= len; i++)
		if (buf[i] == needle[0] && memcmp(buf + i, needle, nl) == 0)
			return i;
	return len;
}

static bool starts(const struct vgp *p, const char *s)
{
	size_t l = strlen(s);
	return p->len - p->pos >= l && memcmp(p->buf + p->pos, s, l) == 0;
}

/* ---- text and entities ---- */

static void text_putc(struct vgp *p, char c)
{
	if (p->tlen + 1 < sizeof p->text)
		p->text[p->tlen++] = c;
}

/* Decodes one entity at s (which starts with '&'); returns bytes used. */
static size_t decode_entity(struct vgp *p, const char *s, size_t len)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
		size_t l = strlen(ents[i].name);
		if (len >= l && memcmp(s, ents[i].name, l) == 0) {
			text_putc(p, ents[i].c);
			return l;
		}
	}
	if (len >= 4 && s[1] == '#') { /* &#NN; or &#xNN; - ASCII only */
		bool hex = s[2] == 'x' || s[2] == 'X';
		size_t i = hex ? 3 : 2;
		unsigned long v = 0;
		while (i < len && i < 12 && s[i] != ';') {
			char c = s[i];
			int d = c >= '0' && c <= '9' ? c - '0'
				: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
				: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
			i++;
		}
		if (i < len && s[i] == ';') {
			text_putc(p, v >= 0x20 && v < 0x7f ? (char)v : '?');
			return i + 1;
		}
	}
	text_putc(p, '&'); /* not an entity we know: keep it as written */
	return 1;
}

static void add_text(struct vgp *p, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] == '&') {
			i += decode_entity(p, s + i, len - i);
		} else {
			text_putc(p, s[i]);
			i++;
		}
	}
}

/* ---- tokenizer ---- */

/* Skips a construct that ends with `end`; TK_TRUNC if the end is missing. */
static enum tk skip_until(struct vgp *p, const char *end)
{
	size_t at = find(p->buf, p->len, p->pos, end);
	if (at == p->len)
		return TK_TRUNC;
	p->pos = at + strlen(end);
	return TK_SKIP;
}

/* Reads the next token; *s / *slen get a text run or a tag name. */
static enum tk next_token(struct vgp *p, const char **s, size_t *slen)
{
	if (p->pos >= p->len)
		return TK_EOF;
	const char *b = p->buf;
	if (b[p->pos] != '<') {
		size_t start = p->pos;
		while (p->pos < p->len && b[p->pos] != '<')
			p->pos++;
		*s = b + start;
		*slen = p->pos - start;
		return TK_TEXT;
	}
	if (starts(p, "<!--"))
		return skip_until(p, "-->");
	if (starts(p, "<![CDATA[")) /* only inside <rawtext> suppressions */
		return skip_until(p, "]]>");
	if (starts(p, "<?") || starts(p, "<!"))
		return skip_until(p, ">");
	size_t gt = p->pos + 1;
	while (gt < p->len && b[gt] != '>')
		gt++;
	if (gt >= p->len)
		return TK_TRUNC;
	bool closing = b[p->pos + 1] == '/';
	size_t ns = p->pos + (closing ? 2 : 1), ne = ns;
	while (ne < gt && b[ne] != ' ' && b[ne] != '/' && b[ne] != '\t' && b[ne] != '\n')
		ne++;
	bool empty = !closing && b[gt - 1] == '/';
	p->pos = gt + 1;
	*s = b + ns;
	*slen = ne - ns;
	return closing ? TK_CLOSE : empty ? TK_EMPTY : TK_OPEN;
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
		p->oom = true;
		free(f.kind);
		free(f.what);
		free(f.stack);
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
		if (strcmp(name, "valgrindoutput") != 0)
			snprintf(p->err, sizeof p->err, "not Valgrind XML (root element <%s>)", name);
		p->root_seen = true;
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
	else if (rel == 1 && strcmp(name, "kind") == 0)
		take_text(p, p->kind, sizeof p->kind);
	else if (rel == 1 && strcmp(name, "what") == 0)
		take_text(p, p->what, sizeof p->what);
	else if (rel == 2 && strcmp(name, "text") == 0 && is(p, d - 1, "xwhat"))
		take_text(p, p->what, sizeof p->what);
	else if ((rel == 1 && strcmp(name, "auxwhat") == 0) ||
		 (rel == 2 && strcmp(name, "text") == 0 && is(p, d - 1, "xauxwhat")) ||
		 (rel == 2 && strcmp(name, "what") == 0 && is(p, d - 1, "origin"))) {
		aux_flush(p); /* two in a row: both are kept */
		take_text(p, p->aux, sizeof p->aux);
	} else if (rel == 1 && strcmp(name, "event") == 0)
		take_text(p, p->event, sizeof p->event);
	else if (rel == 1 && strcmp(name, "siaddr") == 0)
		take_text(p, p->siaddr, sizeof p->siaddr);
	else if (rel == 1 && strcmp(name, "signame") == 0)
		take_text(p, p->signame, sizeof p->signame);
	else if (rel == 1 && strcmp(name, "signo") == 0)
		take_text(p, p->signo, sizeof p->signo);
}

/* Closes up to the matching open element.  A stray close tag (no match on
 * the path) is ignored rather than failing the whole document. */
static void close_tag(struct vgp *p, const char *name)
{
	int m = p->depth - 1;
	while (m >= 0 && strcmp(p->path[m], name) != 0)
		m--;
	if (m < 0)
		return;
	while (p->depth - 1 > m) {
		if (p->in_item && p->depth == p->item_depth)
			item_done(p);
		p->depth--;
	}
	on_close(p, name);
	p->depth--;
	p->tlen = 0;
}

static int open_tag(struct vgp *p, const char *name)
{
	if (p->depth >= VGXML_MAX_DEPTH) {
		snprintf(p->err, sizeof p->err, "elements nested deeper than %d", VGXML_MAX_DEPTH);
		return -1;
	}
	if (p->root_closed) {
		snprintf(p->err, sizeof p->err, "<%s> after </valgrindoutput>", name);
		return -1;
	}
	copy_field(p->path[p->depth], NAME_MAX_LEN, name, strlen(name));
	p->depth++;
	p->tlen = 0;
	on_open(p, name);
	return p->err[0] ? -1 : 0;
}

/* Runs the tokenizer to the end; p->err says why it stopped early. */
static void scan(struct vgp *p)
{
	for (;;) {
		const char *s = NULL;
		size_t sl = 0;
		char name[NAME_MAX_LEN];
		enum tk t = next_token(p, &s, &sl);
		if (t == TK_EOF || p->oom)
			return;
		if (t == TK_TRUNC) {
			snprintf(p->err, sizeof p->err, "truncated inside a tag at byte %zu", p->pos);
			return;
		}
		if (t == TK_TEXT) {
			if (p->depth > 0)
				add_text(p, s, sl);
			continue;
		}
		if (t == TK_SKIP || t == TK_EMPTY)
			continue;
		copy_field(name, sizeof name, s, sl);
		if (t == TK_OPEN && open_tag(p, name) < 0)
			return;
		if (t == TK_CLOSE)
			close_tag(p, name);
	}
}

int vgxml_parse(const char *buf, size_t len, struct vg_finding **v, size_t *n, char *err,
		size_t errsz)
{
	struct vgp *p = calloc(1, sizeof *p); /* ~40 KB: kept off the stack */
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	p->buf = buf;
	p->len = len;
	p->v = v;
	p->n = n;
	scan(p);
	int rc = -1;
	if (p->oom)
		snprintf(err, errsz, "out of memory");
	else if (p->err[0])
		snprintf(err, errsz, "%s", p->err);
	else if (!p->root_seen)
		snprintf(err, errsz, "not Valgrind XML (no <valgrindoutput>)");
	else if (!p->root_closed)
		snprintf(err, errsz, "truncated: no </valgrindoutput> (Valgrind was killed before "
				     "it finished writing)");
	else if (p->dropped)
		snprintf(err, errsz, "%zu more findings past the first %d were not kept", p->dropped,
			 VGXML_MAX_FINDINGS);
	else
		rc = 0;
	free(p);
	return rc;
}

/* Reads the whole file (bounded) into a malloc'd buffer. */
static char *read_all(const char *path, size_t *len, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) < 0 || st.st_size > VGXML_MAX_FILE) {
		snprintf(err, errsz, "%s: %s", path,
			 st.st_size > VGXML_MAX_FILE ? "larger than 64 MB" : strerror(errno));
		goto out;
	}
	size_t cap = (size_t)st.st_size, got = 0;
	buf = malloc(cap + 1);
	if (!buf) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* shorter than fstat said: parse what is there */
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

int vgxml_parse_file(const char *path, struct vg_finding **v, size_t *n, char *err,
		     size_t errsz)
{
	size_t len = 0;
	char *buf = read_all(path, &len, err, errsz);
	if (!buf)
		return -1;
	char why[256];
	int rc = vgxml_parse(buf, len, v, n, why, sizeof why);
	if (rc < 0)
		snprintf(err, errsz, "%s: %s", path, len ? why : "empty file");
	free(buf);
	return rc;
}

void vgxml_free_findings(struct vg_finding *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].what);
		free(v[i].stack);
	}
	free(v);
}

/* ---- the directory of a spawned server's vg.PID.xml files ---- */

/* pid of a "vg.PID.xml" name, or 0. */
static long vg_file_pid(const char *name)
{
	if (strncmp(name, "vg.", 3) != 0)
		return 0;
	char *end = NULL;
	errno = 0;
	long pid = strtol(name + 3, &end, 10);
	if (errno || end == name + 3 || pid <= 0 || strcmp(end, ".xml") != 0)
		return 0;
	return pid;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The pids of the vg.PID.xml files in dir, sorted; -1 if unreadable. */
static int list_vg_files(const char *dir, long *pids, size_t max, size_t *n)
{
	DIR *d = opendir(dir); /* glibc opens it O_CLOEXEC */
	if (!d)
		return -1;
	struct dirent *de;
	*n = 0;
	while ((de = readdir(d)) && *n < max) {
		long pid = vg_file_pid(de->d_name);
		if (pid > 0)
			pids[(*n)++] = pid;
	}
	closedir(d);
	qsort(pids, *n, sizeof *pids, cmp_long);
	return 0;
}

/* Creates dir if missing; removes the vg.PID.xml files of an earlier run,
 * which would otherwise be read at stop as if they were ours. */
static int dir_prepare(const char *dir, char *err, size_t errsz)
{
	long *old = calloc(VGXML_MAX_FILES, sizeof *old);
	size_t n = 0;
	int rc = 0;
	if (!old) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", dir, strerror(errno));
		rc = -1;
	} else if (list_vg_files(dir, old, VGXML_MAX_FILES, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			char path[4096 + 32];
			snprintf(path, sizeof path, "%s/vg.%ld.xml", dir, old[i]);
			unlink(path);
		}
	}
	free(old);
	return rc;
}

/* "--xml-file=DIR/vg.%p.xml" (malloc'd). */
static char *file_arg(const char *dir)
{
	size_t n = strlen(dir), o = 11;
	char *s = malloc(2 * n + 32);
	if (!s)
		return NULL;
	memcpy(s, "--xml-file=", 11);
	for (size_t i = 0; i < n; i++) {
		s[o++] = dir[i];
		if (dir[i] == '%') /* Valgrind expands %p, %q{..}; %% is a '%' */
			s[o++] = '%';
	}
	memcpy(s + o, "/vg.%p.xml", 11);
	return s;
}

/* Finds an executable in $PATH, as execvp would, before any fork. */
static int find_in_path(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");
		int n = snprintf(out, outsz, "%.*s/%s", (int)l, l ? path : ".", name);
		if (n > 0 && (size_t)n < outsz && access(out, X_OK) == 0)
			return 0;
		path += l + (path[l] == ':');
	}
	return -1;
}

int vgxml_prepare(const char *dir, char *path, size_t pathsz, char **argv, char **xml_arg,
		  char *err, size_t errsz)
{
	/* Leak kinds: what a server can fix.  "still reachable" is memory a
	 * server may keep until exit by design, so it is not reported. */
	static const char *const opts[] = {
		"valgrind", "--tool=memcheck", "--leak-check=full",
		"--show-leak-kinds=definite,indirect,possible",
		"--errors-for-leak-kinds=definite,indirect,possible", "--track-fds=no", "--xml=yes",
		"--trace-children=yes", "--trace-children-skip=*/sh,*/bash,*/dash"};
	size_t n = sizeof opts / sizeof opts[0];
	*xml_arg = NULL;
	if (!dir || !dir[0]) {
		snprintf(err, errsz, "--valgrind needs a directory for its XML");
		return -1;
	}
	if (find_in_path("valgrind", path, pathsz) < 0) {
		snprintf(err, errsz, "--valgrind: valgrind is not in PATH (Debian: apt-get install "
				     "valgrind)");
		return -1;
	}
	if (dir_prepare(dir, err, errsz) < 0)
		return -1;
	if (!(*xml_arg = file_arg(dir))) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		argv[i] = (char *)opts[i];
	argv[n] = *xml_arg;
	return (int)n + 1;
}

/* Appends to a message already in err (separated by "; "). */
static void err_add(char *err, size_t errsz, const char *what, const char *detail)
{
	size_t used = strnlen(err, errsz);
	if (used + 3 < errsz)
		snprintf(err + used, errsz - used, "%s%s%s", used ? "; " : "", what, detail);
}

/* The harness stops a server with SIGTERM; Valgrind reports it as a fatal
 * signal when the server does not catch it: that one is not a finding. */
static bool is_stop_sigterm(const struct vg_finding *f)
{
	return strcmp(f->kind, "FatalSignal") == 0 && strncmp(f->what, "SIGTERM ", 8) == 0;
}

static int read_one(const char *dir, long pid, struct run_result *r, char *err, size_t errsz)
{
	char path[4096 + 32], why[512];
	struct vg_finding *v = NULL;
	size_t n = 0;
	snprintf(path, sizeof path, "%s/vg.%ld.xml", dir, pid);
	int rc = vgxml_parse_file(path, &v, &n, why, sizeof why);
	if (rc < 0)
		err_add(err, errsz, "Valgrind XML unreadable: ", why);
	for (size_t i = 0; i < n; i++) {
		struct vg_finding *nv = is_stop_sigterm(&v[i]) ? NULL
				      : realloc(r->vg, (r->nvg + 1) * sizeof *nv);
		if (nv) {
			r->vg = nv;
			r->vg[r->nvg++] = v[i];
			v[i].kind = v[i].what = v[i].stack = NULL; /* moved */
		}
	}
	vgxml_free_findings(v, n);
	return rc;
}

int vgxml_collect_dir(const char *dir, const long *pids, size_t npids, struct run_result *r,
		      char *err, size_t errsz)
{
	long *found = calloc(VGXML_MAX_FILES, sizeof *found);
	size_t nfound = 0, before = r->nvg;
	int rc = 0;
	if (!found || list_vg_files(dir, found, VGXML_MAX_FILES, &nfound) < 0) {
		err_add(err, errsz, "cannot read Valgrind's directory ", dir);
		r->vg_failed = true;
		free(found);
		return -1;
	}
	for (size_t i = 0; i < nfound; i++)
		if (read_one(dir, found[i], r, err, errsz) < 0)
			rc = -1;
	for (size_t i = 0; i < npids; i++) {
		if (!bsearch(&pids[i], found, nfound, sizeof *found, cmp_long)) {
			char msg[4096 + 64];
			snprintf(msg, sizeof msg, "%ld in %s", pids[i], dir);
			err_add(err, errsz, "Valgrind wrote no XML for server pid ", msg);
			rc = -1;
		}
	}
	if (rc < 0 || r->nvg > before)
		r->vg_failed = true;
	free(found);
	return rc;
}
