"""fakeserver.py - small IRC servers for testing ircspec itself.

By default it behaves as a conforming server should for what the fixture
cases (tests/cases_fixture/) exercise: the registration burst 001..005 and
375/372/376, PING -> PONG, ISON -> 303, JOIN/PART/PRIVMSG/NOTICE in
channels and to nicks, QUIT -> ERROR and close, peers see QUIT when a client
goes away, 401/403/404/411/412/421/433/442/451 where they are due.  `--bug NAME` switches on
ONE classic bug (see BUGS); `--crash-on TEXT` dies by SIGSEGV, after a line
on stderr, on the first received line containing TEXT; for the fuzzer's
oracles, `--hang-on TEXT` stops serving anyone (alive, until SIGTERM),
`--longline-on TEXT` answers with a 600-byte line, `--lf-on TEXT` with a
NOTICE whose text holds an LF (the line arrives cut in two), `--report-on TEXT`
prints a UBSan-style report on stderr and lives on, and `--leak-on TEXT`
prints a LeakSanitizer-style report when SIGTERM stops it (exit 23).
`--read-delay S` naps S seconds before each recv(), as a loaded server is
late to read: whatever a client sent meanwhile is then in one read;
`--reads FILE` appends each recv()'s bytes, in hex, as a line of their own.
`--armed-by TEXT` holds `--hang-on` back until another connection has
sent a line containing TEXT (a hang that needs two clients, in order).
`--ignore-term FILE`: SIGTERM does not stop it (only SIGKILL or SIGINT
does); each SIGTERM it gets appends "PID TERM" to FILE.

    python3 tests/fakeserver.py [--port P] [--bug NAME] [--delay S]
                                [--crash-on TEXT] [--announce FILE]
                                [--start-delay S] [--record FILE]
                                [--isupport "TOKEN=V ..."] [--trace FILE]
                                [--read-delay S] [--reads FILE]
                                [--armed-by TEXT] [--ignore-term FILE]

One process, one selectors loop, one thread: the "block-partial" bug can
then really stop everyone.  It prints `fakeserver: listening on HOST:PORT`
on stderr when ready (port 0 picks a free one); `--announce FILE` appends
"PID PORT" to FILE after bind() and before listen(), so by the time anyone
can connect the file names this process; `--start-delay S` waits S seconds
between the two (a server slow to start); `--record FILE` appends every
byte received, as received, to FILE; `--isupport` replaces the tokens of
its 005 (default: DEFAULT_ISUPPORT); `--trace FILE` appends "N LINE" for
every line as it is handled, N numbering the connections.  SIGTERM/SIGINT
exit 0.

From Python: `with FakeServer("echo") as srv: ... srv.port ...`, or
`FakeServer.command("echo")` for `ircspec --spawn` (has a {port} to fill).
"""

import argparse
import collections
import os
import re
import resource
import selectors
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

NAME = "fake.test"
BIGLINE_BYTES = 1024 * 1024
CHAT_BLOCK = b"".join(b":%s NOTICE * :chatter %04d\r\n" % (NAME.encode(), i) for i in range(1000))
INBUF_MAX = 8192  # an unfinished line longer than this is thrown away

