/* ev_poll.c - ev.h over POSIX poll(): the portable fallback.  O(n) per
 * wait, which is poll's nature; removal is O(1) by swapping with the last
 * slot, using an fd -> slot index. */
#if !defined(__linux__) || defined(REFIRCD_USE_POLL)
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"

struct ev {
	struct pollfd *fds;
	void **ptrs;
	size_t n, cap;
	int *slot_of; /* fd -> slot + 1, 0 when absent */
	size_t slot_cap;
	size_t start; /* slot the next scan begins at (see ev_wait) */
};

struct ev *ev_new(void)
{
	return calloc(1, sizeof(struct ev));
}

void ev_free(struct ev *ev)
{
	if (!ev)
		return;
	free(ev->fds);
	free(ev->ptrs);
	free(ev->slot_of);
	free(ev);
}

static short to_poll(unsigned events)
{
	return (short)(((events & EV_READ) ? POLLIN : 0) | ((events & EV_WRITE) ? POLLOUT : 0));
}

static int grow(struct ev *ev, int fd)
{
	if (ev->n == ev->cap) {
		size_t ncap = ev->cap ? ev->cap * 2 : 64;
		struct pollfd *fds = realloc(ev->fds, ncap * sizeof *fds);
		if (!fds)
			return -1;
		ev->fds = fds;
		void **ptrs = realloc(ev->ptrs, ncap * sizeof *ptrs);
		if (!ptrs)
			return -1;
		ev->ptrs = ptrs;
		ev->cap = ncap;
	}
	if ((size_t)fd >= ev->slot_cap) {
		size_t ncap = ev->slot_cap ? ev->slot_cap : 64;
		while (ncap <= (size_t)fd)
			ncap *= 2;
		int *slot_of = realloc(ev->slot_of, ncap * sizeof *slot_of);
		if (!slot_of)
			return -1;
		memset(slot_of + ev->slot_cap, 0, (ncap - ev->slot_cap) * sizeof *slot_of);
		ev->slot_of = slot_of;
		ev->slot_cap = ncap;
	}
	return 0;
}

int ev_add(struct ev *ev, int fd, void *ptr, unsigned events)
{
	if (fd < 0 || grow(ev, fd) != 0) {
		errno = fd < 0 ? EBADF : ENOMEM;
		return -1;
	}
	ev->fds[ev->n] = (struct pollfd){.fd = fd, .events = to_poll(events)};
	ev->ptrs[ev->n] = ptr;
	ev->slot_of[fd] = (int)++ev->n;
	return 0;
}

int ev_mod(struct ev *ev, int fd, void *ptr, unsigned events)
{
	if (fd < 0 || (size_t)fd >= ev->slot_cap || !ev->slot_of[fd]) {
		errno = ENOENT;
		return -1;
	}
	size_t i = (size_t)ev->slot_of[fd] - 1;
	ev->fds[i].events = to_poll(events);
	ev->ptrs[i] = ptr;
	return 0;
}

void ev_del(struct ev *ev, int fd)
{
	if (fd < 0 || (size_t)fd >= ev->slot_cap || !ev->slot_of[fd])
		return;
	size_t i = (size_t)ev->slot_of[fd] - 1;
	size_t last = --ev->n;
	if (i != last) {
		ev->fds[i] = ev->fds[last];
		ev->ptrs[i] = ev->ptrs[last];
		ev->slot_of[ev->fds[i].fd] = (int)i + 1;
	}
	ev->slot_of[fd] = 0;
}

/* Reports at most max of the rc ready slots.  The scan starts where the
 * previous one stopped: from slot 0 each time, a batch of busy low slots
 * would fill every batch and the slots past them would never be served. */
int ev_wait(struct ev *ev, struct ev_event *out, int max, int timeout_ms)
{
	int rc = poll(ev->fds, (nfds_t)ev->n, timeout_ms);
	if (rc <= 0)
		return rc;
	int k = 0;
	size_t i = ev->start < ev->n ? ev->start : 0;
	for (size_t seen = 0; seen < ev->n && k < max && k < rc; seen++) {
		short r = ev->fds[i].revents;
		if (r) {
			out[k].ptr = ev->ptrs[i];
			out[k].events = ((r & POLLIN) ? EV_READ : 0) | ((r & POLLOUT) ? EV_WRITE : 0) |
					((r & (POLLERR | POLLHUP | POLLNVAL)) ? EV_ERROR : 0);
			k++;
		}
		i = i + 1 < ev->n ? i + 1 : 0;
	}
	ev->start = i;
	return k;
}

const char *ev_backend(void) { return "poll"; }
#endif
