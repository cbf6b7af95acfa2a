/* seamtest.c - drives refircd's core in-process through the I/O seam of
 * server.h, with no sockets: fake clients hand in bytes, the test drains
 * what the core queued and checks it line by line.
 *
 * Everything is synchronous, so after feed() the full answer is known and
 * "nothing else arrived" is a plain check, not a wait.  Time is fake too, so
 * PING timeouts are tested without sleeping.  Each output line is checked
 * against RFC 2812 2.3 as it is drained: CR LF ended, at most 512 bytes,
 * no NUL, CR or LF inside.
 *
 * Built with ASan+UBSan by the Makefile; LeakSanitizer checks at exit that
 * srv_client_free/srv_destroy returned everything.  Exit status 0 = pass. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/ircmsg.h"
#include "../../reference-server/motd.h"
#include "../../reference-server/proto.h"
#include "../../reference-server/server.h"

#define SERVER_NAME "seam.refircd.test"
#define MAX_FAKES 64

struct fake {
	char name[32];         /* for messages only */
	struct client *c;      /* NULL once the core let it go and we freed it */
	bool closed;           /* came out of srv_next_dirty with c->closing */
	char *out;             /* everything the core sent, CR LF lines */
	size_t out_len, out_cap;
	size_t read_pos;       /* expect() consumes from here */
};

static struct server S;
static time_t now = 1700000000; /* the wall clock */
static time_t mono = 5000;        /* the monotonic one */
static struct fake fakes[MAX_FAKES];
static int nfakes;
static struct fake *stalled; /* a reader that reads nothing: drain() skips it */
static const char *current_step = "start";
static int checks;

/* ---- failure reporting ---- */

static void dump_fake(const struct fake *f)
{
	fprintf(stderr, "  unread output of %s (from byte %zu):\n", f->name, f->read_pos);
	const char *p = f->out ? f->out + f->read_pos : "";
	const char *end = f->out ? f->out + f->out_len : p;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fprintf(stderr, "    %.*s\n", (int)(n && p[n - 1] == '\r' ? n - 1 : n), p);
		p += n + (nl ? 1 : 0);
	}
}

static void fail(const char *file, int line, struct fake *f, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));

static void fail(const char *file, int line, struct fake *f, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: FAIL in step \"%s\": ", file, line, current_step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (f)
		dump_fake(f);
	exit(1);
}

#define CHECK(cond, f, ...)                                                  \
	do {                                                                 \
		checks++;                                                    \
		if (!(cond))                                                 \
			fail(__FILE__, __LINE__, f, "CHECK(" #cond ") failed: " __VA_ARGS__); \
	} while (0)

#define CHECK_EQ_INT(got, want, f)                                           \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		checks++;                                                    \
		if (g_ != w_)                                                \
			fail(__FILE__, __LINE__, f, "%s == %lld, want %s == %lld", #got, g_, \
			     #want, w_);                                     \
	} while (0)

/* ---- the fake I/O layer ---- */

static struct srv_clock clock_now(void)
{
	return (struct srv_clock){.wall = now, .mono = mono};
}

/* Both clocks move on by secs and the timers run, as netloop.c does. */
static void advance(time_t secs)
{
	now += secs;
	mono += secs;
	srv_tick(&S, clock_now());
}

static struct fake *fake_of(struct client *c)
{
	for (int i = 0; i < nfakes; i++)
		if (fakes[i].c == c)
			return &fakes[i];
	return NULL;
}

static void check_wire_line(struct fake *f, const char *p, size_t n)
{
	CHECK(n <= 512, f, "line of %zu bytes (RFC 2812 2.3: at most 512): %.80s...", n, p);
	CHECK(n >= 2 && p[n - 2] == '\r', f, "line not ended by CR LF: %.*s", (int)n, p);
	CHECK(memchr(p, '\0', n) == NULL, f, "NUL inside a line: %.*s", (int)n, p);
	CHECK(memchr(p, '\r', n - 2) == NULL, f, "CR inside a line: %.*s", (int)n, p);
	CHECK(n > 2, f, "empty line sent");
}

static void fake_append(struct fake *f, const char *p, size_t n)
{
	if (f->out_len + n + 1 > f->out_cap) {
		size_t cap = f->out_cap ? f->out_cap : 4096;
		while (cap < f->out_len + n + 1)
			cap *= 2;
		f->out = realloc(f->out, cap);
		if (!f->out) {
			perror("realloc");
			exit(2);
		}
		f->out_cap = cap;
	}
	memcpy(f->out + f->out_len, p, n);
	f->out_len += n;
	f->out[f->out_len] = '\0';
}

static void check_new_lines(struct fake *f, size_t from)
{
	const char *p = f->out + from;
	const char *end = f->out + f->out_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		CHECK(nl != NULL, f, "the core queued a partial line: %.*s", (int)(end - p), p);
		check_wire_line(f, p, (size_t)(nl - p + 1));
		p = nl + 1;
	}
}

/* What a send queue of n lines of len bytes counts against its cap
 * (sendq.h): each line with its header, and the ring, doubled from
 * SENDQ_FIRST_SLOTS as it filled. */
