"""Server queries (RFC 2812 3.4): MOTD, LUSERS, VERSION, STATS, LINKS,
TIME, ADMIN, INFO."""

import re

from irc import MOTD_LINES, SERVER_NAME, uniq, uniq_chan


def test_motd_command(user):
    a = user("sq")
    a.send("MOTD")
    a.expect(375, a.nick)
    lines = [m.params[1] for m in a.collect(376, a.nick) if m.command == "372"]
    assert len(lines) == len(MOTD_LINES) and all(w in g for g, w in zip(lines, MOTD_LINES)), lines


def test_motd_missing_422(spawn_server, connect):
    srv = spawn_server(motd=False)
    c = connect(srv)
    burst = c.register(uniq("sq"))
    assert burst[-1].command == "422", burst[-1].raw
    c.send("MOTD")
    c.expect(422, c.nick)


def test_motd_other_server_402(user):
    a = user("sq")
    a.send("MOTD no.such.server")
    a.expect(402, a.nick, "no.such.server")


def ints(text):
    return [int(x) for x in re.findall(r"\d+", text)]


def test_lusers_exact_counts(spawn_server, connect):
    srv = spawn_server()
    a, b = connect(srv), connect(srv)
    a.register(uniq("lu"))
    b.send(f"NICK {uniq('lu')}")
    b.send("USER u 8 * :invisible")  # bit 3: +i
    b.expect("376")
    unreg = connect(srv)
    unreg.sync()  # connected and known to the server, not registered
    a.join(uniq_chan())
    a.oper()
    a.send("LUSERS")
    m = a.expect(251, a.nick)
    assert ints(m.params[1])[:3] == [1, 1, 1], m.raw  # users, invisible, servers
    assert a.expect(252, a.nick).params[1] == "1"
    assert a.expect(253, a.nick).params[1] == "1"
    assert a.expect(254, a.nick).params[1] == "1"
    m = a.expect(255, a.nick)
    assert ints(m.params[1])[:2] == [2, 0], m.raw
    unreg.close()
    b.send("QUIT")
    b.expect_closed()
    a.send("LUSERS")
    m = a.expect(251, a.nick)
    assert ints(m.params[1])[:2] == [1, 0], m.raw


def test_version_351(user):
    a = user("sq")
    a.send("VERSION")
    m = a.expect(351, a.nick)
    # "<version>.<debuglevel> <server> :<comments>"
    assert m.params[2] == SERVER_NAME and "refircd" in m.params[1], m.raw
    a.send(f"VERSION {SERVER_NAME}")
    a.expect(351, a.nick)
    a.send("VERSION other.server")
    a.expect(402, a.nick, "other.server")


def test_stats_uptime_and_end(user):
    a = user("sq")
    a.send("STATS u")
    m = a.expect(242, a.nick)
    assert "Server Up" in m.params[-1], m.raw
    a.expect(219, a.nick, "u")


def test_stats_commands_counts(user):
    a = user("sq")
    a.send("TIME")
    a.send("STATS m")
    got = a.collect(219, a.nick, "m")
    rows = {m.params[1]: int(m.params[2]) for m in got if m.command == "212"}
    assert rows.get("TIME", 0) >= 1 and rows.get("STATS", 0) >= 1, rows


def test_stats_opers_hides_password(user):
    a = user("sq")
    a.send("STATS o")
    got = a.collect(219, a.nick, "o")
    rows = [m for m in got if m.command == "243"]
    assert rows and any("oper" in m.params for m in rows), got
    assert not any("operpass" in m.raw for m in got), got


def test_stats_links_lists_connections(user):
    a = user("sq")
    a.send("STATS l")
    got = a.collect(219, a.nick, "l")
    assert any(m.command == "211" and m.params[1].startswith(a.nick + "[") for m in got), got


def test_stats_without_query_only_219(user):
    a = user("sq")
    a.send("STATS")
    got = a.collect(219, a.nick)
    assert [m.command for m in got] == ["219"], got


def test_links_365(user):
    a = user("sq")
    a.send("LINKS")
    got = a.collect(365, a.nick)
    assert any(m.command == "364" and m.params[1] == SERVER_NAME for m in got), got
    a.send("LINKS *.nomatch")
    got = a.collect(365, a.nick)
    assert not any(m.command == "364" for m in got), got


def test_time_391(user):
    a = user("sq")
    a.send("TIME")
    m = a.expect(391, a.nick, SERVER_NAME)
    assert len(m.params) == 3 and m.params[2], m.raw


def test_admin_256_to_259(user):
    a = user("sq")
    a.send("ADMIN")
    a.expect(256, a.nick)
    a.expect(257, a.nick)
    a.expect(258, a.nick)
    a.expect(259, a.nick)


def test_info_371_374(user):
    a = user("sq")
    a.send("INFO")
    got = a.collect(374, a.nick)
    assert sum(m.command == "371" for m in got) >= 1, got
