"""QUIT (RFC 2812 3.1.7): ERROR, then the server closes; peers see QUIT."""

from irc import uniq_chan


def test_quit_with_message(user):
    a, b = user("q"), user("q")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    a.send("QUIT :gone to lunch")
    got = a.expect_closed()
    assert got and got[-1].command == "ERROR", got
    m = b.expect("QUIT")
    assert m.nick == a.nick and "gone to lunch" in m.params[0], m.raw


def test_quit_without_message(user):
    a, b = user("q"), user("q")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send("QUIT")
    got = a.expect_closed()
    assert any(m.command == "ERROR" for m in got), got
    m = b.expect("QUIT")
    assert m.nick == a.nick and len(m.params) == 1, m.raw


def test_quit_before_registration(connect):
    c = connect()
    c.send("NICK halfway")
    c.send("QUIT :bye")
    got = c.expect_closed()
    assert any(m.command == "ERROR" for m in got), got


def test_nothing_after_quit_is_run(user):
    a, b = user("q"), user("q")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send_raw(f"QUIT :x\r\nPRIVMSG {name} :ghost\r\n".encode())
    a.expect_closed()
    b.expect("QUIT")
    b.expect_none("PRIVMSG")


def test_quit_not_seen_by_strangers(user):
    a, stranger = user("q"), user("q")
    a.send("QUIT")
    a.expect_closed()
    stranger.expect_none("QUIT")


def test_nick_free_after_quit(user, connect):
    a = user("q")
    nick = a.nick
    a.send("QUIT")
    a.expect_closed()
    c = connect()
    c.register(nick)
