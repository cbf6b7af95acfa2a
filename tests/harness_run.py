"""harness_run.py - runs bin/ircspec for the test_harness_*.py tests.

ircspec(workdir, *args) runs bin/ircspec-asan (or another build) to the end
and returns a Run: exit code, stdout, stderr, wall time, ircspec's peak
RSS (VmHWM, sampled every 20 ms while it runs), and the parsed JSON report
(--json is added unless the caller gives one).  Every run fails the
test if ircspec printed an ASan/UBSan/LeakSanitizer report.

fake_server is a pytest factory fixture: fake_server("echo") starts a
tests/fakeserver.py with that bug and stops it after the test."""

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeserver import FakeServer  # noqa: E402
from irc import BIN, REPO, SANITIZER_MARKERS  # noqa: E402

IRCSPEC_ASAN = BIN / "ircspec-asan"
IRCSPEC_PLAIN = BIN / "ircspec"
FIXTURE = REPO / "tests" / "cases_fixture"
FIXTURE_IDS = sorted([
    "fx-close-peer-sees-quit", "fx-join-part", "fx-partial-line-does-not-block",
    "fx-ping-before-register", "fx-ping-pong", "fx-privmsg-channel-no-echo",
    "fx-privmsg-nosuchnick-401", "fx-quit-error-close", "fx-rst-peer-sees-quit",
    "fx-split-bytes-privmsg", "fx-unknown-command-421",
])
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1", NO_COLOR="1")
_seq = itertools.count(1)


class Run:
    def __init__(self, argv, rc, out, err, wall, maxrss_kb, report):
        # maxrss_kb: peak RSS seen (VmHWM); a run shorter than a sample is 0
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.wall, self.maxrss_kb, self.report = wall, maxrss_kb, report

    def status(self):
        """{case id: status} from the JSON report."""
        return {c["id"]: c["status"] for c in self.report["cases"]}

    def case(self, case_id):
        return next(c for c in self.report["cases"] if c["id"] == case_id)

    def red(self):
        """Ids of the cases that did not pass."""
        return sorted(i for i, s in self.status().items() if s != "pass")

    def __str__(self):
        return (f"$ {' '.join(map(str, self.argv))}\nexit {self.rc} after {self.wall:.2f} s\n"
                f"--- stdout\n{self.out[-6000:]}\n--- stderr\n{self.err[-3000:]}")

    __repr__ = __str__


def check_sanitizers(text, what="ircspec"):
    hit = [m for m in SANITIZER_MARKERS if m in text]
    assert not hit, f"{what} printed a sanitizer report:\n{text}"


def start(*args, binary=IRCSPEC_ASAN, env=None):
    """Starts ircspec with pipes; for tests that signal it while it runs."""
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `make all` first")
    argv = [str(binary), *map(str, args)]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env or ENV, cwd=REPO)


def peak_rss_kb(pid, done, peak):
    """Samples VmHWM of pid until done is set.  The kernel's high-water
    mark of the running program's own memory: unlike ru_maxrss, it does not
    include the pytest process the child was forked from (exec keeps the
    larger of the two in ru_maxrss)."""
    while not done.wait(0.02):  # a measurement, not a synchronisation
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass


def finish(proc, t0, timeout, report_path=None):
    """Waits for a start()ed ircspec (killed after timeout); returns a Run."""
    out, err = bytearray(), bytearray()
    readers = [threading.Thread(target=lambda f=f, b=b: b.extend(f.read()), daemon=True)
               for f, b in ((proc.stdout, out), (proc.stderr, err))]
    done, peak = threading.Event(), [0]
    readers.append(threading.Thread(target=peak_rss_kb, args=(proc.pid, done, peak),
                                    daemon=True))
    for r in readers:
        r.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, _ = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
        done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    for r in readers:
        r.join(10)
    report = None
    if report_path and Path(report_path).exists():
        report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    run = Run(proc.args, proc.returncode, out.decode("utf-8", "replace"),
              err.decode("utf-8", "replace"), wall, peak[0], report)
    assert proc.returncode != -9, f"ircspec was still running after {timeout} s\n{run}"
    check_sanitizers(run.err)
    return run


def ircspec(workdir, *args, binary=IRCSPEC_ASAN, report=True, timeout=60, env=None):
    """Runs ircspec to the end; adds --json WORKDIR/rN.json when report."""
    args = list(map(str, args))
    path = None
    if report and "--json" not in args:
        path = Path(workdir) / f"r{next(_seq)}.json"
        args = ["--json", str(path), *args]
    elif "--json" in args:
        path = args[args.index("--json") + 1]
    t0 = time.monotonic()
    return finish(start(*args, binary=binary, env=env), t0, timeout, path)


def refused_port():
    """A socket bound to a port but not listening: connecting to it is
    refused, and nothing else can take the port while it is held."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    return s


def listener():
    """A listening socket nobody accepts on: proves whether anyone connected."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    s.setblocking(False)
    return s


def was_connected(lsock):
    try:
        c, _ = lsock.accept()
    except BlockingIOError:
        return False
    c.close()
    return True


@pytest.fixture
def target():
    """A port nobody accepts on, for runs that must stop at a bad case file
    before connecting: the test fails if ircspec connected anyway."""
    lsock = listener()
    yield lsock
    assert not was_connected(lsock), "ircspec connected although a case file was bad"
    lsock.close()


def check_rejected(tmp_path, target, paths, expected):
    """A run against target and --check both exit 2 with exactly
    `expected` (one line) on stderr and nothing on stdout."""
    run = ircspec(tmp_path, "--port", target.getsockname()[1], "--timeout", "500", *paths,
                  report=False)
    assert run.rc == 2, run
    assert run.err == expected + "\n", run
    assert run.out == "", run
    check = ircspec(tmp_path, "--check", *paths, report=False)
    assert (check.rc, check.err) == (2, expected + "\n"), check


def pid_gone(pid):
    """True when pid no longer runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@pytest.fixture
def fake_server():
    started = []

    def make(bug="none", **opts):
        srv = FakeServer(bug, **opts).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


# A case the fake server started with crash_on="PRIVMSG crash" dies on
# (the spawn tests); {pause} is an optional pause step before the expect.
CRASH_CASE = """\
id: fx-crash-trigger
title: A PRIVMSG the crashing fake server dies on
spec: rfc2812:3.3.1
level: MUST
tags: crash
clients: a

a: register
a: send PRIVMSG crash :now
{pause}a: expect 401 {{nick:a}} crash *
"""


def crash_cases(tmp_path, pause_ms):
    """A folder holding CRASH_CASE, with a pause of pause_ms (0: none)."""
    d = tmp_path / "crash"
    d.mkdir()
    pause = f"a: pause {pause_ms}\n" if pause_ms else ""
    (d / "crash-trigger.case").write_text(CRASH_CASE.format(pause=pause))
    return d
