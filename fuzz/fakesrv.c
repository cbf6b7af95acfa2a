/* fakesrv.c - the fuzz targets' in-process refircd (see fakesrv.h).
 *
 * Everything here runs for every input, so it stays cheap: the MOTD comes
 * from a static table instead of a file, clients are found by a scan of
 * FZ_SLOTS pointers, and output is checked with memchr and dropped. */
#include "fakesrv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_START_TIME 1700000000

static const struct oper_cred fz_opers[] = {{FZ_OPER_NAME, FZ_OPER_PASS}};
/* Fixed, so an input hashes (and LIST orders channels) the same every run. */
static const unsigned char fz_hash_key[SIPHASH_KEY_LEN] = {
	0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x68, 0x61, 0x73, 0x68, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x31, 0x36};

/* A static MOTD, so RPL_MOTD paths run without file I/O per input (only in
 * the variant server: four more lines in every welcome burst cost).  The
 * server frees s->motd in srv_destroy, so fz_end takes it back first. */
static char motd_line1[] = "refircd fuzz server";
static char motd_line2[] = "";
static char motd_line3[] = "a line with :colon and  two spaces";
static char *fz_motd[] = {motd_line1, motd_line2, motd_line3, NULL};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fakesrv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fz_begin(struct fz *z, bool variant)
{
	struct srv_config cfg = {
		.name = "fuzz.refircd.test",
		.password = variant ? FZ_PASSWORD : NULL,
		.motd_file = NULL,
		.opers = fz_opers,
		.nopers = 1,
		.ping_interval = FZ_PING_INTERVAL,
		.ping_timeout = FZ_PING_TIMEOUT,
		.network = "FuzzNet",
		.sendq_max = FZ_SENDQ_MAX,
		.hash_key = fz_hash_key,
	};
	char err[128];
	memset(z->slot, 0, sizeof z->slot);
	z->now = FZ_START_TIME;
	if (srv_init(&z->s, &cfg, (struct srv_clock){.wall = z->now, .mono = z->now}, err, sizeof err) != 0)
		die("srv_init: %s", err);
	if (variant)
		z->s.motd = fz_motd;
}

void fz_end(struct fz *z)
{
	fz_check_state(z);
	z->s.motd = NULL; /* static: not srv_destroy's to free */
	srv_destroy(&z->s);
}

static int slot_of(const struct fz *z, const struct client *c)
{
	for (int i = 0; i < FZ_SLOTS; i++)
		if (z->slot[i].c == c)
			return i;
	die("srv_next_dirty returned a client no slot holds");
}

/* RFC 2812 2.3: whole lines, CR LF ended, at most 512 bytes with it, no NUL
 * or CR inside; an empty line is never worth sending. */
static void check_output(const char *p, size_t n)
{
	while (n > 0) {
		const char *lf = memchr(p, '\n', n);
		if (!lf)
			die("a partial line was queued: %.*s", (int)(n > 80 ? 80 : n), p);
		size_t len = (size_t)(lf - p) + 1;
		if (len > 512)
			die("a line of %zu bytes was queued: %.80s", len, p);
		if (len < 3 || p[len - 2] != '\r')
			die("a line without CR LF or empty: %.*s", (int)len, p);
		if (memchr(p, '\0', len))
			die("a NUL inside a queued line: %.*s", (int)len, p);
		if (memchr(p, '\r', len - 2))
			die("a CR inside a queued line: %.*s", (int)len, p);
		p += len;
		n -= len;
	}
}

/* What netloop.c writes, checked and dropped. */
static void take_output(struct fz *z, struct client *c)
{
	struct iovec iov[64];
	int n;
	while ((n = srv_client_output(c, iov, 64)) > 0) {
		size_t total = 0;
		for (int k = 0; k < n; k++) {
			check_output(iov[k].iov_base, iov[k].iov_len);
			total += iov[k].iov_len;
		}
		srv_client_sent(&z->s, c, total);
	}
}

static void drain_dirty(struct fz *z)
{
	struct client *c;
	while ((c = srv_next_dirty(&z->s)) != NULL) {
		int i = slot_of(z, c);
		/* A stalled reader keeps its queue (it is off the dirty list now,
		 * as netloop.c leaves it while the socket is not writable). */
		if (!z->slot[i].stalled || c->closing)
			take_output(z, c);
		if (c->closing) {
			srv_client_free(&z->s, c);
			z->slot[i].c = NULL;
			z->slot[i].stalled = false;
		}
	}
}

/* As netloop.c: write out, then run what waited for the queues to drain
 * (a long reply's next batch), until nothing is left to write. */
