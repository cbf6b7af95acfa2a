"""Runs bin/seamtest: refircd's core driven in-process through the I/O seam
of server.h (fake clients, fake clock), under ASan+UBSan.  See
tests/tools/seamtest.c for the scenario; its output names the failing step,
both values and the unread lines."""

import subprocess

import pytest

from irc import BIN


def test_seam_scenario():
    exe = BIN / "seamtest"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` first")
    proc = subprocess.run([str(exe)], capture_output=True, timeout=120,
                          env={"ASAN_OPTIONS": "detect_leaks=1", "UBSAN_OPTIONS": "print_stacktrace=1"})
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"seamtest exited {proc.returncode}:\n{out}"
    assert "checks passed" in out, out
    assert "Sanitizer" not in out and "runtime error" not in out, out
