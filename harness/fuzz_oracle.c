/* fuzz_oracle.c - the fuzzer's oracles over what one session left behind:
 * its transcript (protocol-breaking lines, the response state) and the
 * server's output (sanitizer reports, how it died). */
#include "fuzz_oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "wirecheck.h"

const char *fz_fault_name(enum fz_fault f)
{
	static const char *const names[FZ_FAULTS] = {"none", "crash", "sanitizer", "hang",
						     "protocol"};
	return f < FZ_FAULTS ? names[f] : "?";
}

static void word_after(const char *p, char *out, size_t outsz)
{
	size_t n = 0;
	while (*p == ' ')
		p++;
	while (p[n] && p[n] != ' ' && p[n] != '\n' && p[n] != '(' && n + 1 < outsz)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

bool fz_sanitizer_report(const char *text, char *sig, size_t sigsz)
{
	const char *p;
	if (strstr(text, "ERROR: LeakSanitizer") ||
	    ((p = strstr(text, "SUMMARY: AddressSanitizer: ")) && strstr(p, " leaked in "))) {
		snprintf(sig, sigsz, "leak");
		return true;
	}
	if ((p = strstr(text, "ERROR: AddressSanitizer:")) ||
	    (p = strstr(text, "ERROR: MemorySanitizer:")) ||
	    (p = strstr(text, "ERROR: ThreadSanitizer:")) ||
	    (p = strstr(text, "WARNING: ThreadSanitizer:"))) {
		word_after(strchr(p, ':') + 1, sig, sigsz);
		p = strchr(p, ':') + 1;
		p = strchr(p, ':');
		if (p && sig[0] == '\0')
			word_after(p + 1, sig, sigsz);
		return true;
	}
	if ((p = strstr(text, "SUMMARY: AddressSanitizer: ")) ||
	    (p = strstr(text, "SUMMARY: MemorySanitizer: "))) {
		word_after(strchr(p + 9, ':') + 1, sig, sigsz);
		return true;
	}
	if ((p = strstr(text, ": runtime error: "))) {
		char w[48];
		word_after(p + 17, w, sizeof w);
		snprintf(sig, sigsz, "runtime-error:%s", w);
		return true;
	}
	if (strstr(text, "AddressSanitizer") || strstr(text, "UndefinedBehaviorSanitizer") ||
	    strstr(text, "Shadow byte legend")) {
		snprintf(sig, sigsz, "sanitizer");
		return true;
	}
	return false;
}

void fz_classify_death(const char *why, struct fz_verdict *v)
{
	char san[64];
	v->fault = FZ_CRASH;
	snprintf(v->detail, sizeof v->detail, "the server died: %s", why[0] ? why : "(no status)");
	if (fz_sanitizer_report(why, san, sizeof san)) {
		v->fault = FZ_SANITIZER;
		snprintf(v->sig, sizeof v->sig, "%s", san);
		return;
	}
	const char *s = strstr(why, "signal ");
	const char *paren = s ? strchr(s, '(') : NULL;
	if (paren) {
		word_after(paren + 1, v->sig, sizeof v->sig);
		char *close = strchr(v->sig, ')');
		if (close)
			*close = '\0';
	} else if ((s = strstr(why, "exited with status "))) {
		snprintf(v->sig, sizeof v->sig, "exit-%ld", strtol(s + 19, NULL, 10));
	} else {
		snprintf(v->sig, sizeof v->sig, "death");
	}
}

/* The byte length of an escaped transcript text (with a cut note's count). */
static size_t raw_length(const char *d, bool *nul, bool *cr)
{
	size_t n = 0;
	for (const char *p = d; *p;) {
		if (p[0] == '.' && strncmp(p, "... [", 5) == 0 && strstr(p, " more bytes]")) {
			n += strtoul(p + 5, NULL, 10);
			break;
		}
		if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3]) {
			*nul |= p[2] == '0' && p[3] == '0';
			p += 4;
		} else if (p[0] == '\\' && p[1]) {
			*cr |= p[1] == 'r';
			p += 2;
		} else {
			p++;
		}
		n++;
	}
	return n;
}

