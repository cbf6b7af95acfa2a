/* loadgen.c - channel fan-out load for an IRC server on 127.0.0.1 (make
 * bench; see --help).
 *
 * N clients register and join one channel; the first S of them send
 * PRIVMSGs to it, each keeping at most W messages in flight.  A message is
 * in flight until every other member has received it: each member gets one
 * sender's lines in order, so when message k has reached all of them, so
 * has every message before it, and completions arrive in order.  Each text
 * carries "sender seq send-time", so every delivery is counted and its
 * latency measured in one process, on one clock.
 *
 * No sleeps: a PING after the JOIN, answered by PONG, says a client is in
 * the channel (a server answers in order), and the run ends when every
 * message is complete; a last PING round checks nothing more arrives.
 * Every phase is bounded by --timeout.  Exit status 0 with a result line,
 * 1 when the server failed us (closed a client, sent ERROR, timed out), 2
 * on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 512         /* RFC 2812 2.3, CR LF included */
#define RECV_CHUNK 65536
#define HIST_STEP_NS 10000ULL      /* latency histogram: 10 us buckets */
#define HIST_BUCKETS 1000000       /* up to 10 s; beyond lands in the last */
#define CHANNEL "#loadgen"

struct opts {
	unsigned port, clients, senders, window, messages, timeout_s, pad;
	const char *password;
	int server_pid; /* 0: no CPU figure */
};

struct lg_client {
	int fd;
	int index;
	bool pong;                  /* the pending barrier's PONG came back */
	char part[LINE_MAX_BYTES];  /* an incomplete line from the last read */
	size_t part_len;
	char *out;                  /* bytes not yet taken by the kernel */
	size_t out_len, out_cap;
	bool want_out;              /* EPOLLOUT registered */
};

struct sender {
	uint64_t sent, done;        /* messages sent, completed (in order) */
	unsigned *got;              /* deliveries per in-flight message, by seq % W */
};

struct run {
	struct opts o;
	int ep;
	struct lg_client *cl;
	struct sender *snd;
	unsigned pongs;             /* clients past the current barrier */
	uint64_t deliveries, extra; /* extra: PRIVMSGs seen after completion */
	uint64_t complete;          /* messages that reached every member */
	uint64_t *hist;
	char padding[LINE_MAX_BYTES];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- output: a per-client queue, written as far as the kernel takes ---- */

static void watch(struct run *r, struct lg_client *c, bool want_out)
{
	struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0u), .data.ptr = c};
	if (epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
	c->want_out = want_out;
}

static void flush_out(struct run *r, struct lg_client *c)
{
	size_t off = 0;
	while (off < c->out_len) {
		ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			die("client %d: send: %s", c->index, strerror(errno));
		}
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	if ((c->out_len > 0) != c->want_out)
		watch(r, c, c->out_len > 0);
}

static void queue_text(struct lg_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void queue_text(struct lg_client *c, const char *fmt, ...)
{
	if (c->out_cap - c->out_len < LINE_MAX_BYTES) {
		size_t cap = c->out_cap ? c->out_cap * 2 : 4096;
		char *p = realloc(c->out, cap);
		if (!p)
			die("out of memory");
		c->out = p;
		c->out_cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->out + c->out_len, LINE_MAX_BYTES, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= LINE_MAX_BYTES)
		die("a line of ours is too long");
	c->out_len += (size_t)n;
}

/* ---- input ---- */

static void record_latency(struct run *r, uint64_t sent_ns)
{
	uint64_t t = now_ns();
	uint64_t b = t > sent_ns ? (t - sent_ns) / HIST_STEP_NS : 0;
	r->hist[b < HIST_BUCKETS ? b : HIST_BUCKETS - 1]++;
}

static bool parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	*v = 0;
	while (s < end && *s >= '0' && *s <= '9')
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	if (s == *p)
		return false;
	if (s < end && *s == ' ')
		s++;
	*p = s;
	return true;
}

