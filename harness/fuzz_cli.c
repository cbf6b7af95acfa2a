/* fuzz_cli.c - `ircspec fuzz` options (also documented in README.md). */
#include "fuzz_cli.h"
#include "cli.h"
#include "fuzz_leak.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: ircspec fuzz [--spawn CMD | --host H --port P] [--seconds N | --runs N]\n"
	      "                    [--seed S] [-j N] [--valgrind] [--out DIR] [CASE_FILE|DIR ...]\n"
	      "\n"
	      "Fuzzes an IRC server over the wire.  Inputs are sessions of up to 4 clients made of\n"
	      "the case language's actions, seeded from the cases' own steps (default: cases/)\n"
	      "and mutated knowing IRC.  A finding (the server dies, a sanitizer reports, it stops\n"
	      "serving a new client, or it sends a line that breaks RFC 2812 2.3) is replayed,\n"
	      "minimised and written to --out as a .case that `ircspec --spawn CMD` replays.\n"
	      "\n"
	      "  --spawn 'CMD'       start the server ({port}, {password}); restarted after a death\n"
	      "  --host H --port P   a running server (a hang ends the run: nothing to restart)\n"
	      "  --password PW       PASS for every client\n"
	      "  --oper NAME:PASS    operator credentials (lets inputs use OPER)\n"
	      "  --seconds N         stop after N seconds (default 60 unless --runs); a server\n"
	      "                      that then ignores SIGTERM is killed 2 s later\n"
	      "  --runs N            stop after N inputs\n"
	      "  --seed S            PRNG seed: the same seed replays the same inputs (default 1)\n"
	      "  -j N                N workers, each with its own server (--spawn), seed S+i,\n"
	      "                      every N-th seed case and --out DIR/wI; one merged summary\n"
	      "  --timeout MS        per step and for the liveness probe (default 2000)\n"
	      "  --valgrind          with --spawn: run the server under Valgrind memcheck\n"
	      "  --afl[=SIZE]        with --spawn: grey-box: the server is built with afl-clang-fast;\n"
	      "                      its coverage map (SIZE bytes, default 65536) is shared\n"
	      "                      through __AFL_SHM_ID and inputs reaching new edges are kept\n"
	      "  --out DIR           findings and summary.json (default reports/fuzz)\n"
	      "  --no-minimise       write findings as found (still replayed to confirm)\n"
	      "  --log-inputs FILE   one line per input run: its number and hash\n"
	      "  --stop-on-finding   end the run after the first confirmed finding (benchmarks)\n"
	      "  --restart-every N   with --spawn: stop the server with SIGTERM every N inputs\n"
	      "                      (default 500) and at the end, for a report it prints only at\n"
	      "                      exit (LeakSanitizer); 0: never.  A server that does not exit\n"
	      "                      within 10 s is killed, and not stopped so again\n"
	      "\n"
	      "Exit: 0 nothing found; 1 findings (see --out); 2 usage error or no usable server.\n",
	      f);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "ircspec fuzz: %s%s%s\n(see ircspec fuzz --help)\n", what, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

static int number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int fz_cli_parse(int argc, char **argv, struct fz_cli *o)
{
	enum { O_SECONDS = TARGET_OPT_END, O_RUNS, O_SEED, O_OUT, O_LOG, O_NOMIN, O_AFL, O_STOP,
	       O_RESTART };
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{"afl", optional_argument, NULL, O_AFL},
		{"seconds", required_argument, NULL, O_SECONDS},
		{"runs", required_argument, NULL, O_RUNS},
		{"seed", required_argument, NULL, O_SEED},
		{"out", required_argument, NULL, O_OUT},
		{"log-inputs", required_argument, NULL, O_LOG},
		{"no-minimise", no_argument, NULL, O_NOMIN},
		{"stop-on-finding", no_argument, NULL, O_STOP},
		{"restart-every", required_argument, NULL, O_RESTART},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	memset(o, 0, sizeof *o);
	target_defaults(&o->t, 2000);
	o->jobs = 1;
	o->nworkers = 1;
	o->seed = 1;
	o->out = "reports/fuzz";
	o->afl_map = 65536;
	o->restart_every = FZ_CYCLE_INPUTS;
	bool have_seconds = false;
	optind = 1;
	opterr = 0;
	int c;
	unsigned long long v;
	char err[512];
	while ((c = getopt_long(argc, argv, ":hj:", longopts, NULL)) != -1) {
		int took = target_option(&o->t, c, optarg, err, sizeof err);
		if (took < 0)
			return bad(err, NULL);
		if (took)
			continue;
		switch (c) {
		case 'h': usage(stdout); return 1;
		case 'j':
			if (number(optarg, 64, &v) != 0 || v == 0)
				return bad("-j wants 1..64", optarg);
			o->jobs = (int)v;
			break;
		case O_AFL:
			o->afl = true;
			if (optarg && (number(optarg, 8u << 20, &v) != 0 || v < 64))
				return bad("--afl=SIZE wants 64..8388608 bytes", optarg);
			if (optarg)
				o->afl_map = (unsigned long)v;
			break;
		case O_SECONDS:
			if (number(optarg, 7 * 24 * 3600, &v) != 0 || v == 0)
				return bad("--seconds wants 1..604800", optarg);
			o->seconds = (long)v;
			have_seconds = true;
			break;
		case O_RUNS:
			if (number(optarg, 1000000000ULL, &v) != 0 || v == 0)
				return bad("--runs wants 1..1000000000", optarg);
			o->runs = (unsigned long)v;
			break;
		case O_SEED:
			if (number(optarg, ~0ULL, &v) != 0)
				return bad("--seed wants a number", optarg);
			o->seed = v;
			break;
		case O_OUT: o->out = optarg; break;
		case O_LOG: o->log_inputs = optarg; break;
		case O_NOMIN: o->no_minimise = true; break;
		case O_STOP: o->stop_on_finding = true; break;
		case O_RESTART:
			if (number(optarg, 1000000, &v) != 0)
				return bad("--restart-every wants 0..1000000", optarg);
			o->restart_every = (unsigned)v;
			break;
		case ':': return bad(argv[optind - 1], "needs an argument");
		default: return bad("unknown option", argv[optind - 1]);
		}
	}
	if (target_check(&o->t, err, sizeof err) != 0)
		return bad(err, NULL);
	if (o->afl && !o->t.spawn)
		return bad("--afl needs --spawn", NULL);
	if (!have_seconds && !o->runs)
		o->seconds = 60;
	for (int i = optind; i < argc; i++) {
		if (o->npaths == CLI_MAX_PATHS)
			return bad("too many paths", NULL);
		o->paths[o->npaths++] = argv[i];
	}
	if (o->npaths == 0)
		o->paths[o->npaths++] = "cases";
	return 0;
}
