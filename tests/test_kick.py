"""KICK (RFC 2812 3.2.8): one line per victim, lists, 441, 482, 442, 403."""

from irc import uniq, uniq_chan


def kick_scene(user, n=2):
    op = user("k")
    others = [user("k") for _ in range(n)]
    name = uniq_chan()
    op.join(name)
    for o in others:
        o.join(name)
    op.sync()
    return op, others, name


def test_kick_with_reason(user):
    op, (b, c), name = kick_scene(user)
    op.send(f"KICK {name} {b.nick} :behave")
    for cl in (op, b, c):
        m = cl.expect("KICK", name, b.nick, "behave")
        assert m.nick == op.nick, m.raw
    b.send(f"PRIVMSG {name} :am I in?")
    b.expect(404, b.nick, name)
    c.send(f"NAMES {name}")
    m = c.expect(353, c.nick)
    assert b.nick not in [w.lstrip("@+") for w in m.params[3].split()], m.raw


def test_kick_default_reason_is_kicker_nick(user):
    op, (b,), name = kick_scene(user, 1)
    op.send(f"KICK {name} {b.nick}")
    m = b.expect("KICK", name, b.nick)
    assert m.params[2] == op.nick, m.raw


def test_kick_list_of_users(user):
    op, (b, c, d), name = kick_scene(user, 3)
    op.send(f"KICK {name} {b.nick},{c.nick} :both")
    # RFC 2812 3.2.8: one KICK per user, never a list.
    m1 = d.expect("KICK", name)
    m2 = d.expect("KICK", name)
    assert {m1.params[1], m2.params[1]} == {b.nick, c.nick}, (m1.raw, m2.raw)


def test_kick_channel_and_user_lists_pair(user):
    op, (b,), c1 = kick_scene(user, 1)
    c2 = uniq_chan()
    op.join(c2)
    b.join(c2)
    op.send(f"KICK {c1},{c2} {b.nick},{b.nick}")
    got = {b.expect("KICK").params[0], b.expect("KICK").params[0]}
    assert got == {c1, c2}, got


def test_kick_user_not_in_channel_441(user):
    op, (b,), name = kick_scene(user, 1)
    out = user("k")
    op.send(f"KICK {name} {out.nick}")
    op.expect(441, op.nick, out.nick, name)
    b.expect_none("KICK")


def test_kick_needs_op_482(user):
    op, (b, c), name = kick_scene(user)
    b.send(f"KICK {name} {c.nick}")
    b.expect(482, b.nick, name)
    c.expect_none("KICK")


def test_kick_from_non_member_442(user):
    op, (b,), name = kick_scene(user, 1)
    out = user("k")
    out.send(f"KICK {name} {b.nick}")
    out.expect(442, out.nick, name)
    b.expect_none("KICK")


def test_kick_no_such_channel_403(user):
    a, b = user("k"), user("k")
    name = uniq_chan()
    a.send(f"KICK {name} {b.nick}")
    a.expect(403, a.nick, name)


def test_kick_no_such_nick_401(user):
    op, _, name = kick_scene(user, 0)
    ghost = uniq("ghost")
    op.send(f"KICK {name} {ghost}")
    op.expect(401, op.nick, ghost)


def test_kick_needs_params_461(user):
    a = user("k")
    a.send("KICK #onlychannel")
    a.expect(461, a.nick, "KICK")


def test_op_kicks_self_from_lone_channel(user):
    op, _, name = kick_scene(user, 0)
    op.send(f"KICK {name} {op.nick}")
    op.expect("KICK", name, op.nick)
    op.send(f"NAMES {name}")
    got = op.collect(366, op.nick, name)
    assert not any(m.command == "353" for m in got), got


def test_kick_list_lengths_must_match_461(user):
    # RFC 2812 3.2.8: one channel and many users, or as many channels as users.
    op, (b,), c1 = kick_scene(user, 1)
    c2, c3 = uniq_chan(), uniq_chan()
    op.send(f"KICK {c1},{c2},{c3} {b.nick},{b.nick}")
    op.expect(461, op.nick, "KICK")
    b.expect_none("KICK")
