/* session.c - a case's clients and bounded waits (see session.h). */
#include "session.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "case.h"
#include "wirecheck.h"

#define REGISTER_NICK_TRIES 3

int sess_init(struct session *s, struct run_env *env, struct sclient *cl, unsigned n,
	      struct transcript *tr)
{
	memset(s, 0, sizeof *s);
	s->env = env;
	s->cl = cl;
	s->n = n;
	s->tr = tr;
	s->t0 = now_ms();
	for (unsigned k = 0; k < n; k++)
		hconn_init(&cl[k].conn);
	s->msg_in = malloc(sizeof *s->msg_in);
	s->msg_wait = malloc(sizeof *s->msg_wait);
	return s->msg_in && s->msg_wait ? 0 : -1;
}

void sess_free(struct session *s)
{
	for (unsigned k = 0; k < s->n; k++) {
		const struct hconn *c = &s->cl[k].conn;
		if (c->fd >= 0 && c->held_len > c->held_off)
			sess_event(s, k, "%s not sent: the case ended %s",
				   c->held_mid ? "the rest of a PONG" : "PONG",
				   c->held_mid ? "before the socket took it" : "in the middle of a line");
		hconn_free(&s->cl[k].conn);
	}
	free(s->msg_in);
	free(s->msg_wait);
	s->msg_in = s->msg_wait = NULL;
}

long sess_deadline(const struct session *s, int timeout_ms)
{
	long d = now_ms() + timeout_ms;
	return s->env->deadline_ms && s->env->deadline_ms < d ? s->env->deadline_ms : d;
}

/* Puts "prefix: " before the current failure text (cut if need be). */
static void why_prefix(struct session *s, const char *prefix)
{
	size_t pl = strlen(prefix), wl = strlen(s->why);
	if (pl + 2 >= sizeof s->why)
		return;
	if (pl + 2 + wl >= sizeof s->why)
		wl = sizeof s->why - pl - 3;
	memmove(s->why + pl + 2, s->why, wl);
	s->why[pl + 2 + wl] = '\0';
	memcpy(s->why, prefix, pl);
	s->why[pl] = ':';
	s->why[pl + 1] = ' ';
}

static void fail(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
}

