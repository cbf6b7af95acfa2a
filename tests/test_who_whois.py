"""WHO (RFC 2812 3.6.1), WHOIS (3.6.2), WHOWAS (3.6.3)."""

from irc import SERVER_NAME, uniq, uniq_chan


def test_who_channel_352_315(user):
    a, b = user("w"), user("w")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    b.send("AWAY :brb")
    b.expect(306)
    a.send(f"WHO {name}")
    got = a.collect(315, a.nick, name)
    rows = {m.params[5]: m for m in got if m.command == "352"}
    assert set(rows) == {a.nick, b.nick}, got
    ra = rows[a.nick]
    # "<channel> <user> <host> <server> <nick> ( "H" / "G" ) ["*"] [@/+] :<hopcount> <real name>"
    assert ra.params[1:6] == [name, "user", "127.0.0.1", SERVER_NAME, a.nick], ra.raw
    assert ra.params[6] == "H@", ra.raw
    assert ra.params[7] == "0 Test User", ra.raw
    assert rows[b.nick].params[6] == "G", rows[b.nick].raw


def test_who_marks_operator(user):
    a = user("w")
    a.oper()
    name = uniq_chan()
    a.join(name)
    a.send(f"WHO {name}")
    m = a.expect(352, a.nick, name)
    assert m.params[6] == "H*@", m.raw


def test_who_nick(user):
    a, b = user("w"), user("w")
    a.send(f"WHO {b.nick}")
    m = a.expect(352, a.nick)
    assert m.params[5] == b.nick, m.raw
    a.expect(315, a.nick, b.nick)


def test_who_hides_invisible_strangers(user):
    a, inv = user("w"), user("w")
    inv.send(f"MODE {inv.nick} +i")
    inv.expect("MODE")
    a.send(f"WHO {inv.nick}")
    got = a.collect(315, a.nick)
    assert not any(m.command == "352" for m in got), got


def test_who_operators_only(user):
    a, b = user("w"), user("w")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.oper()
    b.send(f"WHO {name} o")
    got = b.collect(315, b.nick)
    assert [m.params[5] for m in got if m.command == "352"] == [a.nick], got


def test_whois_full(user):
    a, b = user("w"), user("w")
    name = uniq_chan()
    b.join(name)
    b.oper()
    a.send(f"WHOIS {b.nick}")
    got = a.collect(318, a.nick, b.nick)
    by = {m.command: m for m in got}
    assert by["311"].params[1:] == [b.nick, "user", "127.0.0.1", "*", "Test User"], by["311"].raw
    assert f"@{name}" in by["319"].params[2].split(), by["319"].raw
    assert by["312"].params[1:3] == [b.nick, SERVER_NAME], by["312"].raw
    assert by["313"].params[1] == b.nick, by["313"].raw
    idle = by["317"]
    assert idle.params[1] == b.nick and idle.params[2].isdigit() and idle.params[3].isdigit(), idle.raw


def test_whois_hides_secret_channels(user):
    a, b = user("w"), user("w")
    name = uniq_chan()
    b.join(name)
    b.send(f"MODE {name} +s")
    b.expect("MODE")
    a.send(f"WHOIS {b.nick}")
    got = a.collect(318, a.nick)
    assert not any(name in m.raw for m in got if m.command == "319"), got


def test_whois_unknown_401(user):
    a = user("w")
    ghost = uniq("ghost")
    a.send(f"WHOIS {ghost}")
    a.expect(401, a.nick, ghost)
    a.expect(318, a.nick, ghost)


def test_whois_no_nick_431(user):
    a = user("w")
    a.send("WHOIS")
    a.expect(431, a.nick)


def test_whowas_after_quit(user):
    a, b = user("w"), user("w")
    gone = b.nick
    b.send("QUIT")
    b.expect_closed()
    a.sync()
    a.send(f"WHOWAS {gone}")
    m = a.expect(314, a.nick, gone)
    assert m.params[2:] == ["user", "127.0.0.1", "*", "Test User"], m.raw
    a.expect(312, a.nick, gone)
    a.expect(369, a.nick, gone)


def test_whowas_after_nick_change(user):
    a, b = user("w"), user("w")
    old = b.nick
    b.send(f"NICK {uniq('renamed')}")
    b.expect("NICK")
    a.send(f"WHOWAS {old}")
    a.expect(314, a.nick, old)
    a.expect(369, a.nick, old)


def test_whowas_unknown_406(user):
    a = user("w")
    ghost = uniq("never")
    a.send(f"WHOWAS {ghost}")
    a.expect(406, a.nick, ghost)
    a.expect(369, a.nick, ghost)


def test_whowas_no_nick_431(user):
    a = user("w")
    a.send("WHOWAS")
    a.expect(431, a.nick)


def test_whois_signon_time_is_now(user):
    import time
    a, b = user("w"), user("w")
    a.send(f"WHOIS {b.nick}")
    m = a.expect(317, a.nick, b.nick)
    assert 0 <= int(m.params[2]) < 120, m.raw
    assert abs(int(m.params[3]) - time.time()) < 120, m.raw


def test_who_without_mask_lists_visible_users(user):
    a, b, inv = user("w"), user("w"), user("w")
    inv.send(f"MODE {inv.nick} +i")
    inv.expect("MODE")
    a.send("WHO")
    got = a.collect(315, a.nick)
    nicks = {m.params[5] for m in got if m.command == "352"}
    assert a.nick in nicks and b.nick in nicks, nicks
    assert inv.nick not in nicks, nicks


def test_who_shows_invisible_user_sharing_a_channel(user):
    a, inv = user("w"), user("w")
    inv.send(f"MODE {inv.nick} +i")
    inv.expect("MODE")
    name = uniq_chan()
    a.join(name)
    inv.join(name)
    a.send(f"WHO {inv.nick}")
    got = a.collect(315, a.nick)
    assert [m.params[5] for m in got if m.command == "352"] == [inv.nick], got
