/* fuzz_shm.h - the AFL++ coverage map for a grey-box run: a System V
 * shared memory segment whose id the spawned server finds in __AFL_SHM_ID
 * (AFL++'s instrumentation, afl-clang-fast, attaches to it at start and
 * counts edge hits into it). */
#ifndef IRCSPEC_FUZZ_SHM_H
#define IRCSPEC_FUZZ_SHM_H

#include <stddef.h>
#include <stdint.h>

struct fz_shm;

/* Creates a map of size bytes (AFL_MAP_SIZE; 65536 by default) and
 * exports __AFL_SHM_ID and AFL_MAP_SIZE for servers started afterwards.
 * NULL with err set. */
struct fz_shm *fz_shm_open(size_t size, char *err, size_t errsz);
/* Removes the segment (it was marked for removal already: this detaches). */
void fz_shm_close(struct fz_shm *m);
void fz_shm_clear(struct fz_shm *m);
const uint8_t *fz_shm_map(const struct fz_shm *m);
size_t fz_shm_size(const struct fz_shm *m);
/* Edges with a hit in the map now. */
size_t fz_shm_count(const struct fz_shm *m);

#endif
