/* valgrind.c - --valgrind: Valgrind's command line, its XML directory,
 * and the findings read from it (see valgrind.h). */
#include "valgrind.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vgxml.h"

#define DIR_MAX 4096

struct valgrind {
	char dir[DIR_MAX];
	bool made;             /* dir is ours (mkdtemp): removed at close */
	char path[DIR_MAX];    /* valgrind, found in $PATH */
	char *xml_arg;         /* "--xml-file=DIR/vg.%p.xml" */
	char vgdb[DIR_MAX];    /* vgdb, beside valgrind */
	char vgdb_prefix[DIR_MAX + 16]; /* DIR/vgdb: its FIFOs, ours alone */
	char *vgdb_arg;        /* "--vgdb-prefix=DIR/vgdb" */
	struct spawn_wrap wrap;
};

/* ---- the directory of a spawned server's vg.PID.xml files ---- */

/* pid of a "vg.PID.xml" name, or 0. */
static long vg_file_pid(const char *name)
{
	if (strncmp(name, "vg.", 3) != 0)
		return 0;
	char *end = NULL;
	errno = 0;
	long pid = strtol(name + 3, &end, 10);
	if (errno || end == name + 3 || pid <= 0 || strcmp(end, ".xml") != 0)
		return 0;
	return pid;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The pids of the vg.PID.xml files in dir, sorted; -1 if unreadable. */
static int list_vg_files(const char *dir, long *pids, size_t max, size_t *n)
{
	DIR *d = opendir(dir); /* glibc opens it O_CLOEXEC */
	if (!d)
		return -1;
	struct dirent *de;
	*n = 0;
	while ((de = readdir(d)) && *n < max) {
		long pid = vg_file_pid(de->d_name);
		if (pid > 0)
			pids[(*n)++] = pid;
	}
	closedir(d);
	qsort(pids, *n, sizeof *pids, cmp_long);
	return 0;
}

/* vgdb's FIFOs ("vgdb-from-vgdb-to-PID-..."), left behind by a Valgrind
 * that was killed. */
static void remove_vgdb_fifos(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[DIR_MAX + 300];
		if (strncmp(de->d_name, "vgdb-", 5) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* Removes the vg.PID.xml files in dir: an earlier run's would otherwise be
 * read at stop as if they were ours. */
static void remove_vg_files(const char *dir)
{
	remove_vgdb_fifos(dir);
	long *old = calloc(VALGRIND_MAX_FILES, sizeof *old);
	size_t n = 0;
	if (old && list_vg_files(dir, old, VALGRIND_MAX_FILES, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			char path[DIR_MAX + 32];
			snprintf(path, sizeof path, "%s/vg.%ld.xml", dir, old[i]);
			unlink(path);
		}
	}
	free(old);
}

/* "--xml-file=DIR/vg.%p.xml" (malloc'd). */
static char *file_arg(const char *dir)
{
	size_t n = strlen(dir), o = 11;
	char *s = malloc(2 * n + 32);
	if (!s)
		return NULL;
	memcpy(s, "--xml-file=", 11);
	for (size_t i = 0; i < n; i++) {
		s[o++] = dir[i];
		if (dir[i] == '%') /* Valgrind expands %p, %q{..}; %% is a '%' */
			s[o++] = '%';
	}
	memcpy(s + o, "/vg.%p.xml", 11);
	return s;
}

/* Finds an executable in $PATH, as execvp would, before any fork. */
static int find_in_path(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");
		int n = snprintf(out, outsz, "%.*s/%s", (int)l, l ? path : ".", name);
		if (n > 0 && (size_t)n < outsz && access(out, X_OK) == 0)
			return 0;
		path += l + (path[l] == ':');
	}
	return -1;
}

/* ---- the command line ---- */

static void fill_wrap(struct valgrind *vg)
{
	/* Leak kinds: what a server can fix.  "still reachable" is memory a
	 * server may keep until exit by design, so it is not reported. */
	static const char *const opts[] = {
		"--tool=memcheck", "--leak-check=full",
		"--show-leak-kinds=definite,indirect,possible",
		"--errors-for-leak-kinds=definite,indirect,possible", "--track-fds=no", "--xml=yes",
		"--trace-children=yes", "--trace-children-skip=*/sh,*/bash,*/dash",
		"--vgdb=yes"};
	_Static_assert(sizeof opts / sizeof opts[0] + 3 <= SPAWN_WRAP_ARGV_MAX,
		       "Valgrind's argv fits a spawn_wrap");
	size_t k = 0;
	vg->wrap.argv[k++] = vg->path;
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		vg->wrap.argv[k++] = opts[i];
	vg->wrap.argv[k++] = vg->xml_arg;
	vg->wrap.argv[k++] = vg->vgdb_arg;
	vg->wrap.argv[k] = NULL;
	vg->wrap.ready_ms = VALGRIND_READY_MS;
	vg->wrap.stop_ms = VALGRIND_STOP_MS;
	/* Valgrind (3.19) can lose a signal that arrives just as a blocking
	 * syscall returns, e.g. the accept() of the readiness probe: repeat
	 * it.  It also rescues a server whose handler races its own
	 * check-then-block loop, which Valgrind's signal timing makes likely.
	 * Repeats during the leak check are harmless: Valgrind no longer
	 * delivers them then. */
	vg->wrap.term_repeat_ms = VALGRIND_TERM_REPEAT_MS;
}

static int prepare_dir(struct valgrind *vg, const char *dir, char *err, size_t errsz)
{
	if (!dir) {
		const char *tmp = getenv("TMPDIR");
		if (!tmp || !tmp[0] || strlen(tmp) > sizeof vg->dir - 32)
			tmp = "/tmp";
		snprintf(vg->dir, sizeof vg->dir, "%s/ircspec-vg.XXXXXX", tmp);
		if (!mkdtemp(vg->dir)) {
			snprintf(err, errsz, "cannot make a temporary directory for Valgrind: %s",
				 strerror(errno));
			return -1;
		}
		vg->made = true;
		return 0;
	}
	if (!dir[0] || strlen(dir) >= sizeof vg->dir) {
		snprintf(err, errsz, "--valgrind: bad directory for its XML");
		return -1;
	}
	memcpy(vg->dir, dir, strlen(dir) + 1);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	remove_vg_files(dir);
	return 0;
}

struct valgrind *valgrind_open(const char *dir, char *err, size_t errsz)
{
	struct valgrind *vg = calloc(1, sizeof *vg);
	if (!vg) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (find_in_path("valgrind", vg->path, sizeof vg->path) < 0) {
		snprintf(err, errsz, "--valgrind: valgrind is not in PATH (Debian: apt-get install "
				     "valgrind)");
		free(vg);
		return NULL;
	}
	if (prepare_dir(vg, dir, err, errsz) < 0) {
		free(vg);
		return NULL;
	}
	/* vgdb ships with valgrind; the FIFOs go in our directory, so no other
	 * Valgrind on the machine answers in its place. */
	snprintf(vg->vgdb, sizeof vg->vgdb, "%.*svgdb", (int)(strrchr(vg->path, '/') + 1 - vg->path),
		 vg->path);
	snprintf(vg->vgdb_prefix, sizeof vg->vgdb_prefix, "%s/vgdb", vg->dir);
	size_t pl = strlen(vg->vgdb_prefix) + 16;
	if ((vg->vgdb_arg = malloc(pl)))
		snprintf(vg->vgdb_arg, pl, "--vgdb-prefix=%s", vg->vgdb_prefix);
	if (!vg->vgdb_arg || !(vg->xml_arg = file_arg(vg->dir))) {
		snprintf(err, errsz, "out of memory");
		valgrind_close(vg);
		return NULL;
	}
	fill_wrap(vg);
	return vg;
}

const char *valgrind_vgdb_path(const struct valgrind *vg)
{
	return vg->vgdb;
}

const char *valgrind_vgdb_prefix(const struct valgrind *vg)
{
	return vg->vgdb_prefix;
}

const struct spawn_wrap *valgrind_wrap(const struct valgrind *vg)
{
	return &vg->wrap;
}

/* ---- reading the findings ---- */

/* Appends to a message already in err (separated by "; "). */
static void err_add(char *err, size_t errsz, const char *what, const char *detail)
{
	size_t used = strnlen(err, errsz);
	if (used + 3 < errsz)
		snprintf(err + used, errsz - used, "%s%s%s", used ? "; " : "", what, detail);
}

/* The harness stops a server with SIGTERM; Valgrind reports it as a fatal
 * signal when the server does not catch it: that one is not a finding. */
static bool is_stop_sigterm(const struct vg_finding *f)
{
	return strcmp(f->kind, "FatalSignal") == 0 && strncmp(f->what, "SIGTERM ", 8) == 0;
}

static int read_one(const char *dir, long pid, struct run_result *r, char *err, size_t errsz)
{
	char path[DIR_MAX + 32], why[512];
	struct vg_finding *v = NULL;
	size_t n = 0;
	snprintf(path, sizeof path, "%s/vg.%ld.xml", dir, pid);
	int rc = vgxml_parse_file(path, &v, &n, why, sizeof why);
	if (rc < 0)
		err_add(err, errsz, "Valgrind XML unreadable: ", why);
	for (size_t i = 0; i < n; i++) {
		struct vg_finding *nv = is_stop_sigterm(&v[i]) ? NULL
				      : realloc(r->vg, (r->nvg + 1) * sizeof *nv);
		if (nv) {
			r->vg = nv;
			r->vg[r->nvg++] = v[i];
			v[i].kind = v[i].what = v[i].stack = NULL; /* moved */
		}
	}
	vgxml_free_findings(v, n);
	return rc;
}

int valgrind_collect(struct valgrind *vg, const long *pids, size_t npids,
		     struct run_result *r, char *err, size_t errsz)
{
	long *found = calloc(VALGRIND_MAX_FILES, sizeof *found);
	size_t nfound = 0, before = r->nvg;
	int rc = 0;
	if (!found || list_vg_files(vg->dir, found, VALGRIND_MAX_FILES, &nfound) < 0) {
		err_add(err, errsz, "cannot read Valgrind's directory ", vg->dir);
		r->vg_failed = true;
		free(found);
		return -1;
	}
	for (size_t i = 0; i < nfound; i++)
		if (read_one(vg->dir, found[i], r, err, errsz) < 0)
			rc = -1;
	for (size_t i = 0; i < npids; i++) {
		if (!bsearch(&pids[i], found, nfound, sizeof *found, cmp_long)) {
			char msg[DIR_MAX + 64];
			snprintf(msg, sizeof msg, "%ld in %s", pids[i], vg->dir);
			err_add(err, errsz, "Valgrind wrote no XML for server pid ", msg);
			rc = -1;
		}
	}
	if (rc < 0 || r->nvg > before)
		r->vg_failed = true;
	free(found);
	return rc;
}

void valgrind_close(struct valgrind *vg)
{
	if (!vg)
		return;
	if (vg->made) { /* the findings are in the reports: the files need not outlive us */
		remove_vg_files(vg->dir);
		rmdir(vg->dir);
	}
	free(vg->xml_arg);
	free(vg->vgdb_arg);
	free(vg);
}