/* ":src PRIVMSG #loadgen :SENDER SEQ TIME padding" */
static void on_privmsg(struct run *r, struct lg_client *c, const char *text, const char *end)
{
	uint64_t who, seq, sent_ns;
	if (!parse_u64(&text, end, &who) || !parse_u64(&text, end, &seq) ||
	    !parse_u64(&text, end, &sent_ns) || who >= r->o.senders)
		die("client %d: a PRIVMSG we did not send: %.*s", c->index, (int)(end - text), text);
	struct sender *s = &r->snd[who];
	if (seq < s->done || seq >= s->sent) {
		r->extra++; /* a duplicate, or one never sent: reported, not counted */
		return;
	}
	r->deliveries++;
	record_latency(r, sent_ns);
	unsigned *got = &s->got[seq % r->o.window];
	if (++*got == r->o.clients - 1) { /* every member but the sender */
		*got = 0;
		if (seq != s->done)
			die("sender %llu: message %llu completed before %llu", (unsigned long long)who,
			    (unsigned long long)seq, (unsigned long long)s->done);
		s->done++;
		r->complete++;
	}
}

static void on_line(struct run *r, struct lg_client *c, const char *line, size_t len)
{
	const char *end = line + len;
	const char *p = line;
	if (*p == ':') { /* skip the prefix */
		p = memchr(p, ' ', len);
		if (!p)
			return;
		p++;
	}
	if (end - p > 8 && memcmp(p, "PRIVMSG ", 8) == 0) {
		const char *text = memchr(p, ':', (size_t)(end - p));
		if (text)
			on_privmsg(r, c, text + 1, end);
	} else if (end - p >= 5 && memcmp(p, "PING ", 5) == 0) {
		/* A server that finds a client idle asks: answer, or be dropped. */
		queue_text(c, "PONG %.*s\r\n", (int)(end - p - 5), p + 5);
		flush_out(r, c);
	} else if (end - p >= 4 && memcmp(p, "PONG", 4) == 0) {
		if (!c->pong) {
			c->pong = true;
			r->pongs++;
		}
	} else if (end - p >= 5 && memcmp(p, "ERROR", 5) == 0) {
		die("client %d: the server sent %.*s", c->index, (int)len, line);
	} else if (end - p >= 4 && (memcmp(p, "433 ", 4) == 0 || memcmp(p, "464 ", 4) == 0 ||
				     memcmp(p, "471 ", 4) == 0 || memcmp(p, "474 ", 4) == 0)) {
		die("client %d: registration or JOIN refused: %.*s", c->index, (int)len, line);
	}
}

/* One recv per readiness (level-triggered), so no client starves others. */
static void read_client(struct run *r, struct lg_client *c, char *buf)
{
	memcpy(buf, c->part, c->part_len);
	ssize_t n = recv(c->fd, buf + c->part_len, RECV_CHUNK, 0);
	if (n == 0)
		die("client %d: the server closed the connection", c->index);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		die("client %d: recv: %s", c->index, strerror(errno));
	}
	const char *p = buf, *end = buf + c->part_len + (size_t)n;
	const char *nl;
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		size_t len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		on_line(r, c, p, len);
		p = nl + 1;
	}
	c->part_len = (size_t)(end - p);
	if (c->part_len > sizeof c->part)
		die("client %d: a line over %d bytes", c->index, LINE_MAX_BYTES);
	memcpy(c->part, p, c->part_len);
}

/* ---- the run ---- */

/* Tops every sender up to W in flight; true while messages are left. */
static bool send_more(struct run *r)
{
	bool left = false;
	for (unsigned i = 0; i < r->o.senders; i++) {
		struct sender *s = &r->snd[i];
		struct lg_client *c = &r->cl[i];
		bool queued = false;
		while (s->sent < r->o.messages && s->sent - s->done < r->o.window) {
			queue_text(c, "PRIVMSG " CHANNEL " :%u %llu %llu %s\r\n", i,
				   (unsigned long long)s->sent, (unsigned long long)now_ns(),
				   r->padding);
			s->sent++;
			queued = true;
		}
		if (queued)
			flush_out(r, c);
		if (s->done < r->o.messages)
			left = true;
	}
	return left;
}

/* Runs the loop until done(r) or the deadline. */
static void pump(struct run *r, uint64_t deadline, bool (*done)(struct run *), const char *what)
{
	static char buf[LINE_MAX_BYTES + RECV_CHUNK];
	struct epoll_event evs[256];
	while (!done(r)) {
		uint64_t t = now_ns();
		if (t >= deadline)
			die("timed out %s", what);
		int n = epoll_wait(r->ep, evs, 256, (int)((deadline - t) / 1000000 + 1));
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct lg_client *c = evs[i].data.ptr;
			if (evs[i].events & EPOLLOUT)
				flush_out(r, c);
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				read_client(r, c, buf);
		}
	}
}

