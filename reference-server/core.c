/* core.c - the server object and the I/O seam: clients come and go here,
 * received bytes are framed, parsed and dispatched, and timers run. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../common/ircmsg.h"
#include "core.h"
#include "dispatch.h"
#include "motd.h"
#include "listing.h"
#include "pace.h"
#include "proto.h"

/* The maps' secret: unpredictable to clients, so they cannot pick names
 * that collide (see siphash.h). */
static int random_key(unsigned char *key, size_t len, char *err, size_t errsz)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(key + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int srv_init(struct server *s, const struct srv_config *cfg, struct srv_clock now,
	     char *err, size_t errsz)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	if (!s->cfg.network)
		s->cfg.network = "RefNet";
	if (!s->cfg.ping_interval)
		s->cfg.ping_interval = DEFAULT_PING_INTERVAL;
	if (!s->cfg.ping_timeout)
		s->cfg.ping_timeout = DEFAULT_PING_TIMEOUT;
	if (!s->cfg.sendq_max)
		s->cfg.sendq_max = SENDQ_MAX;
	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) > SERVERNAMELEN ||
	    strchr(cfg->name, ' ') || !strchr(cfg->name, '.')) {
		/* RFC 2812 2.3.1: servername = hostname; a dot tells it from a nick. */
		snprintf(err, errsz, "server name must be a host name with a dot, at most %d chars",
			 SERVERNAMELEN);
		return -1;
	}
	str_copy(s->name, sizeof s->name, cfg->name);
	unsigned char key[SIPHASH_KEY_LEN];
	if (cfg->hash_key)
		memcpy(key, cfg->hash_key, sizeof key);
	else if (random_key(key, sizeof key, err, errsz) != 0)
		return -1;
	hmap_init(&s->nicks, key);
	hmap_init(&s->chans, key);
	s->cfg.hash_key = NULL; /* not kept: the maps hold their copy */
	srv_set_clock(s, now);
	s->started = now.wall;
	s->started_mono = now.mono;
	struct tm tm;
	if (gmtime_r(&now.wall, &tm))
		strftime(s->created_str, sizeof s->created_str, "%Y-%m-%d %H:%M:%S UTC", &tm);
	err[0] = '\0';
	if (cfg->motd_file && motd_load(cfg->motd_file, &s->motd, err, errsz) != 0)
		return -1;
	return 0;
}

struct client *srv_client_new(struct server *s, const char *host, void *io)
{
	struct client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->io = io;
	c->id = ++s->next_id;
	c->pass_ok = s->cfg.password == NULL;
	/* An IPv6 literal like "::1" would start a parameter with ':' in WHO
	 * and WHOIS replies; "0::1" is the usual fix. */
	snprintf(c->host, sizeof c->host, "%s%s", host[0] == ':' ? "0" : "", host);
	c->signon = s->now;
	c->connected = c->last_recv = c->last_msg = s->mono;
	client_update_source(c);
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	s->nclients++;
	return c;
}

/* ---- received lines: run now, or wait in c->recvq ----
 *
 * A client's lines run in order, as many as may run now: none while a
 * listing of its own is in progress (listing.h), and no more than its
 * message timer allows (pace.c).  The rest wait in c->recvq, and the
 * client goes on the busy list for srv_run_due to come back to. */

static bool may_run(const struct server *s, const struct client *c)
{
	return !c->on_reap && c->state != CLIENT_DEAD && !c->listing && pace_allows(s, c);
}

/* Frames and runs lines from *data (advanced past what was used). */
static void run_lines(struct server *s, struct client *c, const char **data, size_t *len)
{
	struct irc_msg msg;
	while (*len > 0 && may_run(s, c)) {
		const char *line;
		size_t line_len;
		enum frame_result r = frame_next(&c->framer, data, len, &line, &line_len);
		if (r == FRAME_NEED_MORE)
			break;
		pace_charge(s, c);
		if (r == FRAME_TOO_LONG) {
			send_numeric(s, c, ERR_INPUTTOOLONG, ":Input line was too long");
			continue;
		}
		if (r == FRAME_NOMEM) {
			client_kill(s, c, "Out of memory");
			break;
		}
		if (irc_parse(&msg, line, line_len) == IRC_PARSE_OK)
			dispatch(s, c, &msg);
	}
}

