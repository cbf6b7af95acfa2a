"""`connect rcvbuf BYTES`: a client with a small receive window (and a
536-byte MSS), so that a server's writes to a client that stopped reading
come back short after about 100 KB instead of the megabytes loopback
otherwise absorbs, and its send queue really fills.

The proof is refircd with a 64 KiB send queue: 800 lines (about 350 KB)
to a stopped reader drop it ("SendQ exceeded") when it connected with
`rcvbuf 4096`, and reach it whole when it connected plainly (the kernel
took them all, refircd's queue never grew)."""

from harness_run import ircspec
from irc import BIN

CASE = """\
id: {id}
title: a stopped reader's window
spec: rfc2812:3.3.1
level: MUST
tags: robustness
clients: a b

a: connect{rcvbuf}
a b: register
a: send JOIN {{chan}}
a: expect :{{nick:a}}!*@* JOIN {{chan}}
b: send JOIN {{chan}}
b: expect :{{nick:b}}!*@* JOIN {{chan}}
a: stop-reading
b: repeat 800 PRIVMSG {{nick:a}} :{{i}} {{repeat:400:x}}
b: sync
{then}
"""

DROPPED = "b: expect :{nick:a}!*@* QUIT :*SendQ*"
WHOLE = "a: resume-reading\na: expect PRIVMSG {nick:a} :799 *"


def test_a_small_window_fills_the_servers_send_queue(tmp_path):
    small = tmp_path / "small.case"
    small.write_text(CASE.format(id="small", rcvbuf=" rcvbuf 4096", then=DROPPED))
    plain = tmp_path / "plain.case"
    plain.write_text(CASE.format(id="plain", rcvbuf="", then=WHOLE))
    spawn = f"{BIN / 'refircd-asan'} -p {{port}} --flood-interval 0 --sendq 65536"
    run = ircspec(tmp_path, "--spawn", spawn, "--timeout", "5000", small, plain)
    assert run.case("small")["status"] == "pass", run
    assert run.case("plain")["status"] == "pass", run
    assert run.rc == 0, run


def test_rcvbuf_is_checked(tmp_path):
    for arg, message in [("rcvbuf", "connect rcvbuf: expected a number 1-1048576 first"),
                         ("rcvbuf 0", "connect rcvbuf: expected a number 1-1048576 first"),
                         ("rcvbuf 4096 x", "connect rcvbuf: unexpected 'x' after the number"),
                         ("sndbuf 4096", "connect takes no argument but rcvbuf BYTES")]:
        path = tmp_path / "bad.case"
        path.write_text(CASE.format(id="bad", rcvbuf=" " + arg, then=WHOLE))
        check = ircspec(tmp_path, "--check", path, report=False)
        assert (check.rc, check.err) == (2, f"{path}:8: {message}\n"), check
