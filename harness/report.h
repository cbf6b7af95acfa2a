/* report.h - turning a run_result into something a person or a CI job reads.
 *
 * Four forms: the terminal view (h2spec style: one line per case, then a
 * failures section and a closing "N passed, N failed, N skipped" line), a
 * JSON report (also the input of --baseline), JUnit XML, and an HTML
 * directory with a page per case.  File reports
 * are written to a temporary file in the target's directory and renamed
 * into place, so a reader never sees half a report; the path "-" means
 * standard output.  Reports only read the run_result. */
#ifndef IRCSPEC_REPORT_H
#define IRCSPEC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "result.h"

/* Transcript entries shown per failed case in the summary. */
#define REPORT_TAIL_ENTRIES 20

/* ---- files: JSON and JUnit (0, or -1 with a message in err) ---- */

int report_json(const struct run_result *r, const char *path, char *err, size_t errsz);
int report_junit(const struct run_result *r, const char *path, char *err, size_t errsz);
/* --html DIR: index.html and a page per case (report_html.c). */
int report_html(const struct run_result *r, const char *dir, char *err, size_t errsz);

/* ---- terminal ---- */

/* One line per case; with verbose, the message and whole transcript below. */
void report_term_case(FILE *out, const struct case_result *cr, bool color, bool verbose);
/* Failures section, Valgrind findings, then the closing counts line. */
void report_term_summary(FILE *out, const struct run_result *r, bool color, bool verbose);
/* "\r[ 12/250] id" with the rest of the line cleared; no newline. */
void report_progress(FILE *out, size_t done, size_t total, const char *current_id);
/* Erases the progress line, so the next output starts on a clean line. */
void report_progress_clear(FILE *out);

/* ---- shared by the report writers (report_json.c) ---- */

/* Length (1-4) of the well-formed UTF-8 sequence at s, or 0 when s[0]
 * does not start one (stray continuation, overlong form, surrogate, past
 * U+10FFFF, or cut short by n). */
size_t report_utf8_len(const unsigned char *s, size_t n);

/* Writes s[0..len) as a JSON string with its quotes.  Every byte is
 * covered: controls and bytes that are not well-formed UTF-8 become
 * \u00XX, so the output is valid JSON and valid UTF-8 whatever s holds. */
void json_write_string(FILE *f, const char *s, size_t len);

/* An output that is renamed into place only when complete. */
struct report_file {
	FILE *f;
	char tmp[4096]; /* temporary path; "" when writing to stdout */
	const char *path;
};

int report_file_open(struct report_file *rf, const char *path, char *err, size_t errsz);
/* Flushes and renames into place; on any write error removes the
 * temporary file and returns -1 with a message. */
int report_file_commit(struct report_file *rf, char *err, size_t errsz);

/* "2024-05-01T12:00:00Z" for a Unix time. */
void report_iso_time(long unix_time, char *out, size_t outsz);

/* Index of the first entry after the entries dropped for size (where a
 * report prints "... N entries dropped ..."), or SIZE_MAX if none were. */
size_t report_transcript_gap(const struct transcript *t);

/* '>' sent, '<' received, '*' an event: the mark in "+123ms a > NICK x". */
char report_dir_mark(enum tdir d);

/* Counts per verdict, indexed by enum verdict. */
#define REPORT_NVERDICTS (V_CRASH + 1)
void report_count(const struct run_result *r, size_t counts[REPORT_NVERDICTS]);

#endif
