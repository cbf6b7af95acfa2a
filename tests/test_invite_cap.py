"""INVITE's list at refircd's cap (MAXINVITES, 1024 invitations a channel,
reference-server/limits.h): past it the oldest invitation is forgotten and
every newer one kept.  The cap is refircd's own setting, far past what a
case's crowd reaches, so make mutants gives channel.c's surviving mutants
this test (TESTED_BY).  An invitation belongs to the client it was given
to and outlives it, so 1023 short-lived clients fill the list; the two
invited last must each still get into the +i channel."""

from irc import RAW_SPEED, uniq, uniq_chan

MAXINVITES = 1024


def test_invitations_past_the_cap_keep_the_newest(spawn_server, connect):
    srv = spawn_server(extra=RAW_SPEED)
    a = connect(srv)
    a.register(uniq("op"))
    chan = uniq_chan()
    a.join(chan)
    a.send(f"MODE {chan} +i")
    a.expect("MODE", chan)
    batch = 50
    for start in range(0, MAXINVITES - 1, batch):
        crowd = [connect(srv) for _ in range(min(batch, MAXINVITES - 1 - start))]
        for c in crowd:
            c.register(uniq("iv"))
            a.send(f"INVITE {c.nick} {chan}")
        for c in crowd:
            a.expect("341", a.nick, c.nick, chan)
            c.send("QUIT")
        for c in crowd:
            c.expect_closed()
            c.close()
    last, past = connect(srv), connect(srv)
    last.register(uniq("last"))  # the 1024th: the list is full
    past.register(uniq("past"))  # the 1025th: the oldest is forgotten
    for c in (last, past):
        a.send(f"INVITE {c.nick} {chan}")
        a.expect("341", a.nick, c.nick, chan)
    for c in (last, past):
        c.send(f"JOIN {chan}")
        got = c.collect(lambda m: m.command in ("366", "473"))
        assert got[-1].command == "366", f"{c.nick}'s invitation was lost: {got[-1].raw}"