bool fz_check_protocol(const struct transcript *tr, struct fz_verdict *v)
{
	for (size_t i = 0; i < tr->n; i++) {
		const struct tentry *e = &tr->e[i];
		if (e->dir == T_EVENT && strstr(e->data, WIRE_LF_INSIDE)) {
			/* the session saw the line end; the transcript has no CRs */
			v->fault = FZ_PROTOCOL;
			snprintf(v->sig, sizeof v->sig, "lf-inside-line");
			snprintf(v->detail, sizeof v->detail, "client %s got %s", e->client,
				 WIRE_LF_INSIDE);
			return true;
		}
		if (e->dir != T_RECV)
			continue;
		bool nul = false, cr = false;
		size_t n = raw_length(e->data, &nul, &cr);
		const char *what = n + 2 > 512 ? "line-over-512" : nul ? "nul-in-line"
				 : cr ? "bare-cr-in-line" : NULL;
		if (what) {
			v->fault = FZ_PROTOCOL;
			snprintf(v->sig, sizeof v->sig, "%s", what);
			snprintf(v->detail, sizeof v->detail,
				 "client %s got a line that breaks RFC 2812 2.3 (%s, %zu bytes "
				 "with CR LF): %.600s", e->client, what, n + 2, e->data);
			return true;
		}
	}
	return false;
}

/* The command at p (escaped transcript text) is DIE or RESTART. */
static bool shutdown_at(const char *p)
{
	while (*p == ' ')
		p++;
	size_t n = strncasecmp(p, "DIE", 3) == 0 ? 3 : strncasecmp(p, "RESTART", 7) == 0 ? 7 : 0;
	return n && (p[n] == '\0' || p[n] == ' ' || p[n] == '\\');
}

bool fz_sent_shutdown(const struct transcript *tr)
{
	/* Each client's sends joined (a step may cut a line anywhere), then
	 * every line start looked at; escaped "\n" ends a line. */
	for (char who = 'a'; who < 'a' + FZ_CLIENTS; who++) {
		size_t len = 0, cap = 0;
		char *all = NULL;
		for (size_t i = 0; i < tr->n; i++) {
			const struct tentry *e = &tr->e[i];
			if (e->dir != T_SEND || e->client[0] != who || e->client[1])
				continue;
			size_t n = strlen(e->data);
			if (len + n + 1 > cap) {
				size_t want = (len + n + 1) * 2;
				char *p = want <= (1u << 20) ? realloc(all, want) : NULL;
				if (!p)
					break;
				all = p;
				cap = want;
			}
			memcpy(all + len, e->data, n + 1);
			len += n;
		}
		bool found = false;
		for (const char *p = all; p && !found;) {
			found = shutdown_at(p);
			p = strstr(p, "\\n");
			p = p ? p + 2 : NULL;
		}
		free(all);
		if (found)
			return true;
	}
	return false;
}

