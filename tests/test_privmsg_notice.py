"""PRIVMSG (RFC 2812 3.3.1) and NOTICE (3.3.2): users, channels, target
lists, 401, 404 (+n, +m, +b), 411, 412, no echo; NOTICE never answers."""

import pytest

from irc import uniq, uniq_chan


def test_privmsg_user_to_user(user):
    a, b = user("pm"), user("pm")
    a.send(f"PRIVMSG {b.nick} :hello there")
    m = b.expect("PRIVMSG", b.nick, "hello there")
    assert m.prefix == f"{a.nick}!user@127.0.0.1", m.raw
    a.expect_none("PRIVMSG")


def test_privmsg_target_case_insensitive(user):
    a, b = user("pm"), user("pm")
    a.send(f"PRIVMSG {b.nick.upper()} :hi")
    m = b.expect("PRIVMSG")
    assert m.params[1] == "hi", m.raw


def test_privmsg_channel_no_echo(user):
    a, b, c = user("pm"), user("pm"), user("pm")
    name = uniq_chan()
    for cl in (a, b, c):
        cl.join(name)
    a.sync()
    a.send(f"PRIVMSG {name} :to the channel")
    for cl in (b, c):
        m = cl.expect("PRIVMSG", name, "to the channel")
        assert m.nick == a.nick, m.raw
    a.expect_none("PRIVMSG")


def test_privmsg_several_targets(user):
    a, b, c, d = user("pm"), user("pm"), user("pm"), user("pm")
    name = uniq_chan()
    d.join(name)
    a.send(f"PRIVMSG {b.nick},{c.nick},{name} :to all three")
    b.expect("PRIVMSG", b.nick, "to all three")
    c.expect("PRIVMSG", c.nick, "to all three")
    a.expect(404, a.nick, name)  # +n: a is not a member
    a.expect_none("PRIVMSG")


def test_privmsg_same_target_twice_delivered_once(user):
    a, b = user("pm"), user("pm")
    a.send(f"PRIVMSG {b.nick},{b.nick.upper()} :once")
    b.expect("PRIVMSG", None, "once")
    b.expect_none("PRIVMSG")


def test_privmsg_no_such_nick_401(user):
    a, b = user("pm"), user("pm")
    ghost = uniq("ghost")
    a.send(f"PRIVMSG {ghost},{b.nick} :partly")
    a.expect(401, a.nick, ghost)
    b.expect("PRIVMSG", b.nick, "partly")


def test_privmsg_no_such_channel_401(user):
    a = user("pm")
    name = uniq_chan()
    a.send(f"PRIVMSG {name} :anyone?")
    m = a.expect(lambda m: m.command in ("401", "403"))
    assert m.params[:2] == [a.nick, name], m.raw


def test_privmsg_no_recipient_411(user):
    a = user("pm")
    a.send("PRIVMSG")
    a.expect(411, a.nick)
    a.send("PRIVMSG :")
    a.expect(411, a.nick)


def test_privmsg_no_text_412(user):
    a, b = user("pm"), user("pm")
    a.send(f"PRIVMSG {b.nick}")
    a.expect(412, a.nick)
    a.send(f"PRIVMSG {b.nick} :")
    a.expect(412, a.nick)
    b.expect_none("PRIVMSG")


def test_privmsg_outside_plus_n_404(user):
    a, b = user("pm"), user("pm")
    name = uniq_chan()
    a.join(name)
    b.send(f"PRIVMSG {name} :knock")
    b.expect(404, b.nick, name)
    a.expect_none("PRIVMSG")


def test_privmsg_to_too_many_targets_407(user):
    a, b = user("pm"), user("pm")
    targets = ",".join([b.nick] + [uniq("t") for _ in range(20)])
    a.send(f"PRIVMSG {targets} :spam")
    a.expect(407, a.nick)
    b.expect("PRIVMSG", b.nick, "spam")


def test_notice_user_and_channel(user):
    a, b = user("nt"), user("nt")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    a.send(f"NOTICE {b.nick} :direct notice")
    b.expect("NOTICE", b.nick, "direct notice")
    a.send(f"NOTICE {name} :channel notice")
    b.expect("NOTICE", name, "channel notice")
    a.expect_none("NOTICE")


@pytest.mark.parametrize("line", [
    "NOTICE {ghost} :nobody",          # would be 401
    "NOTICE {chan} :outside +n",       # would be 404
    "NOTICE",                          # would be 411
    "NOTICE {peer}",                   # would be 412
    "NOTICE {peer} :",                 # would be 412
    "NOTICE {ghostchan} :nobody",      # would be 401/403
])
def test_notice_never_triggers_a_reply(user, line):
    # RFC 2812 3.3.2: "automatic replies MUST NEVER be sent in response to
    # a NOTICE message ... servers MUST NOT send any error reply back".
    a, peer, owner = user("nt"), user("nt"), user("nt")
    chan = uniq_chan()
    owner.join(chan)
    a.send(line.format(ghost=uniq("ghost"), chan=chan, peer=peer.nick, ghostchan=uniq_chan()))
    got = a.expect_none(lambda m: True)
    assert got == [], got
    owner.expect_none("NOTICE")


def test_notice_to_away_user_no_301(user):
    a, b = user("nt"), user("nt")
    b.send("AWAY :gone")
    b.expect(306)
    a.send(f"NOTICE {b.nick} :psst")
    b.expect("NOTICE")
    a.expect_none(301)


def test_message_text_kept_exactly(user):
    a, b = user("pm"), user("pm")
    text = "  leading spaces, :colons: and trailing  "
    a.send(f"PRIVMSG {b.nick} :{text}")
    m = b.expect("PRIVMSG")
    assert m.params[1] == text, m.raw


def test_utf8_text_relayed(user):
    a, b = user("pm"), user("pm")
    text = "héllo wörld ✓"
    a.send(f"PRIVMSG {b.nick} :{text}")
    m = b.expect("PRIVMSG")
    assert m.params[1] == text, m.raw
