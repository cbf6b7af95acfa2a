/* runner.c - executes a case's steps and decides its verdict.
 * Names are made unique per run so cases can share one server in
 * parallel; the first unmet step ends the case with expected vs received. */
#include "runner.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../common/casemap.h"
#include "bounded_re.h"
#include "expand.h"
#include "isupport.h"
#include "pattern.h"
#include "peerread.h"
#include "probe.h"
#include "session.h"
#include "vars.h"

/* case.c checks every case with stand-in values as long as these. */
_Static_assert(sizeof ((struct sclient *)0)->nick <= CASE_NICK_MAX + 1 &&
		       sizeof ((struct sclient *)0)->user <= CASE_NICK_MAX + 1,
	       "a nick longer than case.c's stand-in");
_Static_assert(sizeof ((struct target_info *)0)->server <= CASE_SERVER_MAX + 1,
	       "a server name longer than case.c's stand-in");
_Static_assert(sizeof ((struct sclient *)0)->host <= CASE_HOST_MAX + 1,
	       "an address longer than case.c's stand-in");

struct runctx {
	struct run_env *env;
	const struct casefile *c;
	struct session sess;
	struct sclient *cl;
	char chan_keys[CASE_CHAN_KEYS_MAX][CASE_CHAN_KEY_MAX + 1];
	char chan_names[CASE_CHAN_KEYS_MAX][CASE_CHANNEL_MAX + 1];
	unsigned nchans;
	char list_keys[CASE_CHAN_KEYS_MAX][CASE_CHAN_KEY_MAX + 1]; /* {nicks:KEY=}, {chans:KEY=} */
	unsigned list_ids[CASE_CHAN_KEYS_MAX];
	unsigned nlists;
	long counter; /* {i} */
	struct case_vars vars; /* captured by expect-re's named groups */
	char *buf;    /* PATTERN_TEXT_MAX scratch for expansion */
	enum verdict verdict;
	char msg[4096];
};

static void set_verdict(struct runctx *x, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_verdict(struct runctx *x, enum verdict v, const char *fmt, ...)
{
	x->verdict = v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
}

/* ISUPPORT token value ("TOKEN" or "TOKEN:KEY"): "" for a bare token,
 * NULL when absent. */
static const char *isupport_get(const struct target_info *ti, const char *spec, char *out,
				size_t outsz)
{
	char token[128];
	const char *colon = strchr(spec, ':');
	size_t tl = colon ? (size_t)(colon - spec) : strlen(spec);
	snprintf(token, sizeof token, "%.*s", (int)(tl < sizeof token ? tl : sizeof token - 1),
		 spec);
	return isupport_value(ti->isupport, token, colon ? colon + 1 : NULL, out, outsz);
}

/* The base of {nicks:KEY=} and {chans:KEY=} names: the run token, three
 * base-36 characters that KEY got from the run's counter, and '-' (no
 * client's nick or channel of the harness has one, so none is hit).  A
 * nick base is 7 bytes, a channel's 8 (expand.h's lengths less the index). */
static int list_base(struct runctx *x, const char *kind, const char *key, char *out,
		     size_t outsz)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned i;
	for (i = 0; i < x->nlists && strcmp(x->list_keys[i], key) != 0; i++)
		;
	if (i == x->nlists) {
		if (i == CASE_CHAN_KEYS_MAX || strlen(key) >= sizeof x->list_keys[0]) {
			snprintf(out, outsz, "too many list keys");
			return -1;
		}
		snprintf(x->list_keys[i], sizeof x->list_keys[i], "%s", key);
		x->list_ids[i] = atomic_fetch_add(&x->env->counter, 1) % (36 * 36 * 36);
		x->nlists++;
	}
	unsigned id = x->list_ids[i];
	snprintf(out, outsz, "%s%s%c%c%c-", kind[0] == 'c' ? "#" : "", x->env->token,
		 digits[id / 1296], digits[id / 36 % 36], digits[id % 36]);
	return 0;
}

/* {password}, or {password:swapcase}: its letters in the other case, for
 * a server that must not take it so (standin.c checks the key). */
static int password(const char *pw, const char *key, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", pw);
	if (!key[0])
		return 0;
	bool letter = false;
	for (char *p = out; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		letter |= isalpha(ch) && ch < 0x80;
		if (ch < 0x80)
			*p = (char)(isupper(ch) ? tolower(ch) : toupper(ch));
	}
	if (!letter) {
		snprintf(out, outsz, "the password given (--password) has no letter whose case "
			 "{password:swapcase} could change");
		return EXPAND_SKIP;
	}
	return 0;
}

