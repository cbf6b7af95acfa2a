/* util.c - small string helpers shared by the handlers. */
#include <string.h>

#include "proto.h"

void str_copy(char *dst, size_t n, const char *src)
{
	if (n == 0)
		return;
	size_t len = strnlen(src, n - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

char *list_next(char **list)
{
	char *p = *list;
	while (p && *p == ',')
		p++; /* empty items ("a,,b") are skipped, as servers do */
	if (!p || !*p) {
		*list = NULL;
		return NULL;
	}
	char *comma = strchr(p, ',');
	if (comma) {
		*comma = '\0';
		*list = comma + 1;
	} else {
		*list = NULL;
	}
	return p;
}

char *list_next_item(char **list)
{
	char *p = *list;
	if (!p)
		return NULL;
	char *comma = strchr(p, ',');
	if (comma) {
		*comma = '\0';
		*list = comma + 1;
	} else {
		*list = NULL;
	}
	return p;
}

bool chan_is_name(const char *name)
{
	/* RFC 2812 1.3; we create only '#' and '&' channels (ISUPPORT CHANTYPES). */
	return name[0] == '#' || name[0] == '&';
}
