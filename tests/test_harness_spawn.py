"""--spawn: ircspec starts the server (tests/fakeserver.py, which appends
"PID PORT" to an --announce file before it listens), runs the cases, and
stops it at the end, on Ctrl-C and on error paths.  A server that dies
during a case makes that case a crash with its signal and its last stderr
lines; it is restarted and the later cases pass."""

import os
import select
import signal
import threading
import time

import pytest

from fakeserver import FakeServer
from harness_run import (FIXTURE, FIXTURE_IDS, check_sanitizers, crash_cases, finish, ircspec,
                         pid_gone, start)


def announced(path):
    """PIDs of every server started with --announce path."""
    if not path.exists():
        return []
    return [int(line.split()[0]) for line in path.read_text().splitlines()]


def test_spawn_starts_and_stops_the_server(tmp_path):
    ann = tmp_path / "pids"
    cmd = FakeServer.command(announce=ann)
    run = ircspec(tmp_path, "--spawn", cmd, "--timeout", "500", FIXTURE)
    assert run.rc == 0, run
    assert run.red() == [], run
    assert run.report["target"]["spawn"] == cmd, run
    assert run.report["target"]["server_name"] == "fake.test", run
    pids = announced(ann)
    assert len(pids) == 1, pids
    assert all(pid_gone(p) for p in pids), f"server left running: {pids}"


def test_spawned_server_crashing_mid_run(tmp_path):
    """One case at a time, and the trigger case pauses after the fatal
    line, so the server is dead (not merely dying) when any case ends: see
    the xfail below for what happens otherwise."""
    ann = tmp_path / "pids"
    cmd = FakeServer.command(crash_on="PRIVMSG crash", announce=ann)
    run = ircspec(tmp_path, "--spawn", cmd, "-j", "1", "--timeout", "500", "--deadline", "20",
                  crash_cases(tmp_path, 300), FIXTURE)
    assert run.rc == 1, run
    want = dict.fromkeys(FIXTURE_IDS, "pass")
    want["fx-crash-trigger"] = "crash"
    assert run.status() == want, run
    msg = run.case("fx-crash-trigger")["message"]
    assert msg.startswith("the server died during this case: killed by signal 11 (SIGSEGV)"), msg
    assert "fakeserver: crashing on purpose (SIGSEGV) at 'PRIVMSG crash :now'" in msg, msg
    assert "[CRASH] fx-crash-trigger" in run.out, run
    assert run.report["summary"]["crashed"] == 1, run
    pids = announced(ann)
    assert len(pids) >= 2, f"the server was not restarted: {pids}\n{run}"
    assert all(pid_gone(p) for p in pids), f"server left running: {pids}"


def test_spawned_server_crashing_without_pause(tmp_path):
    run = ircspec(tmp_path, "--spawn", FakeServer.command(crash_on="PRIVMSG crash"),
                  "-j", "8", "--timeout", "500", crash_cases(tmp_path, 0), FIXTURE)
    want = dict.fromkeys(FIXTURE_IDS, "pass")
    want["fx-crash-trigger"] = "crash"
    assert run.status() == want, run


def interrupt(tmp_path, signals, bug="silent", start_delay=None, wait_for=b"pre-flight"):
    """Starts ircspec on a --spawn'd fake server, waits for `wait_for` on
    its stderr, sends `signals`; returns (run, server pids)."""
    ann = tmp_path / "pids"
    cmd = FakeServer.command(bug, announce=ann, start_delay=start_delay)
    t0 = time.monotonic()
    proc = start("--spawn", cmd, "--timeout", "300", "--json", tmp_path / "r.json", FIXTURE)
    seen, ready = bytearray(), threading.Event()

    def watch():  # what the Ctrl-C waits for; the rest is left to finish()
        while not ready.is_set():
            line = proc.stderr.readline()
            seen.extend(line)
            if not line or wait_for in line:
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    assert ready.wait(15), f"ircspec never printed {wait_for!r}: {bytes(seen)!r}"
    assert wait_for in seen, bytes(seen)
    for sig in signals:
        proc.send_signal(sig)
    run = finish(proc, t0, 60, tmp_path / "r.json")  # a hang guard only
    check_sanitizers(bytes(seen).decode(errors="replace"))
    pids = announced(ann)
    return run, pids


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_stops_the_server(tmp_path, sig):
    """One Ctrl-C: every wait ends now, cases not started are 'not run:
    interrupted', reports are written, the server is stopped."""
    run, pids = interrupt(tmp_path, [sig])
    assert run.rc == 1, run
    assert len(pids) == 1 and pid_gone(pids[0]), f"server left running: {pids}"
    statuses = set(run.status().values())
    assert statuses <= {"fail", "error"}, run
    assert any(c["message"] == "not run: interrupted" for c in run.report["cases"]), run


def kill_leftovers(pids):
    for pid in pids:
        if not pid_gone(pid):
            os.kill(pid, signal.SIGKILL)


def test_interrupt_while_the_server_starts(tmp_path):
    # The server announces itself through a FIFO before listen(): once the
    # pid is read, ircspec is in its readiness wait.
    ann = tmp_path / "pids.fifo"
    os.mkfifo(ann)
    fd = os.open(ann, os.O_RDONLY | os.O_NONBLOCK)  # no writer yet: no EOF either
    t0 = time.monotonic()
    proc = start("--spawn", FakeServer.command(announce=ann, start_delay=30), FIXTURE)
    pids = []
    try:
        ready, _, _ = select.select([fd], [], [], 10)
        assert ready, "the spawned server never announced itself"
        pids = [int(os.read(fd, 100).split()[0])]
        proc.send_signal(signal.SIGINT)
        run = finish(proc, t0, 60)  # a hang guard; the server would start at 30 s
    finally:
        os.close(fd)
        if proc.poll() is None:
            proc.kill()
        kill_leftovers(pids)
    # Stopped by the signal, not by the server's readiness timeout (20 s).
    assert run.rc == 130, run
    assert "interrupted while the server was starting" in run.err, run
    assert pid_gone(pids[0]), "server left running"


def test_deadline_while_the_server_starts(tmp_path):
    ann = tmp_path / "pids"
    cmd = FakeServer.command(announce=ann, start_delay=30)
    try:
        run = ircspec(tmp_path, "--spawn", cmd, "--deadline", "1", FIXTURE, timeout=60)
    finally:
        kill_leftovers(announced(ann))
    # Ended by the deadline, not by the server's readiness timeout (20 s).
    assert run.rc == 2, run
    assert "--deadline passed while the server was starting" in run.err, run


def test_server_that_never_starts(tmp_path):
    """A command that exits at once: exit 2, its output in the message."""
    run = ircspec(tmp_path, "--spawn", "sh -c 'echo no such server; exit 3'", FIXTURE)
    assert run.rc == 2, run
    assert "exited with status 3 before accepting connections" in run.err, run
    assert "no such server" in run.err, run


def test_server_that_never_starts_is_named_by_its_port(tmp_path):
    run = ircspec(tmp_path, "--spawn", "sh -c 'exit 3'", FIXTURE)
    assert run.rc == 2, run
    assert "target 127.0.0.1:6667 " not in run.err, run
