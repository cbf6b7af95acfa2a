"""A step of the wall clock (NTP, `date -s`) must neither fire nor stall
PING timeouts: refircd times them on CLOCK_MONOTONIC.  bin/clockstep.so
(LD_PRELOAD) steps refircd's wall clock - time(), gettimeofday(),
CLOCK_REALTIME - by the seconds written to a file, leaving the machine's
clock and CLOCK_MONOTONIC alone.  Waiting on the clock is the behaviour
under test, so these tests wait, with bounds; the plain build is used since
ASan wants to be the first library loaded."""

import time

import pytest

from irc import BIN, uniq


@pytest.fixture
def stepped(spawn_server, tmp_path, monkeypatch):
    """start(**kw) -> a refircd whose wall clock is stepped by step(secs)."""
    lib = BIN / "clockstep.so"
    if not lib.exists():
        pytest.fail(f"{lib} is missing: run `make all` first")
    offset = tmp_path / "clock-offset"
    offset.write_text("0")
    monkeypatch.setenv("LD_PRELOAD", str(lib))
    monkeypatch.setenv("CLOCKSTEP_FILE", str(offset))

    def step(secs):
        offset.write_text(str(secs))

    def start(**kw):
        return spawn_server("refircd", **kw)

    return start, step


def test_wall_clock_stepped_back_still_pings_out(stepped, connect):
    start, step = stepped
    srv = start(ping_interval=1, ping_timeout=1)
    silent = connect(srv, auto_pong=False)
    silent.register(uniq("cb"))
    step(-86400)  # a day back: by the wall clock, nobody is idle for a day
    began = time.monotonic()
    got = []
    while not silent.eof:
        assert time.monotonic() - began < 20, f"not pinged out 20 s after the step: {got}"
        got += silent.read_for(0.2)
    cmds = [m.command for m in got]
    assert "PING" in cmds and cmds[-1] == "ERROR", [m.raw for m in got]
    assert "ping timeout" in got[-1].params[-1].lower(), got[-1].raw


def test_wall_clock_stepped_forward_drops_nobody(stepped, connect):
    start, step = stepped
    srv = start(ping_interval=30, ping_timeout=30)
    quiet = connect(srv, auto_pong=False)
    quiet.register(uniq("cf"))
    quiet.sync()
    step(86400)  # a day ahead: by the wall clock, everyone is idle a day
    # The timer runs once a second; three seconds hold at least two runs.
    got = quiet.read_for(3.0)
    assert got == [] and not quiet.eof, [m.raw for m in got]
    quiet.send("TIME")
    m = quiet.expect(391)  # what users see does follow the wall clock
    t = time.time() + 86400
    days = {time.strftime("%B %d %Y", time.localtime(t + d)) for d in (-120, 0, 120)}
    assert any(d in m.params[-1] for d in days), (m.raw, days)
    quiet.sync()
