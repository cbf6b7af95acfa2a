"""WHOWAS's nickname history (RFC 2812 3.6.3: "the server searches
through its nickname history") on a server that has just started.

refircd keeps departures in a ring that starts empty and grows (8, 16, ...
up to 256 entries) as they come, then wraps.  No case can see the
growing: a suite run passes the full size within its first cases, so a
departure lost where the ring grows, or a ring that never grows past its
first allocation, shows only on a fresh server.  `make mutants` gives
client.c's surviving mutants these tests (TESTED_BY in
scripts/mutants/run.py).  A nick change is a departure of the old nick, so
one client makes many of them quickly."""

from irc import RAW_SPEED, uniq


def whowas_users(c, nicks):
    """WHOWAS each nick; returns {nick: the user field of its newest 314,
    or None where the server answered 406}."""
    for n in nicks:
        c.send(f"WHOWAS {n} 1")
    found = {}
    for n in nicks:
        got = c.collect("369", c.nick, n)
        hits = [m for m in got if m.command == "314" and m.params[1] == n]
        found[n] = hits[0].params[2] if hits else None
    return found


def rename(c, count, tag):
    """count nick changes of c; returns the nicks it left, oldest first."""
    left = []
    for i in range(count):
        new = f"{tag}{i}"
        c.send(f"NICK {new}")
        left.append(c.nick)
        c.nick = new
    c.expect("NICK", c.nick)
    return left


def test_first_departure_on_a_fresh_server_is_remembered(spawn_server, connect):
    srv = spawn_server(extra=RAW_SPEED)  # hundreds of NICKs in a row
    a, b = connect(srv), connect(srv)
    a.register(uniq("wa"))
    b.register(uniq("wb"), user="firstgone")
    gone = b.nick
    b.send("QUIT :bye")
    b.expect_closed()
    a.sync()
    assert whowas_users(a, [gone]) == {gone: "firstgone"}


def test_history_grows_past_each_step_to_every_departure(spawn_server, connect):
    """40 departures in a row on a fresh server: the ring grows at 8, 16 and
    32 entries, and every departure is still there afterwards."""
    srv = spawn_server(extra=RAW_SPEED)  # hundreds of NICKs in a row
    a, b = connect(srv), connect(srv)
    a.register(uniq("wa"))
    b.register(uniq("wb"), user="grower")
    tag = uniq("g")[:12]
    left = rename(b, 40, tag)
    found = whowas_users(a, left)
    lost = [n for n in left if found[n] != "grower"]
    assert not lost, f"departures the history lost: {lost}"


def test_history_wraps_keeping_the_newest(spawn_server, connect):
    """Past the ring's full size (256) the oldest go first: after 300
    departures the newest 200 are each remembered with their own entry."""
    srv = spawn_server(extra=RAW_SPEED)  # hundreds of NICKs in a row
    a, b = connect(srv), connect(srv)
    a.register(uniq("wa"))
    b.register(uniq("wb"), user="wrapper")
    tag = uniq("r")[:12]
    left = rename(b, 300, tag)
    newest = left[-200:]
    found = whowas_users(a, newest)
    lost = [n for n in newest if found[n] != "wrapper"]
    assert not lost, f"recent departures the history lost: {lost}"
    # each left once: a full search (no count) finds one entry, not the
    # same slot again past the ring's end
    for n in newest[-50:]:
        a.send(f"WHOWAS {n}")
    for n in newest[-50:]:
        got = a.collect("369", a.nick, n)
        hits = [m for m in got if m.command == "314" and m.params[1] == n]
        assert len(hits) == 1, [m.raw for m in hits]
