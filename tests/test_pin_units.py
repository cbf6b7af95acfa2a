"""Pinning Valgrind's findings on cases (harness/leakpin.c), with a
scripted source instead of a server, and reading memcheck's error counts
(harness/vgerrs.c): bin/pin_unit.  A finding seen while two cases ran at
once that neither repeats alone goes on both, marked with the group; one
a case repeats alone is pinned on that case only and fails it."""

import subprocess

from irc import BIN


def test_pin_units():
    run = subprocess.run([str(BIN / "pin_unit")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ", 0 failed" in run.stdout, run.stdout