void sess_event(struct session *s, unsigned k, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	transcript_add(s->tr, now_ms() - s->t0, s->cl[k].name, T_EVENT, msg,
		       n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

static unsigned client_of(const struct session *s, const struct hconn *c)
{
	for (unsigned k = 0; k < s->n; k++)
		if (&s->cl[k].conn == c)
			return k;
	return 0;
}

static long raw_send(struct session *s, unsigned k, const char *p, size_t n)
{
	char err[128];
	long w = hconn_write_some(&s->cl[k].conn, p, n, err, sizeof err);
	if (w > 0)
		transcript_add(s->tr, now_ms() - s->t0, s->cl[k].name, T_SEND, p, (size_t)w);
	return w;
}

/* Sends what held replies may go now, as far as the socket takes them.
 * 0, or -1 when the connection is gone. */
static int flush_held(struct session *s, unsigned k)
{
	struct hconn *c = &s->cl[k].conn;
	while (hconn_held_ready(c)) {
		char err[128];
		const char *p;
		long w = hconn_write_held(c, &p, err, sizeof err);
		if (w < 0)
			return -1;
		if (w == 0)
			break;
		transcript_add(s->tr, now_ms() - s->t0, s->cl[k].name, T_SEND, p, (size_t)w);
	}
	return 0;
}

/* Every received line goes to the transcript; a server PING is answered
 * (ircu pings during registration; any server may ping an idle client) and
 * never reaches the case's expectations.  The PONG is held while the case
 * is in the middle of a line (after `raw PRIVMSG x :hel`), so that it is
 * not glued into that line, and goes out once the line is finished. */
/* The first line that breaks the line format (or addresses a numeric to
 * someone else) is kept for the verdict; the transcript marks every one. */
static void note_badline(struct session *s, unsigned k, const char *what)
{
	sess_event(s, k, "protocol violation: %s", what);
	if (!s->badline[0])
		snprintf(s->badline, sizeof s->badline, "the server sent %s to %s", what,
			 s->cl[k].name);
}

static void on_line(void *arg, struct hconn *c, struct rline *l)
{
	struct session *s = arg;
	unsigned k = client_of(s, c);
	transcript_add(s->tr, l->t_ms, s->cl[k].name, T_RECV, l->data, l->len);
	char why[160];
	if (wire_check_line(l->data, l->len, why, sizeof why) != 0)
		note_badline(s, k, why);
	/* A server may end its lines in LF alone (a fault, but not one to
	 * fail every case on); one that has used CR LF and then ends a line
	 * in LF alone has sent an LF inside a line, cutting it in two. */
	if (l->bare_lf && c->crlf_seen)
		note_badline(s, k, WIRE_LF_INSIDE);
	else if (!l->bare_lf)
		c->crlf_seen = true;
	struct irc_msg *m = s->msg_in;
	bool ok = irc_parse(m, l->data, l->len) == IRC_PARSE_OK;
	if (ok && wire_check_target(m, s->cl[k].seen_nick, sizeof s->cl[k].seen_nick, why,
				    sizeof why) != 0)
		note_badline(s, k, why);
	if (ok && wire_check_prefix(m, why, sizeof why) != 0)
		note_badline(s, k, why);
	if (ok && strcasecmp(m->command, "PING") == 0) {
		char pong[600];
		int n = snprintf(pong, sizeof pong, "PONG :%s\r\n",
				 m->nparams ? m->params[m->nparams - 1] : "");
		if (n <= 0 || (size_t)n >= sizeof pong || hconn_hold(c, pong, (size_t)n) != 0)
			sess_event(s, k, "PING not answered: %d bytes of replies already wait",
				   (int)(c->held_len - c->held_off));
		else if (c->mid_line && !c->held_mid)
			sess_event(s, k, "PING answered once the unfinished line is sent");
		hconn_remove(c, l);
		flush_held(s, k);
	}
}

/* Reads what k's socket holds now; a line too long even to keep (over
 * CONN_LINE_MAX) breaks the format as surely as one of 600 bytes. */
static long read_some(struct session *s, unsigned k)
{
	struct hconn *c = &s->cl[k].conn;
	size_t toolong = c->toolong;
	long n = hconn_read_some(c, now_ms() - s->t0, on_line, s);
	if (c->toolong > toolong) {
		char why[96];
		snprintf(why, sizeof why, "a line of more than %d bytes (dropped; RFC 2812 2.3: "
			 "at most 512)", CONN_LINE_MAX);
		note_badline(s, k, why);
	}
	return n;
}

static void note_eof(struct session *s, unsigned k)
{
	struct hconn *c = &s->cl[k].conn;
	sess_event(s, k, "connection closed by the server%s", c->reset ? " (RST)" : "");
}

/* One poll over the case's sockets; reads whatever is ready.  focus is
 * read even when stopped; want_write asks for writability too. */
static void pump(struct session *s, long deadline, int focus, int want_write)
{
	struct pollfd pf[CASE_MAX_CLIENTS];
	unsigned who[CASE_MAX_CLIENTS];
	nfds_t np = 0;
	for (unsigned k = 0; k < s->n; k++) {
		struct hconn *c = &s->cl[k].conn;
		if (c->fd < 0 || c->eof)
			continue;
		short ev = (c->reading || (int)k == focus) ? POLLIN : 0;
		if ((int)k == want_write || hconn_held_ready(c))
			ev |= POLLOUT;
		if (!ev)
			continue;
		pf[np] = (struct pollfd){.fd = c->fd, .events = ev};
		who[np++] = k;
	}
	long wait = deadline - now_ms();
	if (wait < 0)
		wait = 0;
	if (wait > 1000)
		wait = 1000; /* re-check the run deadline now and then */
	if (poll(pf, np, (int)wait) <= 0)
		return;
	for (nfds_t i = 0; i < np; i++) {
		if (pf[i].revents & POLLOUT)
			flush_held(s, who[i]);
		if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		struct hconn *c = &s->cl[who[i]].conn;
		read_some(s, who[i]);
		if (c->eof)
			note_eof(s, who[i]);
	}
}

static void new_nick(struct session *s, unsigned k);

void sess_drain(struct session *s, unsigned k)
{
	struct hconn *c = &s->cl[k].conn;
	while (c->fd >= 0 && !c->eof && read_some(s, k) > 0)
		;
	if (c->eof)
		note_eof(s, k);
}

int sess_connect(struct session *s, unsigned k)
{
	char err[256];
	struct hconn *c = &s->cl[k].conn;
	if (c->fd >= 0)
		return 0;
	/* The name is fixed at connect, so a case that registers by hand can
	 * send NICK {nick:a} itself. */
	if (!s->cl[k].nick[0])
		new_nick(s, k);
	long dl = sess_deadline(s, s->env->timeout_ms);
	if (hconn_connect(c, s->env->host, s->env->port, dl, err, sizeof err)) {
		long run_dl = atomic_load(&s->env->deadline_ms);
		fail(s, "%s: cannot connect to %s:%u: %s%s", s->cl[k].name, s->env->host,
		     s->env->port, err, run_dl && run_dl == dl && now_ms() >= dl
		     ? " (the run's --deadline came first)" : "");
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, s->cl[k].host, sizeof s->cl[k].host, NULL, 0,
			NI_NUMERICHOST) != 0)
		s->cl[k].host[0] = '\0'; /* {host:X} then says it has none */
	sess_event(s, k, "connected");
	return 0;
}

int sess_send(struct session *s, unsigned k, const char *data, size_t len, long deadline)
{
	struct hconn *c = &s->cl[k].conn;
	if (c->fd < 0) {
		fail(s, "%s: cannot send: not connected", s->cl[k].name);
		return -1;
	}
	size_t done = 0;
	s->send_closed = false;
	while (done < len) {
		/* A held reply cut by a short write finishes its line first. */
		if (c->held_mid && flush_held(s, k) != 0)
			c->held_mid = false; /* gone: raw_send says so below */
		long w = c->held_mid ? 0 : raw_send(s, k, data + done, len - done);
		if (w < 0) {
			fail(s, "%s: send failed after %zu of %zu bytes: the server closed the "
				"connection", s->cl[k].name, done, len);
			s->send_closed = true;
			return -1;
		}
		done += (size_t)w;
		if (done == len)
			break;
		if (now_ms() >= deadline) {
			s->timed_out = true;
			fail(s, "%s: the server read nothing for %d ms (%zu of %zu bytes sent)",
			     s->cl[k].name, s->env->timeout_ms, done, len);
			return -1;
		}
		pump(s, deadline, (int)k, (int)k);
	}
	flush_held(s, k); /* the line may be finished now: what waited goes */
	return 0;
}

static void describe_line(const struct rline *l, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < l->len && o + 5 < outsz; i++) {
		unsigned char ch = (unsigned char)l->data[i];
		if (ch >= 0x20 && ch < 0x7f)
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", ch);
	}
	out[o] = '\0';
}

