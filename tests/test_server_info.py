"""What refircd's server queries say of itself, where the RFC leaves the
content to the server, so no case can ask it of every server: TRACE's 209
RPL_TRACECLASS counts every connection of the class (hybrid counts its
own way), and INFO says when refircd was compiled and started (RFC 2812
3.4.10: INFO "is REQUIRED to return information describing the server:
its version, when it was compiled, the patchlevel, when it was started";
InspIRCd's INFO has neither date), and STATS u's uptime.  make mutants gives these tests to the
mutants of h_network.c and h_query.c that the cases leave alive."""

import re
import socket

from irc import OPER_NAME, uniq


def test_trace_class_counts_every_connection(spawn_server, connect):
    srv = spawn_server()
    op = connect(srv)
    op.register(uniq("tc"))
    op.oper()
    others = [connect(srv) for _ in range(2)]
    for c in others:
        c.register(uniq("tc"))
    with socket.create_connection(("127.0.0.1", srv.port)) as unregistered:
        # any answer to it proves refircd has accepted this connection
        unregistered.settimeout(10)
        unregistered.sendall(b"NICK " + uniq("tu").encode() + b"\r\nPING :seen\r\n")
        heard = b""
        while b"seen" not in heard and b"451" not in heard:
            data = unregistered.recv(4096)
            assert data, f"closed before answering: {heard!r}"
            heard += data
        op.send("TRACE")
        got = op.collect("262")
    classes = [m for m in got if m.command == "209"]
    assert len(classes) == 1, [m.raw for m in got]
    # op, the two others and the unregistered one
    assert classes[0].params[1:] == ["Class", "users", "4"], classes[0].raw


def test_info_says_compiled_and_started(spawn_server, connect):
    srv = spawn_server()
    c = connect(srv)
    c.register(uniq("in"))
    c.send("VERSION")
    version = c.expect("351", c.nick).params[1].rsplit(".", 1)[0]  # "<version>.<debuglevel>"
    c.send("INFO")
    texts = [m.params[-1] for m in c.collect("374") if m.command == "371"]
    # "its version" first, the one VERSION (351) gives
    assert texts and texts[0].startswith(version + " "), (version, texts)
    assert any(re.match(r"Compiled \w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d$", t) for t in texts), texts
    assert any(t.startswith("Started ") and re.search(r"\d{4}", t) for t in texts), texts
    # "information describing the server": what it is and implements, before the dates
    assert any("RFC 2812" in t for t in texts[:texts.index(next(t for t in texts if t.startswith("Compiled ")))]), texts


def test_stats_o_lists_every_operator(spawn_server, connect):
    """STATS o (RFC 2812 3.4.4, 243 RPL_STATSOLINE) lists each configured
    operator once, in the order given: every suite run configures one, so
    no case sees a listing that stops after the first or walks the wrong
    way.  Three here, the last without ever being used."""
    srv = spawn_server(extra=("--oper", "second:pw2", "--oper", "third:pw3"))
    c = connect(srv)
    c.register(uniq("so"))
    c.send("STATS o")
    got = c.collect("219")
    names = [m.params[-1] for m in got if m.command == "243"]
    assert names == [OPER_NAME, "second", "third"], [m.raw for m in got]


def test_stats_u_uptime_after_30_days(mono_server, connect):
    """RFC 2812 5.1, 242 RPL_STATSUPTIME ":Server Up %d days %d:%02d:%02d".
    A case cannot know when the server started, so every field's
    arithmetic is checked here: bin/clockstep.so (LD_PRELOAD) moves the
    server's CLOCK_MONOTONIC 365 days, 1 minute and 5 seconds on once it
    is up, so its uptime is that plus the few seconds the test takes.  Each
    field then differs from a wrong divisor or modulus: days by 86400 (by
    86401 it is 364), minutes modulo 60 of a count past 60 (modulo 61: 25),
    seconds modulo 60 (modulo 59: 34 and more; the minutes again: 0)."""
    srv, mono = mono_server()
    mono.write_text(str(365 * 86400 + 60 + 5))
    c = connect(srv)
    c.register(uniq("up"))
    c.send("STATS u")
    m = c.expect("242", c.nick)
    c.expect("219", c.nick)
    got = re.match(r"Server Up (\d+) days (\d+):(\d\d):(\d\d)$", m.params[-1])
    assert got, m.raw
    days, hours, minutes, seconds = map(int, got.groups())
    assert (days, hours, minutes) == (365, 0, 1), m.raw
    assert 5 <= seconds <= 30, m.raw