static size_t queue_cost(size_t n, size_t len)
{
	size_t slots = SENDQ_FIRST_SLOTS;
	while (slots < n)
		slots *= 2;
	return n * (sizeof(struct line) + len) + slots * sizeof(struct line *);
}

/* What a writev does, in pieces of at most WRITE_PIECE bytes: a short
 * write stops anywhere, mid-line included, and the rest must follow. */
#define WRITE_PIECE 777
static void take_output(struct fake *f, struct client *c)
{
	struct iovec iov[8];
	int n;
	while ((n = srv_client_output(c, iov, 8)) > 0) {
		size_t took = 0;
		for (int i = 0; i < n && took < WRITE_PIECE; i++) {
			size_t k = iov[i].iov_len;
			if (k > WRITE_PIECE - took)
				k = WRITE_PIECE - took;
			fake_append(f, iov[i].iov_base, k);
			took += k;
		}
		srv_client_sent(&S, c, took);
	}
	CHECK(sendq_empty(&c->sendq), f, "output left after it was all written");
}

/* What netloop.c does after each event: write out every dirty client's
 * queue; free the ones that are closing. */
static void drain_dirty(void)
{
	struct client *c;
	while ((c = srv_next_dirty(&S)) != NULL) {
		struct fake *f = fake_of(c);
		CHECK(f != NULL, NULL, "srv_next_dirty returned a client we do not know (%p)",
		      (void *)c);
		if (f == stalled && !c->closing)
			continue; /* its queue stays; netloop.c waits for EV_WRITE */
		size_t before = f->out_len;
		take_output(f, c);
		check_new_lines(f, before);
		if (c->closing) {
			srv_client_free(&S, c);
			f->c = NULL;
			f->closed = true;
		}
	}
}

/* ... and, as it does each loop turn, run what waited for the queues to
 * drain (a long reply's next batch) until nothing is left to write. */
static void drain(void)
{
	do {
		drain_dirty();
		srv_run_due(&S);
	} while (S.dirty);
}

