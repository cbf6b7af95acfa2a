"""The auto-PONG waits for the case's unfinished line.  After
`raw PRIVMSG x :hel` the fake server PINGs at once; ircspec used to append
its PONG to the half-sent line (`:helPONG :partial-1`).  Now the PONG goes
out right after the line is finished, and the server (which records every
byte it receives) sees two whole lines."""

import re

from harness_run import fake_server, ircspec  # noqa: F401

CASE = """\
id: fx-pong-waits-for-the-line
title: A server PING while the client is mid-line is answered after the line
spec: rfc2812:3.7.2
level: MUST
tags: fixture ping split
clients: a

a: register
a: raw PRIVMSG {nick:a} :hel
a: expect NOTICE {nick:a} :pinged
a: raw lo\\r\\n
a: expect :{nick:a}!*@* PRIVMSG {nick:a} :hello
a: expect NOTICE {nick:a} :PONG received: partial-1
"""


def test_pong_is_held_until_the_line_is_finished(tmp_path, fake_server):
    record = tmp_path / "received"
    srv = fake_server("ping-on-partial", record=record)
    case = tmp_path / "pong.case"
    case.write_text(CASE)
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "3000", case)
    got = record.read_bytes()
    assert b":helPONG" not in got, got
    assert re.search(rb"\r\nPRIVMSG (\S+) :hello\r\nPONG :partial-1\r\n", got), got
    assert run.rc == 0, run
    assert run.red() == [], run
    events = [e["data"] for e in run.case("fx-pong-waits-for-the-line")["transcript"]
              if e["dir"] == "event"]
    assert "PING answered once the unfinished line is sent" in events, events