static int lookup(void *arg, const char *kind, const char *key, char *out, size_t outsz)
{
	struct runctx *x = arg;
	if (strcmp(kind, "nicks") == 0 || strcmp(kind, "chans") == 0)
		return list_base(x, kind, key, out, outsz);
	bool host = strcmp(kind, "host") == 0;
	if (host || strcmp(kind, "nick") == 0 || strcmp(kind, "user") == 0) {
		int k = case_client_index(x->c, key);
		if (k < 0) {
			snprintf(out, outsz, "no client '%s'", key);
			return -1;
		}
		const struct sclient *cl = &x->cl[k];
		if (!(host ? cl->host : cl->nick)[0]) {
			snprintf(out, outsz, host ? "client '%s' has no address: not connected yet"
						  : "client '%s' is not registered yet", key);
			return -1;
		}
		snprintf(out, outsz, "%s", host ? cl->host : kind[0] == 'n' ? cl->nick : cl->user);
	} else if (strcmp(kind, "chan") == 0) {
		unsigned i;
		for (i = 0; i < x->nchans && strcmp(x->chan_keys[i], key) != 0; i++)
			;
		if (i == x->nchans) {
			if (i == CASE_CHAN_KEYS_MAX || strlen(key) >= sizeof x->chan_keys[0]) {
				snprintf(out, outsz, "too many channel keys");
				return -1;
			}
			snprintf(x->chan_keys[i], sizeof x->chan_keys[i], "%s", key);
			snprintf(x->chan_names[i], sizeof x->chan_names[i], "#%sc%u", x->env->token,
				 atomic_fetch_add(&x->env->counter, 1));
			x->nchans++;
		}
		snprintf(out, outsz, "%s", x->chan_names[i]);
	} else if (strcmp(kind, "var") == 0) {
		const char *v = vars_get(&x->vars, key);
		if (!v) {
			snprintf(out, outsz, "var:%s has no value: its group took no part in a match "
				 "so far", key);
			return -1;
		}
		snprintf(out, outsz, "%s", v);
	} else if (strcmp(kind, "server") == 0) {
		snprintf(out, outsz, "%s", x->env->ti.server);
	} else if (strcmp(kind, "password") == 0) {
		return password(x->env->password ? x->env->password : "", key, out, outsz);
	} else if (strcmp(kind, "oper") == 0) {
		snprintf(out, outsz, "%s",
			 strcmp(key, "name") == 0 ? x->env->oper_name : x->env->oper_pass);
	} else if (strcmp(kind, "isupport") == 0) {
		if (!isupport_get(&x->env->ti, key, out, outsz)) {
			snprintf(out, outsz, "the server does not advertise %s in 005", key);
			return -1;
		}
	} else {
		snprintf(out, outsz, "unknown placeholder");
		return -1;
	}
	return 0;
}

/* An expression's isupport: term: a server without the token (and no
 * ?default) or with a value that is no number makes the case not apply. */
static int number_isupport(struct runctx *x, const struct num_term *t, long long *out,
			   char *why, size_t whysz)
{
	char val[512];
	const char *have = isupport_value(x->env->ti.isupport, t->name, t->key[0] ? t->key : NULL,
					  val, sizeof val);
	if (!have || !val[0]) {
		if (t->has_default) {
			*out = t->def;
			return 0;
		}
		snprintf(why, whysz, "the server does not announce %s%s%s in 005%s", t->name,
			 t->key[0] ? ":" : "", t->key, have ? " with a value" : "");
		return EXPAND_SKIP;
	}
	if (num_parse_decimal(val, strlen(val), out) != 0 || *out < 0) {
		snprintf(why, whysz, "the server's 005 has %s=%.100s: %s%s is not a number", t->name,
			 val, t->key[0] ? "the value of " : "", t->key[0] ? t->key : "that");
		return EXPAND_SKIP;
	}
	return 0;
}

static int number(void *arg, const struct num_term *t, long long *out, char *why,
		  size_t whysz)
{
	struct runctx *x = arg;
	if (t->kind == NUM_ISUPPORT)
		return number_isupport(x, t, out, why, whysz);
	const char *v = vars_get(&x->vars, t->name);
	if (!v) {
		snprintf(why, whysz, "var:%s has no value: its group took no part in a match so far",
			 t->name);
		return -1;
	}
	if (num_parse_decimal(v, strlen(v), out) != 0) {
		snprintf(why, whysz, "var:%s is '%.60s', not a number (at most 1000000000)", t->name,
			 v);
		return -1;
	}
	return 0;
}

/* Expands step text into x->buf; on error the case is an error, when the
 * server lacks what it needs a skip. */