void fz_drain(struct fz *z)
{
	do {
		drain_dirty(z);
		srv_run_due(&z->s);
	} while (z->s.dirty);
}

void fz_connect(struct fz *z, int i)
{
	static const char *const hosts[FZ_SLOTS] = {
		"127.0.0.1", "::1", "10.0.0.3", "fuzz.example.org",
		"192.0.2.5", "2001:db8::5", "10.0.0.7", "host-8.example.net",
	};
	if (z->slot[i].c)
		die("slot %d connected twice", i);
	z->slot[i].c = srv_client_new(&z->s, hosts[i], NULL);
	if (!z->slot[i].c)
		die("srv_client_new: out of memory");
	fz_drain(z);
}

/* The received bytes sit at the start of an arena whose every other byte
 * is poisoned, as picohttpparser's tests put input against a guard page: a
 * framer or parser that reads one byte past what recv() returned, or
 * before it, or keeps a pointer into it after the call, is an ASan report,
 * not a quiet read of a bigger buffer.  It does what a heap block of
 * exactly n bytes per call would, without a malloc per call (one-byte
 * chunks made those most of the allocator's work).  ARENA_LEAD keeps the
 * bytes 8-aligned: ASan poisons in 8-byte granules, exact at a granule's
 * end, so an aligned start and any end are both exact. */
#define ARENA_LEAD 16

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FZ_ASAN 1
#endif
#ifdef FZ_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static char *recv_arena(size_t n)
{
	/* Reachable from here until exit: not a leak.  Poisoned whole but
	 * for the bytes of a call in progress. */
	static char *arena;
	static size_t cap;
	if (n > cap) {
		if (arena) {
			UNPOISON(arena, cap + 2 * ARENA_LEAD);
			free(arena);
		}
		cap = n < 4096 ? 4096 : n;
		arena = malloc(cap + 2 * ARENA_LEAD);
		if (!arena)
			die("out of memory");
		POISON(arena, cap + 2 * ARENA_LEAD);
	}
	return arena + ARENA_LEAD;
}

const char *fz_guard(const char *p, size_t n)
{
	char *at = recv_arena(n);
	UNPOISON(at, n);
	memcpy(at, p, n);
	return at;
}

void fz_unguard(const char *at, size_t n)
{
	POISON(at, n);
}

void fz_feed(struct fz *z, int i, const char *p, size_t n)
{
	if (!z->slot[i].c || n == 0)
		return;
	const char *at = fz_guard(p, n);
	srv_client_input(&z->s, z->slot[i].c, at, n);
	fz_unguard(at, n);
	fz_drain(z);
}

void fz_register(struct fz *z, int i, const char *nick, bool oper)
{
	char line[200];
	fz_connect(z, i);
	if (z->s.cfg.password)
		fz_feed(z, i, "PASS " FZ_PASSWORD "\r\n", strlen("PASS " FZ_PASSWORD "\r\n"));
	int n = snprintf(line, sizeof line, "NICK %s\r\nUSER %s 0 * :Fuzz %s\r\n", nick, nick,
			 nick);
	fz_feed(z, i, line, (size_t)n);
	if (oper)
		fz_feed(z, i, "OPER " FZ_OPER_NAME " " FZ_OPER_PASS "\r\n",
			strlen("OPER " FZ_OPER_NAME " " FZ_OPER_PASS "\r\n"));
	if (!z->slot[i].c || z->slot[i].c->state != CLIENT_REGISTERED)
		die("pre-registration of %s failed", nick);
}

void fz_drop(struct fz *z, int i, bool free_outright)
{
	struct client *c = z->slot[i].c;
	if (!c)
		return;
	if (free_outright) {
		/* The I/O layer gives up on the socket (write error): it frees
		 * the client itself; the core must still tell the peers. */
		srv_client_free(&z->s, c);
		z->slot[i].c = NULL;
		z->slot[i].stalled = false;
	} else {
		srv_client_eof(&z->s, c, "Connection reset by peer");
	}
	fz_drain(z);
}

void fz_tick(struct fz *z, unsigned secs)
{
	z->now += secs;
	srv_tick(&z->s, (struct srv_clock){.wall = z->now, .mono = z->now});
	fz_drain(z);
}

/* ---- the state checker ---- */