static uint32_t command_hash(const char *d, bool *numeric)
{
	const char *p = d;
	if (*p == '@')
		while (*p && *p != ' ')
			p++;
	while (*p == ' ')
		p++;
	if (*p == ':') {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	size_t n = 0;
	while (p[n] && p[n] != ' ' && n < 32)
		n++;
	*numeric = n == 3 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
		   p[2] >= '0' && p[2] <= '9';
	return (uint32_t)fz_hash(p, n, FZ_HASH_INIT);
}

static void bump(uint8_t *map, uint32_t slot)
{
	if (map[slot % FZ_STATE_MAP] < 255)
		map[slot % FZ_STATE_MAP]++;
}

/* Where client k's counted lines end: the index after its pongs-th sync
 * PONG, or 0 when it never got there. */
static size_t counted_until(const struct transcript *tr, unsigned k, unsigned pongs)
{
	unsigned seen = 0;
	for (size_t i = 0; i < tr->n && pongs; i++) {
		const struct tentry *e = &tr->e[i];
		if (e->dir == T_RECV && (unsigned)(e->client[0] - 'a') == k && !e->client[1] &&
		    strstr(e->data, " PONG ") && strstr(e->data, "ircspec-sync-") && ++seen == pongs)
			return i + 1;
	}
	return 0;
}

void fz_state_trace(const struct transcript *tr, const unsigned *pongs, uint8_t *map)
{
	size_t until[FZ_CLIENTS];
	for (unsigned k = 0; k < FZ_CLIENTS; k++) {
		until[k] = pongs ? counted_until(tr, k, pongs[k]) : tr->n;
		if (pongs && pongs[k] && !until[k])
			bump(map, 0x5eed0u + k); /* cut short */
	}
	/* Per client: how often each reply command came (order-free: relays
	 * from other clients interleave by timing), and the sequence of its
	 * numerics, the replies to its own commands, which a server sends in
	 * the order of the commands (AFLNet's state sequence). */
	struct { char name[32]; uint32_t prev; bool in_burst; } cl[8];
	unsigned ncl = 0;
	for (size_t i = 0; i < tr->n; i++) {
		const struct tentry *e = &tr->e[i];
		unsigned ck = (unsigned)(e->client[0] - 'a');
		if (e->dir == T_SEND || ck >= FZ_CLIENTS || e->client[1] || i >= until[ck])
			continue;
		unsigned k = 0;
		while (k < ncl && strcmp(cl[k].name, e->client) != 0)
			k++;
		if (k == ncl) {
			if (ncl == 8)
				continue;
			snprintf(cl[k].name, sizeof cl[k].name, "%s", e->client);
			cl[k].prev = 0;
			cl[k].in_burst = false;
			ncl++;
		}
		bool numeric = false;
		/* The registration burst (001 .. 376/422) says how many clients
		 * the server has (LUSERS): other sessions' business. */
		if (e->dir == T_RECV) {
			char cmd[4] = "";
			const char *sp = strchr(e->data, ' ');
			if (e->data[0] == ':' && sp)
				snprintf(cmd, sizeof cmd, "%.3s", sp + 1);
			if (strcmp(cmd, "001") == 0)
				cl[k].in_burst = true;
			if (cl[k].in_burst) {
				cl[k].in_burst = strcmp(cmd, "376") != 0 && strcmp(cmd, "422") != 0;
				if (cl[k].in_burst || strcmp(cmd, "422") == 0)
					continue;
			}
		}
		/* An event (connection closed, RST) is a state too: its first words. */
		uint32_t h = e->dir == T_RECV ? command_hash(e->data, &numeric)
			   : (uint32_t)fz_hash(e->data, strnlen(e->data, 24), 7);
		bump(map, h * 7u + ck);
		if (!numeric)
			continue;
		bump(map, cl[k].prev * 31u ^ h);
		cl[k].prev = h;
	}
}

static uint8_t bucket(uint8_t c)
{
	return c == 0 ? 0 : c == 1 ? 1 : c == 2 ? 2 : c == 3 ? 4 : c < 8 ? 8 : c < 16 ? 16
	     : c < 32 ? 32 : c < 128 ? 64 : 128;
}

unsigned fz_map_novel(uint8_t *virgin, const uint8_t *trace, size_t n)
{
	unsigned fresh = 0;
	for (size_t i = 0; i < n; i++) {
		/* A session touches a few hundred of the 65,536 bytes: skip
		 * the empty ones a word at a time (it was 4 % of a session's
		 * CPU, byte by byte). */
		uint64_t w;
		while (i % sizeof w == 0 && i + sizeof w <= n &&
		       (memcpy(&w, trace + i, sizeof w), w == 0))
			i += sizeof w;
		if (i >= n)
			break;
		if (!trace[i])
			continue;
		uint8_t b = bucket(trace[i]);
		if (!(virgin[i] & b)) {
			virgin[i] |= b;
			fresh++;
		}
	}
	return fresh;
}
