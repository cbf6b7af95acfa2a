"""Abrupt disconnects over real TCP: RST, half-close (FIN), and closes
with a partial line or unsent output pending.  Peers must see QUIT and
the server must keep serving."""

from irc import RAW_SPEED, uniq, uniq_chan

# Tests queue hundreds of lines for a reader at raw speed; pacing is
# test_flood.py's.
SERVER_EXTRA = RAW_SPEED


def channel_pair(user):
    a, b = user("dc"), user("dc")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    return a, b, name


def test_rst_peer_sees_quit(user):
    a, b, name = channel_pair(user)
    gone = b.nick
    b.reset()  # SO_LINGER {1, 0} + close: a TCP RST
    m = a.expect("QUIT")
    assert m.nick == gone, m.raw
    a.send(f"NAMES {name}")
    m = a.expect(353, a.nick)
    assert m.params[3] == f"@{a.nick}", m.raw


def test_half_close_peer_sees_quit(user):
    a, b, name = channel_pair(user)
    b.half_close()  # FIN: b can still read
    m = a.expect("QUIT")
    assert m.nick == b.nick, m.raw
    b.expect_closed()  # the server closes its side too


def test_lines_before_fin_still_run(user):
    a, b, name = channel_pair(user)
    b.send_raw(f"PRIVMSG {name} :last words\r\n".encode())
    b.half_close()
    m = a.expect("PRIVMSG", name, "last words")
    assert m.nick == b.nick, m.raw
    a.expect("QUIT")


def test_partial_line_at_close_is_not_run(user):
    a, b, name = channel_pair(user)
    b.send_raw(f"PRIVMSG {name} :unfinished".encode())
    b.sock.close()
    got = a.collect("QUIT")
    assert not any(m.command == "PRIVMSG" for m in got), got


def test_rst_with_output_pending(user, connect):
    a, b, name = channel_pair(user)
    listener = connect(rcvbuf=4096)
    listener.register(uniq("dc"))
    listener.join(name)
    a.sync()
    # Queue plenty for the listener, which never reads, then reset it.
    for i in range(200):
        a.send(f"PRIVMSG {name} :" + "p" * 400)
    a.sync()
    gone = listener.nick
    listener.reset()
    m = b.collect(lambda m: m.command == "QUIT" and m.nick == gone, timeout=20)[-1]
    assert m.nick == gone, m.raw
    a.expect("QUIT")
    a.sync()


def test_unregistered_rst_and_close(connect, user):
    a = user("dc")
    for i in range(20):
        c = connect()
        if i % 2:
            c.send(f"NICK {uniq('half')}")
            c.reset()
        else:
            c.close()
    a.sync()
    a.expect_none("QUIT")


def test_many_connect_reset_cycles(connect, user):
    a = user("dc")
    name = uniq_chan()
    a.join(name)
    for _ in range(50):
        c = connect()
        c.register(uniq("cy"))
        c.join(name)
        c.reset()
    # Every one of the 50 resets shows up as one QUIT, none is lost.
    for _ in range(50):
        a.expect("QUIT")
    a.expect_none("QUIT")
    a.send(f"NAMES {name}")
    m = a.expect(353, a.nick)
    assert m.params[3] == f"@{a.nick}", m.raw
