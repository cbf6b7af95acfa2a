/* fuzz_jobs.h - `ircspec fuzz -j N`: N independent workers, each a
 * process with its own spawned server (own port), seed S+i, every N-th
 * seed case from the i-th, and its own --out DIR/wI; their summaries are
 * merged into DIR/summary.json. */
#ifndef IRCSPEC_FUZZ_JOBS_H
#define IRCSPEC_FUZZ_JOBS_H

#include "fuzz_cli.h"

/* Runs one worker with its options; returns its exit code. */
typedef int fz_worker_fn(struct fz_cli *o);

/* Forks o->jobs workers running one(), waits for them (SIGINT/SIGTERM are
 * passed on), merges.  Exit code: 1 when a worker found something, 2 when
 * every worker failed to run, else 0. */
int fz_jobs_run(struct fz_cli *o, fz_worker_fn *one);

#endif
