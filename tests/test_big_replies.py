"""Replies bigger than the send queue: LIST, WHO and NAMES over a network
whose answer is many times the asker's send queue cap arrive whole, in
order, end numeric last (refircd produces them as the queue drains,
reference-server/listing.h); the asker's next commands run after the reply;
and a reader that reads nothing is still dropped at the cap.  (A listing
paused while channels come and go is tested in-process, where the pause is
certain: bin/seamtest, test_listing_cursor.)

The server runs with a small --sendq (8 KiB) so a few hundred channels or
users make a reply several caps long, and with pacing off (--flood-interval
0): the set-up sends hundreds of commands at raw speed."""

import pytest

from irc import Client, uniq, uniq_chan

SENDQ = 8192
TOPIC = "t" * 380  # a 322 line of ~450 bytes
FLAGS = ["--sendq", str(SENDQ), "--flood-interval", "0"]


@pytest.fixture
def srv(spawn_server):
    return spawn_server(extra=FLAGS)


def client(srv, prefix, **kw):
    c = Client(srv, **kw)
    c.register(uniq(prefix))
    return c


def make_channels(srv, n, tag):
    """n channels with long topics, made by as many clients as it takes
    (50 channels each, CHANLIMIT); returns (names, makers)."""
    names, makers = [], []
    while len(names) < n:
        mk = client(srv, "mk")
        makers.append(mk)
        for _ in range(min(50, n - len(names))):
            name = uniq_chan(f"#{tag}")
            names.append(name)
            mk.send(f"JOIN {name}")
            mk.send(f"TOPIC {name} :{TOPIC}")
            if len(names) % 5 == 0:  # read as we go: our own echoes meet the cap too
                mk.sync(timeout=30)
        mk.sync(timeout=30)
    return names, makers


def list_names(msgs):
    return [m.params[1] for m in msgs if m.command == "322"]


def test_list_bigger_than_sendq_arrives_whole(srv):
    names, _ = make_channels(srv, 120, "l")  # ~54 KB of 322s: 6-7 caps
    asker = client(srv, "ask")
    # The PING waits in asker's receive queue until the listing is done.
    asker.send("LIST")
    asker.send("PING :after-list")
    got = asker.collect("PONG", timeout=60)
    cmds = [m.command for m in got]
    assert cmds[0] == "321", cmds[:3]
    assert cmds[-2] == "323", f"323 is not last before the PONG: {cmds[-4:]}"
    assert cmds.count("323") == 1
    listed = list_names(got)
    assert sorted(listed) == sorted(names), \
        f"{len(listed)} channels listed of {len(names)}; missing {set(names) - set(listed)}"
    asker.sync()  # still connected and served


def test_empty_lines_queued_behind_a_listing_are_skipped(srv):
    # LIST starts a listing, so the rest of the same write waits in the
    # receive queue and is framed from there later: a bare LF, then CR LF,
    # at the very start of that queue are empty lines (RFC 2812 2.3.1:
    # "silently ignored"), and the PING after them runs.  Under ASan this
    # is also where a framer that looks one byte before the line (to strip
    # a CR from an empty one) reads outside the queue's buffer.
    names, _ = make_channels(srv, 30, "e")  # ~13 KB of 322s: batches of 2 KiB
    asker = client(srv, "ask")
    asker.send_raw(b"LIST\r\n\n\r\nPING :after-empty\r\n")
    got = asker.collect("PONG", timeout=60)
    cmds = [m.command for m in got]
    assert cmds[-2] == "323" and cmds[-1] == "PONG", cmds[-4:]
    assert got[-1].params[-1] == "after-empty", got[-1].raw
    assert sorted(list_names(got)) == sorted(names)
    assert not [m for m in got if m.command.isdigit() and m.command.startswith("4")], \
        [m.raw for m in got if m.command.startswith("4")]
    asker.sync()


