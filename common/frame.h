/* frame.h - splits a byte stream into IRC lines.
 *
 * Pure and bounded: the caller hands in whatever recv() returned, in any
 * split, and gets complete lines back.  Lines end in CR LF or a bare LF
 * (RFC 2812 2.3 says CR LF; every real client and server also accepts LF).
 * Only a partial line is copied, into storage taken on demand and capped at
 * one maximal line, so a peer can never make us buffer more than that. */
#ifndef IRC_FRAME_H
#define IRC_FRAME_H

#include <stddef.h>

/* RFC 2812 2.3: "IRC messages are always lines of characters terminated
 * with a CR-LF pair, and these messages SHALL NOT exceed 512 characters in
 * length, counting all characters including the trailing CR-LF." */
#define IRC_LINE_MAX 512
#define IRC_LINE_CONTENT_MAX (IRC_LINE_MAX - 2)

struct framer {
	size_t max;      /* content limit; 0 means IRC_LINE_CONTENT_MAX (a
	                    client reading servers may allow IRCv3 tags) */
	char *part;      /* partial line carried between feeds, or NULL */
	size_t part_len;
	int discarding;  /* inside an over-long line: drop bytes up to its LF */
	int bare_lf;     /* the last FRAME_LINE ended in LF alone, no CR (a
	                    client reading a server checks its line ends) */
};

enum frame_result {
	FRAME_NEED_MORE = 0, /* all input consumed, no complete line */
	FRAME_LINE,          /* *line / *line_len hold one line, no CR LF */
	FRAME_TOO_LONG,      /* a line passed IRC_LINE_MAX; it is being dropped */
	FRAME_NOMEM          /* could not store a partial line */
};

/* Consumes input from *in / *in_len (both advanced) until one result.
 * A FRAME_LINE pointer stays valid until the next call on this framer or
 * until the input buffer changes.  Empty lines are skipped.  FRAME_TOO_LONG
 * is returned once per over-long line, as soon as it passes the limit. */
enum frame_result frame_next(struct framer *f, const char **in, size_t *in_len,
			     const char **line, size_t *line_len);

/* Drops any partial line (e.g. at EOF: RFC says nothing of half lines, and
 * acting on one would run a command the client never finished). */
void frame_reset(struct framer *f);

#endif