static int fill(struct runctx *x, const struct step *st, const char *text, size_t *len)
{
	struct expand_ctx ctx = {lookup, x, x->counter, true, st->kind == STEP_EXPECT_RE,
				 number, false};
	char err[300];
	int rc = expand(&ctx, text, x->buf, PATTERN_TEXT_MAX, len, err, sizeof err);
	if (rc != 0) {
		set_verdict(x, rc == EXPAND_SKIP ? V_SKIP : V_ERROR, "line %d: %s", st->line, err);
		return -1;
	}
	return 0;
}

/* Where the server's end cannot be seen (peerread.h), segments of
 * split/chunks steps are sent this far apart so the server most likely
 * receives them as separate reads.  Shaping only: nothing waits on this
 * for the server to have done something. */
#define SEGMENT_PAUSE_MS 3
/* How long a piece waits for the server to read the one before: a server
 * that reads nothing for this long is not reading (hung, or throttling
 * this client); the step then sends its other pieces without waiting. */
#define SERVER_READ_WAIT_MS 1000

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void fail_step(struct runctx *x, const struct step *st, const char *expected)
{
	long dl = atomic_load(&x->env->deadline_ms);
	if (dl && now_ms() >= dl) {
		/* The wait was cut short: that says nothing about the server. */
		set_verdict(x, V_ERROR, "line %d: %s: not finished: the run was %s", st->line,
			    step_name(st->kind), dl == 1 ? "interrupted" : "stopped by --deadline");
		return;
	}
	set_verdict(x, V_FAIL, "line %d: %s %s\n%s%s%s", st->line, step_name(st->kind), st->arg,
		    expected ? "  expected: " : "", expected ? expected : "",
		    expected ? "\n" : "");
	size_t o = strlen(x->msg);
	snprintf(x->msg + o, sizeof x->msg - o, "  %s", x->sess.why);
}

/* Before the next piece of an unfinished line (or the next segment of a
 * split/chunks step) goes to client k's server, the server has read() all
 * that came before it, so the piece reaches it in a read of its own: a
 * line cut between CR and LF stays cut under load, as the case says.
 * *slow: the server did not read within SERVER_READ_WAIT_MS once already
 * in this step (it is not reading), so no more waits. */
static void let_server_read(struct runctx *x, unsigned k, bool *slow)
{
	int fd = x->cl[k].conn.fd;
	if (fd < 0)
		return;
	long dl = now_ms() + SERVER_READ_WAIT_MS, run_dl = atomic_load(&x->env->deadline_ms);
	if (run_dl && run_dl < dl)
		dl = run_dl;
	int r = *slow ? -1 : peer_read_wait(fd, dl);
	if (r < 0)
		pause_ms(SEGMENT_PAUSE_MS);
	else if (r == 0)
		*slow = true;
}

/* segment: p is a later piece of the step (split, chunks); a piece after
 * bytes that left a line unfinished waits as well (raw, send).  closed
 * (a burst's; NULL for the other steps): per target, set when the server
 * closed the connection during the send, which then ends that target's
 * part instead of failing the step. */
static int send_piece(struct runctx *x, const struct step *st, const char *p, size_t n,
		      bool segment, bool *slow, bool *closed)
{
	for (unsigned i = 0; i < st->ntargets; i++) {
		unsigned k = st->targets[i];
		if (closed && closed[i])
			continue;
		if (segment || x->cl[k].conn.mid_line)
			let_server_read(x, k, slow);
		long dl = sess_deadline(&x->sess, x->env->timeout_ms);
		if (sess_send(&x->sess, k, p, n, dl) == 0)
			continue;
		if (!closed || !x->sess.send_closed) {
			fail_step(x, st, NULL);
			return -1;
		}
		closed[i] = true;
		sess_event(&x->sess, k, "repeat (line %d): the server closed the connection "
			   "during the burst; the rest of it is not sent", st->line);
	}
	return 0;
}

static int send_all(struct runctx *x, const struct step *st, const char *p, size_t n)
{
	bool slow = false;
	return send_piece(x, st, p, n, false, &slow, NULL);
}

/* Sends p[0..n) in pieces of `piece` bytes (1: byte by byte). */
static int send_pieces(struct runctx *x, const struct step *st, const char *p, size_t n,
		       size_t piece)
{
	bool slow = false;
	for (size_t off = 0; off < n; off += piece) {
		size_t len = n - off < piece ? n - off : piece;
		if (send_piece(x, st, p + off, len, off > 0, &slow, NULL) != 0)
			return -1;
	}
	return 0;
}

