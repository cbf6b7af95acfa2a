"""USER (RFC 2812 3.1.3) and OPER (3.1.4)."""

from irc import OPER_NAME, OPER_PASS, uniq


def test_user_needs_four_params_461(connect):
    c = connect()
    c.send("USER only three :params")
    c.expect(461, "*", "USER")
    c.send("USER a b")
    c.expect(461, "*", "USER")
    # The connection is still usable: a correct USER registers.
    nick = uniq("u")
    c.send(f"NICK {nick}")
    c.send("USER u 0 * :Real Name")
    c.expect("001", nick)


def test_user_after_registration_462(user):
    a = user("u")
    a.send("USER again 0 * :Again")
    a.expect(462, a.nick)


def test_user_twice_before_nick_462(connect):
    c = connect()
    c.send("USER one 0 * :One")
    c.send("USER two 0 * :Two")
    c.expect(462, "*")
    nick = uniq("u")
    c.send(f"NICK {nick}")
    m = c.expect("001", nick)
    assert m.params[-1].endswith(f"{nick}!one@127.0.0.1"), m.raw


def test_realname_with_spaces_in_whois(connect, user):
    c = connect()
    nick = uniq("rn")
    c.register(nick, user="ident", realname="Real  Name: with colon")
    a = user("u")
    a.send(f"WHOIS {nick}")
    m = a.expect(311, a.nick, nick)
    assert m.params[2:] == ["ident", "127.0.0.1", "*", "Real  Name: with colon"], m.raw


def test_oper_success_381_and_mode_o(user):
    a = user("op")
    a.send(f"OPER {OPER_NAME} {OPER_PASS}")
    m = a.expect("MODE", a.nick)
    assert m.params[1] == "+o", m.raw
    a.expect(381, a.nick)
    a.send(f"MODE {a.nick}")
    m = a.expect(221, a.nick)
    assert "o" in m.params[1], m.raw


def test_oper_wrong_password_464(user):
    a = user("op")
    a.send(f"OPER {OPER_NAME} wrong")
    a.expect(464, a.nick)
    a.send(f"MODE {a.nick}")
    m = a.expect(221, a.nick)
    assert "o" not in m.params[1], m.raw


def test_oper_unknown_name_refused(user):
    a = user("op")
    a.send(f"OPER nosuchoper {OPER_PASS}")
    m = a.expect(lambda m: m.command in ("464", "491"))
    assert m.params[0] == a.nick, m.raw
    a.expect_none("381")


def test_oper_needs_two_params_461(user):
    a = user("op")
    a.send(f"OPER {OPER_NAME}")
    a.expect(461, a.nick, "OPER")
    a.send("OPER")
    a.expect(461, a.nick, "OPER")


def test_oper_counted_in_lusers(spawn_server, connect):
    srv = spawn_server()
    a = connect(srv)
    a.register(uniq("op"))
    a.oper()
    a.send("LUSERS")
    m = a.expect(252, a.nick)
    assert m.params[1] == "1", m.raw
    a.send(f"MODE {a.nick} -o")
    a.expect("MODE", a.nick, "-o")
    # RFC 2812 5.1: with no operator online, no 252 at all
    a.send("LUSERS")
    got = a.collect(255, a.nick)
    assert not any(m.command == "252" for m in got), [m.raw for m in got]


def test_oper_without_any_operators_491(spawn_server, connect):
    srv = spawn_server(oper=False)
    a = connect(srv)
    a.register(uniq("op"))
    a.send(f"OPER {OPER_NAME} {OPER_PASS}")
    a.expect(491, a.nick)
    a.expect_none("381")
