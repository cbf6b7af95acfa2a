"""Framing over real TCP: bytes in any split, CR/LF apart, held partial
lines, over-long lines (417), NUL bytes and garbage."""

import random

from irc import RAW_SPEED, uniq, uniq_chan

# 64 KB of garbage and 300 random lines from one client at raw speed;
# pacing is test_flood.py's.
SERVER_EXTRA = RAW_SPEED


def test_registration_one_byte_per_send(connect):
    c = connect()  # TCP_NODELAY is on: each byte goes out in its own segment
    nick = uniq("bb")
    c.send_bytewise(f"NICK {nick}\r\nUSER u 0 * :Byte By Byte\r\n".encode())
    c.expect("001", nick)
    c.expect("376", nick)


def test_channel_messages_one_byte_per_send(user):
    a, b = user("bb"), user("bb")
    name = uniq_chan()
    a.send_bytewise(f"JOIN {name}\r\n".encode())
    a.expect(366, a.nick, name)
    b.join(name)
    a.sync()
    for text in ("first message", "second: with colon", "third"):
        a.send_bytewise(f"PRIVMSG {name} :{text}\r\n".encode())
        m = b.expect("PRIVMSG", name)
        assert m.params[1] == text and m.nick == a.nick, m.raw
    a.expect_none("PRIVMSG")


def test_cr_and_lf_in_separate_sends(user):
    a, b = user("cr"), user("cr")
    a.send_raw(f"PRIVMSG {b.nick} :split".encode() + b"\r")
    b.expect_none("PRIVMSG")  # no LF yet: nothing may be delivered
    a.send_raw(b"\n")
    m = b.expect("PRIVMSG")
    assert m.params[1] == "split", m.raw  # the CR is not part of the text


def test_partial_line_held_while_others_served(user):
    a, b, c = user("pl"), user("pl"), user("pl")
    name = uniq_chan()
    for cl in (a, b, c):
        cl.join(name)
    a.sync()
    b.sync()
    a.send_raw(f"PRIVMSG {name} :first half".encode())
    for i in range(5):
        b.send(f"PRIVMSG {name} :b says {i}")
        m = c.expect("PRIVMSG", name)
        assert m.params[1] == f"b says {i}" and m.nick == b.nick, m.raw
        c.send(f"PRIVMSG {b.nick} :c says {i}")
        b.expect("PRIVMSG", b.nick, f"c says {i}")
    c.expect_none(lambda m: m.command == "PRIVMSG" and m.nick == a.nick)
    a.send_raw(b", second half\r\n")
    m = c.expect("PRIVMSG", name)
    assert m.nick == a.nick and m.params[1] == "first half, second half", m.raw


def test_overlong_line_417_then_still_works(user):
    a, b = user("ol"), user("ol")
    a.send(f"PRIVMSG {b.nick} :" + "x" * 600)
    a.expect(417, a.nick)
    b.expect_none("PRIVMSG")  # the over-long line was dropped, not cut and run
    a.send(f"PRIVMSG {b.nick} :after")
    b.expect("PRIVMSG", b.nick, "after")


def test_exactly_512_bytes_accepted_513_refused(user):
    a, b = user("ol"), user("ol")
    head = f"PRIVMSG {b.nick} :".encode()
    ok = head + b"y" * (510 - len(head))
    assert len(ok + b"\r\n") == 512
    a.send_raw(ok + b"\r\n")
    m = b.expect("PRIVMSG")
    assert set(m.params[1]) == {"y"}, m.raw
    a.expect_none(417)
    too_long = head + b"z" * (511 - len(head))
    a.send_raw(too_long + b"\r\n")
    a.expect(417, a.nick)
    b.expect_none("PRIVMSG")


def test_huge_line_in_pieces_one_417(user):
    a, b = user("ol"), user("ol")
    a.send_raw(f"PRIVMSG {b.nick} :".encode())
    for _ in range(20):
        a.send_raw(b"q" * 1000)
    a.send_raw(f"\r\nPRIVMSG {b.nick} :next line\r\n".encode())
    got = a.sync()
    assert [m.command for m in got] == ["417"], got
    m = b.expect("PRIVMSG")
    assert m.params[1] == "next line", m.raw
    b.expect_none("PRIVMSG")


def test_nul_bytes_do_not_crash(user):
    a, b = user("nul"), user("nul")
    a.send_raw(f"PRIVMSG {b.nick} :before\0after\r\n".encode())
    a.send_raw(b"\0\0\0\r\n")
    a.send_raw(b"\0PRIVMSG x :y\r\n")
    a.send_raw(f"PRIV\0MSG {b.nick} :z\r\n".encode())
    got = a.sync()  # a's lines are all handled; what they sent b is queued
    assert [m.command for m in got] == ["421"] and got[0].params[1] == "PRIV", got
    got = b.sync()
    texts = [m.params[1] for m in got if m.command == "PRIVMSG"]
    assert texts == ["before"], got  # ircmsg.h: a NUL ends its token


def test_random_garbage_then_recovers(user):
    a = user("gb")
    rng = random.Random(512)
    junk = bytes(rng.randrange(256) for _ in range(64 * 1024))
    junk = junk.replace(b"\n", b" ")  # one long line: one 417 at most per line
    for i in range(0, len(junk), 4096):
        a.send_raw(junk[i:i + 4096])
    a.send_raw(b"\r\n")
    got = a.sync()
    assert all(m.command == "417" for m in got), got
    # Garbage with line breaks: every line is handled, the client survives.
    lines = b"\r\n".join(bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 80)))
                         .replace(b"\n", b"").replace(b"\r", b"")
                         .replace(b"QUIT", b"xxxx").replace(b"quit", b"xxxx")
                         for _ in range(300)) + b"\r\n"
    a.send_raw(lines)
    a.sync(timeout=20)


def test_empty_lines_ignored(user):
    a = user("el")
    a.send_raw(b"\r\n\n\r\n   \r\n")
    got = a.expect_none(lambda m: True)
    assert got == [], got
