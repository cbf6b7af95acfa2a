/* frame.c - splits a byte stream into IRC lines (see frame.h). */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

static size_t content_max(const struct framer *f)
{
	return f->max ? f->max : IRC_LINE_CONTENT_MAX;
}

void frame_reset(struct framer *f)
{
	free(f->part);
	f->part = NULL;
	f->part_len = 0;
	f->discarding = 0; /* max is configuration: kept */
}

static size_t strip_cr(const char *p, size_t n)
{
	return (n > 0 && p[n - 1] == '\r') ? n - 1 : n;
}

enum frame_result frame_next(struct framer *f, const char **in, size_t *in_len,
			     const char **line, size_t *line_len)
{
	const size_t max = content_max(f);
	const size_t part_max = max + 1; /* content plus a CR whose LF is late */
	while (*in_len > 0) {
		const char *p = *in;
		size_t n = *in_len;
		const char *lf = memchr(p, '\n', n);
		size_t take = lf ? (size_t)(lf - p) : n; /* bytes before LF */

		if (f->discarding) {
			*in += lf ? take + 1 : n;
			*in_len -= lf ? take + 1 : n;
			if (lf)
				f->discarding = 0;
			continue;
		}

		if (lf && f->part_len == 0) {
			/* Fast path: the whole line is inside this chunk. */
			*in += take + 1;
			*in_len -= take + 1;
			size_t len = strip_cr(p, take);
			if (len == 0)
				continue;
			if (len > max)
				return FRAME_TOO_LONG;
			*line = p;
			*line_len = len;
			f->bare_lf = len == take;
			return FRAME_LINE;
		}

		/* Slow path: append to the partial line, within its cap. */
		if (f->part_len + take > part_max) {
			frame_reset(f);
			f->discarding = !lf;
			*in += lf ? take + 1 : n;
			*in_len -= lf ? take + 1 : n;
			return FRAME_TOO_LONG;
		}
		if (!f->part) {
			f->part = malloc(part_max);
			if (!f->part)
				return FRAME_NOMEM;
		}
		memcpy(f->part + f->part_len, p, take);
		f->part_len += take;
		*in += lf ? take + 1 : n;
		*in_len -= lf ? take + 1 : n;
		if (!lf)
			return FRAME_NEED_MORE;

		size_t len = strip_cr(f->part, f->part_len);
		int bare_lf = len == f->part_len;
		f->part_len = 0; /* storage kept until the next reset or line */
		if (len == 0)
			continue;
		if (len > max)
			return FRAME_TOO_LONG;
		*line = f->part;
		*line_len = len;
		f->bare_lf = bare_lf;
		return FRAME_LINE;
	}
	if (f->part_len == 0 && f->part) {
		/* Nothing pending: give the storage back (idle clients cost 0). */
		free(f->part);
		f->part = NULL;
	}
	return FRAME_NEED_MORE;
}
