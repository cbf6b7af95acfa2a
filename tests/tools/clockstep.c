/* clockstep.c - an LD_PRELOAD library that steps the wall clock of the
 * program it is loaded into, as an NTP step or an admin's `date -s` would,
 * without touching the machine's clock (tests/test_robust_clock_step.py).
 *
 * The offset in seconds is read from the file named by $CLOCKSTEP_FILE on
 * every call, so a test can step the clock while the program runs.  Only
 * wall-clock readings move (time, gettimeofday, CLOCK_REALTIME*);
 * CLOCK_MONOTONIC is left alone, as a real step leaves it.
 *
 * $CLOCKSTEP_MONO_FILE, if set, names a second file whose seconds are
 * added to CLOCK_MONOTONIC* readings instead: time passing for the
 * program without the test waiting for it (STATS u's uptime after 30
 * days, tests/test_server_info.py). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long offset_from(const char *var)
{
	const char *path = getenv(var);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return 0;
	char buf[32];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static long offset(void)
{
	return offset_from("CLOCKSTEP_FILE");
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	if (!real)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	int rc = real(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += offset();
	else if (rc == 0 && (id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE ||
			     id == CLOCK_MONOTONIC_RAW))
		ts->tv_sec += offset_from("CLOCKSTEP_MONO_FILE");
	return rc;
}

time_t time(time_t *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;
	(void)tz;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}