BUGS = {
    "none": "behaves correctly",
    "nosplit": "takes every recv() as whole lines: no reassembly of split lines",
    "noquit": "peers see no QUIT when a client disconnects without QUIT",
    "crash-rst": "an ECONNRESET from recv() is an uncaught exception: the server exits",
    "wrong-numeric": "403 ERR_NOSUCHCHANNEL where 401 ERR_NOSUCHNICK is due",
    "echo": "a channel PRIVMSG is echoed to its sender",
    "block-partial": "a client's unfinished line blocks the server: nobody is served",
    "silent": "accepts and reads, never answers anything",
    "garbage": "sends an endless stream of random bytes to every client",
    "bigline": "sends every client a 1 MB line first, then behaves",
    "close-early": "closes every connection right after accept",
    "slow": "every reply leaves --delay seconds (default 2) after it was due",
    "meta-nick": "001 renames each client to a nick full of regex metacharacters "
                 "(valid by RFC 2812 2.3.1's grammar, 15 chars)",
    "bare-001": "001 comes without a prefix (a registration all the same, but RFC 2812 2.4 "
                "wants every numeric's sender prefix)",
    "433-holds-001": "a client's first NICK gets a 433 whose text holds ' 001 '",
    "001-bad-nick": "001 renames the client to 'bad*(nick)+', which is no nickname",
    "long-nick": "001 renames the client to a 30-character nick (NICKLEN=30)",
    "upcase-text": "PRIVMSG and NOTICE text reaches its recipients in upper case",
    "chatty": "once a client is registered, floods it with short NOTICE lines without end",
    "long-401": "the 401 ERR_NOSUCHNICK line is 600 bytes long (RFC 2812 2.3: at most 512)",
    "nul-401": "the 401 ERR_NOSUCHNICK text holds a NUL byte",
    "cr-401": "the 401 ERR_NOSUCHNICK text holds a bare CR",
    "lf-401": "the 401 ERR_NOSUCHNICK text holds an LF (the line arrives cut in two)",
    "lf-endings": "ends every line in LF alone, no CR (consistently: no line is cut)",
    "target-401": "the 401 ERR_NOSUCHNICK comes with a 402 addressed to the missing nick, "
                  "not to the asker",
    "noprefix-401": "the 401 ERR_NOSUCHNICK comes without a sender prefix",
    "ping-on-partial": "PINGs a registered client (PING :partial-1, then NOTICE :pinged) the "
                       "first time it holds an unfinished line; a PONG is answered with a "
                       "NOTICE naming its token",
}
LONG_NICK_TAIL = "_with_a_nicklen_of_thirty_chars"
DEFAULT_ISUPPORT = "CASEMAPPING=rfc1459 CHANTYPES=# NICKLEN=30 PREFIX=(o)@"


def casefold(name):
    """rfc1459 case mapping (RFC 2812 2.2)."""
    return name.lower().translate(str.maketrans("[]\\~", "{}|^"))


def parse(line):
    """(command, params) of an IRC line; the prefix is ignored."""
    if line.startswith(":"):
        line = line.partition(" ")[2]
    line = line.lstrip(" ")
    params = []
    while line:
        if line.startswith(":"):
            params.append(line[1:])
            break
        word, _, line = line.partition(" ")
        params.append(word)
        line = line.lstrip(" ")
    if not params:
        return "", []
    return params[0].upper(), params[1:]


class Client:
    def __init__(self, sock, number=0):
        self.sock = sock
        self.number = number
        self.inbuf = bytearray()
        self.out = bytearray()
        self.nick = self.user = None
        self.registered = False
        self.chans = set()
        self.refused_once = False  # "433-holds-001"
        self.pinged = False        # "ping-on-partial"
        self.closing = False  # close once `out` is flushed (after QUIT)
        self.dead = False

    def mask(self):
        return f"{self.nick}!{self.user or 'u'}@127.0.0.1"


