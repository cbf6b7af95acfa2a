"""The receive guard of the fuzz targets (fz_guard in fuzz/fakesrv.c):
the bytes the core gets for one recv() are the only addressable part of
their arena, so a framer or parser reading one byte past or before them, or
keeping a pointer into them after the call, is an ASan report in the
fuzzers.  bin/guardtest (ASan) makes each kind of stray read on purpose;
a guard that lost its poisoning would let it pass silently."""

import subprocess

import pytest

from irc import BIN

ENV = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0"}
# 8 is a whole ASan granule; 1, 7, 9 and 300 end inside one.
SIZES = [1, 7, 8, 9, 300]


def guardtest(mode, n):
    exe = BIN / "guardtest"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` (fuzz/fuzz.mk adds it)")
    proc = subprocess.run([str(exe), mode, str(n)], capture_output=True, timeout=60, env=ENV)
    return proc.returncode, proc.stdout.decode(errors="replace") + proc.stderr.decode(
        errors="replace")


@pytest.mark.parametrize("n", SIZES)
def test_reads_inside_are_clean(n):
    rc, out = guardtest("inside", n)
    assert rc == 0 and "no stray read" in out and "Sanitizer" not in out, out


@pytest.mark.parametrize("mode", ["past", "before", "kept", "grown"])
@pytest.mark.parametrize("n", SIZES)
def test_stray_read_is_reported(mode, n):
    rc, out = guardtest(mode, n)
    assert rc != 0, f"{mode} {n}: the stray read went unnoticed:\n{out}"
    assert "AddressSanitizer: use-after-poison" in out, out
    assert "no stray read" not in out, out
