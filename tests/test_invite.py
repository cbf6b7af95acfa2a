"""INVITE (RFC 2812 3.2.7): 341, 443, 401, 442, 482; an invitation lets
the user into a +i channel."""

from irc import uniq, uniq_chan


def test_invite_341_and_delivery(user):
    a, b = user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    a.send(f"INVITE {b.nick} {name}")
    a.expect(341, a.nick, b.nick, name)
    m = b.expect("INVITE", b.nick, name)
    assert m.nick == a.nick, m.raw


def test_invite_lets_into_invite_only(user):
    a, b, c = user("iv"), user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    a.send(f"MODE {name} +i")
    a.expect("MODE", name, "+i")
    b.send(f"JOIN {name}")
    b.expect(473, b.nick, name)
    a.send(f"INVITE {b.nick} {name}")
    b.expect("INVITE")
    b.join(name)
    # The invitation was for b only.
    c.send(f"JOIN {name}")
    c.expect(473, c.nick, name)


def test_invite_user_already_on_channel_443(user):
    a, b = user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send(f"INVITE {b.nick} {name}")
    a.expect(443, a.nick, b.nick, name)
    b.expect_none("INVITE")


def test_invite_no_such_nick_401(user):
    a = user("iv")
    name = uniq_chan()
    a.join(name)
    ghost = uniq("ghost")
    a.send(f"INVITE {ghost} {name}")
    a.expect(401, a.nick, ghost)


def test_invite_from_non_member_442(user):
    a, b, c = user("iv"), user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    b.send(f"INVITE {c.nick} {name}")
    b.expect(442, b.nick, name)
    c.expect_none("INVITE")


def test_invite_to_invite_only_needs_op_482(user):
    a, b, c = user("iv"), user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send(f"MODE {name} +i")
    b.expect("MODE", name, "+i")
    b.send(f"INVITE {c.nick} {name}")
    b.expect(482, b.nick, name)
    c.expect_none("INVITE")


def test_invite_to_missing_channel_allowed(user):
    # RFC 2812 3.2.7: "There is no requirement that the channel the target
    # user is being invited to must exist or be a valid channel."
    a, b = user("iv"), user("iv")
    name = uniq_chan()
    a.send(f"INVITE {b.nick} {name}")
    a.expect(341, a.nick, b.nick, name)
    b.expect("INVITE", b.nick, name)


def test_invite_needs_two_params_461(user):
    a = user("iv")
    a.send("INVITE onlyone")
    a.expect(461, a.nick, "INVITE")


def test_invite_to_away_user_gets_301(user):
    a, b = user("iv"), user("iv")
    b.send("AWAY :out")
    b.expect(306)
    name = uniq_chan()
    a.join(name)
    a.send(f"INVITE {b.nick} {name}")
    a.expect(341)
    a.expect(301, a.nick, b.nick, "out")


def test_member_may_invite_to_open_channel(user):
    a, b, c = user("iv"), user("iv"), user("iv")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    # RFC 2812 3.2.7: only +i restricts INVITE to operators.
    b.send(f"INVITE {c.nick} {name}")
    b.expect(341, b.nick, c.nick, name)
    c.expect("INVITE", c.nick, name)
