"""Runs bin/seamtest: refircd's core driven in-process through the I/O seam
of server.h (fake clients, fake clock), under ASan+UBSan.  See
tests/tools/seamtest.c for the scenario; its output names the failing step,
both values and the unread lines."""

from irc import run_driver


def test_seam_scenario():
    out = run_driver("seamtest")
    assert "checks passed" in out, out
