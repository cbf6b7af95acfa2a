"""A client that stops reading, in a channel someone floods: the server
keeps serving everyone else (shown with PING/PONG round trips while the
flood goes on) and drops the stopped reader once its send queue passes
its cap (limits.h SENDQ_MAX, 1 MiB) with "SendQ exceeded"; its peers see
the QUIT."""

import time

from irc import RAW_SPEED, uniq, uniq_chan

# The flooder must outrun the stopped reader: no pacing (test_flood.py has
# the paced case).
SERVER_EXTRA = RAW_SPEED

SENDQ_MAX = 1024 * 1024
LINE_TEXT = "f" * 420
FLOOD_LIMIT = 64 * 1024 * 1024  # give up (and fail) after this much
BATCH = 200


def test_stopped_reader_dropped_others_served(user, connect):
    flooder, third = user("fl"), user("th")
    stopped = connect(rcvbuf=4096)  # small window: the server's queue grows fast
    stopped.register(uniq("st"))
    name = uniq_chan()
    for cl in (flooder, third, stopped):
        cl.join(name)
    flooder.sync()
    third.sync()
    gone = stopped.nick
    # From here on `stopped` never reads again.

    sent = 0
    quit_msg = None
    round_trips = 0
    started = time.monotonic()
    while quit_msg is None:
        assert sent < FLOOD_LIMIT, f"{sent} bytes flooded and {gone} is still connected"
        assert time.monotonic() - started < 60, "the flood took over a minute"
        for _ in range(BATCH):
            flooder.send(f"PRIVMSG {name} :{LINE_TEXT}")
        sent += BATCH * (len(LINE_TEXT) + 50)
        # Both keep being served while the stopped reader backs up.
        got = flooder.sync(timeout=20)
        round_trips += 1
        for m in got:
            if m.command == "QUIT" and m.nick == gone:
                quit_msg = m
        got = third.sync(timeout=20)
        n_flood = sum(1 for m in got if m.command == "PRIVMSG" and m.nick == flooder.nick)
        # flooder's PONG came after its batch was relayed, third's PING
        # after that: so the whole batch is in before third's PONG.
        assert n_flood == BATCH, f"third got {n_flood} of {BATCH} in round {round_trips}"
        for m in got:
            if m.command == "QUIT" and m.nick == gone:
                quit_msg = m
    assert "SendQ exceeded" in quit_msg.params[-1], quit_msg.raw
    # It was not dropped early: at least a queue's worth was sent its way.
    assert sent >= SENDQ_MAX, sent
    assert round_trips >= 2, round_trips
    # The channel goes on without it.
    third.send(f"NAMES {name}")
    m = third.expect(353, third.nick)
    assert gone not in [w.lstrip("@+") for w in m.params[3].split()], m.raw
    flooder.send(f"PRIVMSG {name} :after the drop")
    third.expect("PRIVMSG", name, "after the drop")
    # What the stopped reader gets if it reads now: the start of the flood
    # (what the kernel buffers held), then the end of the connection - the
    # server must really close it, not keep the descriptor open.
    stopped.sock.settimeout(10)
    total, tail = 0, b""
    while True:
        try:
            chunk = stopped.sock.recv(1 << 20)
        except ConnectionResetError:
            break
        except TimeoutError:
            raise AssertionError(f"the server never closed {gone}'s connection "
                                 f"({total} bytes read)") from None
        if not chunk:
            break
        total += len(chunk)
        tail = (tail + chunk)[-200:]
    assert total < sent, (total, sent)
    print(f"flooded {sent} bytes in {round_trips} rounds; the stopped reader got {total}, "
          f"ending {tail[-60:]!r}")