static bool all_ponged(struct run *r)
{
	return r->pongs == r->o.clients;
}

static bool all_complete(struct run *r)
{
	return !send_more(r);
}

/* Every client PINGs; returns when every PONG is back. */
static void barrier(struct run *r, uint64_t deadline, const char *what)
{
	r->pongs = 0;
	for (unsigned i = 0; i < r->o.clients; i++) {
		r->cl[i].pong = false;
		queue_text(&r->cl[i], "PING :%s\r\n", what);
		flush_out(r, &r->cl[i]);
	}
	pump(r, deadline, all_ponged, what);
}

static void connect_all(struct run *r)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)r->o.port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (unsigned i = 0; i < r->o.clients; i++) {
		struct lg_client *c = &r->cl[i];
		c->index = (int)i;
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			die("client %u: connect to 127.0.0.1:%u: %s", i, r->o.port, strerror(errno));
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		int fl = fcntl(c->fd, F_GETFL);
		if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) != 0)
			die("fcntl: %s", strerror(errno));
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(r->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
			die("epoll_ctl: %s", strerror(errno));
		if (r->o.password)
			queue_text(c, "PASS %s\r\n", r->o.password);
		queue_text(c, "NICK lg%u\r\nUSER lg%u 0 * :loadgen\r\nJOIN " CHANNEL "\r\n", i, i);
		flush_out(r, c);
	}
}

/* utime + stime of a process, in clock ticks (proc(5): fields 14 and 15). */
static long long cpu_ticks(int pid)
{
	char path[64], text[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot read %s: %s", path, strerror(errno));
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	const char *p = strrchr(text, ')'); /* the command name may hold spaces */
	long long utime, stime;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld",
			 &utime, &stime) != 2)
		die("cannot parse %s", path);
	return utime + stime;
}

static double percentile_ms(const struct run *r, double q)
{
	uint64_t want = (uint64_t)((double)r->deliveries * q), seen = 0;
	for (size_t b = 0; b < HIST_BUCKETS; b++) {
		seen += r->hist[b];
		if (seen > want)
			return (double)((b + 1) * HIST_STEP_NS) / 1e6; /* bucket's upper edge */
	}
	return (double)(HIST_BUCKETS * HIST_STEP_NS) / 1e6;
}

static void usage(FILE *f)
{
	fputs("usage: loadgen --port PORT [options]\n"
	      "Channel fan-out load against an IRC server on 127.0.0.1.\n"
	      "  --port PORT        the server's port on 127.0.0.1 (required)\n"
	      "  --clients N        members of the channel (default 500)\n"
	      "  --senders S        how many of them send (default 10)\n"
	      "  --window W         messages in flight per sender (default 50)\n"
	      "  --messages M       messages per sender (default 2000)\n"
	      "  --pad BYTES        extra text per message (default 20)\n"
	      "  --password PW      PASS to send\n"
	      "  --server-pid PID   report this process's CPU use over the run\n"
	      "  --timeout SECONDS  bound on each phase (default 120)\n"
	      "Prints one line: key=value figures (lines_per_s, server_cpu_pct,\n"
	      "server_cpu_ns_per_line, p50_ms, p99_ms, ...).  Exit 1 if the server\n"
	      "fails the run.\n",
	      f);
}

