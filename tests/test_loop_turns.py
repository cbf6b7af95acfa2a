"""refircd's netloop.c turn by turn, in-process over loopback sockets
(tests/tools/looptest.c, under ASan+UBSan): when a client's socket is
readable and writable at once, one loop turn serves both, so a client that
keeps sending still gets the backlog the server holds for it."""

import subprocess

import pytest

from irc import BIN


def test_one_turn_serves_read_and_write():
    exe = BIN / "looptest"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` first")
    proc = subprocess.run([str(exe)], capture_output=True, timeout=120,
                          env={"ASAN_OPTIONS": "detect_leaks=1", "UBSAN_OPTIONS": "print_stacktrace=1"})
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"looptest exited {proc.returncode}:\n{out}"
    assert "cut its queue" in out and "Sanitizer" not in out, out
