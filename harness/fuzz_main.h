/* fuzz_main.h - `ircspec fuzz`: the entry point main.c hands argv to. */
#ifndef IRCSPEC_FUZZ_MAIN_H
#define IRCSPEC_FUZZ_MAIN_H

/* argv[0] is "fuzz".  Exit code: 0 nothing found, 1 findings, 2 usage or
 * no usable server. */
int fuzz_main(int argc, char **argv);

#endif
