"""AWAY (RFC 2812 4.1): 306/305, 301 on PRIVMSG and WHOIS, USERHOST '-'."""


def test_away_and_back(user):
    a = user("aw")
    a.send("AWAY :at lunch")
    a.expect(306, a.nick)
    a.send("AWAY")
    a.expect(305, a.nick)


def test_away_empty_param_unsets(user):
    a, b = user("aw"), user("aw")
    a.send("AWAY :x")
    a.expect(306)
    a.send("AWAY :")
    a.expect(305, a.nick)
    b.send(f"PRIVMSG {a.nick} :hi")
    a.expect("PRIVMSG")
    b.expect_none(301)


def test_privmsg_to_away_user_301(user):
    a, b = user("aw"), user("aw")
    a.send("AWAY :at lunch")
    a.expect(306)
    b.send(f"PRIVMSG {a.nick} :are you there?")
    b.expect(301, b.nick, a.nick, "at lunch")
    a.expect("PRIVMSG", a.nick, "are you there?")


def test_whois_shows_away(user):
    a, b = user("aw"), user("aw")
    a.send("AWAY :busy busy")
    a.expect(306)
    b.send(f"WHOIS {a.nick}")
    b.expect(301, b.nick, a.nick, "busy busy")
    b.expect(318, b.nick)


def test_userhost_marks_away(user):
    a, b = user("aw"), user("aw")
    a.send("AWAY :x")
    a.expect(306)
    b.send(f"USERHOST {a.nick} {b.nick}")
    m = b.expect(302, b.nick)
    items = m.params[1].split()
    assert f"{a.nick}=-user@127.0.0.1" in items and f"{b.nick}=+user@127.0.0.1" in items, m.raw
