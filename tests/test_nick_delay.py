"""The nick a KILL removed stays unavailable for NICK_DELAY_SECS (60)
(RFC 2812 3.7.1: "the server SHOULD add the nickname to the list of
unavailable nicknames"), and is free again once they have passed.  A case
sees the 437 but cannot wait a minute for the end; here bin/clockstep.so
(LD_PRELOAD) moves the server's CLOCK_MONOTONIC on instead.  `make
mutants` gives client.c's surviving mutants this test (TESTED_BY)."""

from irc import uniq


def test_killed_nick_free_again_when_the_delay_ends(mono_server, connect):
    """437 right after the KILL; with the clock moved on by exactly the
    delay (the server's clock has then reached the end, or passed it if a
    second ticked meanwhile), the nick is free: a delay that also holds at
    its last instant ("<=" for "<") still refuses it."""
    srv, mono = mono_server()
    op, victim, other = connect(srv), connect(srv), connect(srv)
    op.register(uniq("dk"))
    op.oper()
    nick = uniq("dv")
    victim.register(nick)
    other.register(uniq("do"))
    op.send(f"KILL {nick} :delay test")
    victim.expect_closed()
    other.send(f"NICK {nick}")
    other.expect("437", other.nick, nick)
    mono.write_text("60")
    other.send(f"NICK {nick}")
    other.expect("NICK", nick)