/* snprintf that never moves *o past the end, however much is cut. */
static void append(char *out, size_t outsz, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *out, size_t outsz, size_t *o, const char *fmt, ...)
{
	if (*o + 1 >= outsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out + *o, outsz - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < outsz ? *o + (size_t)n : outsz - 1;
}

/* Unread lines of k, newest last, for failure messages. */
static void sess_describe_queue(const struct session *s, unsigned k, char *out, size_t outsz)
{
	const struct hconn *c = &s->cl[k].conn;
	size_t o = 0;
	out[0] = '\0';
	if (!c->head) {
		snprintf(out, outsz, "  (nothing unread on %s)", s->cl[k].name);
		return;
	}
	const struct rline *l = c->tail;
	unsigned shown = 1;
	while (l->prev && shown < 12) {
		l = l->prev;
		shown++;
	}
	if (c->nlines > shown)
		append(out, outsz, &o, "  ... %zu older unread lines\n", c->nlines - shown);
	for (; l; l = l->next) {
		char line[300];
		describe_line(l, line, sizeof line);
		append(out, outsz, &o, "  %s < %s\n", s->cl[k].name, line);
	}
}

static void fail_wait(struct session *s, unsigned k, const char *what)
{
	char q[1400];
	sess_describe_queue(s, k, q, sizeof q);
	const struct hconn *c = &s->cl[k].conn;
	fail(s, "%s: %s; unread on %s:\n%s%s", s->cl[k].name, what, s->cl[k].name, q,
	     c->dropped ? "  (server flooded: lines were dropped)\n" : "");
}

struct rline *sess_wait(struct session *s, unsigned k, sess_match_fn *match, void *arg,
			bool next_only, long deadline)
{
	struct hconn *c = &s->cl[k].conn;
	struct irc_msg *m = s->msg_wait;
	/* Lines are only appended while we wait (PINGs are taken out before
	 * they are seen), so each line is parsed and tried once. */
	struct rline *tried = NULL;
	for (;;) {
		struct rline *l = tried ? tried->next : c->head;
		for (; l; tried = l, l = l->next) {
			bool ok = irc_parse(m, l->data, l->len) == IRC_PARSE_OK;
			if (match(arg, l, ok ? m : NULL))
				return l;
			if (next_only) {
				fail_wait(s, k, "the next message did not match");
				return NULL;
			}
		}
		if (c->fd < 0 || c->eof) {
			fail_wait(s, k, c->fd < 0 ? "not connected" : c->reset
				? "the server reset the connection (RST)"
				: "the server closed the connection");
			return NULL;
		}
		if (now_ms() >= deadline) {
			char what[96];
			s->timed_out = true;
			snprintf(what, sizeof what, "nothing matched within %d ms", s->env->timeout_ms);
			fail_wait(s, k, what);
			return NULL;
		}
		pump(s, deadline, (int)k, -1);
	}
}

static bool match_pong(void *arg, const struct rline *l, const struct irc_msg *m)
{
	(void)l;
	const char *token = arg;
	if (!m || strcasecmp(m->command, "PONG") != 0)
		return false;
	for (int i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i], token) == 0)
			return true;
	return false;
}

