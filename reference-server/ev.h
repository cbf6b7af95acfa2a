/* ev.h - readiness notification over a set of sockets: epoll on Linux,
 * poll() elsewhere or when built with -DREFIRCD_USE_POLL.  Level-triggered
 * in both, so a handler that reads only part of what is waiting is called
 * again (this keeps one busy client from starving the rest). */
#ifndef REFIRCD_EV_H
#define REFIRCD_EV_H

#include <stdbool.h>
#include <stddef.h>

#define EV_READ 0x1
#define EV_WRITE 0x2
#define EV_ERROR 0x4 /* hang-up or error: the next read/write says which */

struct ev_event {
	void *ptr;
	unsigned events; /* EV_* */
};

struct ev;

/* Returns NULL on failure (errno set). */
struct ev *ev_new(void);
void ev_free(struct ev *ev);
/* 0 or -1 (errno set).  events is EV_READ and/or EV_WRITE. */
int ev_add(struct ev *ev, int fd, void *ptr, unsigned events);
int ev_mod(struct ev *ev, int fd, void *ptr, unsigned events);
void ev_del(struct ev *ev, int fd);
/* Fills out[0..max) and returns how many, 0 on timeout, -1 on error
 * (errno EINTR when a signal arrived).  When more than max are ready, the
 * ones left out come first next time: a busy descriptor cannot starve
 * another.  One event carries every readiness of its descriptor (read and
 * write together).  Pointers in out stay valid for the caller to act on
 * even if it ev_del()s other descriptors meanwhile. */
int ev_wait(struct ev *ev, struct ev_event *out, int max, int timeout_ms);
const char *ev_backend(void);

#endif
