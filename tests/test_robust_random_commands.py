"""Seeded random command soup from several registered clients: every
command the server knows (and some it does not), with parameters drawn
from live nicks, channels, masks and junk.  Asserts after each round that
every client still gets its PONG (nobody hung, the server did not die) and
that the sanitizer build reported nothing (conftest checks).

The only disconnect the server is entitled to here is a KILL: two of the
clients are operators and the soup holds a few KILLs, whose victim gets
`ERROR :Closing Link: HOST (Killed (OPER (COMMENT)))` (RFC 2812 3.7.1; QUIT
is not in the soup).  Any other ERROR - SendQ exceeded, Out of memory,
Ping timeout, an excess flood - or a connection closed with no ERROR while
no KILL was sent is a server bug and fails the test."""

import random
import re

import pytest

from irc import RAW_SPEED, uniq, uniq_chan

# 4,000 commands a seed from five clients, at raw speed: not a flood test.
SERVER_EXTRA = RAW_SPEED

COMMANDS = ["JOIN", "PART", "MODE", "TOPIC", "NAMES", "LIST", "INVITE", "KICK",
            "PRIVMSG", "NOTICE", "AWAY", "WHO", "WHOIS", "WHOWAS", "USERHOST", "ISON",
            "NICK", "LUSERS", "STATS", "VERSION", "TIME", "MOTD", "OPER", "WALLOPS",
            "KILL", "LINKS", "ADMIN", "INFO", "PING", "PONG", "CAP", "USER", "PASS",
            "BOGUS"]
MODE_WORDS = ["+o", "-o", "+v", "-v", "+b", "-b", "+k", "-k", "+l", "-l", "+i", "-i", "+m",
              "-m", "+n", "-n", "+s", "-s", "+p", "-p", "+t", "-t", "+ov", "-ov+b", "+kl",
              "+bbb", "+w", "-w", "+Z", "b", "+o-o+v-v"]


KILLED = re.compile(r"^ERROR :Closing Link: \S+ \(Killed \(\S+ \(.*\)\)\)$")


def check_disconnect(c, kills_sent):
    """c's connection ended: it must be a KILL's, by the ERROR it got."""
    try:  # what the server sent before closing may still be unread
        c.expect_closed(timeout=20)
    except (AssertionError, OSError):
        pass  # reset, or timed out: judged by what was read
    errors = [line for line in c.history if line.startswith("ERROR")]
    if errors:
        assert KILLED.match(errors[-1]), f"{c.nick}: disconnected with {errors[-1]!r}"
    else:
        # A reset can lose the unread ERROR: only a KILL explains that.
        assert kills_sent and c.eof, f"{c.nick}: connection lost without an ERROR " \
                                     f"(kills sent: {kills_sent}): {list(c.history)[-5:]}"


@pytest.mark.parametrize("seed", range(1, 11))
def test_random_commands_keep_server_alive(user, seed):
    rng = random.Random(seed)
    clients = [user("rz") for _ in range(5)]
    chans = [uniq_chan() for _ in range(4)]
    clients[0].oper()
    clients[1].oper()

    def word():
        pool = [c.nick for c in clients] + chans + [
            "*", "0", "", ":", "#", "&x", "*!*@*", "a,b", "5", "-1", "999999999999",
            "x" * 40, "#" + "y" * 60, "ünï", uniq("z"), "oper", "operpass", "\x01"]
        return rng.choice(pool)

    kills_sent = 0
    for round_no in range(40):
        alive = [c for c in clients if not c.eof]
        assert alive, f"every client was disconnected by round {round_no}"
        for _ in range(100):
            c = rng.choice(alive)
            cmd = rng.choice(COMMANDS)
            if cmd == "MODE":
                args = [rng.choice(chans + [c.nick]), rng.choice(MODE_WORDS)] + \
                       [word() for _ in range(rng.randrange(0, 4))]
            elif cmd == "NICK":
                args = [rng.choice([uniq("rn"), word()])]
            elif cmd == "KILL" and rng.random() < 0.9:
                continue  # keep most clients alive for the later rounds
            elif cmd == "KILL":
                kills_sent += 1
                args = [word() for _ in range(rng.randrange(0, 4))]
            else:
                args = [word() for _ in range(rng.randrange(0, 4))]
            line = " ".join([cmd] + args[:-1] + ([":" + args[-1]] if args else []))
            try:
                c.send(line[:500])
            except OSError:  # closed earlier in this round: a KILL, or a bug
                check_disconnect(c, kills_sent)
                alive.remove(c)
                if not alive:
                    break
        for c in alive:
            try:
                got = c.sync(timeout=20)
            except (AssertionError, OSError):
                check_disconnect(c, kills_sent)
                continue
            for m in got:  # follow our own nick changes
                if m.command == "NICK" and m.nick == c.nick:
                    c.nick = m.params[0]


class _Closed:
    """A client whose connection has ended, with these lines received."""

    def __init__(self, *lines, eof=True):
        self.nick, self.history, self.eof = "rz1", list(lines), eof

    def expect_closed(self, timeout=None):
        return []


@pytest.mark.parametrize("lines,kills,ok", [
    ((":op!u@h KILL rz1 :bye", "ERROR :Closing Link: 127.0.0.1 (Killed (op (bye)))"), 1, True),
    (("ERROR :Closing Link: 127.0.0.1 (SendQ exceeded)",), 1, False),
    (("ERROR :Closing Link: 127.0.0.1 (Ping timeout: 3 seconds)",), 1, False),
    (("ERROR :Closing Link: 127.0.0.1 (Excess Flood)",), 1, False),
    (("ERROR :Closing Link: 127.0.0.1 (Out of memory)",), 0, False),
    ((":srv 401 rz1 x :No such nick/channel",), 1, True),   # reset lost the ERROR
    ((":srv 401 rz1 x :No such nick/channel",), 0, False),  # ... with no KILL sent
], ids=["killed", "sendq", "ping-timeout", "excess-flood", "oom", "reset-after-kill",
        "reset-no-kill"])
def test_only_a_kill_is_an_entitled_disconnect(lines, kills, ok):
    if ok:
        check_disconnect(_Closed(*lines), kills)
    else:
        with pytest.raises(AssertionError):
            check_disconnect(_Closed(*lines), kills)
