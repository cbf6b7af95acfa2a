/* coverage.h - which commands the cases send and which replies they check,
 * as a Markdown table (ircspec --coverage > cases/COVERAGE.md), so gaps in
 * the corpus show. */
#ifndef IRCSPEC_COVERAGE_H
#define IRCSPEC_COVERAGE_H

#include <stddef.h>
#include <stdio.h>

#include "case.h"

void coverage_write(FILE *out, const struct casefile *const *cases, size_t n);

#endif
