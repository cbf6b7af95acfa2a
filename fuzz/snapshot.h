/* snapshot.h - a pre-registered fake server, copied for every input
 * (see snapshot.c for why, and for what a template may hold). */
#ifndef FUZZ_SNAPSHOT_H
#define FUZZ_SNAPSHOT_H

#include "fakesrv.h"

struct fz_snapshot {
	struct fz *z; /* the template; kept for the life of the process */
};

/* Checks that z can be copied (aborts if not) and keeps it as snap's
 * template.  z must stay alive and untouched afterwards. */
void fz_snapshot_take(struct fz_snapshot *snap, struct fz *z);
/* dst becomes a private copy of the template; fz_end frees it as usual. */
void fz_snapshot_restore(struct fz *dst, const struct fz_snapshot *snap);

#endif
