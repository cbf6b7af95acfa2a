/* rfctext.c - the RFC texts, built in with the assembler's .incbin (the
 * paths are the repository root's, where make runs the compiler; the
 * Makefile names them as this object's prerequisites). */
#include "rfctext.h"

#include <string.h>

__asm__(".section .rodata\n"
	".global ircspec_rfc1459\n"
	"ircspec_rfc1459:\n"
	".incbin \"spec/rfc1459.txt\"\n"
	".global ircspec_rfc1459_end\n"
	"ircspec_rfc1459_end:\n"
	".global ircspec_rfc2812\n"
	"ircspec_rfc2812:\n"
	".incbin \"spec/rfc2812.txt\"\n"
	".global ircspec_rfc2812_end\n"
	"ircspec_rfc2812_end:\n"
	".previous\n");

extern const char ircspec_rfc1459[], ircspec_rfc1459_end[];
extern const char ircspec_rfc2812[], ircspec_rfc2812_end[];

struct rfctext rfctext_get(size_t i)
{
	if (i == 0)
		return (struct rfctext){"rfc1459", ircspec_rfc1459,
					(size_t)(ircspec_rfc1459_end - ircspec_rfc1459)};
	return (struct rfctext){"rfc2812", ircspec_rfc2812,
				(size_t)(ircspec_rfc2812_end - ircspec_rfc2812)};
}

int rfctext_known(const char *name, size_t len)
{
	for (size_t i = 0; i < RFCTEXT_COUNT; i++) {
		struct rfctext t = rfctext_get(i);
		if (strlen(t.name) == len && memcmp(t.name, name, len) == 0)
			return 1;
	}
	return 0;
}
