/* fuzz_shm.c - the AFL++ shared-memory coverage map (see fuzz_shm.h).
 * AFL++'s runtime reads __AFL_SHM_ID at start, shmat()s the segment and
 * writes a hit counter per edge; with AFL_MAP_SIZE it checks that the map
 * is as large as the binary needs. */
#include "fuzz_shm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define FZ_SHM_MAX (8u << 20) /* AFL++'s own ceiling is far below this */

struct fz_shm {
	int id;
	uint8_t *map;
	size_t size;
};

struct fz_shm *fz_shm_open(size_t size, char *err, size_t errsz)
{
	if (size < 64 || size > FZ_SHM_MAX) {
		snprintf(err, errsz, "map size %zu out of range (64..%u)", size, FZ_SHM_MAX);
		return NULL;
	}
	struct fz_shm *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	m->size = size;
	m->id = shmget(IPC_PRIVATE, size, IPC_CREAT | IPC_EXCL | 0600);
	if (m->id < 0) {
		snprintf(err, errsz, "shmget(%zu bytes): %s", size, strerror(errno));
		free(m);
		return NULL;
	}
	void *p = shmat(m->id, NULL, 0);
	/* Marked for removal now: it goes when the last process detaches,
	 * even if ircspec is killed. */
	shmctl(m->id, IPC_RMID, NULL);
	if (p == (void *)-1) {
		snprintf(err, errsz, "shmat: %s", strerror(errno));
		free(m);
		return NULL;
	}
	m->map = p;
	char v[32];
	snprintf(v, sizeof v, "%d", m->id);
	setenv("__AFL_SHM_ID", v, 1);
	snprintf(v, sizeof v, "%zu", size);
	setenv("AFL_MAP_SIZE", v, 1);
	return m;
}

void fz_shm_close(struct fz_shm *m)
{
	if (!m)
		return;
	shmdt(m->map);
	unsetenv("__AFL_SHM_ID");
	free(m);
}

void fz_shm_clear(struct fz_shm *m)
{
	memset(m->map, 0, m->size);
}

const uint8_t *fz_shm_map(const struct fz_shm *m)
{
	return m->map;
}

size_t fz_shm_size(const struct fz_shm *m)
{
	return m->size;
}

size_t fz_shm_count(const struct fz_shm *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->size; i++)
		n += m->map[i] != 0;
	return n;
}