static struct fake *fake_new(const char *name, const char *host)
{
	CHECK(nfakes < MAX_FAKES, NULL, "too many fakes");
	struct fake *f = &fakes[nfakes++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->c = srv_client_new(&S, host, NULL);
	CHECK(f->c != NULL, f, "srv_client_new returned NULL");
	drain();
	return f;
}

static void feed_bytes(struct fake *f, const char *data, size_t len)
{
	CHECK(f->c != NULL, f, "feeding %s, which was already freed", f->name);
	srv_client_input(&S, f->c, data, len);
	drain();
}

static void feed(struct fake *f, const char *line)
{
	feed_bytes(f, line, strlen(line));
}

static void feed_bytewise(struct fake *f, const char *data, size_t len)
{
	for (size_t i = 0; i < len && f->c; i++)
		feed_bytes(f, data + i, 1);
}

/* ---- matching ---- */

/* The next unread line of f, parsed, or false when none is left. */
static bool next_msg(struct fake *f, struct irc_msg *m, char *raw, size_t rawsz)
{
	if (f->read_pos >= f->out_len)
		return false;
	const char *p = f->out + f->read_pos;
	const char *nl = memchr(p, '\n', f->out_len - f->read_pos);
	size_t n = (size_t)(nl - p); /* check_new_lines guaranteed the LF */
	f->read_pos += n + 1;
	if (n && p[n - 1] == '\r')
		n--;
	snprintf(raw, rawsz, "%.*s", (int)n, p);
	return irc_parse(m, p, n) == IRC_PARSE_OK;
}

/* pattern: "COMMAND p1 p2 ..." where each word must equal that param and
 * "*" matches any; the last word may start with ':' to match a trailing
 * param with spaces.  src (if not NULL) must be the prefix's nick (or the
 * whole prefix for a server). */
static bool msg_matches(const struct irc_msg *m, const char *src, const char *pattern)
{
	char pat[600];
	snprintf(pat, sizeof pat, "%s", pattern);
	if (src) {
		if (!m->prefix)
			return false;
		size_t nl = strcspn(m->prefix, "!");
		if (strlen(src) != nl || strncmp(m->prefix, src, nl) != 0)
			return false;
	}
	char *save = NULL;
	char *word = strtok_r(pat, " ", &save);
	if (!word || strcasecmp(word, m->command) != 0)
		return false;
	for (int i = 0; (word = save && *save == ':' ? save : strtok_r(NULL, " ", &save)); i++) {
		bool trailing = word[0] == ':';
		if (trailing)
			word++;
		if (i >= m->nparams)
			return false;
		if (strcmp(word, "*") != 0 && strcmp(word, m->params[i]) != 0)
			return false;
		if (trailing)
			break;
	}
	return true;
}

/* Consumes lines until one matches; fails (showing them) if none does. */
static const struct irc_msg *expect_at(const char *file, int line, struct fake *f,
				       const char *src, const char *pattern)
{
	static struct irc_msg m;
	char raw[600];
	size_t start = f->read_pos;
	checks++;
	while (next_msg(f, &m, raw, sizeof raw)) {
		if (msg_matches(&m, src, pattern))
			return &m;
	}
	f->read_pos = start;
	fail(file, line, f, "%s never got \"%s\"%s%s", f->name, pattern, src ? " from " : "",
	     src ? src : "");
}
#define expect(f, src, pattern) expect_at(__FILE__, __LINE__, (f), (src), (pattern))

/* Fails if any unread line matches; then marks everything read. */
static void expect_none_at(const char *file, int line, struct fake *f, const char *src,
			   const char *pattern)
{
	struct irc_msg m;
	char raw[600];
	size_t start = f->read_pos;
	checks++;
	while (next_msg(f, &m, raw, sizeof raw)) {
		if (!pattern || msg_matches(&m, src, pattern)) {
			f->read_pos = start;
			fail(file, line, f, "%s got \"%s\", which it must not (%s)", f->name, raw,
			     pattern ? pattern : "no output at all");
		}
	}
}
#define expect_none(f, src, pattern) expect_none_at(__FILE__, __LINE__, (f), (src), (pattern))
#define expect_silence(f) expect_none_at(__FILE__, __LINE__, (f), NULL, NULL)

static void skip_all(struct fake *f)
{
	f->read_pos = f->out_len;
}

/* ---- scenario helpers ---- */

static void do_register(struct fake *f, const char *nick)
{
	char buf[200];
	snprintf(buf, sizeof buf, "NICK %s\r\nUSER %s 0 * :Seam %s\r\n", nick, nick, nick);
	feed(f, buf);
	expect(f, SERVER_NAME, "001 *");
	expect(f, SERVER_NAME, "422 *"); /* no MOTD configured */
	snprintf(f->name, sizeof f->name, "%s", nick);
}

static void step(const char *name)
{
	current_step = name;
}

/* ---- the scenario ---- */

static void test_registration(struct fake **a, struct fake **b)
{
	step("registration burst, whole lines");
	*a = fake_new("a", "127.0.0.1");
	feed(*a, "NICK alice\r\nUSER al 0 * :Alice Liddell\r\n");
	const struct irc_msg *m = expect(*a, SERVER_NAME, "001 alice");
	CHECK(m->nparams == 2 && strstr(m->params[1], "alice!al@127.0.0.1"), *a,
	      "001 should name alice!al@127.0.0.1, got \"%s\"", m->params[m->nparams - 1]);
	expect(*a, SERVER_NAME, "002 alice");
	expect(*a, SERVER_NAME, "003 alice");
	m = expect(*a, SERVER_NAME, "004 alice " SERVER_NAME);
	CHECK(m->nparams >= 5, *a, "004 has %d params, RFC 2812 5.1 wants 5", m->nparams);
	expect(*a, SERVER_NAME, "005 alice");
	expect(*a, SERVER_NAME, "251 alice");
	expect(*a, SERVER_NAME, "255 alice");
	expect(*a, SERVER_NAME, "422 alice");
	expect_silence(*a);

	step("registration fed one byte at a time");
	*b = fake_new("b", "::1");
	const char *reg = "NICK bob\r\nUSER bo 0 * :Bob\r\n";
	for (size_t i = 0; i < strlen(reg); i++) {
		feed_bytes(*b, reg + i, 1);
		if (i + 1 < strlen(reg))
			expect_silence(*b); /* nothing until the USER line's LF */
	}
	expect(*b, SERVER_NAME, "001 bob");
	expect(*b, SERVER_NAME, "422 bob");

	step("IPv6 host starting with ':' is shown as 0::1");
	feed(*a, "WHOIS bob\r\n");
	expect(*a, SERVER_NAME, "311 alice bob bo 0::1 *");
	expect(*a, SERVER_NAME, "318 alice bob");

	step("nick collision under rfc1459 case mapping");
	struct fake *x = fake_new("x", "127.0.0.1");
	feed(x, "NICK ALICE\r\n");
	expect(x, SERVER_NAME, "433 * ALICE");
	feed(x, "NICK Bob\r\n");
	expect(x, SERVER_NAME, "433 * Bob");
	feed(x, "QUIT\r\n");
	expect(x, NULL, "ERROR");
	CHECK(x->closed, x, "unregistered client not freed after QUIT");
}

static void test_channel(struct fake *a, struct fake *b, struct fake **c)
{
	step("join: creator is op, others see each JOIN");
	feed(a, "JOIN #seam\r\n");
	expect(a, "alice", "JOIN #seam");
	expect(a, SERVER_NAME, "353 alice = #seam :@alice");
	expect(a, SERVER_NAME, "366 alice #seam");
	feed(b, "JOIN #SEAM\r\n");
	expect(a, "bob", "JOIN *");
	expect(b, "bob", "JOIN *");
	expect(b, SERVER_NAME, "366 bob");

	*c = fake_new("c", "10.0.0.3");
	do_register(*c, "carol");
	feed(*c, "JOIN #seam\r\n");
	expect(a, "carol", "JOIN #seam");
	expect(b, "carol", "JOIN #seam");
	expect(*c, SERVER_NAME, "366 carol");
	skip_all(a);
	skip_all(b);
	skip_all(*c);

	step("channel message: everyone else gets it, no echo to the sender");
	feed(a, "PRIVMSG #seam :hello all\r\n");
	expect(b, "alice", "PRIVMSG #seam :hello all");
	expect(*c, "alice", "PRIVMSG #seam :hello all");
	expect_silence(a);

	step("a channel message is one shared line, not a copy per member");
	const char *shared = "PRIVMSG #seam :shared\r\n";
	srv_client_input(&S, a->c, shared, strlen(shared)); /* not drained yet */
	struct iovec iob, ioc;
	CHECK_EQ_INT(srv_client_output(b->c, &iob, 1), 1, b);
	CHECK_EQ_INT(srv_client_output((*c)->c, &ioc, 1), 1, *c);
	CHECK(iob.iov_base == ioc.iov_base, b, "bob and carol were queued two copies of one line");
	CHECK_EQ_INT(sendq_cost(&b->c->sendq), queue_cost(1, iob.iov_len), b);
	drain();
	expect(b, "alice", "PRIVMSG #seam :shared");
	expect(*c, "alice", "PRIVMSG #seam :shared");
	expect_silence(a);

	step("channel message fed one byte at a time");
	const char *line = "PRIVMSG #seam :byte by byte\r\n";
	feed_bytewise(b, line, strlen(line));
	expect(a, "bob", "PRIVMSG #seam :byte by byte");
	expect(*c, "bob", "PRIVMSG #seam :byte by byte");
	expect_silence(b);

	step("CR and LF in separate inputs");
	feed(*c, "PRIVMSG #seam :split crlf\r");
	expect_silence(a);
	feed(*c, "\n");
	expect(a, "carol", "PRIVMSG #seam :split crlf");
	skip_all(b);

	step("bare LF ends a line");
	feed(a, "PRIVMSG bob :lf only\n");
	expect(b, "alice", "PRIVMSG bob :lf only");

	step("pipelined commands in one input");
	feed(a, "TOPIC #seam :the topic\r\nPRIVMSG carol :one\r\nPRIVMSG carol :two\r\n");
	expect(b, "alice", "TOPIC #seam :the topic");
	expect(*c, "alice", "TOPIC #seam :the topic");
	expect(*c, "alice", "PRIVMSG carol :one");
	expect(*c, "alice", "PRIVMSG carol :two");
	skip_all(a);
}

static void test_bad_input(struct fake *a, struct fake *b, struct fake *c)
{
	char big[1200];
	step("overlong line gets 417 and the client keeps working");
	memset(big, 'x', sizeof big);
	memcpy(big, "PRIVMSG #seam :", 15);
	memcpy(big + 600, "\r\n", 2);
	feed_bytes(c, big, 602);
	expect(c, SERVER_NAME, "417 carol");
	expect_none(a, NULL, "PRIVMSG");
	feed(c, "PING :still-here\r\n");
	expect(c, SERVER_NAME, "PONG * still-here");

	step("overlong line fed in pieces, with the next line in the same input");
	feed_bytes(c, big, 300);
	expect_silence(c);
	/* frame.h: reported "as soon as it passes the limit", before its LF. */
	feed_bytes(c, big + 300, 300);
	expect(c, SERVER_NAME, "417 carol");
	feed(c, "\r\nPING :after-long\r\n");
	expect_none(c, NULL, "417"); /* once per line, not again at its end */
	feed(c, "PING :after-long\r\n");
	expect(c, SERVER_NAME, "PONG * after-long");
	expect_none(a, NULL, "PRIVMSG");

	step("exactly 512 bytes with CR LF is accepted");
	char exact[513];
	memset(exact, 'y', sizeof exact);
	memcpy(exact, "PRIVMSG bob :", 13);
	memcpy(exact + 510, "\r\n", 2);
	feed_bytes(c, exact, 512);
	expect_none(c, NULL, "417");
	/* The relayed line is longer (it gains a prefix) and is cut to 512. */
	const struct irc_msg *m = expect(b, "carol", "PRIVMSG bob");
	CHECK(strlen(m->params[1]) > 400 && strspn(m->params[1], "y") == strlen(m->params[1]), b,
	      "relayed text of %zu bytes: %.40s...", strlen(m->params[1]), m->params[1]);
	skip_all(b);

	step("NUL bytes: never crash, nothing past the NUL is used");
	static const char nul_msg[] = "PRIVMSG #seam :before\0after\r\n";
	feed_bytes(c, nul_msg, sizeof nul_msg - 1);
	m = expect(a, "carol", "PRIVMSG #seam");
	CHECK(strcmp(m->params[1], "before") == 0, a, "text after NUL: \"%s\"", m->params[1]);
	static const char nul_only[] = "\0\0\0\r\n";
	feed_bytes(c, nul_only, sizeof nul_only - 1);
	expect_silence(c);
	static const char nul_cmd[] = "PRI\0VMSG #seam :x\r\n";
	feed_bytes(c, nul_cmd, sizeof nul_cmd - 1);
	expect(c, SERVER_NAME, "421 carol PRI");
	expect_none(a, NULL, "PRIVMSG");
	skip_all(b);

	step("unknown command, and empty lines are ignored");
	feed(c, "\r\n\r\n\nFROBNICATE x\r\n");
	expect(c, SERVER_NAME, "421 carol FROBNICATE");
	expect_silence(c);
}

static void test_abrupt_drop(struct fake *a, struct fake *b, struct fake *c)
{
	step("a member vanishes (EOF/RST): everyone sharing a channel sees QUIT");
	struct fake *d = fake_new("d", "10.0.0.4");
	do_register(d, "dave");
	feed(d, "JOIN #seam\r\nJOIN #other\r\n");
	skip_all(a);
	skip_all(b);
	skip_all(c);
	feed_bytes(d, "PRIVMSG #seam :half a li", 24); /* a partial line is pending */
	srv_client_eof(&S, d->c, "Connection reset by peer");
	drain();
	CHECK(d->closed, d, "client not handed back as closing after srv_client_eof");
	expect(a, "dave", "QUIT :Connection reset by peer");
	expect(b, "dave", "QUIT *");
	expect(c, "dave", "QUIT *");
	expect_none(a, NULL, "PRIVMSG"); /* the half line never ran */

	step("the nick is free again and the channel forgot dave");
	struct fake *e = fake_new("e", "10.0.0.5");
	do_register(e, "dave");
	feed(a, "NAMES #seam\r\n");
	const struct irc_msg *m = expect(a, SERVER_NAME, "353 alice = #seam");
	CHECK(strstr(m->params[3], "dave") == NULL, a, "NAMES still lists dave: %s", m->params[3]);
	feed(a, "LIST #other\r\n");
	expect_none(a, NULL, "322");
	expect_silence(e);

	step("the I/O layer frees a registered client without EOF");
	feed(e, "JOIN #seam\r\n");
	skip_all(a);
	srv_client_free(&S, e->c);
	e->c = NULL;
	drain();
	expect(a, "dave", "QUIT *");
	expect(b, "dave", "QUIT *");

	step("unregistered client vanishes: nobody hears of it");
	struct fake *u = fake_new("u", "10.0.0.6");
	feed(u, "NICK unreg\r\n");
	srv_client_eof(&S, u->c, "EOF");
	drain();
	CHECK(u->closed, u, "unregistered client not handed back as closing");
	expect_none(a, NULL, "QUIT");
	skip_all(b);
	skip_all(c);
}

static void test_quit_and_after(struct fake *a, struct fake *c)
{
	step("QUIT: ERROR to the quitter, QUIT with the reason to peers, input after ignored");
	struct fake *q = fake_new("q", "10.0.0.7");
	do_register(q, "quentin");
	feed(q, "JOIN #seam\r\n");
	skip_all(a);
	skip_all(c);
	srv_client_input(&S, q->c, "QUIT :gone fishing\r\nPRIVMSG #seam :ghost\r\n", 42);
	drain();
	expect(q, NULL, "ERROR");
	CHECK(q->closed, q, "quitter not closing");
	expect(a, "quentin", "QUIT :gone fishing");
	expect_none(c, NULL, "PRIVMSG");
	expect_none(a, NULL, "PRIVMSG");
}

static void test_timers(struct fake *a, struct fake *b, struct fake *c)
{
	step("idle clients are PINGed after ping_interval; answer keeps them");
	skip_all(a);
	skip_all(b);
	skip_all(c);
	advance(29);
	drain();
	expect_silence(a);
	advance(1); /* 30 s idle: the configured interval */
	drain();
	expect(a, NULL, "PING " SERVER_NAME);
	expect(b, NULL, "PING *");
	expect(c, NULL, "PING *");
	feed(b, "PONG :" SERVER_NAME "\r\n");
	expect_silence(b);

	step("silent past ping_timeout: dropped, peers see the QUIT");
	advance(9);
	drain();
	CHECK(a->c != NULL, a, "alice dropped before the timeout ran out");
	advance(1);
	drain();
	CHECK(a->closed && c->closed, a, "alice (closed=%d) and carol (closed=%d) not dropped",
	      a->closed, c->closed);
	expect(a, NULL, "ERROR");
	expect(b, "alice", "QUIT");
	const struct irc_msg *m = expect(b, "carol", "QUIT");
	CHECK(strstr(m->params[0], "Ping timeout") != NULL, b, "QUIT reason \"%s\"", m->params[0]);
	CHECK(b->c != NULL, b, "bob answered the PING but was dropped");

	step("registration must finish in time");
	struct fake *slow = fake_new("slow", "10.0.0.8");
	feed(slow, "NICK slowpoke\r\n");
	advance(61);
	drain();
	CHECK(slow->closed, slow, "unregistered client still there 61 s later");
	expect(slow, NULL, "ERROR");
}

static void test_clock_step(struct fake *b)
{
	/* Timeouts run on the monotonic clock; the wall clock is only shown. */
	step("wall clock stepped forward a day: no early PING, nobody dropped");
	skip_all(b);
	feed(b, "PING :fresh\r\n");
	expect(b, SERVER_NAME, "PONG * fresh");
	now += 86400;
	advance(1);
	drain();
	expect_silence(b);
	CHECK(b->c != NULL, b, "bob dropped by a wall clock step");

	step("dates shown are the stepped wall clock");
	feed(b, "JOIN #clock\r\nMODE #clock\r\n");
	char created[32];
	snprintf(created, sizeof created, "329 bob #clock %lld", (long long)now);
	expect(b, SERVER_NAME, created);

	step("wall clock stepped back two days: PINGs and timeouts still run");
	now -= 2 * 86400;
	advance(29); /* bob idle 29 s of the 30 s interval */
	drain();
	expect_silence(b);
	advance(1);
	drain();
	expect(b, NULL, "PING " SERVER_NAME);
	advance(10); /* unanswered: 30 + 10 s */
	drain();
	CHECK(b->closed, b, "bob, silent past the ping timeout, still connected");
	const struct irc_msg *m = expect(b, NULL, "ERROR");
	CHECK(strstr(m->params[0], "Ping timeout: 40 seconds") != NULL, b, "ERROR \"%s\"",
	      m->params[0]);
}

static void test_sendq_cap(struct fake *b)
{
	step("a client that never drains is dropped at the send queue cap");
	struct fake *r = fake_new("r", "10.0.0.9");
	do_register(r, "reader");
	feed(r, "JOIN #flood\r\n");
	feed(b, "JOIN #flood\r\n");
	skip_all(r);
	skip_all(b);
	/* Feed without draining r: queue lines straight into r's sendq. */
	char line[520];
	memset(line, 'f', sizeof line);
	int n = snprintf(line, sizeof line, "PRIVMSG #flood :");
	line[n] = 'f';
	memcpy(line + 500, "\r\n", 2);
	size_t i;
	for (i = 0; i < 4000 && r->c; i++) {
		srv_client_input(&S, b->c, line, 502);
		/* Drain only bob; reader's queue keeps growing. */
		struct client *c;
		while ((c = srv_next_dirty(&S)) != NULL) {
			struct fake *f = fake_of(c);
			if (f == r && !c->closing)
				continue; /* it stays queued in sendq; off the dirty list is fine */
			if (f == r) {
				take_output(f, c);
				srv_client_free(&S, c);
				f->c = NULL;
				f->closed = true;
				continue;
			}
			take_output(f, c);
		}
	}
	CHECK(r->closed, r, "reader still connected after %zu x 500 bytes queued", i);
	/* Each relayed line is ":bob!bo@0::1 PRIVMSG #flood :" + 484 f's, cut
	 * to 510 + CR LF, and counts that plus its bookkeeping against the cap
	 * (sendq.h); the drop must come with the line that passes the cap. */
	size_t relayed = strlen(":bob!bo@0::1 PRIVMSG #flood :") + (500 - 16);
	relayed = (relayed > 510 ? 510 : relayed) + 2;
	CHECK(queue_cost(i, relayed) > SENDQ_MAX && queue_cost(i - 1, relayed) <= SENDQ_MAX, r,
	      "dropped after %zu lines of %zu bytes; SENDQ_MAX is %d", i, relayed, SENDQ_MAX);
	CHECK(r->out_len < 64 * 1024, r, "the dropped backlog was still sent (%zu bytes)",
	      r->out_len);
	expect(r, NULL, "ERROR");
	const struct irc_msg *m = expect(b, "reader", "QUIT");
	CHECK(strstr(m->params[0], "SendQ exceeded") != NULL, b, "QUIT reason \"%s\"",
	      m->params[0]);
}

/* Reads f's 322 lines up to 323, counting each channel "#lc<i>" into
 * seen[i] (any other into *other); true when 323 came. */
static bool count_listed(struct fake *f, unsigned *seen, unsigned n, unsigned *other)
{
	struct irc_msg m;
	char raw[600];
	bool ended = false;
	while (!ended && next_msg(f, &m, raw, sizeof raw)) {
		if (strcmp(m.command, "323") == 0) {
			ended = true;
		} else if (strcmp(m.command, "322") == 0) {
			unsigned i;
			char tail;
			if (sscanf(m.params[1], "#lc%u%c", &i, &tail) == 1 && i < n)
				seen[i]++;
			else
				(*other)++;
		}
	}
	return ended;
}

/* How many lines queued for c (not yet written) carry numeric num
 * (":server NNN ..."). */
static unsigned queued_numerics(const struct client *c, const char *num)
{
	static struct iovec iov[4096];
	int n = srv_client_output(c, iov, 4096);
	size_t head = 1 + strlen(SERVER_NAME) + 1;
	unsigned found = 0;
	CHECK(n < 4096, NULL, "more queued than this test counts");
	for (int i = 0; i < n; i++)
		if (iov[i].iov_len > head + 3 && memcmp((char *)iov[i].iov_base + head, num, 3) == 0)
			found++;
	return found;
}

static void test_listing_cursor(void)
{
	step("LIST paused mid-way while channels come and go lists each one that stayed once");
	/* 400 channels with 200-byte topics: ~110 KB of 322 lines, more than
	 * three batches of listing.c.  The asker stalls after the first. */
	enum { OLD = 400, NEW = 400, PER = 50 };
	static unsigned seen[OLD + NEW];
	struct fake *mk[(OLD + NEW) / PER];
	char line[400], topic[201];
	memset(topic, 't', 200);
	topic[200] = '\0';
	for (unsigned i = 0; i < OLD + NEW; i++) {
		if (i % PER == 0) {
			char nick[16];
			snprintf(nick, sizeof nick, "lmk%u", i / PER);
			mk[i / PER] = fake_new(nick, "10.0.1.1");
			do_register(mk[i / PER], nick);
		}
		if (i == OLD) {
			/* The asker starts its LIST when the first 400 exist. */
			struct fake *a = fake_new("lasker", "10.0.1.2");
			do_register(a, "lasker");
			skip_all(a);
			stalled = a;
			feed(a, "LIST\r\nPING :after\r\n");
			/* Its queue holds the first batch (netloop.c would wait for
			 * EV_WRITE): part of the list, and not its end. */
			unsigned first = queued_numerics(a->c, "322");
			CHECK(first > 0 && first < OLD / 2, a, "first batch listed %u", first);
			CHECK_EQ_INT(queued_numerics(a->c, "323"), 0, a);
			/* While it waits: the first two makers' channels go... */
			feed(mk[0], "JOIN 0\r\n");
			feed(mk[1], "JOIN 0\r\n");
		}
		snprintf(line, sizeof line, "JOIN #lc%u\r\nTOPIC #lc%u :%s\r\n", i, i, topic);
		feed(mk[i / PER], line);
		skip_all(mk[i / PER]);
	}
	/* ... and 400 more came: the map grew from 1024 to 2048 slots.  Now
	 * the asker reads again. */
	struct fake *a = stalled;
	stalled = NULL;
	take_output(a, a->c); /* EV_WRITE came */
	drain();
	unsigned other = 0;
	CHECK(count_listed(a, seen, OLD + NEW, &other), a, "LIST never ended");
	expect(a, SERVER_NAME, "PONG * after"); /* what waited ran after it */
	CHECK(other < 5, a, "%u other channels listed (earlier steps left a few)", other);
	for (unsigned k = 0; k < OLD + NEW; k++) {
		CHECK(seen[k] <= 1, a, "#lc%u listed %u times", k, seen[k]);
		CHECK(k < 2 * PER || k >= OLD || seen[k] == 1, a, "#lc%u, there all along, missed", k);
	}
	feed(a, "QUIT\r\n");
	for (unsigned k = 0; k < (OLD + NEW) / PER; k++)
		feed(mk[k], "QUIT\r\n");
}

static void test_whowas_ring(void)
{
	step("WHOWAS remembers the last WHOWAS_SIZE (256) departures across its growth");
	/* Nick changes are departures too (RFC 2812 3.6.3), so one client
	 * fills the ring: it starts at 8 entries and doubles up to 256, then
	 * wraps, dropping the oldest.  A ring that lost or reordered entries
	 * when it grew, or forgot to wrap, answers one of these wrongly. */
	struct fake *a = fake_new("asker", "10.0.0.8");
	do_register(a, "asker");
	struct fake *w = fake_new("w", "10.0.0.9");
	do_register(w, "wring0");
	char line[64], nick[16];
	for (int i = 1; i <= 300; i++) {
		snprintf(line, sizeof line, "NICK wring%d\r\n", i);
		feed(w, line);
		if (i == 9 || i == 17) {
			/* just past a growth: the very first name is still there */
			feed(a, "WHOWAS wring0\r\n");
			expect(a, SERVER_NAME, "314 * wring0 wring0");
			expect(a, SERVER_NAME, "369 * wring0");
		}
	}
	skip_all(w);
	static const struct {
		int n;
		bool kept;
	} probes[] = {{0, false}, {43, false}, {44, true}, {150, true}, {299, true}};
	for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
		snprintf(nick, sizeof nick, "wring%d", probes[k].n);
		snprintf(line, sizeof line, "WHOWAS %s\r\n", nick);
		feed(a, line);
		char want[64];
		snprintf(want, sizeof want, probes[k].kept ? "314 * %s" : "406 * %s", nick);
		expect(a, SERVER_NAME, want);
		expect(a, SERVER_NAME, "369 *");
		if (probes[k].kept)
			expect_none(a, NULL, "314"); /* one departure per name */
	}
	/* A QUIT after the wrap lands in the slot of the oldest entry. */
	feed(w, "QUIT :done\r\n");
	feed(a, "WHOWAS wring300\r\n");
	expect(a, SERVER_NAME, "314 * wring300 wring0");
	expect(a, SERVER_NAME, "369 *");
	feed(a, "WHOWAS wring44\r\n");
	expect(a, SERVER_NAME, "406 * wring44");
	feed(a, "QUIT\r\n");
}

