"""refircd's operator commands on a network of one server (h_oper.c) and
TRACE (h_network.c): what the cases cannot drive without stopping the
server they run against.  DIE from an operator stops refircd cleanly;
REHASH re-reads the MOTD and keeps the old one when the file is gone; TRACE
shows an operator every connection and anyone else only themselves and
the operators."""

import socket

from irc import uniq


def test_die_from_an_operator_stops_the_server(spawn_server, connect):
    srv = spawn_server()
    op, other = connect(srv), connect(srv)
    op.register(uniq("die"))
    other.register(uniq("die"))
    other.send("DIE")
    other.expect("481", other.nick)
    assert srv.alive()
    op.oper()
    op.send("DIE")
    srv.proc.wait(20)
    assert srv.stop() == 0, srv.output()   # and stop_and_check: no sanitizer report


def test_rehash_rereads_the_motd_and_keeps_it_when_the_file_is_gone(spawn_server, connect):
    srv = spawn_server()
    motd = srv.tmpdir / "motd.txt"
    op = connect(srv)
    op.register(uniq("rh"))
    op.oper()
    motd.write_text("A new message of the day.\n")
    op.send("REHASH")
    op.expect("382", op.nick)
    op.send("MOTD")
    lines = [m.params[-1] for m in op.collect("376") if m.command == "372"]
    assert lines == ["- A new message of the day."], lines
    motd.unlink()
    op.send("REHASH")
    op.expect("382", op.nick)
    op.expect("NOTICE", op.nick, lambda t: "MOTD is unchanged" in t)
    op.send("MOTD")
    lines = [m.params[-1] for m in op.collect("376") if m.command == "372"]
    assert lines == ["- A new message of the day."], lines


def test_trace_shows_operators_everyone_and_users_themselves_and_operators(spawn_server,
                                                                            connect):
    srv = spawn_server()
    op, user, other = connect(srv), connect(srv), connect(srv)
    for c in (op, user, other):
        c.register(uniq("tr"))
    op.oper()
    with socket.create_connection((srv.host, srv.port)) as unregistered:
        unregistered.sendall(b"NICK halfway\r\n")
        op.sync()  # the connection is known by now
        op.send("TRACE")
        got = op.collect("262")
        seen = {(m.command, m.params[-1]) for m in got if m.command in ("203", "204", "205")}
        assert ("204", op.nick) in seen and ("205", user.nick) in seen, got
        assert ("205", other.nick) in seen, got
        assert any(m.command == "203" for m in got), got
        assert got[-1].params[1] == srv.name, got[-1]
    user.send("TRACE")
    got = user.collect("262")
    seen = {(m.command, m.params[-1]) for m in got if m.command in ("203", "204", "205")}
    assert seen == {("204", op.nick), ("205", user.nick)}, got
    user.send(f"TRACE {other.nick}")
    got = user.collect("262")
    assert [m.command for m in got] == ["262"], got
    user.send(f"TRACE {op.nick}")
    got = user.collect("262")
    assert [(m.command, m.params[-1]) for m in got][:1] == [("204", op.nick)], got
