"""Seeded random command soup from several registered clients: every
command the server knows (and some it does not), with parameters drawn
from live nicks, channels, masks and junk.  Asserts after each round that
every client still gets its PONG (nobody hung, the server did not die) and
that the sanitizer build reported nothing (conftest checks)."""

import random

import pytest

from irc import uniq, uniq_chan

COMMANDS = ["JOIN", "PART", "MODE", "TOPIC", "NAMES", "LIST", "INVITE", "KICK",
            "PRIVMSG", "NOTICE", "AWAY", "WHO", "WHOIS", "WHOWAS", "USERHOST", "ISON",
            "NICK", "LUSERS", "STATS", "VERSION", "TIME", "MOTD", "OPER", "WALLOPS",
            "KILL", "LINKS", "ADMIN", "INFO", "PING", "PONG", "CAP", "USER", "PASS",
            "BOGUS"]
MODE_WORDS = ["+o", "-o", "+v", "-v", "+b", "-b", "+k", "-k", "+l", "-l", "+i", "-i", "+m",
              "-m", "+n", "-n", "+s", "-s", "+p", "-p", "+t", "-t", "+ov", "-ov+b", "+kl",
              "+bbb", "+w", "-w", "+Z", "b", "+o-o+v-v"]


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
            else:
                args = [word() for _ in range(rng.randrange(0, 4))]
            line = " ".join([cmd] + args[:-1] + ([":" + args[-1]] if args else []))
            try:
                c.send(line[:500])
            except OSError:  # killed by an oper earlier in this round
                alive.remove(c)
                if not alive:
                    break
        for c in alive:
            try:
                got = c.sync(timeout=20)
            except (AssertionError, OSError):
                if c.eof or c.history and c.history[-1].startswith("ERROR"):
                    continue  # killed by an oper: its ERROR came first
                raise
            for m in got:  # follow our own nick changes
                if m.command == "NICK" and m.nick == c.nick:
                    c.nick = m.params[0]