/* Two helpers' edges: str_copy into no room writes nothing, and motd_load
 * clears the message it reports in (REHASH hands it a used buffer). */
static void test_helpers(void)
{
	char room[4] = "zzz";
	str_copy(room + 1, 0, "ab");
	CHECK(memcmp(room, "zzz", 4) == 0, NULL, "str_copy into 0 bytes wrote: %s", room);
	str_copy(room, sizeof room, "abcdef");
	CHECK(strcmp(room, "abc") == 0, NULL, "str_copy cut to %s, want abc", room);
	char path[] = "/tmp/seamtest-motd-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, NULL, "mkstemp");
	if (fd < 0)
		return;
	CHECK(write(fd, "one\ntwo\n", 8) == 8, NULL, "write");
	close(fd);
	char msg[64] = "left over from before";
	char **lines = NULL;
	CHECK_EQ_INT(motd_load(path, &lines, msg, sizeof msg), 0, NULL);
	CHECK(msg[0] == '\0', NULL, "motd_load of a good file left the message '%s'", msg);
	CHECK(lines && lines[0] && strcmp(lines[0], "one") == 0, NULL, "motd line 1");
	motd_free(lines);
	unlink(path);
}

/* The send queue's bookkeeping of partial writes (sendq.c), straight: a
 * write that ends one byte into a line, then one more byte, then the rest,
 * and the queue left empty with no ring. */