def test_who_bigger_than_sendq_arrives_whole(srv):
    chan = uniq_chan()
    users = []
    for _ in range(90):  # > WHO_DIRECT_MAX (64): WHO #chan is a listing too
        u = Client(srv)
        u.register(uniq("w"), realname="r" * 90)  # 352 lines of ~190 bytes
        u.send(f"JOIN {chan}")
        users.append(u)
    for u in users:  # JOIN echoes and NAMES went to each; let them be read
        u.sync(timeout=30)
    nicks = {u.nick for u in users}
    asker = client(srv, "ask")

    asker.send("WHO *")
    asker.send(f"WHO {chan}")
    asker.send("PING :after-who")
    got = asker.collect("PONG", timeout=60)
    ends = [i for i, m in enumerate(got) if m.command == "315"]
    assert len(ends) == 2, [m.raw for m in got if m.command != "352"]
    everyone = [m.params[5] for m in got[:ends[0]] if m.command == "352"]
    members = [m.params[5] for m in got[ends[0]:ends[1]] if m.command == "352"]
    assert got[ends[0]].params[1] == "*" and got[ends[1]].params[1] == chan
    assert got[ends[1] + 1].command == "PONG"
    assert len(everyone) == len(set(everyone)), "a user listed twice by WHO *"
    assert nicks | {asker.nick} <= set(everyone), f"WHO * missed {nicks - set(everyone)}"
    assert sorted(members) == sorted(nicks), f"WHO {chan}: {len(members)} of {len(nicks)}"
    assert all(m.params[1] == chan for m in got[ends[0]:ends[1]] if m.command == "352")


def test_names_without_channel_bigger_than_sendq(srv):
    names, makers = make_channels(srv, 250, "n")  # ~15 KB of 353s
    loner = client(srv, "lone")  # on no channel: listed under "*"
    asker = client(srv, "ask")
    asker.send("NAMES")
    asker.send("PING :after-names")
    got = asker.collect("PONG", timeout=60)
    replies = [m for m in got if m.command in ("353", "366")]
    assert [m.command for m in replies].count("366") == 1 and replies[-1].command == "366"
    assert replies[-1].params[1] == "*"
    seen = [m.params[2] for m in replies if m.command == "353" and m.params[2] != "*"]
    assert sorted(seen) == sorted(names), f"{len(seen)} channels of {len(names)}"
    stars = " ".join(m.params[3] for m in replies if m.command == "353" and m.params[2] == "*")
    assert loner.nick in stars.split() and asker.nick in stars.split(), stars
    assert not set(stars.split()) & {mk.nick for mk in makers}


def test_stopped_reader_still_dropped_at_the_cap(spawn_server):
    """A reader that reads nothing stalls its own listing (it holds one
    batch, not the reply), and what others send it still meets the cap.
    The cap is 32 KiB here: a loop turn relays a 16 KB read of the flood
    to every member at once, and the readers must take that."""
    srv = spawn_server(extra=["--sendq", "32768", "--flood-interval", "0"])
    names, _ = make_channels(srv, 150, "s")
    chan = uniq_chan()
    flooder, third = client(srv, "fl"), client(srv, "th")
    stopped = client(srv, "st", rcvbuf=4096)
    for cl in (flooder, third, stopped):
        cl.join(chan)
    flooder.sync()
    third.sync()
    stopped.send("LIST")  # and never reads again
    gone = stopped.nick
    quit_msg = None
    # The kernel's buffers take megabytes first (the send buffer grows to
    # tcp_wmem's 4 MB): up to 200 x 200 x ~470 bytes = 19 MB.
    for _ in range(200):
        flooder.send_raw(f"PRIVMSG {chan} :{'f' * 400}\r\n".encode() * 200)
        for m in flooder.sync(timeout=30):
            if m.command == "QUIT" and m.nick == gone:
                quit_msg = m
        if quit_msg:
            break
        third.sync(timeout=30)  # both others keep being served
    assert quit_msg is not None, f"{gone} was never dropped"
    assert "SendQ exceeded" in quit_msg.params[-1], quit_msg.raw
    third.send(f"PRIVMSG {chan} :still here")
    flooder.expect("PRIVMSG", chan, "still here")