static int step_send_line(struct runctx *x, const struct step *st)
{
	size_t len;
	if (fill(x, st, st->arg, &len) != 0)
		return -1;
	if (len + 2 >= PATTERN_TEXT_MAX) {
		set_verdict(x, V_ERROR, "line %d: line too long to send", st->line);
		return -1;
	}
	memcpy(x->buf + len, "\r\n", 2);
	len += 2;
	if (st->kind == STEP_SEND)
		return send_all(x, st, x->buf, len);
	/* split: N pieces, or one byte at a time */
	size_t piece = st->num == 0 ? 1 : (len + st->num - 1) / st->num;
	return send_pieces(x, st, x->buf, len, piece ? piece : 1);
}

static int step_chunks(struct runctx *x, const struct step *st)
{
	const char *s = st->arg;
	bool first = true, slow = false;
	while (*s) {
		while (*s == ' ')
			s++;
		if (*s != '"')
			break;
		const char *start = ++s;
		while (*s && *s != '"')
			s += (*s == '\\' && s[1]) ? 2 : 1;
		char chunk[4096];
		size_t cl = (size_t)(s - start) < sizeof chunk ? (size_t)(s - start) : sizeof chunk - 1;
		memcpy(chunk, start, cl);
		chunk[cl] = '\0';
		s += *s == '"';
		size_t len;
		if (fill(x, st, chunk, &len) != 0)
			return -1;
		if (send_piece(x, st, x->buf, len, !first, &slow, NULL) != 0)
			return -1;
		first = false;
	}
	return 0;
}

/* repeat's count: fixed, or its EXPR with the server's values. */
static int repeat_times(struct runctx *x, const struct step *st, unsigned *n)
{
	struct expand_ctx ctx = {lookup, x, 0, false, false, number, false};
	char err[300];
	long long v = st->num;
	int rc = st->count ? expand_count(&ctx, st->count, 1, &v, err, sizeof err) : 0;
	if (rc != 0) {
		set_verdict(x, rc == EXPAND_SKIP ? V_SKIP : V_ERROR, "line %d: repeat %s: %s",
			    st->line, st->count, err);
		return -1;
	}
	*n = (unsigned)v;
	return 0;
}

static int step_repeat(struct runctx *x, const struct step *st)
{
	/* A server may drop a client that floods it (excess flood, a send
	 * queue past its cap): the burst to that client ends where the
	 * connection closed (send_piece notes it in the transcript) and the
	 * case goes on; the next step on that client meets the close. */
	bool closed[CASE_MAX_CLIENTS] = {false}, slow = false;
	unsigned times;
	if (repeat_times(x, st, &times) != 0)
		return -1;
	/* One write for the whole burst, in batches that fit the buffer. */
	char *batch = malloc(PATTERN_TEXT_MAX);
	if (!batch) {
		set_verdict(x, V_ERROR, "out of memory");
		return -1;
	}
	size_t used = 0;
	int rc = 0;
	for (unsigned i = 0; i < times && rc == 0; i++) {
		x->counter = i;
		size_t len;
		if (fill(x, st, st->arg, &len) != 0) {
			rc = -1;
			break;
		}
		if (len + 2 > PATTERN_TEXT_MAX) {
			set_verdict(x, V_ERROR, "line %d: line too long to send", st->line);
			rc = -1;
			break;
		}
		if (used + len + 2 > PATTERN_TEXT_MAX) {
			rc = send_piece(x, st, batch, used, false, &slow, closed);
			used = 0;
		}
		memcpy(batch + used, x->buf, len);
		memcpy(batch + used + len, "\r\n", 2);
		used += len + 2;
	}
	if (rc == 0 && used)
		rc = send_piece(x, st, batch, used, false, &slow, closed);
	free(batch);
	x->counter = 0;
	return rc;
}

/* ---- expectations ---- */

struct capture {
	struct runctx *x;
	const struct step *st;
	int rc;
};

static int store_var(void *arg, const char *name, const char *value, size_t len)
{
	struct capture *cp = arg;
	char err[160];
	if (vars_set(&cp->x->vars, name, value, len, err, sizeof err) != 0) {
		set_verdict(cp->x, V_ERROR, "line %d: expect-re: %s", cp->st->line, err);
		cp->rc = -1;
	}
	return cp->rc;
}

/* The named groups of the line an expect-re took become case variables.
 * Matched once more on its own: the wait tried many lines, this is one. */
static int capture(struct runctx *x, const struct step *st, const struct bre *re,
		   const struct rline *l)
{
	struct capture cp = {x, st, 0};
	char err[160] = "the line no longer matches";
	if (bre_match_groups(re, l->data, l->len, store_var, &cp, err, sizeof err) != BRE_MATCH &&
	    cp.rc == 0) {
		set_verdict(x, V_ERROR, "line %d: expect-re: capturing again: %s", st->line, err);
		return -1;
	}
	return cp.rc;
}

