/* runner.h - runs one case against the target and gives its verdict. */
#ifndef IRCSPEC_RUNNER_H
#define IRCSPEC_RUNNER_H

#include "case.h"
#include "result.h"
#include "runenv.h"

void runner_run_case(struct run_env *env, const struct casefile *c, struct case_result *out);

#endif
