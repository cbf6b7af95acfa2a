/* matrix_cli.c - `ircspec matrix`'s command line (see matrix.h). */
#include <stdio.h>
#include <string.h>

#include "matrix.h"
#include "report.h"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "ircspec matrix: %s\n", why);
	fputs("usage: ircspec matrix [--html DIR] [--md FILE|-] [NAME=]REPORT.json ...\n"
	      "  servers x cases from JSON reports (ircspec --json); without --html or --md,\n"
	      "  the Markdown goes to standard output\n", why ? stderr : stdout);
	return why ? 2 : 0;
}

static int write_outputs(const struct matrix *m, const char *md, const char *html)
{
	char err[1024];
	int rc = 0;
	struct report_file rf;
	if (md && report_file_open(&rf, md, err, sizeof err) == 0) {
		matrix_md(rf.f, m);
		if (report_file_commit(&rf, err, sizeof err) != 0)
			rc = 1;
	} else if (md) {
		rc = 1;
	}
	if (rc)
		fprintf(stderr, "ircspec matrix: --md: %s\n", err);
	if (html && matrix_html(m, html, err, sizeof err) != 0) {
		fprintf(stderr, "ircspec matrix: --html: %s\n", err);
		rc = 1;
	}
	return rc;
}

int matrix_main(int argc, char **argv)
{
	struct matrix m = {0};
	const char *md = NULL, *html = NULL;
	char err[1024];
	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(NULL);
		if ((strcmp(argv[i], "--md") == 0 || strcmp(argv[i], "--html") == 0) && i + 1 < argc) {
			*(argv[i][3] == 'd' ? &md : &html) = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage("unknown option, or one without its argument");
		} else if (matrix_add(&m, argv[i], err, sizeof err) != 0) {
			fprintf(stderr, "ircspec matrix: %s\n", err);
			rc = 2;
		}
	}
	if (rc == 0 && m.ns == 0)
		rc = usage("no reports given");
	if (rc == 0 && matrix_collect(&m) != 0) {
		fprintf(stderr, "ircspec matrix: out of memory\n");
		rc = 2;
	}
	if (rc == 0)
		rc = write_outputs(&m, md || html ? md : "-", html);
	matrix_free(&m);
	return rc;
}
