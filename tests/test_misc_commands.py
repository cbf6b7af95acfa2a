"""KILL (RFC 2812 3.7.1), PING/PONG (3.7.2-3), USERHOST (4.8), ISON
(4.9), WALLOPS (4.7), and 421 for unknown commands."""

from irc import SERVER_NAME, uniq, uniq_chan


def test_kill_needs_oper_481(user):
    a, b = user("kl"), user("kl")
    a.send(f"KILL {b.nick} :go away")
    a.expect(481, a.nick)
    b.sync()  # still connected


def test_kill_unknown_401(user):
    a = user("kl")
    a.oper()
    ghost = uniq("ghost")
    a.send(f"KILL {ghost} :who")
    a.expect(401, a.nick, ghost)


def test_kill_needs_comment_461(user):
    a, b = user("kl"), user("kl")
    a.oper()
    a.send(f"KILL {b.nick}")
    a.expect(461, a.nick, "KILL")


def test_kill_drops_victim_peers_see_quit(user):
    op, victim, peer = user("kl"), user("kl"), user("kl")
    name = uniq_chan()
    victim.join(name)
    peer.join(name)
    op.oper()
    op.send(f"KILL {victim.nick} :spamming")
    got = victim.expect_closed()
    assert any(m.command == "KILL" and m.params[0] == victim.nick for m in got), got
    assert any(m.command == "ERROR" for m in got), got
    m = peer.expect("QUIT")
    assert m.nick == victim.nick and "spamming" in m.params[0], m.raw
    op.send(f"WHOIS {victim.nick}")
    op.expect(401, op.nick, victim.nick)


def test_kill_server_483(user):
    a = user("kl")
    a.oper()
    a.send(f"KILL {SERVER_NAME} :no")
    a.expect(483, a.nick)


def test_ping_pong(user):
    a = user("pg")
    a.send("PING :some token here")
    m = a.expect("PONG")
    assert m.prefix == SERVER_NAME and m.params[-1] == "some token here", m.raw


def test_ping_without_origin_409(user):
    a = user("pg")
    a.send("PING")
    a.expect(409, a.nick)


def test_pong_from_client_is_silent(user):
    a = user("pg")
    a.send(f"PONG :{SERVER_NAME}")
    got = a.expect_none(lambda m: True)
    assert got == [], got


def test_userhost_302(user):
    a, b = user("uh"), user("uh")
    b.oper()
    ghost = uniq("ghost")
    a.send(f"USERHOST {a.nick} {b.nick} {ghost}")
    m = a.expect(302, a.nick)
    assert sorted(m.params[1].split()) == sorted(
        [f"{a.nick}=+user@127.0.0.1", f"{b.nick}*=+user@127.0.0.1"]), m.raw


def test_userhost_at_most_five(user):
    users = [user("uh") for _ in range(6)]
    a = users[0]
    a.send("USERHOST " + " ".join(u.nick for u in users))
    m = a.expect(302, a.nick)
    assert len(m.params[1].split()) == 5, m.raw


def test_userhost_needs_param_461(user):
    a = user("uh")
    a.send("USERHOST")
    a.expect(461, a.nick, "USERHOST")


def test_ison_303(user):
    a, b = user("is"), user("is")
    ghost = uniq("ghost")
    a.send(f"ISON {b.nick.upper()} {ghost} {a.nick}")
    m = a.expect(303, a.nick)
    assert sorted(m.params[1].split()) == sorted([b.nick, a.nick]), m.raw
    a.send(f"ISON {ghost}")
    m = a.expect(303, a.nick)
    assert m.params[1] == "", m.raw


def test_ison_needs_param_461(user):
    a = user("is")
    a.send("ISON")
    a.expect(461, a.nick, "ISON")


def test_wallops_needs_oper_481(user):
    a, w = user("wa"), user("wa")
    w.send(f"MODE {w.nick} +w")
    w.expect("MODE")
    a.send("WALLOPS :hello")
    a.expect(481, a.nick)
    w.expect_none("WALLOPS")


def test_wallops_delivered_to_plus_w_only(user):
    op, w, plain = user("wa"), user("wa"), user("wa")
    w.send(f"MODE {w.nick} +w")
    w.expect("MODE")
    op.oper()
    op.send("WALLOPS :server going down")
    m = w.expect("WALLOPS", "server going down")
    assert m.nick == op.nick, m.raw
    plain.expect_none("WALLOPS")


def test_wallops_needs_text_461(user):
    a = user("wa")
    a.oper()
    a.send("WALLOPS")
    a.expect(461, a.nick, "WALLOPS")


def test_unknown_command_421(user):
    a = user("uc")
    a.send("FROBNICATE now")
    a.expect(421, a.nick, "FROBNICATE")
    a.send("frobnicate lower")
    m = a.expect(421, a.nick)
    assert m.params[1].upper() == "FROBNICATE", m.raw


def test_numeric_from_client_is_unknown(user):
    a = user("uc")
    a.send("001 x :y")
    a.expect(421, a.nick, "001")


def test_commands_case_insensitive(user):
    a, b = user("uc"), user("uc")
    a.send(f"privmsg {b.nick} :lower case command")
    b.expect("PRIVMSG", b.nick, "lower case command")


def test_ping_naming_other_server_402(user):
    a = user("pg")
    a.send("PING tok other.server.example")
    a.expect(402, a.nick, "other.server.example")
    a.send(f"PING tok {SERVER_NAME}")
    m = a.expect("PONG")
    assert m.params[-1] == "tok", m.raw


def test_message_to_unregistered_nick_holder_401(user, connect):
    a = user("uc")
    half = connect()
    nick = uniq("half")
    half.send(f"NICK {nick}")
    half.sync()
    a.send(f"PRIVMSG {nick} :are you there")
    a.expect(401, a.nick, nick)
    a.send(f"WHOIS {nick}")
    a.expect(401, a.nick, nick)
    half.expect_none("PRIVMSG")