struct matchset {
	struct pattern pats[CASE_MAX_ALTS];
	unsigned npats;
	const struct bre *re;   /* expect-re: the step's own, or owned_re */
	struct bre *owned_re;   /* compiled after expanding placeholders */
	/* A regex ends the wait early: at a limit (no verdict on the line),
	 * or at the step's deadline (each line may cost up to the match limit,
	 * so a queue full of them could outlast it). */
	enum { RE_GOING, RE_LIMIT, RE_LATE } re_stop;
	long deadline;
	const atomic_long *run_deadline;
	char re_err[160];
	const char *pong_token; /* expect-none: the barrier's PONG also stops */
	int hit;                /* which matched: pattern index, or -1 for PONG */
};

static bool match_re(struct matchset *ms, const struct rline *l)
{
	long now = now_ms(), run_dl = atomic_load(ms->run_deadline);
	if (now >= ms->deadline || (run_dl && now >= run_dl)) {
		ms->re_stop = RE_LATE;
		return true;
	}
	enum bre_result r = bre_match(ms->re, l->data, l->len, ms->re_err, sizeof ms->re_err);
	if (r == BRE_LIMIT)
		ms->re_stop = RE_LIMIT;
	return r != BRE_NOMATCH;
}

static bool match_set(void *arg, const struct rline *l, const struct irc_msg *m)
{
	struct matchset *ms = arg;
	if (ms->re)
		return match_re(ms, l);
	if (!m)
		return false;
	/* The barrier's own PONG first: a broad pattern ("* ...") must not
	 * take it for a forbidden message. */
	if (ms->pong_token && strcasecmp(m->command, "PONG") == 0) {
		for (int i = 0; i < m->nparams; i++) {
			if (strcmp(m->params[i], ms->pong_token) == 0) {
				ms->hit = -1;
				return true;
			}
		}
	}
	for (unsigned i = 0; i < ms->npats; i++) {
		if (pattern_match(&ms->pats[i], m)) {
			ms->hit = (int)i;
			return true;
		}
	}
	return false;
}

static void matchset_free(struct matchset *ms)
{
	for (unsigned i = 0; i < ms->npats; i++)
		pattern_free(&ms->pats[i]);
	bre_free(ms->owned_re);
}

/* Expands and compiles each text; `shown` gets them for the message. */
static int matchset_build(struct runctx *x, const struct step *st, struct matchset *ms,
			  char *shown, size_t shownsz)
{
	memset(ms, 0, sizeof *ms);
	const char *single[1] = {st->arg};
	const char *const *texts = st->kind == STEP_EXPECT_ANY ? (const char *const *)st->alts
							       : single;
	unsigned n = st->kind == STEP_EXPECT_ANY ? st->nalts : 1;
	size_t o = 0;
	shown[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		size_t len;
		char err[200];
		if (fill(x, st, texts[i], &len) != 0)
			return -1;
		int rc = o < shownsz ? snprintf(shown + o, shownsz - o, "%s%s", i ? " || " : "",
						x->buf) : 0;
		o += rc > 0 ? (size_t)rc : 0;
		if (st->kind == STEP_EXPECT_RE) {
			ms->run_deadline = &x->env->deadline_ms;
			if (st->re) {
				ms->re = st->re;
			} else if (bre_compile(&ms->owned_re, x->buf, len, err, sizeof err) != 0) {
				set_verdict(x, V_ERROR, "line %d: expect-re: %s", st->line, err);
				return -1;
			} else {
				ms->re = ms->owned_re;
			}
		} else if (pattern_compile(&ms->pats[ms->npats], x->buf, err, sizeof err) != 0) {
			set_verdict(x, V_ERROR, "line %d: %s", st->line, err);
			matchset_free(ms);
			return -1;
		} else {
			ms->pats[ms->npats++].exact = st->kind == STEP_EXPECT_EXACT ||
						      st->kind == STEP_EXPECT_NEXT_EXACT ||
						      st->kind == STEP_EXPECT_NONE_EXACT;
		}
	}
	return 0;
}