class Server:
    def __init__(self, bug="none", delay=2.0, crash_on=None, record=None,
                 isupport=DEFAULT_ISUPPORT, trace=None, hang_on=None, longline_on=None,
                 report_on=None, leak_on=None, read_delay=0.0, reads=None, armed_by=None,
                 lf_on=None):
        self.hang_on, self.longline_on, self.report_on = hang_on, longline_on, report_on
        self.lf_on = lf_on
        self.armed_by, self.armed_from = armed_by, None
        self.read_delay, self.reads = read_delay, reads
        self.leak_on, self.leaked = leak_on, False
        self.bug = bug
        self.trace = trace
        self.accepted = 0
        self.isupport = isupport.split()
        self.record = record
        self.delay = delay
        self.crash_on = crash_on
        self.sel = selectors.DefaultSelector()
        self.clients = {}  # socket -> Client
        self.nicks = {}    # casefolded nick -> Client
        self.chans = {}    # casefolded name -> [display name, set of Clients]
        self.later = collections.deque()  # "slow": (due, client, bytes)

    # ---- sockets ----
    def listen(self, port, announce=None, start_delay=0.0):
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.port = self.lsock.getsockname()[1]
        if announce:
            with open(announce, "a") as f:
                f.write(f"{os.getpid()} {self.port}\n")
        time.sleep(start_delay)  # a server slow to start (not a sync: it is the behaviour)
        self.lsock.listen(128)
        self.lsock.setblocking(False)
        self.sel.register(self.lsock, selectors.EVENT_READ, None)
        print(f"fakeserver: listening on 127.0.0.1:{self.port} (bug: {self.bug})",
              file=sys.stderr, flush=True)

    def serve_forever(self):
        while True:
            timeout = None
            if self.later:
                timeout = max(0.0, self.later[0][0] - time.monotonic())
            # Connection order, listener first, not the selector's order: a
            # client's unfinished line sent before another client's PING is
            # then always read first, so "block-partial" blocks before it
            # could answer the PING (the selector's order made it flaky).
            ready = sorted(self.sel.select(timeout),
                           key=lambda km: -1 if km[0].data is None else km[0].data.number)
            for key, mask in ready:
                if key.data is None:
                    self.accept()
                    continue
                c = key.data
                if mask & selectors.EVENT_READ and not c.dead:
                    self.readable(c)
                if mask & selectors.EVENT_WRITE and not c.dead:
                    self.flush(c)
            now = time.monotonic()
            while self.later and self.later[0][0] <= now:
                _, c, data = self.later.popleft()
                if not c.dead:
                    c.out += data
                    self.flush(c)

    def accept(self):
        try:
            sock, _ = self.lsock.accept()
        except OSError:
            return
        if self.bug == "close-early":
            sock.close()
            return
        sock.setblocking(False)
        self.accepted += 1
        c = Client(sock, self.accepted)
        self.clients[sock] = c
        self.sel.register(sock, selectors.EVENT_READ, c)
        if self.bug == "garbage":
            self.flush(c)
        elif self.bug == "bigline":
            c.out += b"X" * BIGLINE_BYTES + b"\r\n"
            self.flush(c)

    def readable(self, c):
        # A loaded server is late to read (the behaviour under test, not a sync).
        time.sleep(self.read_delay)
        try:
            data = c.sock.recv(65536)
        except ConnectionResetError:
            if self.bug == "crash-rst":
                # The bug: nobody expected a reset.  Dies at once, as a C
                # server would: no interpreter teardown closing sockets first.
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            data = b""
        except OSError:
            data = b""
        if not data:
            self.drop(c, "Connection closed")
            return
        if self.record:
            with open(self.record, "ab") as f:
                f.write(data)
        if self.reads:
            with open(self.reads, "a") as f:
                f.write(data.hex() + "\n")
        if self.bug in ("silent", "garbage"):
            return
        if self.bug == "nosplit":
            # The bug: whatever one recv() returned is whole lines.
            for piece in data.split(b"\n"):
                if piece.strip(b"\r"):
                    self.line(c, piece)
            return
        c.inbuf += data
        self.take_lines(c)
        if self.bug == "ping-on-partial" and c.inbuf and c.registered and not c.pinged:
            c.pinged = True
            self.send(c, f":{NAME} PING :partial-1")
            self.send(c, f":{NAME} NOTICE {c.nick} :pinged")
        if self.bug == "block-partial":
            while c.inbuf and not c.dead:
                # The bug: wait, blocking, for the rest of the line.
                c.sock.setblocking(True)
                try:
                    more = c.sock.recv(65536)
                except OSError:
                    more = b""
                if c.dead:
                    break
                c.sock.setblocking(False)
                if not more:
                    self.drop(c, "Connection closed")
                    return
                c.inbuf += more
                self.take_lines(c)
        if len(c.inbuf) > INBUF_MAX:
            c.inbuf.clear()

    def take_lines(self, c):
        while not c.dead:
            nl = c.inbuf.find(b"\n")
            if nl < 0:
                return
            raw = bytes(c.inbuf[:nl])
            del c.inbuf[:nl + 1]
            self.line(c, raw)

    def flush(self, c):
        if c.dead:
            return
        if self.bug == "garbage" and not c.out:
            c.out += os.urandom(65536)
        try:
            n = c.sock.send(c.out)
            del c.out[:n]
        except BlockingIOError:
            pass
        except OSError:
            self.drop(c, "Write error")
            return
        if c.closing and not c.out and not any(x[1] is c for x in self.later):
            self.drop(c, None)
            return
        if self.bug == "chatty" and c.registered and not c.out:
            c.out += CHAT_BLOCK  # sent when the socket is writable again
        want = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
        if self.sel.get_key(c.sock).events != want:
            self.sel.modify(c.sock, want, c)

    def send(self, c, line):
        data = line.encode("utf-8", "replace") + (b"\n" if self.bug == "lf-endings" else b"\r\n")
        if self.bug == "slow":
            self.later.append((time.monotonic() + self.delay, c, data))
            return
        c.out += data
        self.flush(c)

    def drop(self, c, quit_reason):
        """Forgets c; its channel peers see QUIT unless quit_reason is None."""
        if c.dead:
            return
        c.dead = True
        self.sel.unregister(c.sock)
        c.sock.close()
        del self.clients[c.sock]
        if c.nick and self.nicks.get(casefold(c.nick)) is c:
            del self.nicks[casefold(c.nick)]
        peers = set()
        for key in c.chans:
            members = self.chans[key][1]
            members.discard(c)
            peers |= members
            if not members:
                del self.chans[key]
        if quit_reason and c.registered and self.bug != "noquit":
            for p in peers:
                self.send(p, f":{c.mask()} QUIT :{quit_reason}")

    # ---- commands ----
    def numeric(self, c, num, *params):
        *middle, last = params
        self.send(c, " ".join([f":{NAME}", num, c.nick or "*", *middle, ":" + last]))

    def line(self, c, raw):
        text = raw.rstrip(b"\r").decode("utf-8", "replace")
        if self.trace:
            with open(self.trace, "a") as f:
                f.write(f"{c.number} {text}\n")
        if self.crash_on and self.crash_on in text:
            print(f"fakeserver: crashing on purpose (SIGSEGV) at {text!r}",
                  file=sys.stderr, flush=True)
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.kill(os.getpid(), signal.SIGSEGV)
        if self.armed_by and self.armed_by in text and self.armed_from is None:
            self.armed_from = c.number
        if self.hang_on and self.hang_on in text and \
                (not self.armed_by or self.armed_from not in (None, c.number)):
            print(f"fakeserver: hanging on purpose at {text!r}", file=sys.stderr, flush=True)
            while True:
                time.sleep(1)  # SIGTERM still ends it
        if self.longline_on and self.longline_on in text:
            self.send(c, f":{NAME} NOTICE * :" + "L" * 600)
        if self.lf_on and self.lf_on in text:
            self.send(c, f":{NAME} NOTICE * :cut\nin two")
        if self.leak_on and self.leak_on in text:
            self.leaked = True
        if self.report_on and self.report_on in text:
            print("fake.c:12:5: runtime error: signed integer overflow: 2147483647 + 1",
                  file=sys.stderr, flush=True)
        cmd, params = parse(text)
        if not cmd:
            return
        handler = getattr(self, "cmd_" + cmd, None)
        if cmd not in ("NICK", "USER", "PASS", "PING", "PONG", "QUIT") and not c.registered:
            self.numeric(c, "451", "You have not registered")
        elif handler is None:
            self.numeric(c, "421", cmd, "Unknown command")
        else:
            handler(c, params)

    def cmd_PASS(self, c, params):
        pass

    def cmd_PONG(self, c, params):
        if self.bug == "ping-on-partial" and c.registered:
            self.send(c, f":{NAME} NOTICE {c.nick} :PONG received: {params[-1] if params else ''}")

    def cmd_ISON(self, c, params):
        """RFC 2812 4.9: the nicks asked for that are on the network."""
        here = [n for word in params for n in word.split() if casefold(n) in self.nicks]
        self.numeric(c, "303", " ".join(here))

    def cmd_PING(self, c, params):
        if not params:
            self.numeric(c, "409", "No origin specified")
        else:
            self.send(c, f":{NAME} PONG {NAME} :{params[-1]}")

    def cmd_NICK(self, c, params):
        if not params or not params[0]:
            self.numeric(c, "431", "No nickname given")
            return
        nick = params[0]
        if not re.fullmatch(r"[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]{0,29}", nick):
            self.numeric(c, "432", nick, "Erroneous nickname")
            return
        other = self.nicks.get(casefold(nick))
        if self.bug == "433-holds-001" and not c.registered and not c.refused_once:
            c.refused_once = True
            self.send(c, f":{NAME} 433 * {nick} :Nickname is already in use, 001 of them")
            return
        if other is not None and other is not c:
            self.numeric(c, "433", nick, "Nickname is already in use")
            return
        if c.nick:
            del self.nicks[casefold(c.nick)]
        if c.registered:
            seen = {c}
            for key in c.chans:
                seen |= self.chans[key][1]
            for p in seen:
                self.send(p, f":{c.mask()} NICK :{nick}")
        c.nick = nick
        self.nicks[casefold(nick)] = c
        self.try_welcome(c)

    def cmd_USER(self, c, params):
        if len(params) < 4:
            self.numeric(c, "461", "USER", "Not enough parameters")
        elif c.registered:
            self.numeric(c, "462", "You may not reregister")
        else:
            c.user = params[0]
            self.try_welcome(c)

    def try_welcome(self, c):
        if c.registered or not (c.nick and c.user):
            return
        c.registered = True
        if self.bug == "meta-nick":
            # As an ERE, "^x|[x]{9}" is an anchor, an alternation and a bound.
            del self.nicks[casefold(c.nick)]
            c.nick = f"^{c.nick[:5]}|[x]{{9}}"
            self.nicks[casefold(c.nick)] = c
        if self.bug == "long-nick":
            del self.nicks[casefold(c.nick)]
            c.nick = (c.nick + LONG_NICK_TAIL)[:30]
            self.nicks[casefold(c.nick)] = c
        if self.bug == "bare-001":
            self.send(c, f"001 {c.nick} :Welcome to the fake network {c.mask()}")
        elif self.bug == "001-bad-nick":
            self.send(c, f":{NAME} 001 bad*(nick)+ :Welcome to the fake network {c.mask()}")
        else:
            self.numeric(c, "001", f"Welcome to the fake network {c.mask()}")
        self.numeric(c, "002", f"Your host is {NAME}, running fakeserver-1.0")
        self.numeric(c, "003", "This server was created today")
        self.send(c, f":{NAME} 004 {c.nick} {NAME} fakeserver-1.0 io nt")
        self.numeric(c, "005", *self.isupport, "are supported by this server")
        self.numeric(c, "375", f"- {NAME} Message of the day -")
        self.numeric(c, "372", "- a fake server for testing ircspec")
        self.numeric(c, "376", "End of MOTD command")

    def cmd_QUIT(self, c, params):
        reason = params[0] if params else "Client quit"
        self.send(c, f"ERROR :Closing Link: {c.nick or '*'} (Quit: {reason})")
        c.closing = True
        who = c.mask()
        # Peers hear it now (the "noquit" bug is about disconnects only).
        for p in {p for key in c.chans for p in self.chans[key][1]} - {c}:
            self.send(p, f":{who} QUIT :Quit: {reason}")
        for key in list(c.chans):
            self.chans[key][1].discard(c)
        c.chans.clear()
        self.flush(c)

    def cmd_JOIN(self, c, params):
        if not params:
            self.numeric(c, "461", "JOIN", "Not enough parameters")
            return
        for name in params[0].split(","):
            if not name.startswith("#") or len(name) < 2:
                self.numeric(c, "403", name, "No such channel")
                continue
            key = casefold(name)
            if key in c.chans:
                continue
            entry = self.chans.setdefault(key, [name, set()])
            entry[1].add(c)
            c.chans.add(key)
            for p in entry[1]:
                self.send(p, f":{c.mask()} JOIN {entry[0]}")
            nicks = " ".join(sorted(p.nick for p in entry[1]))
            self.numeric(c, "353", "=", entry[0], nicks)
            self.numeric(c, "366", entry[0], "End of NAMES list")

    def cmd_PART(self, c, params):
        if not params:
            self.numeric(c, "461", "PART", "Not enough parameters")
            return
        for name in params[0].split(","):
            key = casefold(name)
            if key not in self.chans:
                self.numeric(c, "403", name, "No such channel")
            elif key not in c.chans:
                self.numeric(c, "442", name, "You're not on that channel")
            else:
                entry = self.chans[key]
                reason = f" :{params[1]}" if len(params) > 1 else ""
                for p in entry[1]:
                    self.send(p, f":{c.mask()} PART {entry[0]}{reason}")
                entry[1].discard(c)
                c.chans.discard(key)
                if not entry[1]:
                    del self.chans[key]

    def cmd_PRIVMSG(self, c, params, cmd="PRIVMSG"):
        quiet = cmd == "NOTICE"  # RFC 2812 3.3.2: never an automatic reply
        if not params:
            if not quiet:
                self.numeric(c, "411", f"No recipient given ({cmd})")
            return
        if len(params) < 2 or not params[1]:
            if not quiet:
                self.numeric(c, "412", "No text to send")
            return
        target, text = params[0], params[1]
        if self.bug == "upcase-text":
            text = text.upper()
        key = casefold(target)
        if target.startswith("#"):
            entry = self.chans.get(key)
            if entry is None or key not in c.chans:
                if not quiet:
                    num = "403" if entry is None else "404"
                    self.numeric(c, num, target, "Cannot send to channel")
                return
            for p in entry[1]:
                if p is not c or self.bug == "echo":
                    self.send(p, f":{c.mask()} {cmd} {entry[0]} :{text}")
            return
        peer = self.nicks.get(key)
        if peer is None or not peer.registered:
            if not quiet:
                num = "403" if self.bug == "wrong-numeric" else "401"
                text = {"long-401": "No such nick/channel " + "x" * 560,
                        "nul-401": "No such\0nick", "cr-401": "No such\rnick",
                        "lf-401": "No such\nnick"}
                if self.bug == "target-401":
                    self.send(c, f":{NAME} 402 {target} {target} :No such server")
                if self.bug == "noprefix-401":
                    self.send(c, f"{num} {c.nick} {target} :No such nick/channel")
                    return
                self.numeric(c, num, target, text.get(self.bug, "No such nick/channel"))
            return
        self.send(peer, f":{c.mask()} {cmd} {peer.nick} :{text}")

    def cmd_NOTICE(self, c, params):
        self.cmd_PRIVMSG(c, params, "NOTICE")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bug", choices=sorted(BUGS), default="none")
    ap.add_argument("--delay", type=float, default=2.0, help="seconds, for --bug slow")
    ap.add_argument("--crash-on", metavar="TEXT")
    ap.add_argument("--hang-on", metavar="TEXT")
    ap.add_argument("--lf-on", metavar="TEXT")
    ap.add_argument("--longline-on", metavar="TEXT")
    ap.add_argument("--report-on", metavar="TEXT")
    ap.add_argument("--leak-on", metavar="TEXT")
    ap.add_argument("--record", metavar="FILE", help="append every byte received to FILE")
    ap.add_argument("--announce", metavar="FILE")
    ap.add_argument("--start-delay", type=float, default=0.0, metavar="S",
                    help="seconds between bind() and listen()")
    ap.add_argument("--isupport", default=DEFAULT_ISUPPORT, metavar="TOKENS",
                    help="the 005 tokens, space-separated")
    ap.add_argument("--trace", metavar="FILE", help='append "N LINE" for each line handled')
    ap.add_argument("--read-delay", type=float, default=0.0, metavar="S",
                    help="seconds to nap before each recv(), as a loaded server")
    ap.add_argument("--reads", metavar="FILE", help="append each recv()'s bytes as a hex line")
    ap.add_argument("--armed-by", metavar="TEXT",
                    help="--hang-on only after a line with TEXT from another connection")
    ap.add_argument("--ignore-term", metavar="FILE",
                    help='SIGTERM does not stop it: each one appends "PID TERM" to FILE')
    args = ap.parse_args(argv)
    srv = Server(args.bug, args.delay, args.crash_on, args.record, args.isupport, args.trace,
                 hang_on=args.hang_on, longline_on=args.longline_on,
                 report_on=args.report_on, leak_on=args.leak_on, read_delay=args.read_delay,
                 reads=args.reads, armed_by=args.armed_by, lf_on=args.lf_on)

    def stop(*_):
        if srv.leaked:
            print("==1==ERROR: LeakSanitizer: detected memory leaks\n"
                  "SUMMARY: AddressSanitizer: 5 byte(s) leaked in 1 allocation(s).",
                  file=sys.stderr, flush=True)
            sys.exit(23)
        sys.exit(0)

    def ignore(*_):
        with open(args.ignore_term, "a") as f:
            f.write(f"{os.getpid()} TERM\n")

    signal.signal(signal.SIGTERM, ignore if args.ignore_term else stop)
    signal.signal(signal.SIGINT, stop)
    srv.listen(args.port, args.announce, args.start_delay)
    srv.serve_forever()