static void test_sendq_partial_writes(void)
{
	static const char *texts[] = {"abc\r\n", "defgh\r\n", "ij\r\n"};
	struct sendq q = {0};
	for (int i = 0; i < 3; i++) {
		struct line *l = line_new(texts[i], strlen(texts[i]));
		CHECK(l && sendq_push(&q, l, 1 << 20) == 0, NULL, "push %d", i);
		line_put(l);
	}
	struct iovec iov[8];
	static const struct {
		size_t sent;
		const char *head; /* what the next write starts with, NULL: nothing */
		int lines;
		size_t text;      /* bytes of the lines still queued, whole */
	} steps[] = {{6, "efgh\r\n", 2, 11}, {1, "fgh\r\n", 2, 11}, {5, "ij\r\n", 1, 4},
		     {4, NULL, 0, 0}};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sendq_consume(&q, steps[i].sent);
		int n = sendq_iov(&q, iov, 8);
		CHECK_EQ_INT(n, steps[i].lines, NULL);
		/* A line written out no longer counts against the cap. */
		if (n > 0)
			CHECK_EQ_INT(q.line_bytes, (size_t)n * sizeof(struct line) + steps[i].text,
				     NULL);
		if (steps[i].head && n > 0)
			CHECK(iov[0].iov_len == strlen(steps[i].head) &&
				      memcmp(iov[0].iov_base, steps[i].head, iov[0].iov_len) == 0,
			      NULL, "after %zu more bytes the next write starts %.*s, want %s",
			      steps[i].sent, (int)iov[0].iov_len, (const char *)iov[0].iov_base,
			      steps[i].head);
	}
	CHECK(q.ring == NULL && q.count == 0 && q.line_bytes == 0, NULL,
	      "an emptied queue keeps its ring or bytes");
	sendq_clear(&q);
}