static unsigned uint_arg(const char *name, const char *v, unsigned lo, unsigned hi)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || *v == '\0' || *end != '\0' || n < lo || n > hi) {
		fprintf(stderr, "loadgen: bad %s '%s' (%u-%u)\n", name, v, lo, hi);
		exit(2);
	}
	return (unsigned)n;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"clients", required_argument, NULL, 'c'},
		{"senders", required_argument, NULL, 's'},
		{"window", required_argument, NULL, 'w'},
		{"messages", required_argument, NULL, 'm'},
		{"pad", required_argument, NULL, 'd'},
		{"password", required_argument, NULL, 'P'},
		{"server-pid", required_argument, NULL, 'i'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct opts){.clients = 500, .senders = 10, .window = 50, .messages = 2000,
			   .timeout_s = 120, .pad = 20};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': o->port = uint_arg("--port", optarg, 1, 65535); break;
		case 'c': o->clients = uint_arg("--clients", optarg, 2, 100000); break;
		case 's': o->senders = uint_arg("--senders", optarg, 1, 100000); break;
		case 'w': o->window = uint_arg("--window", optarg, 1, 100000); break;
		case 'm': o->messages = uint_arg("--messages", optarg, 1, 100000000); break;
		case 'd': o->pad = uint_arg("--pad", optarg, 0, 400); break;
		case 'P': o->password = optarg; break;
		case 'i': o->server_pid = (int)uint_arg("--server-pid", optarg, 1, 1u << 30); break;
		case 't': o->timeout_s = uint_arg("--timeout", optarg, 1, 3600); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (!o->port || optind != argc) {
		usage(stderr);
		exit(2);
	}
	if (o->senders > o->clients)
		die("--senders %u is more than --clients %u", o->senders, o->clients);
}

/* N clients need N descriptors; take what the hard limit allows. */
static void raise_fd_limit(unsigned need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need + 16)
		die("%u clients need %u descriptors; the hard limit is %llu", need, need + 16,
		    (unsigned long long)rl.rlim_cur);
}

int main(int argc, char **argv)
{
	struct run r = {0};
	parse_opts(argc, argv, &r.o);
	raise_fd_limit(r.o.clients);
	memset(r.padding, 'x', r.o.pad);
	r.cl = calloc(r.o.clients, sizeof *r.cl);
	r.snd = calloc(r.o.senders, sizeof *r.snd);
	r.hist = calloc(HIST_BUCKETS, sizeof *r.hist);
	if (!r.cl || !r.snd || !r.hist)
		die("out of memory");
	for (unsigned i = 0; i < r.o.senders; i++)
		if (!(r.snd[i].got = calloc(r.o.window, sizeof *r.snd[i].got)))
			die("out of memory");
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	if (r.ep < 0)
		die("epoll_create1: %s", strerror(errno));
	uint64_t phase_ns = (uint64_t)r.o.timeout_s * 1000000000ULL;

	connect_all(&r);
	barrier(&r, now_ns() + phase_ns, "joining"); /* JOIN was sent before the PING */

	long long cpu0 = r.o.server_pid ? cpu_ticks(r.o.server_pid) : 0;
	uint64_t t0 = now_ns();
	pump(&r, t0 + phase_ns, all_complete, "delivering");
	uint64_t t1 = now_ns();
	long long cpu1 = r.o.server_pid ? cpu_ticks(r.o.server_pid) : 0;
	barrier(&r, now_ns() + phase_ns, "finishing");
	if (r.extra)
		die("%llu PRIVMSGs arrived twice or were never sent",
		    (unsigned long long)r.extra);

	double secs = (double)(t1 - t0) / 1e9;
	/* The server's CPU time per delivered line holds up better than
	 * lines/s on a machine shared with other work. */
	double cpu_s = r.o.server_pid ? (double)(cpu1 - cpu0) / (double)sysconf(_SC_CLK_TCK) : -1;
	printf("clients=%u senders=%u window=%u messages=%llu lines=%llu seconds=%.3f "
	       "lines_per_s=%.0f server_cpu_pct=%.0f server_cpu_ns_per_line=%.0f "
	       "p50_ms=%.2f p99_ms=%.2f\n",
	       r.o.clients, r.o.senders, r.o.window, (unsigned long long)r.complete,
	       (unsigned long long)r.deliveries, secs, (double)r.deliveries / secs,
	       cpu_s < 0 ? -1 : cpu_s / secs * 100,
	       cpu_s < 0 ? -1 : cpu_s * 1e9 / (double)r.deliveries, percentile_ms(&r, 0.50),
	       percentile_ms(&r, 0.99));
	for (unsigned i = 0; i < r.o.clients; i++) {
		close(r.cl[i].fd);
		free(r.cl[i].out);
	}
	for (unsigned i = 0; i < r.o.senders; i++)
		free(r.snd[i].got);
	free(r.cl);
	free(r.snd);
	free(r.hist);
	close(r.ep);
	return 0;
}