static void check_client(const struct fz *z, const struct client *c, unsigned *memberships)
{
	const struct server *s = &z->s;
	unsigned n = 0;
	for (const struct member *m = c->chans; m; m = m->client_next) {
		if (m->client != c)
			die("%s: a membership of someone else in its list", c->nick);
		if (m->client_next && m->client_next->client_prev != m)
			die("%s: channel list back link broken", c->nick);
		n++;
	}
	if (n != c->nchans)
		die("%s: nchans %u, list has %u", c->nick, c->nchans, n);
	*memberships += n;
	if (c->state == CLIENT_DEAD) {
		if (!c->closing || c->chans)
			die("%s: dead but not closing, or still in a channel", c->nick);
		return;
	}
	if (c->nick[0] && hmap_get(&s->nicks, c->nick) != c)
		die("nick %s does not map back to its client", c->nick);
	if (c->state == CLIENT_REGISTERED && !c->nick[0])
		die("a registered client without a nick");
	if (c->state != CLIENT_REGISTERED && c->chans)
		die("an unregistered client in a channel");
}

static void check_channels(const struct server *s, unsigned memberships)
{
	struct hmap_iter it = {0};
	const struct channel *ch;
	unsigned nchan = 0, seen = 0;
	while ((ch = hmap_next(&s->chans, &it)) != NULL) {
		unsigned n = 0;
		for (const struct member *m = ch->members; m; m = m->chan_next) {
			if (m->chan != ch)
				die("%s: a member of another channel in its list", ch->name);
			if (m->client->state != CLIENT_REGISTERED)
				die("%s: a member that is not registered", ch->name);
			if (m->chan_next && m->chan_next->chan_prev != m)
				die("%s: member list back link broken", ch->name);
			n++;
		}
		if (n == 0 || n != ch->nmembers)
			die("%s: nmembers %u, list has %u", ch->name, ch->nmembers, n);
		if (hmap_get(&s->chans, ch->name) != ch)
			die("%s: name does not map back to the channel", ch->name);
		unsigned nb = 0;
		for (const struct ban *b = ch->bans; b; b = b->next)
			nb++;
		if (nb != ch->nbans || nb > MAXBANS || ch->ninvited > MAXINVITES)
			die("%s: %u bans (nbans %u), %u invites", ch->name, nb, ch->nbans,
			    ch->ninvited);
		seen += n;
		nchan++;
	}
	if (nchan != s->nchannels || nchan != s->chans.count)
		die("nchannels %u, map count %zu, walked %u", s->nchannels, s->chans.count, nchan);
	if (seen != memberships)
		die("channels list %u memberships, clients %u", seen, memberships);
}

void fz_check_state(const struct fz *z)
{
	const struct server *s = &z->s;
	unsigned nclients = 0, nusers = 0, ninvisible = 0, nopers = 0, nicks = 0;
	unsigned memberships = 0, occupied = 0;
	for (const struct client *c = s->clients; c; c = c->next) {
		check_client(z, c, &memberships);
		nclients++;
		if (c->state != CLIENT_DEAD && c->nick[0])
			nicks++;
		if (c->state == CLIENT_REGISTERED) {
			nusers++;
			ninvisible += (c->umodes & UMODE_INVISIBLE) != 0;
			nopers += (c->umodes & UMODE_OPER) != 0;
		}
	}
	for (int i = 0; i < FZ_SLOTS; i++)
		occupied += z->slot[i].c != NULL;
	if (nclients != s->nclients || nclients != occupied)
		die("nclients %u, list %u, slots %u", s->nclients, nclients, occupied);
	if (nusers != s->nusers || ninvisible != s->ninvisible || nopers != s->nopers)
		die("LUSERS counters users %u/%u invisible %u/%u opers %u/%u", s->nusers, nusers,
		    s->ninvisible, ninvisible, s->nopers, nopers);
	if (s->max_users < s->nusers)
		die("max_users %u < nusers %u", s->max_users, s->nusers);
	if (nicks != s->nicks.count)
		die("nick map holds %zu, clients with a nick %u", s->nicks.count, nicks);
	if (s->dirty || s->reap)
		die("dirty or reap list not empty after a drain");
	check_channels(s, memberships);
}

bool fz_next_piece(const uint8_t **in, size_t *len, char *out, size_t cap, size_t *out_len)
{
	if (*len == 0)
		return false;
	const uint8_t *p = *in;
	const uint8_t *end = p + *len;
	size_t n = 0;
	while (p < end) {
		const uint8_t *mark = memchr(p, FZ_MARK, (size_t)(end - p));
		size_t take = (size_t)((mark ? mark : end) - p);
		size_t room = cap - n < take ? cap - n : take;
		memcpy(out + n, p, room);
		n += room;
		p += take;
		if (!mark)
			break;
		p++; /* the mark */
		if (p == end || *p != FZ_MARK)
			break; /* a lone mark ends the piece */
		p++;       /* a doubled one is a literal 0xFF */
		if (n < cap)
			out[n++] = (char)FZ_MARK;
	}
	*in = p;
	*len = (size_t)(end - p);
	*out_len = n;
	return true;
}