/* sendq_push's cap, to the byte: a line that brings the queue's count
 * (sendq.h: lines with their headers, and the ring) exactly to the limit
 * is taken, one byte less refuses it, and so does a limit below the
 * ring alone or below the ring and the line. */
static void test_sendq_push_limit(void)
{
	struct line *l = line_new("abcdefgh\r\n", 10);
	CHECK(l != NULL, NULL, "line_new");
	if (!l)
		return;
	size_t ring = SENDQ_FIRST_SLOTS * sizeof(struct line *), one = sizeof(struct line) + 10;
	static const struct {
		size_t over; /* the limit is ring + one - over, or ring - 1 for SIZE_MAX */
		int want;
	} tries[] = {{SIZE_MAX, -1}, {1, -1}, {0, 0}};
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		struct sendq q = {0};
		size_t limit = tries[i].over == SIZE_MAX ? ring - 1 : ring + one - tries[i].over;
		CHECK_EQ_INT(sendq_push(&q, l, limit), tries[i].want, NULL);
		if (tries[i].want == 0)
			CHECK_EQ_INT(sendq_cost(&q), limit, NULL);
		sendq_clear(&q);
	}
	line_put(l);
}

int main(void)
{
	static const struct oper_cred opers[] = {{"oper", "operpass"}};
	struct srv_config cfg = {
		.name = SERVER_NAME,
		.password = NULL,
		.motd_file = NULL,
		.opers = opers,
		.nopers = 1,
		.ping_interval = 30,
		.ping_timeout = 10,
		.network = "SeamNet",
		.hash_key = (const unsigned char *)"seamtest-hashkey", /* 16 bytes: runs repeat */
	};
	char err[256] = "";
	if (srv_init(&S, &cfg, clock_now(), err, sizeof err) != 0) {
		fprintf(stderr, "srv_init failed: %s\n", err);
		return 1;
	}
	/* srv_init takes the clock it is given, before any turn sets it */
	CHECK_EQ_INT(S.now, now, NULL);
	CHECK_EQ_INT(S.mono, mono, NULL);
	srv_tick(&S, clock_now());

	struct fake *a, *b, *c;
	test_registration(&a, &b);
	test_channel(a, b, &c);
	test_bad_input(a, b, c);
	test_abrupt_drop(a, b, c);
	test_quit_and_after(a, c);
	test_sendq_cap(b);
	test_timers(a, b, c);
	test_clock_step(b);
	test_whowas_ring();
	test_sendq_partial_writes();
	test_sendq_push_limit();
	test_helpers();
	test_listing_cursor();

	step("srv_destroy frees what is left (LeakSanitizer checks at exit)");
	srv_destroy(&S);
	for (int i = 0; i < nfakes; i++)
		free(fakes[i].out);
	printf("seamtest: %d checks passed\n", checks);
	return 0;
}
