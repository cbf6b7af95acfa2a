"""Memory and report size stay bounded over many cases against a chatty
server.  Each case's transcript used to be capped by its escaped text
alone, while a short line's entry holds several times that (slot, the
allocation for the worst-case escape, malloc's overhead): about 0.75 MB
stayed per case, and nothing bounded the run as a whole.  Now a case holds
at most TRANSCRIPT_MAX_BYTES (256 KB) of real memory and all kept
transcripts at most TRANSCRIPT_RUN_MAX_BYTES (16 MB).

The bounds below are for the plain build: peak RSS (VmHWM of ircspec) under
64 MB and the JSON report under 24 MB, for 120 cases each flooded until its
wait times out.  Measured: see the commit message."""

import pytest

from harness_run import IRCSPEC_PLAIN, fake_server, ircspec  # noqa: F401

NCASES = 120
MAXRSS_KB = 64 * 1024
MAX_JSON_BYTES = 24 * 1024 * 1024

CASE = """\
id: fx-chat-{i:03d}
title: Waits for a line the chatty server never sends
spec: rfc2812:3.3.2
level: MUST
tags: fixture
clients: a

a: register
a: expect NOTICE * :never sent
"""


def test_many_cases_against_a_chatty_server(tmp_path, fake_server):
    if not IRCSPEC_PLAIN.exists():
        pytest.fail(f"{IRCSPEC_PLAIN} is missing: run `make all` first")
    d = tmp_path / "chat"
    d.mkdir()
    for i in range(NCASES):
        (d / f"chat-{i:03d}.case").write_text(CASE.format(i=i))
    srv = fake_server("chatty")
    report = tmp_path / "chat.json"
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "400", "--json", report, d,
                  binary=IRCSPEC_PLAIN, timeout=240)
    assert run.rc == 1, run
    assert run.report["summary"]["failed"] == NCASES, run
    # Every case was flooded past its own budget: the bound was reached.
    flooded = [c for c in run.report["cases"]
               if any("entries dropped" in e["data"] for e in c["transcript"])]
    assert len(flooded) == NCASES, len(flooded)
    size = report.stat().st_size
    print(f"peak RSS {run.maxrss_kb} KB, JSON {size} bytes")
    assert size < MAX_JSON_BYTES, f"JSON report {size} bytes"
    assert run.maxrss_kb < MAXRSS_KB, f"peak RSS {run.maxrss_kb} KB"
