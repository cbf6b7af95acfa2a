"""NICK (RFC 2812 3.1.2): 431, 432, 433, change broadcast, rfc1459 case."""

import pytest

from irc import uniq, uniq_chan


def test_nick_without_param_431(user):
    a = user("n")
    a.send("NICK")
    a.expect(431, a.nick)
    a.send("NICK :")
    a.expect(431, a.nick)


@pytest.mark.parametrize("bad", ["1digitfirst", "-dash", "has.dot", "#chan", "a" * 31,
                                 "bang!x", "at@x", "comma,x"])
def test_erroneous_nickname_432(user, bad):
    a = user("n")
    a.send(f"NICK {bad}")
    a.expect(432, a.nick, bad)


def test_nick_with_space_uses_first_word(user):
    a = user("n")
    new = uniq("sp")
    a.send(f"NICK {new} extra")
    m = a.expect("NICK")
    assert m.params[0] == new, m.raw


def test_nick_of_max_length_30_accepted(connect):
    c = connect()
    nick = ("L" + uniq("m")).ljust(30, "x")[:30]
    c.register(nick)
    c.send(f"WHOIS {nick}")
    c.expect(311, nick, nick)


def test_special_chars_allowed(connect):
    # RFC 2812 2.3.1: special = "[", "]", "\", "`", "_", "^", "{", "|", "}"
    c = connect()
    nick = "[`_^{|}]" + uniq("s")[-6:]
    c.register(nick)
    c.send(f"WHOIS {nick}")
    c.expect(311, nick, nick)


def test_nick_in_use_433(user, connect):
    a = user("n")
    b = connect()
    b.send(f"NICK {a.nick}")
    b.expect(433, "*", a.nick)
    c = user("n")
    c.send(f"NICK {a.nick}")
    c.expect(433, c.nick, a.nick)


def test_rfc1459_case_collision_433(connect):
    # RFC 2812 2.2: {}|^ are the lower case of []\~.
    base = uniq("Ca")
    a = connect()
    a.register(f"{base}[x]")
    b = connect()
    b.send(f"NICK {base.lower()}{{x}}")
    b.expect(433, "*", f"{base.lower()}{{x}}")
    b.send(f"NICK {base.upper()}[X]")
    b.expect(433, "*", f"{base.upper()}[X]")
    b.send(f"NICK {base}\\y")
    b.send(f"NICK {base}|y")  # its own nick in another case: not a collision
    got = b.expect_none(433)
    assert not any(m.command == "432" for m in got), got
    b.send("USER u 0 * :r")
    m = b.expect("001")
    assert m.params[0] == f"{base}|y", m.raw


def test_nick_change_seen_by_self_and_channel_peers(user):
    a, b, outsider = user("n"), user("n"), user("n")
    chan = uniq_chan()
    a.send(f"JOIN {chan}")
    a.expect("366")
    b.send(f"JOIN {chan}")
    b.expect("366")
    a.sync()
    old = a.nick
    new = uniq("new")
    a.send(f"NICK {new}")
    m = a.expect("NICK")
    assert m.nick == old and m.params == [new], m.raw
    m = b.expect("NICK")
    assert m.prefix.startswith(f"{old}!") and m.params == [new], m.raw
    outsider.expect_none("NICK")
    a.nick = new
    # The old nick is free now, the new one is taken.
    c = user("n")
    c.send(f"NICK {new}")
    c.expect(433, c.nick, new)
    c.send(f"NICK {old}")
    c.expect("NICK", old)


def test_nick_change_sent_once_to_peer_in_two_channels(user):
    a, b = user("n"), user("n")
    c1, c2 = uniq_chan(), uniq_chan()
    for ch in (c1, c2):
        for cl in (a, b):
            cl.send(f"JOIN {ch}")
            cl.expect("366")
    a.sync()
    b.sync()
    new = uniq("once")
    a.send(f"NICK {new}")
    b.expect("NICK", new)
    b.expect_none("NICK")


def test_nick_case_only_change_allowed(user):
    a = user("casey")
    upper = a.nick.upper()
    a.send(f"NICK {upper}")
    m = a.expect("NICK")
    assert m.params == [upper], m.raw


def test_unregistered_holder_collides(connect):
    first, second = connect(), connect()
    nick = uniq("hold")
    first.send(f"NICK {nick}")
    first.sync()
    second.send(f"NICK {nick}")
    second.expect(433, "*", nick)


def test_op_status_kept_across_nick_change(user):
    a, b = user("n"), user("n")
    chan = uniq_chan()
    a.join(chan)
    b.join(chan)
    new = uniq("opnew")
    a.send(f"NICK {new}")
    b.expect("NICK", new)
    b.send(f"NAMES {chan}")
    m = b.expect(353, b.nick)
    assert f"@{new}" in m.params[3].split(), m.raw
    a.nick = new
    a.send(f"MODE {chan} +m")
    b.expect("MODE", chan, "+m")
