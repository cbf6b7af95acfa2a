/* fuzz_session.c - libFuzzer target: several clients on one server.
 *
 * Multi-client state is where a server keeps pointers to other clients:
 * channel memberships, modes, kicks, invites, nick changes, quits, abrupt
 * drops in the middle of all that, and send-queue overflow.  The input is a
 * script of records, each handed to one fake client of a fresh server.
 *
 * Input: records separated by a 0xFF byte (0xFF 0xFF is a literal 0xFF in
 * the data).  Each record is one header byte, then data bytes.
 *   header bits 0-2  slot 0-7.  Slots 0-3 start registered: alice (also an
 *                    IRC operator), bob, carol, dave; slots 4-7 start empty.
 *                    An empty slot connects (unregistered) on its record,
 *                    so registration and nick reuse are explored too
 *          bit 3     after the data the peer vanishes (srv_client_eof, as
 *                    on EOF or RST)
 *          bit 4     before the data the clock advances 20 s and srv_tick
 *                    runs: PING on the 2nd tick, ping timeout on the 3rd
 *          bit 5     this client stops reading (or resumes): its send
 *                    queue, capped at 16 KiB here, fills while others talk
 *                    and it is dropped with "SendQ exceeded"
 *          bit 6     with bit 3: the I/O layer frees the client outright
 *                    (srv_client_free) instead of reporting EOF
 *          bit 7     the data arrives one byte per call
 *   data: bytes as that client sends them (lines may span records).
 *
 * The four registrations are done once and the resulting server copied for
 * each input (snapshot.c): replayed, they would cost more than the input.
 *
 * Bounded work: input size (FUZZ_SESSION_MAX_INPUT, and -max_len in the
 * .options file), at most MAX_RECORDS records and MAX_TICKS clock ticks. */
#include <stdint.h>
#include <string.h>

#include "fakesrv.h"
#include "snapshot.h"

#define FUZZ_SESSION_MAX_INPUT 8192
#define MAX_RECORDS 512
#define MAX_TICKS 32
/* With FZ_PING_INTERVAL 30 and FZ_PING_TIMEOUT 10: a client silent for two
 * ticks is PINGed, for three it is dropped; unregistered, it is dropped on
 * the fourth (REGISTRATION_TIMEOUT 60). */
#define TICK_SECONDS 20

static struct fz z;

/* Built once through the real seam, copied for each input (snapshot.c). */
static const struct fz_snapshot *start_state(void)
{
	static struct fz template;
	static struct fz_snapshot snap;
	if (!snap.z) {
		fz_begin(&template, false);
		fz_register(&template, 0, "alice", true);
		fz_register(&template, 1, "bob", false);
		fz_register(&template, 2, "carol", false);
		fz_register(&template, 3, "dave", false);
		fz_snapshot_take(&snap, &template);
	}
	return &snap;
}

static void run_record(uint8_t h, const char *data, size_t n, unsigned *ticks)
{
	int i = h & 7;
	if ((h & 0x10) && *ticks < MAX_TICKS) {
		(*ticks)++;
		fz_tick(&z, TICK_SECONDS);
	}
	if (!z.slot[i].c)
		fz_connect(&z, i);
	if (h & 0x20)
		z.slot[i].stalled = !z.slot[i].stalled;
	if (h & 0x80) {
		for (size_t k = 0; k < n && z.slot[i].c; k++)
			fz_feed(&z, i, data + k, 1);
	} else if (n > 0) {
		fz_feed(&z, i, data, n);
	}
	if (h & 0x08)
		fz_drop(&z, i, (h & 0x40) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char rec[FUZZ_SESSION_MAX_INPUT];
	if (size < 1 || size > FUZZ_SESSION_MAX_INPUT)
		return -1;
	fz_snapshot_restore(&z, start_state());

	const uint8_t *in = data;
	size_t left = size, n;
	unsigned records = 0, ticks = 0;
	while (records < MAX_RECORDS && fz_next_piece(&in, &left, rec, sizeof rec, &n)) {
		records++;
		if (n == 0)
			continue; /* no header: an empty record */
		run_record((uint8_t)rec[0], rec + 1, n - 1, &ticks);
	}
	fz_end(&z);
	return 0;
}
