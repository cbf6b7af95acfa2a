/* isupport.c - values of 005 tokens (see isupport.h). */
#include "isupport.h"

#include <string.h>
#include <strings.h>

static const char *copy_out(const char *v, size_t vl, char *out, size_t outsz)
{
	if (vl >= outsz)
		vl = outsz - 1;
	memcpy(out, v, vl);
	out[vl] = '\0';
	return out;
}

static int key_matches(const char *k, size_t kl, const char *key)
{
	size_t want = strlen(key);
	if (want == 1)
		return memchr(k, key[0], kl) != NULL;
	return kl == want && strncasecmp(k, key, kl) == 0;
}

/* KEY's value in the list v[0..vl) ("PRIVMSG:4,NOTICE:4,JOIN:"). */
static const char *list_value(const char *v, size_t vl, const char *key, char *out,
			      size_t outsz)
{
	const char *end = v + vl;
	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *stop = comma ? comma : end;
		const char *colon = memchr(v, ':', (size_t)(stop - v));
		size_t kl = (size_t)((colon ? colon : stop) - v);
		if (kl > 0 && key_matches(v, kl, key))
			return colon ? copy_out(colon + 1, (size_t)(stop - colon - 1), out, outsz)
				     : copy_out("", 0, out, outsz);
		v = comma ? comma + 1 : end;
	}
	return NULL;
}

const char *isupport_value(const char *tokens, const char *token, const char *key, char *out,
			   size_t outsz)
{
	size_t kl = strlen(token);
	for (const char *p = tokens; *p;) {
		const char *end = strchr(p, ' ');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		if (tl >= kl && strncasecmp(p, token, kl) == 0 && (tl == kl || p[kl] == '=')) {
			const char *v = p + kl + (tl == kl ? 0 : 1);
			size_t vl = tl == kl ? 0 : tl - kl - 1;
			return key ? list_value(v, vl, key, out, outsz) : copy_out(v, vl, out, outsz);
		}
		p = end ? end + 1 : p + tl;
	}
	return NULL;
}
