"""Keep-alive (RFC 2812 3.7.2): with --ping-interval 1 --ping-timeout 1 an
idle client is PINGed, and dropped when it does not answer; one that
answers stays.  Waiting on the clock is the behaviour under test here, so
this file waits - with a bound."""

import time

from irc import uniq, uniq_chan


def test_unanswered_ping_drops_client(spawn_server, connect):
    srv = spawn_server(ping_interval=1, ping_timeout=1)
    silent = connect(srv, auto_pong=False)
    alive = connect(srv)  # answers every PING (auto_pong) while it reads
    silent.register(uniq("si"))
    alive.register(uniq("al"))
    name = uniq_chan()
    silent.join(name)
    alive.join(name)
    silent_nick = silent.nick
    start = time.monotonic()
    # The silent one sends nothing more (any input would reset its timer);
    # the other one is read meanwhile, so it answers its PINGs.
    got, alive_got = [], []
    # 20 s: a hang guard, never a measure (the drop is due after 2-3 s; a
    # server that never drops fails here, and make mutants waits this long)
    while not silent.eof:
        assert time.monotonic() - start < 20, f"still connected after 20 s: {got}"
        got += silent.read_for(0.2)
        alive_got += alive.read_for(0.2)
    elapsed = time.monotonic() - start
    cmds = [m.command for m in got]
    assert "PING" in cmds and cmds[-1] == "ERROR", got
    assert "timeout" in got[-1].params[-1].lower(), got[-1].raw
    # Dropped only after it was PINGed and the interval had passed (a lower
    # bound: a slow machine can only make it later, never fail it).
    assert cmds.index("PING") < len(cmds) - 1, got
    assert elapsed >= 1.0, elapsed
    is_quit = lambda m: m.command == "QUIT" and m.nick == silent_nick  # noqa: E731
    if not any(is_quit(m) for m in alive_got):
        alive_got += alive.collect(is_quit)
    m = next(m for m in alive_got if is_quit(m))
    assert "ping timeout" in m.params[-1].lower(), m.raw
    # The answering client was idle as long and is still here.
    alive.sync()
    alive.send(f"NAMES {name}")
    m = alive.expect(353, alive.nick)
    assert m.params[3].lstrip("@") == alive.nick, m.raw


def test_unregistered_client_not_pinged_out(spawn_server, connect):
    srv = spawn_server(ping_interval=1, ping_timeout=1)
    c = connect(srv, auto_pong=False)
    nick = uniq("ur")
    c.send(f"NICK {nick}")
    # Silent for 3 s, longer than interval + timeout: registration has its
    # own (60 s) limit, so the connection must still be there.
    got = c.read_for(3.0)
    assert got == [] and not c.eof, got
    c.send("USER u 0 * :r")
    c.expect("001", nick)
