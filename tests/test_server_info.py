"""What refircd's server queries say of itself, where the RFC leaves the
content to the server, so no case can ask it of every server: TRACE's 209
RPL_TRACECLASS counts every connection of the class (hybrid counts its
own way), and INFO says when refircd was compiled and started (RFC 2812
3.4.10: INFO "is REQUIRED to return information describing the server:
its version, when it was compiled, the patchlevel, when it was started";
InspIRCd's INFO has neither date).  make mutants gives these tests to the
mutants of h_network.c and h_query.c that the cases leave alive."""

import re
import socket

from irc import uniq


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
    c.send("INFO")
    texts = [m.params[-1] for m in c.collect("374") if m.command == "371"]
    assert any(re.match(r"Compiled \w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d$", t) for t in texts), texts
    assert any(t.startswith("Started ") and re.search(r"\d{4}", t) for t in texts), texts