/* Sends client k's sync PING; its token into token[48]. */
static int sync_send(struct session *s, unsigned k, char *token, long deadline)
{
	char line[64];
	snprintf(token, 48, "ircspec-sync-%u", ++s->ping_seq);
	int n = snprintf(line, sizeof line, "PING :%s\r\n", token);
	return sess_send(s, k, line, (size_t)n, deadline);
}

static int sync_wait(struct session *s, unsigned k, const char *token, long deadline)
{
	struct rline *l = sess_wait(s, k, match_pong, (void *)token, false, deadline);
	if (!l) {
		char what[96];
		snprintf(what, sizeof what, "sync (PING :%.47s) got no PONG", token);
		why_prefix(s, what);
		return -1;
	}
	hconn_remove(&s->cl[k].conn, l);
	return 0;
}

int sess_sync(struct session *s, unsigned k, long deadline)
{
	char token[48];
	return sync_send(s, k, token, deadline) != 0 ? -1 : sync_wait(s, k, token, deadline);
}

int sess_sync_many(struct session *s, const unsigned *ks, unsigned nk, unsigned *failed,
		   long deadline)
{
	char token[SESS_SYNC_MAX][48];
	if (nk > SESS_SYNC_MAX)
		nk = SESS_SYNC_MAX;
	/* Every PING first: one round trip for them all, not one each. */
	for (unsigned i = 0; i < nk; i++) {
		if (sync_send(s, ks[i], token[i], deadline) != 0) {
			*failed = ks[i];
			return -1;
		}
	}
	for (unsigned i = 0; i < nk; i++) {
		if (sync_wait(s, ks[i], token[i], deadline) != 0) {
			*failed = ks[i];
			return -1;
		}
	}
	return 0;
}

int sess_wait_close(struct session *s, unsigned k, long deadline)
{
	struct hconn *c = &s->cl[k].conn;
	while (c->fd >= 0 && !c->eof) {
		if (now_ms() >= deadline) {
			s->timed_out = true;
			fail_wait(s, k, "the server did not close the connection");
			return -1;
		}
		pump(s, deadline, (int)k, -1);
	}
	return 0;
}