/* Runs what may run of c->recvq.  The lines point into it, so it is only
 * consumed after they ran. */
static void run_waiting(struct server *s, struct client *c)
{
	size_t before = buf_used(&c->recvq);
	const char *data = buf_head(&c->recvq);
	size_t len = before;
	run_lines(s, c, &data, &len);
	buf_consume(&c->recvq, before - len);
	if (before == RECVQ_MAX && len < before)
		send_mark_dirty(s, c); /* room again: the I/O layer reads it again */
}

static bool has_deferred(const struct client *c)
{
	return c->state != CLIENT_DEAD && (c->listing || buf_used(&c->recvq) > 0 || c->input_eof);
}

static void busy_add(struct server *s, struct client *c)
{
	client_list_push(&s->busy, c, offsetof(struct client, busy));
}

static void busy_del(struct server *s, struct client *c)
{
	client_list_remove(&s->busy, c, offsetof(struct client, busy));
}

/* After c's lines ran: an EOF waits for the lines before it, then exits. */
static void settle(struct server *s, struct client *c)
{
	if (buf_used(&c->recvq) == 0)
		c->flood_bytes = 0; /* caught up */
	if (c->input_eof && !c->listing && buf_used(&c->recvq) == 0 && c->state != CLIENT_DEAD) {
		char reason[sizeof c->exit_reason];
		str_copy(reason, sizeof reason, c->exit_reason);
		frame_reset(&c->framer); /* a half line at EOF is never run */
		client_kill(s, c, reason);
	}
	if (has_deferred(c))
		busy_add(s, c);
	else
		busy_del(s, c);
}

size_t srv_client_input_room(const struct client *c)
{
	if (c->state == CLIENT_DEAD || c->closing || c->input_eof)
		return 0;
	return RECVQ_MAX - buf_used(&c->recvq);
}

void srv_client_input(struct server *s, struct client *c, const char *data, size_t len)
{
	if (c->state == CLIENT_DEAD || c->input_eof)
		return; /* RFC 2812 3.1.7: nothing after QUIT counts */
	c->last_recv = s->mono;
	c->ping_sent = false;
	if (buf_used(&c->recvq) == 0)
		run_lines(s, c, &data, &len); /* nothing waits: straight from the caller */
	else
		c->flood_bytes += len; /* behind already: this adds to the backlog */
	if (len > 0 && c->state != CLIENT_DEAD && !c->on_reap) {
		if (c->flood_bytes > EXCESS_FLOOD ||
		    buf_append(&c->recvq, data, len, RECVQ_MAX) != 0) {
			/* Past the hard bound (or more than the I/O layer was
			 * told to read): this client will not catch up. */
			buf_clear(&c->recvq);
			client_kill(s, c, "Excess Flood");
		} else if (buf_used(&c->recvq) == RECVQ_MAX) {
			send_mark_dirty(s, c); /* full: the I/O layer stops reading */
		}
	}
	settle(s, c);
	client_reap(s);
}

void srv_client_eof(struct server *s, struct client *c, const char *reason)
{
	if (c->state != CLIENT_DEAD && (buf_used(&c->recvq) > 0 || c->listing)) {
		/* Lines that came before the EOF still run, at their pace, and
		 * a long reply in progress is finished: the client asked for it
		 * before it half-closed. */
		str_copy(c->exit_reason, sizeof c->exit_reason, reason);
		c->input_eof = true;
		settle(s, c);
		send_mark_dirty(s, c); /* the I/O layer stops reading it */
		return;
	}
	frame_reset(&c->framer); /* a half line at EOF is never run */
	client_exit(s, c, reason);
	busy_del(s, c);
	client_reap(s);
}