# --------------------------------------------------------------------------
# Driving it from the tests


class FakeServer:
    """A fakeserver subprocess on 127.0.0.1:port; its stderr is kept."""

    def __init__(self, bug="none", **opts):
        self.argv = self.argv_for(bug, port=0, **opts)
        self.proc = None
        self.port = None
        self._err = bytearray()

    @staticmethod
    def argv_for(bug="none", port="{port}", **opts):
        """opts: delay, crash_on, hang_on, longline_on, lf_on, report_on, leak_on, announce,
        start_delay, record, isupport, trace, read_delay, reads, armed_by, ignore_term
        (the options)."""
        argv = [sys.executable, os.path.abspath(__file__), "--port", str(port), "--bug", bug]
        for name, value in opts.items():
            if value is not None:
                argv += ["--" + name.replace("_", "-"), str(value)]
        return argv

    @classmethod
    def command(cls, bug="none", **opts):
        """A shell command for `ircspec --spawn` ({port} left to fill)."""
        return " ".join(a if a == "{port}" else shlex.quote(a)
                        for a in cls.argv_for(bug, **opts))

    def start(self, timeout=10.0):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ready = threading.Event()

        def drain():
            for line in iter(self.proc.stderr.readline, b""):
                self._err += line
                m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self._reader = threading.Thread(target=drain, daemon=True)
        self._reader.start()
        if not ready.wait(timeout) or self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"fakeserver did not start: {self.output()}")
        return self

    def output(self):
        return self._err.decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    main()