static void new_nick(struct session *s, unsigned k)
{
	/* At most 9 chars (RFC 2812 2.3.1 NICKLEN), starting with a letter:
	 * the client's initial, the run token, a base-36 counter. */
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned n = atomic_fetch_add(&s->env->counter, 1);
	char num[8];
	int i = 0;
	do {
		num[i++] = digits[n % 36];
		n /= 36;
	} while (n && i < 5);
	struct sclient *c = &s->cl[k];
	int o = snprintf(c->nick, sizeof c->nick, "%c%s", c->name[0], s->env->token);
	while (i > 0 && o < 9)
		c->nick[o++] = num[--i];
	c->nick[o] = '\0';
	snprintf(c->user, sizeof c->user, "%.9s", c->nick); /* nick is 9 here */
}

static int send_str(struct session *s, unsigned k, const char *line, long deadline)
{
	return sess_send(s, k, line, strlen(line), deadline);
}

static int start_register(struct session *s, unsigned k, long deadline)
{
	char line[600];
	if (sess_connect(s, k) != 0)
		return -1;
	if (s->env->password) {
		snprintf(line, sizeof line, "PASS %s\r\n", s->env->password);
		if (send_str(s, k, line, deadline) != 0)
			return -1;
	}
	snprintf(line, sizeof line, "NICK %s\r\nUSER %s 0 * :ircspec client %s\r\n",
		 s->cl[k].nick, s->cl[k].user, s->cl[k].name);
	return send_str(s, k, line, deadline);
}

static bool is_numeric(const struct irc_msg *m, const char *num)
{
	return m && strcmp(m->command, num) == 0;
}

/* 001, or a reply that means registration failed. */
static bool match_reg_step(void *arg, const struct rline *l, const struct irc_msg *m)
{
	(void)arg;
	(void)l;
	static const char *const stop[] = {"001", "431", "432", "433", "436", "437",
					   "461", "462", "464", "465", "ERROR"};
	for (size_t i = 0; m && i < sizeof stop / sizeof stop[0]; i++)
		if (strcasecmp(m->command, stop[i]) == 0)
			return true;
	return false;
}

static bool match_end_of_burst(void *arg, const struct rline *l, const struct irc_msg *m)
{
	(void)arg;
	(void)l;
	return is_numeric(m, "376") || is_numeric(m, "422");
}

static void learn_burst(struct session *s, unsigned k, const struct rline *last)
{
	struct target_info *ti = s->learn;
	struct irc_msg *m = s->msg_wait; /* no wait is under way */
	size_t o = strlen(ti->isupport);
	for (const struct rline *l = s->cl[k].conn.head; l; l = l->next) {
		if (irc_parse(m, l->data, l->len) == IRC_PARSE_OK) {
			if (is_numeric(m, "001") && m->prefix)
				snprintf(ti->server, sizeof ti->server, "%s", m->prefix);
			if (is_numeric(m, "004") && m->nparams > 2)
				snprintf(ti->version, sizeof ti->version, "%s", m->params[2]);
			/* 005 <nick> TOKEN... :are supported by this server */
			for (int i = 1; is_numeric(m, "005") && i < m->nparams - 1; i++) {
				int n = snprintf(ti->isupport + o, sizeof ti->isupport - o, "%s%s",
						 o ? " " : "", m->params[i]);
				if (n < 0 || (size_t)n >= sizeof ti->isupport - o)
					break;
				o += (size_t)n;
			}
		}
		if (l == last)
			break;
	}
}

/* RFC 2812 2.3.1: nickname = ( letter / special ) *8( letter / digit /
 * special / "-" ), special = %x5B-60 / %x7B-7D.  Servers raise the 9 to
 * their NICKLEN (30 and 32 are common), so only SESS_NICK_MAX bounds it. */
static bool is_nick_special(char ch)
{
	return (ch >= 0x5b && ch <= 0x60) || (ch >= 0x7b && ch <= 0x7d);
}

static bool is_valid_nick(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > SESS_NICK_MAX || !(isalpha((unsigned char)n[0]) ||
						 is_nick_special(n[0])))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char ch = (unsigned char)n[i];
		if (!(ch < 0x80 && (isalnum(ch) || is_nick_special((char)ch) || ch == '-')))
			return false;
	}
	return true;
}