void srv_run_due(struct server *s)
{
	struct client *c = s->busy;
	while (c) {
		/* Running c's lines may exit others (KILL), taking them off
		 * this list, but never frees them: c->busy.next stays readable. */
		struct client *next = c->busy.next;
		if (c->listing)
			listing_run(s, c);
		if (!c->listing && buf_used(&c->recvq) > 0)
			run_waiting(s, c);
		settle(s, c);
		client_reap(s);
		c = next;
	}
}

int srv_wait_ms(const struct server *s, int max_ms)
{
	long long wait = max_ms;
	for (const struct client *c = s->busy; c && wait > 0; c = c->busy.next) {
		if (c->listing) {
			if (listing_ready(s, c))
				wait = 0; /* else it waits for its queue to drain */
		} else if (buf_used(&c->recvq) > 0) {
			long long w = pace_wait_ms(s, c);
			if (w < wait)
				wait = w;
		} else if (c->input_eof) {
			wait = 0;
		}
	}
	return (int)wait;
}

struct client *srv_next_dirty(struct server *s)
{
	struct client *c = s->dirty;
	if (c)
		client_list_remove(&s->dirty, c, offsetof(struct client, dirty));
	return c;
}

int srv_client_output(const struct client *c, struct iovec *iov, int max)
{
	return sendq_iov(&c->sendq, iov, max);
}

void srv_client_sent(struct server *s, struct client *c, size_t n)
{
	(void)s; /* for what a drained queue may start (e.g. a long reply) */
	sendq_consume(&c->sendq, n);
}

static void unlink_client(struct server *s, struct client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	client_list_remove(&s->dirty, c, offsetof(struct client, dirty));
	busy_del(s, c);
	if (c->on_reap) {
		struct client **pp = &s->reap;
		while (*pp != c)
			pp = &(*pp)->reap_next;
		*pp = c->reap_next;
		c->on_reap = false;
	}
}

void srv_client_free(struct server *s, struct client *c)
{
	if (c->state != CLIENT_DEAD) {
		client_exit(s, c, c->input_eof ? c->exit_reason : "Connection closed");
		client_reap(s);
	}
	s->nclosing--;
	unlink_client(s, c);
	frame_reset(&c->framer);
	buf_clear(&c->recvq);
	sendq_clear(&c->sendq);
	listing_free(c);
	free(c->away);
	free(c);
	s->nclients--;
}

void srv_set_clock(struct server *s, struct srv_clock now)
{
	s->now = now.wall;
	s->mono = now.mono;
	s->now_ms = now.mono_ms;
}

/* Timeouts count on the monotonic clock only: a wall clock stepped back an
 * hour would otherwise stop every PING for that hour, and one stepped
 * forward would drop everyone who does not answer within a second. */
void srv_tick(struct server *s, struct srv_clock now)
{
	srv_set_clock(s, now);
	char reason[64];
	for (struct client *c = s->clients; c; c = c->next) {
		time_t idle = s->mono - c->last_recv;
		if (c->state == CLIENT_UNREGISTERED &&
		    s->mono - c->connected > REGISTRATION_TIMEOUT) {
			client_kill(s, c, "Registration timed out");
		} else if (c->state == CLIENT_REGISTERED) {
			if (c->ping_sent && idle >= (time_t)(s->cfg.ping_interval + s->cfg.ping_timeout)) {
				snprintf(reason, sizeof reason, "Ping timeout: %ld seconds", (long)idle);
				client_kill(s, c, reason);
			} else if (!c->ping_sent && idle >= (time_t)s->cfg.ping_interval) {
				send_fmt(s, c, "PING :%s", s->name);
				c->ping_sent = true;
			}
		}
	}
	client_reap(s);
}

void srv_destroy(struct server *s)
{
	/* Quiet teardown: nobody is left to hear QUITs. */
	while (s->clients) {
		struct client *c = s->clients;
		while (c->chans)
			chan_remove(s, c->chans);
		c->state = CLIENT_DEAD;
		srv_client_free(s, c);
	}
	hmap_free(&s->nicks);
	hmap_free(&s->chans);
	free(s->whowas);
	s->whowas = NULL;
	s->whowas_cap = 0;
	motd_free(s->motd);
	s->motd = NULL;
}
