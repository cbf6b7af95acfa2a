/* ev_epoll.c - ev.h over Linux epoll: O(ready) per wait, for 10k clients. */
#if defined(__linux__) && !defined(REFIRCD_USE_POLL)
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ev.h"

#define EV_BATCH 256

struct ev {
	int epfd;
	struct epoll_event ready[EV_BATCH];
};

struct ev *ev_new(void)
{
	struct ev *ev = calloc(1, sizeof *ev);
	if (!ev)
		return NULL;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0) {
		free(ev);
		return NULL;
	}
	return ev;
}

void ev_free(struct ev *ev)
{
	if (!ev)
		return;
	close(ev->epfd);
	free(ev);
}

static int ctl(struct ev *ev, int op, int fd, void *ptr, unsigned events)
{
	struct epoll_event e = {0};
	e.events = ((events & EV_READ) ? EPOLLIN : 0) | ((events & EV_WRITE) ? EPOLLOUT : 0);
	e.data.ptr = ptr;
	return epoll_ctl(ev->epfd, op, fd, &e);
}

int ev_add(struct ev *ev, int fd, void *ptr, unsigned events)
{
	return ctl(ev, EPOLL_CTL_ADD, fd, ptr, events);
}

int ev_mod(struct ev *ev, int fd, void *ptr, unsigned events)
{
	return ctl(ev, EPOLL_CTL_MOD, fd, ptr, events);
}

void ev_del(struct ev *ev, int fd)
{
	struct epoll_event e = {0};
	epoll_ctl(ev->epfd, EPOLL_CTL_DEL, fd, &e);
}

int ev_wait(struct ev *ev, struct ev_event *out, int max, int timeout_ms)
{
	if (max > EV_BATCH)
		max = EV_BATCH;
	int n = epoll_wait(ev->epfd, ev->ready, max, timeout_ms);
	for (int i = 0; i < n; i++) {
		unsigned e = ev->ready[i].events;
		out[i].ptr = ev->ready[i].data.ptr;
		out[i].events = ((e & EPOLLIN) ? EV_READ : 0) | ((e & EPOLLOUT) ? EV_WRITE : 0) |
				((e & (EPOLLERR | EPOLLHUP)) ? EV_ERROR : 0);
	}
	return n;
}

const char *ev_backend(void) { return "epoll"; }
#endif
