"""A `repeat` burst to a server that drops the client part-way (its send
queue past the cap, or excess flood) ends where the connection closed,
and the case goes on: the close is what such cases test, not a failed
send.  refircd with an 8 KiB send queue drops a client that asks for
100,000 WHOIS replies and reads none long before the burst is written."""

from harness_run import ircspec
from irc import BIN

CASE = """\
id: {id}
title: a client past its send queue is dropped during its burst
spec: rfc1459:8.4
level: MUST
clients: a b

a b: register
a: stop-reading
a: repeat 100000 WHOIS {{nick:a}}
{after}
"""

AFTER = {
    # the case goes on: b sees a gone, a's connection is closed
    "goes-on": ("b: send WHOIS {nick:a}\nb: expect 401 {nick:b} {nick:a} *\n"
                "a: expect-close", "pass"),
    # a step that sends on the closed connection still fails
    "send-after": ("b: send WHOIS {nick:a}\nb: expect 401 {nick:b} {nick:a} *\n"
                   "a: send PING :x", "fail"),
}


def test_a_burst_ends_where_the_server_closed(tmp_path):
    d = tmp_path / "cases"
    d.mkdir()
    for cid, (after, _) in AFTER.items():
        (d / f"{cid}.case").write_text(CASE.format(id=cid, after=after))
    spawn = f"{BIN / 'refircd-asan'} -p {{port}} --flood-interval 0 --sendq 8192"
    run = ircspec(tmp_path, "--spawn", spawn, "--timeout", "5000", d)
    assert run.status() == {cid: want for cid, (_, want) in AFTER.items()}, run
    events = [t["data"] for t in run.case("goes-on")["transcript"] if t["dir"] == "event"]
    assert any("closed the connection during the burst" in e for e in events), events
