"""User MODE (RFC 2812 3.1.5): 221, 501, 502, +i, +w, +o ignored."""

from irc import uniq


def modes_of(client):
    client.send(f"MODE {client.nick}")
    m = client.expect(221, client.nick)
    assert m.params[1].startswith("+"), m.raw
    return set(m.params[1][1:])


def test_query_221_starts_plain(user):
    a = user("um")
    assert modes_of(a) == set()


def test_set_and_unset_invisible(user):
    a = user("um")
    a.send(f"MODE {a.nick} +i")
    m = a.expect("MODE", a.nick)
    assert m.nick == a.nick and m.params[1] == "+i", m.raw
    assert modes_of(a) == {"i"}
    a.send(f"MODE {a.nick} -i")
    m = a.expect("MODE", a.nick)
    assert m.params[1] == "-i", m.raw
    assert modes_of(a) == set()


def test_set_wallops_and_combined(user):
    a = user("um")
    a.send(f"MODE {a.nick} +wi")
    m = a.expect("MODE", a.nick)
    assert set(m.params[1]) == {"+", "w", "i"}, m.raw
    assert modes_of(a) == {"i", "w"}
    a.send(f"MODE {a.nick} -w+i")  # i already set: only -w changes
    m = a.expect("MODE", a.nick)
    assert m.params[1] == "-w", m.raw


def test_setting_mode_already_set_says_nothing(user):
    a = user("um")
    a.send(f"MODE {a.nick} +i")
    a.expect("MODE", a.nick)
    a.send(f"MODE {a.nick} +i")
    a.expect_none("MODE")


def test_unknown_flag_501(user):
    a = user("um")
    a.send(f"MODE {a.nick} +Z")
    a.expect(501, a.nick)
    # Known letters in the same request still apply.
    a.send(f"MODE {a.nick} +Zi")
    a.expect(501, a.nick)
    assert modes_of(a) == {"i"}


def test_other_user_502(user):
    a, b = user("um"), user("um")
    a.send(f"MODE {b.nick} +i")
    a.expect(502, a.nick)
    a.send(f"MODE {b.nick}")
    a.expect(502, a.nick)
    assert modes_of(b) == set()


def test_self_oper_with_plus_o_ignored(user):
    # RFC 2812 3.1.5: "If a user attempts to make themselves an operator
    # using the "+o" or "+O" flag, the attempt SHOULD be ignored".
    a = user("um")
    a.send(f"MODE {a.nick} +o")
    a.expect_none("MODE")
    assert "o" not in modes_of(a)


def test_oper_may_drop_o(user):
    a = user("um")
    a.oper()
    a.send(f"MODE {a.nick} -o")
    m = a.expect("MODE", a.nick)
    assert m.params[1] == "-o", m.raw
    assert "o" not in modes_of(a)


def test_mode_of_unknown_nick(user):
    a = user("um")
    ghost = uniq("ghost")
    a.send(f"MODE {ghost}")
    m = a.expect(lambda m: m.command in ("401", "502"))
    assert m.params[0] == a.nick, m.raw


def test_nick_case_insensitive_target(user):
    a = user("um")
    a.send(f"MODE {a.nick.upper()} +i")
    a.expect("MODE")
    assert modes_of(a) == {"i"}
