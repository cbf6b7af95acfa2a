"""Runs bin/hashtest (tests/tools/hashtest.c), under ASan+UBSan: SipHash-2-4
against the reference vectors, nicks that all collide under FNV-1a (refircd's
old unkeyed hash) spread over the nick map's buckets, and a fresh random key
per server.  Issue 9, item 4: hash flooding."""

import subprocess

import pytest

from irc import BIN


def test_keyed_hash_resists_flooding():
    exe = BIN / "hashtest"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` first")
    proc = subprocess.run([str(exe)], capture_output=True, timeout=120,
                          env={"ASAN_OPTIONS": "detect_leaks=1", "UBSAN_OPTIONS": "print_stacktrace=1"})
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"hashtest exited {proc.returncode}:\n{out}"
    assert "all checks passed" in out, out
    assert "Sanitizer" not in out and "runtime error" not in out, out