/* The nick a 001 gives the client ("001 <nick> :Welcome..."): the server
 * may have cut or changed ours.  It is spliced into later lines and
 * patterns, so anything that is not a nickname is refused here. */
static int take_welcome_nick(struct session *s, unsigned k, const struct rline *l,
			     const struct irc_msg *m)
{
	struct sclient *c = &s->cl[k];
	if (m->nparams < 1 || !is_valid_nick(m->params[0])) {
		char line[300];
		describe_line(l, line, sizeof line);
		fail(s, "%s: registration: the server's 001 does not name a valid nickname "
			"(RFC 2812 2.3.1, at most %d characters): %s", c->name, SESS_NICK_MAX, line);
		return -1;
	}
	snprintf(c->nick, sizeof c->nick, "%s", m->params[0]);
	return 0;
}

static int finish_register(struct session *s, unsigned k, long deadline)
{
	struct sclient *c = &s->cl[k];
	for (int tries = 0;; tries++) {
		struct rline *l = sess_wait(s, k, match_reg_step, NULL, false, deadline);
		if (!l) {
			why_prefix(s, "registration did not complete");
			return -1;
		}
		/* match_reg_step only takes lines that parse. */
		struct irc_msg *m = s->msg_wait; /* the wait is over */
		irc_parse(m, l->data, l->len);
		if (is_numeric(m, "001")) {
			if (take_welcome_nick(s, k, l, m) != 0)
				return -1;
			break;
		}
		if (!is_numeric(m, "433") || tries + 1 >= REGISTER_NICK_TRIES) {
			char line[300];
			describe_line(l, line, sizeof line);
			fail(s, "%s: registration refused: %s", c->name, line);
			return -1;
		}
		hconn_remove(&c->conn, l);
		new_nick(s, k); /* someone else has it: try another */
		char nick[SESS_NICK_MAX + 16];
		snprintf(nick, sizeof nick, "NICK %s\r\n", c->nick);
		if (send_str(s, k, nick, deadline) != 0)
			return -1;
	}
	struct rline *end = sess_wait(s, k, match_end_of_burst, NULL, false, deadline);
	if (!end) {
		why_prefix(s, "no end of MOTD (376) or 422 after 001");
		return -1;
	}
	if (s->learn)
		learn_burst(s, k, end);
	/* The burst is consumed: a case starts from a clean queue. */
	while (c->conn.head != end)
		hconn_remove(&c->conn, c->conn.head);
	hconn_remove(&c->conn, end);
	c->registered = true;
	return 0;
}

int sess_register(struct session *s, const unsigned *ks, unsigned nk, long deadline)
{
	/* All first, then wait: servers that complete registration on a timer
	 * (inspircd: ~1 s) then cost one period per step, not per client. */
	for (unsigned i = 0; i < nk; i++)
		if (start_register(s, ks[i], deadline) != 0)
			return -1;
	/* Letting a crowd in can outlast the step's deadline (ngircd accepts
	 * about ten connections a second): the last client let in still gets
	 * a whole timeout for its answer, not what the connects left over. */
	long answer = sess_deadline(s, s->env->timeout_ms);
	if (answer > deadline)
		deadline = answer;
	for (unsigned i = 0; i < nk; i++)
		if (finish_register(s, ks[i], deadline) != 0)
			return -1;
	return 0;
}

int sess_register_synced(struct session *s, unsigned k, long deadline)
{
	char token[48];
	if (start_register(s, k, deadline) != 0 || sync_send(s, k, token, deadline) != 0 ||
	    finish_register(s, k, deadline) != 0)
		return -1;
	/* What is queued now came after the burst's end (which took the
	 * lines before it): its PONG there answers the registered client. */
	struct hconn *c = &s->cl[k].conn;
	sess_drain(s, k);
	for (struct rline *l = c->head; l; l = l->next) {
		struct irc_msg *m = s->msg_wait; /* no wait is under way */
		if (irc_parse(m, l->data, l->len) == IRC_PARSE_OK && match_pong(token, l, m)) {
			hconn_remove(c, l);
			return 0;
		}
	}
	return sess_sync(s, k, deadline);
}
