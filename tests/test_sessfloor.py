"""bin/sessfloor (tests/tools/sessfloor.c, the floor under `ircspec fuzz`'s
sessions/s in `make bench`): each shape runs its sessions through refircd's
sanitizer build, and a server that fails it (closes at once, never answers)
ends the run with status 1 within its --timeout.  Counts only; the speed
itself is make bench's business, never asserted."""

import re
import subprocess

import pytest

from harness_run import fake_server  # noqa: F401
from irc import BIN

SHAPES = ["connect", "probe", "probe1", "session"]


def sessfloor(port, *args):
    return subprocess.run([str(BIN / "sessfloor"), "--port", str(port), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_runs_its_sessions(spawn_server, shape):
    srv = spawn_server()
    p = sessfloor(srv.port, "--sessions", 20, shape)
    assert p.returncode == 0, p.stdout + p.stderr
    got = dict(re.findall(r"(\w+)=(\S+)", p.stdout))
    assert got["shape"] == shape and got["sessions"] == "20", p.stdout


@pytest.mark.parametrize("bug", ["close-early", "silent"])
def test_a_failing_server_ends_the_run(fake_server, bug):
    srv = fake_server(bug)
    p = sessfloor(srv.port, "--timeout", 300, "--sessions", 5, "session")
    assert p.returncode == 1 and "sessfloor: session failed after 0 sessions" in p.stderr, \
        p.stdout + p.stderr


def test_usage_errors():
    for bad in ([], ["--port", "1"], ["--port", "1", "dance"], ["--port", "0", "probe"]):
        p = subprocess.run([str(BIN / "sessfloor"), *bad], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 2 and "usage:" in p.stderr, (bad, p.stderr)