static int step_expect(struct runctx *x, const struct step *st)
{
	struct matchset ms;
	char shown[1024];
	if (matchset_build(x, st, &ms, shown, sizeof shown) != 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < st->ntargets && rc == 0; i++) {
		unsigned k = st->targets[i];
		long dl = sess_deadline(&x->sess, x->env->timeout_ms);
		ms.deadline = dl;
		struct rline *l = sess_wait(&x->sess, k, match_set, &ms,
					    st->kind == STEP_EXPECT_NEXT ||
						    st->kind == STEP_EXPECT_NEXT_EXACT, dl);
		if (ms.re_stop == RE_LIMIT) {
			/* Not the server's fault: the regex backtracks without bound. */
			set_verdict(x, V_ERROR, "%s:%d: expect-re: %s on a line of %zu bytes "
				    "(a regex that backtracks without bound: simplify it)",
				    x->c->path, st->line, ms.re_err, l->len);
			rc = -1;
		} else if (ms.re_stop == RE_LATE) {
			x->sess.timed_out = true;
			snprintf(x->sess.why, sizeof x->sess.why, "%s: nothing matched within %d ms",
				 x->cl[k].name, x->env->timeout_ms);
			fail_step(x, st, shown);
			rc = -1;
		} else if (!l) {
			fail_step(x, st, shown);
			rc = -1;
		} else {
			if (ms.re)
				rc = capture(x, st, ms.re, l);
			hconn_remove(&x->cl[k].conn, l);
		}
	}
	matchset_free(&ms);
	return rc;
}

/* Nothing matching may arrive before a PING barrier.  Every other client
 * is synced first, so whatever they sent has been processed (and any
 * resulting message queued to k) before k's own PING is. */
static int step_expect_none(struct runctx *x, const struct step *st)
{
	struct matchset ms;
	char shown[1024];
	if (matchset_build(x, st, &ms, shown, sizeof shown) != 0)
		return -1;
	int rc = 0;
	for (unsigned j = 0; j < x->sess.n && rc == 0; j++) {
		struct hconn *c = &x->cl[j].conn;
		bool target = false;
		for (unsigned i = 0; i < st->ntargets; i++)
			target |= st->targets[i] == j;
		/* Not a client holding half a line: a PING would be glued to it. */
		if (!target && c->fd >= 0 && !c->eof && !c->wr_closed && x->cl[j].registered &&
		    c->reading && !c->mid_line && sess_sync(&x->sess, j, sess_deadline(&x->sess, x->env->timeout_ms)) &&
		    !c->eof) {
			/* A peer the server has just closed (after QUIT, KILL) has
			 * nothing left to sync; any other failure is the case's. */
			fail_step(x, st, NULL);
			rc = -1;
		}
	}
	for (unsigned i = 0; i < st->ntargets && rc == 0; i++) {
		unsigned k = st->targets[i];
		const struct hconn *kc = &x->cl[k].conn;
		if (kc->fd >= 0 && kc->eof && !kc->reset) {
			/* The server closed it with a FIN (after expect-close):
			 * every line it sent has been read and none can follow,
			 * so the close is the barrier and the unread lines are
			 * all there is to look at. */
			const struct rline *l = kc->head;
			ms.pong_token = NULL;
			ms.deadline = sess_deadline(&x->sess, x->env->timeout_ms);
			for (; l; l = l->next) {
				bool ok = irc_parse(x->sess.msg_wait, l->data, l->len) == IRC_PARSE_OK;
				if (match_set(&ms, l, ok ? x->sess.msg_wait : NULL))
					break;
			}
			if (l) {
				snprintf(x->sess.why, sizeof x->sess.why, "%s: got %.500s",
					 x->cl[k].name, l->data);
				fail_step(x, st, "nothing like this before the server closed the connection");
				rc = -1;
			}
			continue;
		}
		char token[48], line[64];
		snprintf(token, sizeof token, "ircspec-none-%u", ++x->sess.ping_seq);
		int n = snprintf(line, sizeof line, "PING :%s\r\n", token);
		long dl = sess_deadline(&x->sess, x->env->timeout_ms);
		ms.pong_token = token;
		ms.hit = 0;
		struct rline *l = sess_send(&x->sess, k, line, (size_t)n, dl) == 0
			? sess_wait(&x->sess, k, match_set, &ms, false, dl) : NULL;
		if (!l) {
			fail_step(x, st, "no match, then the PONG of the barrier");
			rc = -1;
		} else if (ms.hit >= 0) {
			char got[600];
			snprintf(got, sizeof got, "%.500s", l->data);
			snprintf(x->sess.why, sizeof x->sess.why, "%s: got %s", x->cl[k].name, got);
			fail_step(x, st, "nothing like this before the PING barrier's PONG");
			rc = -1;
		} else {
			hconn_remove(&x->cl[k].conn, l);
		}
	}
	matchset_free(&ms);
	return rc;
}

/* ---- the rest of the steps ---- */

