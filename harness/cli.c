/* cli.c - ircspec's command line (also documented in README.md). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IRCSPEC_VERSION "ircspec 0.1"

static void usage(FILE *f)
{
	fputs("usage: ircspec [options] [CASE_FILE|DIR ...]      (default: cases/)\n"
	      "       ircspec matrix [--html DIR] [--md FILE] [NAME=]REPORT.json ...\n"
	      "\n"
	      "Target:\n"
	      "  --host H            server address (default 127.0.0.1)\n"
	      "  --port P            server port (default 6667)\n"
	      "  --password PW       connection password sent with PASS\n"
	      "  --oper NAME:PASS    operator credentials; cases needing them are skipped without\n"
	      "  --spawn 'CMD'       start the server: {port} and {password} are filled in, a free\n"
	      "                      port is chosen; a server death during a case is a crash and\n"
	      "                      the server is restarted (if that fails, the run stops: exit 2);\n"
	      "                      at the end it is stopped with SIGTERM, and a sanitizer report\n"
	      "                      it prints then (LeakSanitizer), or while it lives on (UBSan),\n"
	      "                      is the crash of the case that causes it, or fails the run\n"
	      "  --valgrind          with --spawn: run the server under Valgrind memcheck; every\n"
	      "                      error and leak fails the run\n"
	      "Selection:\n"
	      "  -k EXPR             by id (or glob), tag, level or spec section, with and/or/not:\n"
	      "                      -k 'MUST and not split', -k 'rfc2812:3.2,nick-*'\n"
	      "  --list              list the selected cases and exit\n"
	      "  --check             validate the case files and exit (no server needed)\n"
	      "  --coverage          print the command x numeric coverage table (Markdown)\n"
	      "Running:\n"
	      "  -j N                cases in parallel (default 8); those that pause longest\n"
	      "                      start first, results print in file order\n"
	      "  --timeout MS        per expectation (default 3000)\n"
	      "  --deadline S        end the whole run after S seconds\n"
	      "  --strict            SHOULD failures fail the run too\n"
	      "  --fail-fast         start no case after the first one that fails the run (with\n"
	      "                      --baseline: the first regression); the rest are not run\n"
	      "Output:\n"
	      "  --json FILE         JSON report (- for stdout)\n"
	      "  --junit FILE        JUnit XML report\n"
	      "  --html DIR          HTML report: DIR/index.html, a page per case (replaces an\n"
	      "                      earlier report in DIR; refuses any other non-empty DIR)\n"
	      "  --baseline FILE     an earlier JSON report: only regressions fail the run (passed\n"
	      "                      then and not now; crash or error now and not then, new\n"
	      "                      cases included)\n"
	      "  -v                  transcripts in the terminal\n"
	      "  --no-color          plain output\n"
	      "\n"
	      "Exit: 0 all selected cases pass (or no regressions); 1 failures or crashes;\n"
	      "      2 usage error, bad case file, target unreachable, or a --spawn'd server\n"
	      "      that could not be restarted.\n",
	      f);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "ircspec: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see ircspec --help)\n");
	return 2;
}

int cli_parse(int argc, char **argv, struct cli *o)
{
	enum { O_LIST = TARGET_OPT_END, O_CHECK, O_STRICT, O_FAILFAST, O_JSON, O_JUNIT, O_BASELINE,
	       O_NOCOLOR, O_DEADLINE, O_COVERAGE, O_VERSION, O_HTML };
	static const struct option longopts[] = {
		TARGET_LONGOPTS,
		{"list", no_argument, NULL, O_LIST},
		{"check", no_argument, NULL, O_CHECK},
		{"coverage", no_argument, NULL, O_COVERAGE},
		{"strict", no_argument, NULL, O_STRICT},
		{"fail-fast", no_argument, NULL, O_FAILFAST},
		{"json", required_argument, NULL, O_JSON},
		{"junit", required_argument, NULL, O_JUNIT},
		{"html", required_argument, NULL, O_HTML},
		{"baseline", required_argument, NULL, O_BASELINE},
		{"no-color", no_argument, NULL, O_NOCOLOR},
		{"deadline", required_argument, NULL, O_DEADLINE},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, O_VERSION},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	target_defaults(&o->t, 3000);
	o->jobs = 8;
	o->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	long v;
	int opt;
	char err[512];
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hvk:j:", longopts, NULL)) != -1) {
		int took = target_option(&o->t, opt, optarg, err, sizeof err);
		if (took < 0)
			return bad("%s", err);
		if (took)
			continue;
		switch (opt) {
		case O_LIST: o->list = true; break;
		case O_CHECK: o->check = true; break;
		case O_COVERAGE: o->coverage = true; break;
		case O_STRICT: o->strict = true; break;
		case O_FAILFAST: o->fail_fast = true; break;
		case O_JSON: o->json = optarg; break;
		case O_JUNIT: o->junit = optarg; break;
		case O_HTML: o->html = optarg; break;
		case O_BASELINE: o->baseline = optarg; break;
		case O_NOCOLOR: o->color = false; break;
		case O_DEADLINE:
			if (cli_number(optarg, 1, 86400, &v) != 0)
				return bad("--deadline: '%s' is not a number of seconds (1-86400)", optarg);
			o->deadline_s = v;
			break;
		case 'j':
			if (cli_number(optarg, 1, 256, &v) != 0)
				return bad("-j: '%s' is not a job count (1-256)", optarg);
			o->jobs = (int)v;
			break;
		case 'k': o->select = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return 1;
		case O_VERSION: puts(IRCSPEC_VERSION); return 1;
		case ':': return bad("%s needs an argument", argv[optind - 1]);
		default: return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (target_check(&o->t, err, sizeof err) != 0)
		return bad("%s", err);
	for (int i = optind; i < argc; i++) {
		if (o->npaths == CLI_MAX_PATHS)
			return bad("more than %s case paths", "256");
		o->paths[o->npaths++] = argv[i];
	}
	if (o->npaths == 0)
		o->paths[o->npaths++] = "cases";
	return 0;
}
