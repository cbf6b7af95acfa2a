"""NAMES (RFC 2812 3.2.5) and LIST (3.2.6): 353/366, 321/322/323."""

from irc import uniq, uniq_chan


def test_names_of_channel(user):
    a, b = user("nm"), user("nm")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    b.send(f"NAMES {name}")
    m = b.expect(353, b.nick, "=", name)
    assert set(m.params[3].split()) == {f"@{a.nick}", b.nick}, m.raw
    b.expect(366, b.nick, name)


def test_names_of_unknown_channel_only_366(user):
    a = user("nm")
    name = uniq_chan()
    a.send(f"NAMES {name}")
    got = a.collect(366, a.nick, name)
    assert not any(m.command == "353" for m in got), got


def test_names_list_of_channels(user):
    a = user("nm")
    c1, c2 = uniq_chan(), uniq_chan()
    a.join(c1)
    a.join(c2)
    a.send(f"NAMES {c1},{c2}")
    a.expect(353, a.nick, "=", c1)
    a.expect(366, a.nick, c1)
    a.expect(353, a.nick, "=", c2)
    a.expect(366, a.nick, c2)


def test_names_hides_invisible_from_outsiders(user):
    a, inv, out = user("nm"), user("nm"), user("nm")
    name = uniq_chan()
    a.join(name)
    inv.send(f"MODE {inv.nick} +i")
    inv.expect("MODE")
    inv.join(name)
    out.send(f"NAMES {name}")
    m = out.expect(353, out.nick, "=", name)
    assert m.params[3].split() == [f"@{a.nick}"], m.raw
    a.send(f"NAMES {name}")
    m = a.expect(353, a.nick, "=", name)
    assert inv.nick in m.params[3].split(), m.raw


def test_names_without_params_ends_366_star(user):
    a = user("nm")
    name = uniq_chan()
    a.join(name)
    a.send("NAMES")
    got = a.collect(366, a.nick, "*")
    assert any(m.command == "353" and m.params[2] == name for m in got), got


def test_names_split_over_lines_when_long(user, connect):
    op = user("nm")
    name = uniq_chan()
    op.join(name)
    members = []
    for _ in range(30):
        c = connect()
        c.register(uniq("member_with_long_nick_").ljust(30, "z")[:30])
        c.join(name)
        members.append(c)
    op.send(f"NAMES {name}")
    got = op.collect(366, op.nick, name)
    lines = [m for m in got if m.command == "353"]
    assert len(lines) >= 2, f"{len(lines)} lines for 31 nicks of 30 chars"
    listed = [w.lstrip("@+") for m in lines for w in m.params[3].split()]
    assert sorted(listed) == sorted([op.nick] + [c.nick for c in members]), listed
    for m in lines:
        assert len(m.raw.encode()) + 2 <= 512, len(m.raw)


def test_list_all(user):
    a, b = user("ls"), user("ls")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send(f"TOPIC {name} :listed topic")
    a.expect("TOPIC")
    b.send("LIST")
    b.expect(321, b.nick)
    got = b.collect(323, b.nick)
    rows = [m for m in got if m.command == "322" and m.params[1] == name]
    assert len(rows) == 1, got
    assert rows[0].params[2:] == ["2", "listed topic"], rows[0].raw


def test_list_given_channels(user):
    a = user("ls")
    c1, c2, missing = uniq_chan(), uniq_chan(), uniq_chan()
    a.join(c1)
    a.join(c2)
    a.send(f"LIST {c1},{missing}")
    a.expect(321, a.nick)
    got = a.collect(323, a.nick)
    rows = [m.params[1] for m in got if m.command == "322"]
    assert rows == [c1], got


def test_list_empty_topic(user):
    a = user("ls")
    name = uniq_chan()
    a.join(name)
    a.send(f"LIST {name}")
    m = a.expect(322, a.nick, name)
    assert m.params[2:] == ["1", ""], m.raw
    a.expect(323, a.nick)
