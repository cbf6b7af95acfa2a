"""Abrupt disconnects over real TCP: RST, half-close (FIN), and closes
with a partial line or unsent output pending.  Peers must see QUIT and
the server must keep serving."""

import time
from pathlib import Path

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


def lusers_behind_quit(spawn_server, connect, count):
    """A client with a small receive buffer that sends `count` LUSERS and
    QUIT in one write and reads nothing; a channel peer sees its QUIT.
    Some 400 bytes a LUSERS, 4.8 MB in all: more than the kernel buffers
    hold (on loopback the server's send buffer starts at over 1 MB), so
    much of it is still queued in the server when the client exits."""
    srv = spawn_server(extra=RAW_SPEED + ("--sendq", str(16 << 20)))
    srv.idle_fds = len(list(Path(f"/proc/{srv.proc.pid}/fd").iterdir()))
    a = connect(srv, rcvbuf=4096)
    a.register(uniq("lg"))
    b = connect(srv)
    b.register(uniq("lg"))
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    a.send_raw(b"LUSERS\r\n" * count + b"QUIT :done\r\n")
    m = b.collect(lambda m: m.command == "QUIT" and m.nick == a.nick, timeout=30)[-1]
    assert m.params[-1:] == ["Quit: done"] or m.params[-1].endswith("done"), m.raw
    return srv, a, b


def test_quit_behind_long_reply_gets_all_then_error(spawn_server, connect):
    # Catches: a server that closes an exited client's socket at once,
    # dropping what the kernel had no room for (the end of the replies it
    # asked for, and the ERROR of RFC 2812 3.1.7).
    srv, a, b = lusers_behind_quit(spawn_server, connect, 12000)
    # While its output waits, the exited client is no connection LUSERS
    # counts: one user (b), nobody unknown.
    b.send("LUSERS")
    got = b.collect("266")
    assert not any(m.command == "253" for m in got), [m.raw for m in got]
    assert any(m.command == "251" and "There are 1 users" in m.raw for m in got), \
        [m.raw for m in got]
    got = a.expect_closed(timeout=60)
    assert sum(m.command == "266" for m in got) == 12000, len(got)
    assert got[-1].command == "ERROR", got[-1].raw


def test_exited_stopped_reader_is_closed_in_time(spawn_server, connect):
    # Catches: a server that waits forever to write an exited client's last
    # lines when the client never reads them (a descriptor and its queue
    # held for good).  refircd gives up after 10 s without progress; the
    # bound here is 60 s.
    srv, a, b = lusers_behind_quit(spawn_server, connect, 12000)
    fds = Path(f"/proc/{srv.proc.pid}/fd")
    # a's socket is closed when the server holds what it held idle, and b.
    deadline = time.monotonic() + 60
    while len(list(fds.iterdir())) > srv.idle_fds + 1:
        assert time.monotonic() < deadline, "the exited client's socket was never closed"
        b.sync()  # the server keeps serving meanwhile
    a.expect_closed(timeout=30)  # what the kernel held, then EOF
