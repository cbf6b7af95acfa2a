/* main.c - refircd's command line, signals and start-up. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ev.h"
#include "netloop.h"
#include "proto.h"

#define MAX_OPERS 16

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: refircd -p PORT [-P PASSWORD] [-b ADDR] [-n SERVERNAME] [--motd FILE]\n"
		"               [--oper NAME:PASSWORD]... [--ping-interval S] [--ping-timeout S]\n"
		"               [--sendq BYTES] [--flood-interval MS] [--flood-burst N]\n"
		"\n"
		"  -p, --port PORT        TCP port; 0 picks a free one (required)\n"
		"  -P, --password PW      connection password clients must send with PASS\n"
		"  -b, --bind ADDR        address to listen on (default 127.0.0.1; ::1 for IPv6)\n"
		"  -n, --name NAME        server name (default irc.refircd.test)\n"
		"      --motd FILE        message of the day (default: none, 422 is sent); lines\n"
		"                         over 407 bytes are wrapped, with a warning\n"
		"      --oper NAME:PW     operator credentials for OPER (repeatable)\n"
		"      --ping-interval S  idle seconds before a PING (default %d)\n"
		"      --ping-timeout S   seconds to answer it before being dropped (default %d)\n"
		"      --sendq BYTES      send queue cap: a client that reads slower than it is\n"
		"                         sent to is dropped past it (default %d)\n"
		"      --flood-interval MS\n"
		"                         pacing (RFC 1459 8.10): once a client's burst is\n"
		"                         spent, one command per MS milliseconds; 0 turns\n"
		"                         pacing off (default %d)\n"
		"      --flood-burst N    commands a client may send at once (default %d)\n"
		"\n"
		"Prints 'refircd: listening on ADDR:PORT' on stderr when ready; SIGINT or\n"
		"SIGTERM shut it down cleanly.\n",
		DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, SENDQ_MAX, DEFAULT_FLOOD_INTERVAL_MS,
		DEFAULT_FLOOD_BURST);
}

static int parse_uint(const char *s, unsigned long max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_oper(const char *arg, struct oper_cred *o)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= sizeof o->name ||
	    strlen(colon + 1) >= sizeof o->password)
		return -1;
	memcpy(o->name, arg, (size_t)(colon - arg));
	o->name[colon - arg] = '\0';
	str_copy(o->password, sizeof o->password, colon + 1);
	return 0;
}

/* --sendq, --flood-interval, --flood-burst into cfg; 0, or -1 after
 * saying what is wrong. */
static int parse_flow(int opt, const char *arg, struct srv_config *cfg)
{
	unsigned v;
	switch (opt) {
	case 'q':
		/* A queue must hold a few whole lines for anything to work. */
		if (parse_uint(arg, 1UL << 30, &v) != 0 || v < 4 * IRC_LINE_MAX) {
			fprintf(stderr, "refircd: bad --sendq '%s' (%d to %lu bytes)\n", arg,
				4 * IRC_LINE_MAX, 1UL << 30);
			return -1;
		}
		cfg->sendq_max = v;
		return 0;
	case 'f':
		if (parse_uint(arg, 60000, &v) != 0) {
			fprintf(stderr, "refircd: bad --flood-interval '%s' (0-60000 ms)\n", arg);
			return -1;
		}
		cfg->flood_interval_ms = v;
		return 0;
	default:
		if (parse_uint(arg, 10000, &v) != 0 || v == 0) {
			fprintf(stderr, "refircd: bad --flood-burst '%s' (1-10000)\n", arg);
			return -1;
		}
		cfg->flood_burst = v;
		return 0;
	}
}

/* 10k clients need 10k descriptors; take whatever the hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"password", required_argument, NULL, 'P'},
		{"bind", required_argument, NULL, 'b'},
		{"name", required_argument, NULL, 'n'},
		{"motd", required_argument, NULL, 'm'},
		{"oper", required_argument, NULL, 'o'},
		{"ping-interval", required_argument, NULL, 'i'},
		{"ping-timeout", required_argument, NULL, 't'},
		{"sendq", required_argument, NULL, 'q'},
		{"flood-interval", required_argument, NULL, 'f'},
		{"flood-burst", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct oper_cred opers[MAX_OPERS];
	struct srv_config cfg = {.name = "irc.refircd.test", .opers = opers,
				 .flood_interval_ms = DEFAULT_FLOOD_INTERVAL_MS,
				 .flood_burst = DEFAULT_FLOOD_BURST};
	const char *addr = "127.0.0.1";
	unsigned port = 0;
	bool have_port = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "p:P:b:n:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_uint(optarg, 65535, &port) != 0) {
				fprintf(stderr, "refircd: bad port '%s' (0-65535)\n", optarg);
				return 2;
			}
			have_port = true;
			break;
		case 'P': cfg.password = optarg; break;
		case 'b': addr = optarg; break;
		case 'n': cfg.name = optarg; break;
		case 'm': cfg.motd_file = optarg; break;
		case 'o':
			if (cfg.nopers == MAX_OPERS || parse_oper(optarg, &opers[cfg.nopers]) != 0) {
				fprintf(stderr, "refircd: bad --oper '%s' (NAME:PASSWORD, at most %d)\n",
					optarg, MAX_OPERS);
				return 2;
			}
			cfg.nopers++;
			break;
		case 'i':
		case 't':
			if (parse_uint(optarg, 86400, opt == 'i' ? &cfg.ping_interval
								 : &cfg.ping_timeout) != 0 ||
			    (opt == 'i' ? cfg.ping_interval : cfg.ping_timeout) == 0) {
				fprintf(stderr, "refircd: bad %s '%s' (1-86400 seconds)\n",
					opt == 'i' ? "--ping-interval" : "--ping-timeout", optarg);
				return 2;
			}
			break;
		case 'q':
		case 'f':
		case 'B':
			if (parse_flow(opt, optarg, &cfg) != 0)
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!have_port || optind != argc) {
		usage(stderr);
		return 2;
	}

	struct sigaction sa = {0};
	sa.sa_handler = on_signal; /* no SA_RESTART: the wait must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a dead peer is an error code, not a death */
	raise_fd_limit();

	struct server srv;
	char err[256];
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	struct srv_clock now = {.wall = time(NULL), .mono = mono.tv_sec};
	if (srv_init(&srv, &cfg, now, err, sizeof err) != 0) {
		fprintf(stderr, "refircd: %s\n", err);
		srv_destroy(&srv);
		return 1;
	}
	if (err[0])
		fprintf(stderr, "refircd: warning: %s\n", err);
	unsigned bound = 0;
	struct netloop *nl = netloop_new(&srv, addr, port, &bound, err, sizeof err);
	if (!nl) {
		fprintf(stderr, "refircd: %s\n", err);
		srv_destroy(&srv);
		return 1;
	}
	fprintf(stderr, "refircd: listening on %s%s%s:%u (%s)\n", strchr(addr, ':') ? "[" : "",
		addr, strchr(addr, ':') ? "]" : "", bound, ev_backend());
	int rc = netloop_run(nl, &stop_requested, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "refircd: %s\n", err);
	netloop_free(nl);
	srv_destroy(&srv);
	fprintf(stderr, "refircd: stopped\n");
	return rc == 0 ? 0 : 1;
}
