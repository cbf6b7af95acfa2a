"""ev.h's fairness over each backend (tests/tools/evtest.c): 300
descriptors always readable, at most 256 events per wait; every one must be
reported within two waits and none may fall behind.  With more ready
descriptors than a wait returns, a backend that always scans from slot 0
never serves the high ones while the low ones are busy."""

import subprocess

import pytest

from irc import BIN


@pytest.mark.parametrize("backend", ["epoll", "poll"])
def test_busy_low_descriptors_do_not_starve_high_ones(backend):
    exe = BIN / f"evtest-{backend}"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` first")
    proc = subprocess.run([str(exe)], capture_output=True, timeout=60)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"{exe.name} exited {proc.returncode}:\n{out}"
    assert f"evtest ({backend}):" in out and "FAIL" not in out, out
