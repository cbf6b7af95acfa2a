/* send.c - formats replies and queues them on send queues.
 *
 * Every line is formatted once into a bounded stack buffer, cut to the
 * RFC's 510 bytes of content, and made into one shared struct line
 * (sendq.h); each recipient's queue takes a reference to it.  A channel
 * message to N members costs one format, one allocation and N pointers.
 * A queue that would pass its cap (cfg.sendq_max, default SENDQ_MAX) gets
 * its owner killed instead of growing: pending.c marks it, and the exit
 * runs once the current command is done. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "proto.h"

/* l is NULL when making it ran out of memory. */
static void queue_line(struct server *s, struct client *to, struct line *l)
{
	if (to->state == CLIENT_DEAD || to->on_reap)
		return;
	if (!l) {
		/* The line is lost, and a client that misses a line of the
		 * conversation cannot go on as if it had not. */
		client_kill(s, to, "Out of memory");
		return;
	}
	if (sendq_push(&to->sendq, l, s->cfg.sendq_max) != 0) {
		/* The backlog will never be read: drop it so the ERROR that
		 * the exit queues is what the client sees next. */
		sendq_clear(&to->sendq);
		client_kill(s, to, "SendQ exceeded");
		return;
	}
	send_mark_dirty(s, to);
}

/* A line for one recipient. */
static void queue_text(struct server *s, struct client *to, const char *text, size_t len)
{
	struct line *l = line_new(text, len);
	queue_line(s, to, l);
	if (l)
		line_put(l);
}

/* A client's CR can reach a line through any %s of its text: the framer
 * ends lines at LF only, so "PRIVMSG bob :a\rb" (or an unknown command
 * "A\rB", echoed in 421) arrives whole.  RFC 2812 2.3.1 allows no CR or LF
 * inside a message, and a receiver that ends lines at a lone CR would read
 * the rest as a second, forged line: each becomes a space.  (Found by
 * fuzz_recv; fuzz/regressions/fuzz_recv/cr-inside-421.) */
static void blank_line_breaks(char *buf, size_t len)
{
	for (char *p = memchr(buf, '\r', len); p; p = memchr(p, '\r', len - (size_t)(p - buf)))
		*p = ' ';
	for (char *p = memchr(buf, '\n', len); p; p = memchr(p, '\n', len - (size_t)(p - buf)))
		*p = ' ';
}

/* Appends CR LF after at most 510 bytes of buf's first n bytes. */
static size_t finish_line(char *buf, int n)
{
	size_t len = n < 0 ? 0 : (size_t)n;
	if (len > IRC_LINE_CONTENT_MAX)
		len = IRC_LINE_CONTENT_MAX;
	blank_line_breaks(buf, len);
	buf[len] = '\r';
	buf[len + 1] = '\n';
	return len + 2;
}

static size_t vformat(char *buf, const char *fmt, va_list ap)
{
	return finish_line(buf, vsnprintf(buf, IRC_LINE_CONTENT_MAX + 1, fmt, ap));
}

void send_fmt(struct server *s, struct client *to, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t len = vformat(buf, fmt, ap);
	va_end(ap);
	queue_text(s, to, buf, len);
}

/* ":<server> <NNN> <nick or *> " into buf, as snprintf would write it.
 * Put together by hand: it heads every numeric (17 in a welcome burst), and
 * its parts have known bounds (SERVERNAMELEN, NICKLEN, and num, one of
 * numerics.h's three-digit replies), so it always fits and a printf per
 * reply is saved. */
_Static_assert(1 + SERVERNAMELEN + 5 + NICKLEN + 1 < IRC_LINE_CONTENT_MAX,
	       "a numeric's head fits a line with room for its text");
static size_t numeric_head(char *buf, const struct server *s, int num,
			   const struct client *to)
{
	const char *nick = to->nick[0] ? to->nick : "*";
	size_t name_len = strlen(s->name), nick_len = strlen(nick);
	char *p = buf;
	*p++ = ':';
	memcpy(p, s->name, name_len);
	p += name_len;
	*p++ = ' ';
	*p++ = (char)('0' + num / 100);
	*p++ = (char)('0' + num / 10 % 10);
	*p++ = (char)('0' + num % 10);
	*p++ = ' ';
	memcpy(p, nick, nick_len);
	p += nick_len;
	*p++ = ' ';
	*p = '\0';
	return (size_t)(p - buf);
}

void send_numeric(struct server *s, struct client *to, int num, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX];
	size_t head = numeric_head(buf, s, num, to);
	va_list ap;
	va_start(ap, fmt);
	int body = vsnprintf(buf + head, IRC_LINE_CONTENT_MAX + 1 - head, fmt, ap);
	va_end(ap);
	queue_text(s, to, buf, finish_line(buf, (int)head + (body < 0 ? 0 : body)));
}

void send_to_channel(struct server *s, struct channel *ch, struct client *except,
		     const char *fmt, ...)
{
	char buf[IRC_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t len = vformat(buf, fmt, ap);
	va_end(ap);
	struct line *l = line_new(buf, len);
	for (struct member *m = ch->members; m; m = m->chan_next)
		if (m->client != except)
			queue_line(s, m->client, l);
	if (l)
		line_put(l);
}

void send_to_common(struct server *s, struct client *c, bool include_self,
		    const char *fmt, ...)
{
	char buf[IRC_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t len = vformat(buf, fmt, ap);
	va_end(ap);
	struct line *l = line_new(buf, len);

	/* A fresh stamp marks who got it already, so a peer sharing several
	 * channels with c hears it once, without a per-call set. */
	unsigned stamp = ++s->stamp;
	c->stamp = stamp;
	if (include_self)
		queue_line(s, c, l);
	for (struct member *mc = c->chans; mc; mc = mc->client_next) {
		for (struct member *m = mc->chan->members; m; m = m->chan_next) {
			if (m->client->stamp == stamp)
				continue;
			m->client->stamp = stamp;
			queue_line(s, m->client, l);
		}
	}
	if (l)
		line_put(l);
}