static int step_oper(struct runctx *x, const struct step *st)
{
	char line[300];
	int n = snprintf(line, sizeof line, "OPER %s %s\r\n", x->env->oper_name, x->env->oper_pass);
	if (n < 0 || (size_t)n >= sizeof line || send_all(x, st, line, (size_t)n) != 0) {
		if (x->verdict == V_PASS)
			set_verdict(x, V_ERROR, "line %d: operator credentials too long", st->line);
		return -1;
	}
	struct pattern ok, bad1, bad2;
	char err[100];
	pattern_compile(&ok, "381 ...", err, sizeof err);
	pattern_compile(&bad1, "464 ...", err, sizeof err);
	pattern_compile(&bad2, "491 ...", err, sizeof err);
	struct matchset ms = {.pats = {ok, bad1, bad2}, .npats = 3};
	int rc = 0;
	for (unsigned i = 0; i < st->ntargets && rc == 0; i++) {
		unsigned k = st->targets[i];
		struct rline *l = sess_wait(&x->sess, k, match_set, &ms, false,
					    sess_deadline(&x->sess, x->env->timeout_ms));
		if (!l || ms.hit != 0) {
			if (l)
				snprintf(x->sess.why, sizeof x->sess.why,
					 "%s: got %.300s (check --oper NAME:PASS)", x->cl[k].name, l->data);
			fail_step(x, st, "381 RPL_YOUREOPER");
			rc = -1;
		} else {
			hconn_remove(&x->cl[k].conn, l);
		}
	}
	matchset_free(&ms);
	return rc;
}

static int step_require(struct runctx *x, const struct step *st)
{
	char key[128], val[512];
	const char *eq = strchr(st->arg, '=');
	size_t kl = eq ? (size_t)(eq - st->arg) : strlen(st->arg);
	snprintf(key, sizeof key, "%.*s", (int)(kl < sizeof key ? kl : sizeof key - 1), st->arg);
	const char *have = isupport_value(x->env->ti.isupport, key, NULL, val, sizeof val);
	if (!have || (eq && !irc_mask_match(eq + 1, have))) {
		set_verdict(x, V_SKIP, "the server's ISUPPORT has %s%s%s, this case needs %s",
			    key, have ? "=" : " absent", have ? have : "", st->arg);
		return -1;
	}
	return 0;
}

static int step_plain(struct runctx *x, const struct step *st)
{
	if (st->kind == STEP_SYNC && st->ntargets > 1) {
		/* One round trip for a batch of clients, not one each. */
		for (unsigned i = 0; i < st->ntargets; i += SESS_SYNC_MAX) {
			unsigned n = st->ntargets - i, failed = 0;
			if (sess_sync_many(&x->sess, st->targets + i, n < SESS_SYNC_MAX ? n : SESS_SYNC_MAX,
					   &failed, sess_deadline(&x->sess, x->env->timeout_ms)) != 0) {
				fail_step(x, st, NULL);
				return -1;
			}
		}
		return 0;
	}
	for (unsigned i = 0; i < st->ntargets; i++) {
		unsigned k = st->targets[i];
		struct hconn *c = &x->cl[k].conn;
		long dl = sess_deadline(&x->sess, x->env->timeout_ms);
		int rc = 0;
		switch (st->kind) {
		case STEP_CONNECT:
			if (c->fd < 0)
				c->rcvbuf = (int)st->num;
			rc = sess_connect(&x->sess, k);
			break;
		case STEP_SYNC: rc = sess_sync(&x->sess, k, dl); break;
		case STEP_EXPECT_CLOSE: rc = sess_wait_close(&x->sess, k, dl); break;
		case STEP_ABORT:
			hconn_abort(c);
			sess_event(&x->sess, k, "sent RST (abort)");
			break;
		case STEP_HALF_CLOSE:
			hconn_half_close(c);
			sess_event(&x->sess, k, "sent FIN (half-close), still reading");
			break;
		case STEP_CLOSE:
			/* Unread data at close() makes the kernel send RST, not FIN:
			 * take in what has arrived first. */
			sess_drain(&x->sess, k);
			hconn_close(c);
			sess_event(&x->sess, k, "closed (FIN)");
			break;
		case STEP_STOP_READING: c->reading = false; break;
		case STEP_RESUME_READING: c->reading = true; break;
		default: break;
		}
		if (rc != 0) {
			fail_step(x, st, NULL);
			return -1;
		}
	}
	return 0;
}

