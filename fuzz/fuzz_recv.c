/* fuzz_recv.c - libFuzzer target: one connection's receive path.
 *
 * The bytes go through what a socket's bytes go through in refircd -
 * srv_client_input's framer (frame.c), parser (ircmsg.c), the dispatch
 * table and every handler - on a fresh server per input, with the fake I/O
 * of fakesrv.c checking and discarding the output.
 *
 * Input:  one flags byte, then the bytes the client sends.
 *   flags bits 0-2  each piece is handed in as chunks of chunk_sizes[k]
 *                   bytes (0, 0, 0, 0, 1, 2, 5, 64; 0: the whole piece)
 *         bit 3     the client starts registered (NICK/USER already sent)
 *                   so commands work from the first byte; clear, the input
 *                   explores registration (PASS, NICK, USER, CAP) itself
 *         bit 4     a registered bystander "peer" exists (it never speaks),
 *                   so PRIVMSG/WHOIS/INVITE/KICK/MODE have someone to hit
 *         bit 5     at every piece boundary the clock advances 35 s and
 *                   srv_tick runs: every idle gap is past the PING interval
 *                   (30 s), so the next piece can answer the PING or not; and
 *                   after the last piece two more ticks: PING, then the ping
 *                   timeout (or the registration timeout) drops the client
 *         bit 6     the connection ends with an abrupt EOF mid-state
 *                   instead of being torn down by srv_destroy
 *         bit 7     the variant server: it requires PASS sesame and has a
 *                   MOTD (375/372/376 instead of 422)
 *   rest: the stream, cut into pieces (one recv() each) at every 0xFF byte;
 *         0xFF 0xFF is one literal 0xFF.
 *
 * The starting state (bits 3, 4 and 7) is built once through the real seam
 * and copied for each input (snapshot.c): registration would otherwise cost
 * more than the rest of an average input.
 *
 * Bounded work: at most FUZZ_RECV_MAX_INPUT bytes are looked at (the
 * .options file also sets -max_len), so every input runs in milliseconds. */
#include <stdint.h>
#include <string.h>

#include "fakesrv.h"
#include "snapshot.h"

#define FUZZ_RECV_MAX_INPUT 8192
#define TICK_SECONDS 35 /* > FZ_PING_INTERVAL, < interval + FZ_PING_TIMEOUT */

/* Half the settings hand each piece over whole: every call into the seam
 * costs, and the 0xFF marks already put a split anywhere the fuzzer likes;
 * the others cut pieces evenly, down to one byte per call. */
static const size_t chunk_sizes[8] = {0, 0, 0, 0, 1, 2, 5, 64};

static struct fz z;

/* The starting states, built on first use: index = bit 3 | bit 4 | bit 7. */
static const struct fz_snapshot *start_state(uint8_t flags)
{
	static struct fz templates[8];
	static struct fz_snapshot snaps[8];
	static bool built[8];
	unsigned key = ((flags >> 3) & 3) | ((flags & 0x80) ? 4 : 0);
	if (!built[key]) {
		struct fz *t = &templates[key];
		fz_begin(t, (key & 4) != 0);
		if (key & 2)
			fz_register(t, 1, "peer", false);
		if (key & 1)
			fz_register(t, 0, "fuzzer", false);
		else
			fz_connect(t, 0);
		fz_snapshot_take(&snaps[key], t);
		built[key] = true;
	}
	return &snaps[key];
}

static void feed_piece(const char *p, size_t n, size_t chunk)
{
	if (chunk == 0)
		chunk = n;
	while (n > 0) {
		size_t k = n < chunk ? n : chunk;
		fz_feed(&z, 0, p, k);
		p += k;
		n -= k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char piece[FUZZ_RECV_MAX_INPUT];
	if (size < 1 || size > FUZZ_RECV_MAX_INPUT)
		return -1; /* not worth keeping in the corpus */
	uint8_t flags = data[0];
	const uint8_t *in = data + 1;
	size_t left = size - 1;
	size_t chunk = chunk_sizes[flags & 7];

	fz_snapshot_restore(&z, start_state(flags));

	size_t n;
	bool first = true;
	while (fz_next_piece(&in, &left, piece, sizeof piece, &n)) {
		if ((flags & 0x20) && !first)
			fz_tick(&z, TICK_SECONDS);
		first = false;
		feed_piece(piece, n, chunk);
	}
	if (flags & 0x40)
		fz_drop(&z, 0, false);
	if (flags & 0x20) {
		fz_tick(&z, TICK_SECONDS); /* idle 35 s: PING */
		fz_tick(&z, TICK_SECONDS); /* 70 s, no PONG: "Ping timeout" */
	}
	fz_end(&z);
	return 0;
}