static int run_step(struct runctx *x, const struct step *st)
{
	switch (st->kind) {
	case STEP_REGISTER:
		/* A crowd takes longer to let in (ngircd's listen backlog is 10). */
		if (sess_register(&x->sess, st->targets, st->ntargets,
				  sess_deadline(&x->sess, x->env->timeout_ms * 2 +
							  50 * (int)st->ntargets)) != 0) {
			fail_step(x, st, "001 ... then 376 or 422");
			return -1;
		}
		return 0;
	case STEP_SEND:
	case STEP_SPLIT: return step_send_line(x, st);
	case STEP_RAW: {
		size_t len;
		return fill(x, st, st->arg, &len) != 0 ? -1 : send_all(x, st, x->buf, len);
	}
	case STEP_CHUNKS: return step_chunks(x, st);
	case STEP_REPEAT: return step_repeat(x, st);
	case STEP_EXPECT:
	case STEP_EXPECT_NEXT:
	case STEP_EXPECT_EXACT:
	case STEP_EXPECT_NEXT_EXACT:
	case STEP_EXPECT_RE:
	case STEP_EXPECT_ANY: return step_expect(x, st);
	case STEP_EXPECT_NONE:
	case STEP_EXPECT_NONE_EXACT: return step_expect_none(x, st);
	case STEP_OPER: return step_oper(x, st);
	case STEP_REQUIRE: return step_require(x, st);
	case STEP_PAUSE: pause_ms(st->num); return 0;
	default: return step_plain(x, st);
	}
}

static bool needs_liveness(const struct casefile *c)
{
	if (c->robustness)
		return true;
	for (unsigned i = 0; i < c->nsteps; i++) {
		enum step_kind k = c->steps[i].kind;
		if (k == STEP_ABORT || k == STEP_HALF_CLOSE || k == STEP_CLOSE || k == STEP_RAW ||
		    k == STEP_CHUNKS || k == STEP_SPLIT || k == STEP_STOP_READING)
			return true;
	}
	return false;
}

void runner_run_case(struct run_env *env, const struct casefile *c, struct case_result *out)
{
	memset(out, 0, sizeof *out);
	out->c = c;
	long t0 = now_ms();
	struct runctx *x = calloc(1, sizeof *x);
	struct sclient *cl = calloc(c->nclients, sizeof *cl);
	char *buf = malloc(PATTERN_TEXT_MAX);
	if (!x || !cl || !buf) {
		out->verdict = V_ERROR;
		out->message = strdup("out of memory");
		free(x);
		free(cl);
		free(buf);
		return;
	}
	x->env = env;
	x->c = c;
	x->cl = cl;
	x->buf = buf;
	for (unsigned k = 0; k < c->nclients; k++)
		snprintf(cl[k].name, sizeof cl[k].name, "%s", c->clients[k].name);
	if (sess_init(&x->sess, env, cl, c->nclients, &out->tr) != 0)
		set_verdict(x, V_ERROR, "out of memory");
	else if (c->needs_oper && !env->oper_name)
		set_verdict(x, V_SKIP, "needs operator credentials (--oper NAME:PASS)");
	else if (c->needs_password && !env->password)
		set_verdict(x, V_SKIP, "needs a server password (--password PW)");
	for (unsigned i = 0; i < c->nsteps && x->verdict == V_PASS; i++) {
		if (env->deadline_ms && now_ms() >= env->deadline_ms) {
			set_verdict(x, V_ERROR, "the run's --deadline passed during this case");
			break;
		}
		run_step(x, &c->steps[i]);
	}
	/* Whatever the case checked, a malformed line is a MUST failure of
	 * its own (RFC 2812 2.3), found on any step. */
	if (x->verdict == V_PASS && x->sess.badline[0])
		set_verdict(x, V_FAIL, "%s", x->sess.badline);
	/* A robustness case asks whether the server survives: when it failed
	 * because a step waited in vain (the server fell silent: not closed,
	 * not a wrong answer) and the server no longer serves anyone, it hung
	 * the server, a crash; the failure was only its first sign. */
	bool failed = x->verdict == V_FAIL && c->robustness && x->sess.timed_out;
	sess_free(&x->sess);
	char why[1024];
	if ((x->verdict == V_PASS || failed) && needs_liveness(c) &&
	    !probe_liveness(env, why, sizeof why)) {
		char first[1024] = "";
		if (failed)
			snprintf(first, sizeof first, "\n(the case had failed: %.990s)", x->msg);
		set_verdict(x, V_CRASH, "after this case the server no longer serves a new "
					"client: %s%s", why, first);
	}
	transcript_settle(&out->tr, &env->transcripts_kept);
	out->verdict = x->verdict;
	out->message = x->msg[0] ? strdup(x->msg) : NULL;
	out->duration_ms = now_ms() - t0;
	free(buf);
	free(cl);
	free(x);
}
