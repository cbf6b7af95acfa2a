"""irc.py - what the socket tests drive: a refircd process and an IRC client.

Server   starts a refircd binary on a free port, keeps draining its output
         (stdout and stderr) so the pipe never fills, and on stop() checks it exited 0 with no
         sanitizer report.
Client   one real TCP connection.  Reads always carry a deadline, so nothing
         hangs.  The only synchronisation is sync(): PING with a fresh token
         and read up to the matching PONG.  Since the server handles one
         client's lines in order, everything sent before the PING has been
         processed when the PONG arrives - never time.sleep().
"""

import atexit
import collections
import itertools
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "bin"


def driver_path(name):
    """bin/NAME, or NAME in $IRCSPEC_DRIVER_DIR: `make mutants` links the
    drivers of the modules it mutates (hashtest, parsetest) against its
    schema build there, so a unit test can kill a mutant no client sees."""
    return Path(os.environ.get("IRCSPEC_DRIVER_DIR") or BIN) / name


def driver_env(extra):
    """The environment a driver runs with: extra, plus the active mutant of
    a schema-linked driver ($IRCSPEC_MUTANT, passed on as it is)."""
    env = dict(extra)
    if os.environ.get("IRCSPEC_MUTANT"):
        env["IRCSPEC_MUTANT"] = os.environ["IRCSPEC_MUTANT"]
    return env


def run_driver(name, *args, timeout=120):
    """Runs bin/NAME, one of the in-process C drivers built with ASan+UBSan,
    and returns its output once it has exited 0 with no sanitizer report."""
    exe = driver_path(name)
    if not exe.exists():
        raise AssertionError(f"{exe} is missing: run `make all` first")
    proc = subprocess.run([str(exe), *map(str, args)], capture_output=True, timeout=timeout,
                          env=driver_env({"ASAN_OPTIONS": "detect_leaks=1",
                                          "UBSAN_OPTIONS": "print_stacktrace=1"}))
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{out}"
    assert "Sanitizer" not in out and "runtime error" not in out, out
    return out
TIMEOUT = float(os.environ.get("IRCTEST_TIMEOUT", "5"))
SERVER_NAME = "irc.refircd.test"
OPER_NAME, OPER_PASS = "oper", "operpass"
MOTD_LINES = ["Welcome to the refircd test server.", "Second line of the MOTD."]
# refircd paces each client's commands (--flood-interval, RFC 1459 8.10):
# a burst of 40, then 10 a second.  Tests that push thousands of commands
# through one client on purpose pass this to turn pacing off.
RAW_SPEED = ("--flood-interval", "0")

# Text that means a sanitizer fired, whatever the exit code was.
SANITIZER_MARKERS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "SUMMARY: AddressSanitizer",
    "SUMMARY: UndefinedBehaviorSanitizer",
)


_LISTENING = re.compile(rb"refircd: listening on (\[[^\]]+\]|[^\s:]+):(\d+)")
_counter = itertools.count(1)


def uniq(prefix="u"):
    """A nickname (or name part) no other test in this process uses."""
    return f"{prefix}{os.getpid() % 1000}x{next(_counter)}"


def uniq_chan(prefix="#t"):
    return uniq(prefix)


def binary(name):
    path = BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is not built (run `make all`)")
    return path


# --------------------------------------------------------------------------
# The server process


class Server:
    """One refircd process.  Use start() / stop_and_check(), or `with`."""

    live = []  # started and not yet stopped; conftest checks them per test

    def __init__(self, tmpdir, binary_name="refircd-asan", *, motd=True,
                 oper=True, password=None, bind=None, ping_interval=None,
                 ping_timeout=None, extra=(), wrapper=(), max_fds=None):
        self.tmpdir = Path(tmpdir)
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self.binary_name = binary_name
        self.name = SERVER_NAME
        self.password = password
        self.motd_lines = list(MOTD_LINES) if motd else None
        args = [str(binary(binary_name)), "-p", "0", "-n", self.name]
        if bind:
            args += ["-b", bind]
        if password is not None:
            args += ["-P", password]
        if motd:
            motd_file = self.tmpdir / "motd.txt"
            motd_file.write_text("\n".join(MOTD_LINES) + "\n")
            args += ["--motd", str(motd_file)]
        if oper:
            args += ["--oper", f"{OPER_NAME}:{OPER_PASS}"]
        if ping_interval is not None:
            args += ["--ping-interval", str(ping_interval)]
        if ping_timeout is not None:
            args += ["--ping-timeout", str(ping_timeout)]
        self.argv = list(wrapper) + args + list(extra)
        self.max_fds = max_fds  # RLIMIT_NOFILE, soft and hard (`ulimit -n`)
        self.proc = None
        self.host = self.port = None
        self._out = bytearray()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._checked = 0  # bytes of output already scanned by check_healthy
        self.returncode = None

    # -- life cycle --
    def start(self, timeout=20.0):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env, preexec_fn=self._limit_fds)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout) or self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.argv} did not report `listening on` in {timeout}s; "
                                 f"output:\n{self.output()}")
        Server.live.append(self)
        return self

    def _limit_fds(self):
        # Both limits: refircd raises its soft limit to the hard one.
        if self.max_fds is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.max_fds, self.max_fds))

    def cpu_ticks(self):
        """utime + stime of the server process (/proc/PID/stat), in clock
        ticks: CPU it used, whatever the wall clock did meanwhile."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def _drain(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            with self._lock:
                self._out += chunk
                if not self._ready.is_set():
                    m = _LISTENING.search(self._out)
                    if m:
                        host = m.group(1).decode()
                        self.host = host.strip("[]")
                        if self.host in ("0.0.0.0", "*"):
                            self.host = "127.0.0.1"
                        elif self.host == "::":
                            self.host = "::1"
                        self.port = int(m.group(2))
                        self._ready.set()
        self._ready.set()  # died before listening: let start() report it

    def output(self):
        with self._lock:
            return self._out.decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_healthy(self):
        """Fails if the server died or printed a sanitizer report so far."""
        text = self.output()
        new = text[self._checked:]
        self._checked = len(text)
        if any(m in new for m in SANITIZER_MARKERS):
            raise AssertionError(f"{self.binary_name} reported a sanitizer error:\n{text}")
        if not self.alive():
            raise AssertionError(f"{self.binary_name} exited (status {self.proc.returncode}) "
                                 f"during the test; output:\n{text}")

    def stop(self, timeout=30.0):
        """SIGTERM, wait; returns the exit status (killed: AssertionError)."""
        if self in Server.live:
            Server.live.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._reader.join(5)
                raise AssertionError(f"{self.binary_name} did not exit {timeout}s after SIGTERM; "
                                     f"output:\n{self.output()}")
        self._reader.join(10)
        self.returncode = self.proc.returncode
        return self.returncode

    def stop_and_check(self):
        """Stops the server; fails on a non-zero exit or a sanitizer report."""
        rc = self.stop()
        text = self.output()
        problems = []
        if rc != 0:
            problems.append(f"exit status {rc} (want 0 after SIGTERM)")
        if any(m in text for m in SANITIZER_MARKERS):
            problems.append("a sanitizer report")
        if problems:
            raise AssertionError(f"{self.binary_name}: " + " and ".join(problems) +
                                 f"; output:\n{text}")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop_and_check()


def _kill_live_servers():
    # A test run that dies half way must not leave servers behind.
    for srv in list(Server.live):
        if srv.proc and srv.proc.poll() is None:
            srv.proc.kill()


atexit.register(_kill_live_servers)


# --------------------------------------------------------------------------
# Messages


Message = collections.namedtuple("Message", "prefix command params raw")
Message.nick = property(lambda m: (m.prefix or "").split("!", 1)[0])
Message.__str__ = lambda m: m.raw


def parse(line):
    """RFC 2812 2.3.1 (tokens split by one or more spaces), tags skipped."""
    raw = line
    prefix = None
    rest = line.lstrip(" ")
    if rest.startswith("@"):
        _, _, rest = rest.partition(" ")
        rest = rest.lstrip(" ")
    if rest.startswith(":"):
        prefix, _, rest = rest[1:].partition(" ")
        rest = rest.lstrip(" ")
    command, _, rest = rest.partition(" ")
    params = []
    rest = rest.lstrip(" ")
    while rest:
        if rest.startswith(":") or len(params) == 14:
            params.append(rest[1:] if rest.startswith(":") else rest)
            break
        p, _, rest = rest.partition(" ")
        params.append(p)
        rest = rest.lstrip(" ")
    return Message(prefix, command.upper(), params, raw)


def _cmd_name(what):
    if isinstance(what, int):
        return f"{what:03d}"
    return what.upper()


def matches(msg, what=None, *params):
    """what: a command name, a numeric (int), or a predicate over Message.
    params: compared position by position; None matches anything and a
    callable is called on the parameter."""
    if callable(what):
        if not what(msg):
            return False
    elif what is not None and msg.command != _cmd_name(what):
        return False
    for i, want in enumerate(params):
        if want is None:
            continue
        if i >= len(msg.params):
            return False
        got = msg.params[i]
        if callable(want):
            if not want(got):
                return False
        elif got != want:
            return False
    return True


def describe(what, params):
    name = getattr(what, "__name__", None) if callable(what) else what
    if isinstance(name, int):
        name = f"{name:03d}"
    shown = [getattr(p, "__name__", p) if callable(p) else p for p in params]
    return f"{name} {shown}" if shown else f"{name}"


# --------------------------------------------------------------------------
# The client


class Client:
    """One connection.  Received messages are consumed in order: expect()
    skips non-matching ones up to its match; sync() consumes everything up
    to its PONG and returns it."""

    def __init__(self, server=None, *, host=None, port=None, timeout=TIMEOUT,
                 nodelay=True, rcvbuf=None, auto_pong=True):
        host = host or server.host
        port = port or server.port
        self.server = server
        self.timeout = timeout
        self.auto_pong = auto_pong
        self.nick = None
        self.history = collections.deque(maxlen=80)  # for failure messages
        self._buf = bytearray()
        self.eof = False
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if nodelay:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))

    # -- sending --
    def send(self, line):
        if isinstance(line, str):
            line = line.encode("utf-8")
        assert b"\r" not in line and b"\n" not in line, line
        self.sock.sendall(line + b"\r\n")

    def send_raw(self, data):
        self.sock.sendall(data)

    def send_bytewise(self, data):
        """One send() per byte (TCP_NODELAY is on): the worst framing case."""
        for i in range(len(data)):
            self.sock.sendall(data[i:i + 1])

    # -- receiving --
    def _recv_line(self, deadline):
        """The next line from the socket (str), or None at EOF."""
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line = bytes(self._buf[:nl])
                del self._buf[:nl + 1]
                # RFC 2812 2.3: every line the server sends ends in CR LF and
                # is at most 512 bytes with it, and holds no NUL or CR.
                if not line.endswith(b"\r"):
                    self._fail(f"line not ended by CR LF: {line!r}")
                line = line[:-1]
                if len(line) + 2 > 512:
                    self._fail(f"line of {len(line) + 2} bytes (max 512): {line[:80]!r}...")
                if b"\0" in line or b"\r" in line:
                    self._fail(f"NUL or CR inside a line: {line!r}")
                return line.decode("utf-8", "replace")
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError from None
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                self.eof = True
            self._buf += chunk

    def _next(self, deadline):
        """Next message, answering server PINGs when auto_pong; None at EOF."""
        while True:
            line = self._recv_line(deadline)
            if line is None:
                return None
            msg = parse(line)
            self.history.append(line)
            if self.auto_pong and msg.command == "PING":
                # The server's keep-alive probe: answer it, as clients do.
                self.send("PONG :" + (msg.params[-1] if msg.params else ""))
                continue
            return msg

    def _fail(self, why):
        seen = "\n".join(f"    {l}" for l in self.history)
        raise AssertionError(f"[{self.nick or 'unregistered'}] {why}; last lines received:\n{seen}")

    def expect(self, what=None, *params, timeout=None):
        """Reads until a message matches; returns it (earlier ones are skipped)."""
        return self.collect(what, *params, timeout=timeout)[-1]

    def collect(self, what=None, *params, timeout=None):
        """Reads until a message matches; returns every message read, the
        match last."""
        deadline = time.monotonic() + (timeout or self.timeout)
        got = []
        while True:
            try:
                msg = self._next(deadline)
            except TimeoutError:
                self._fail(f"timed out waiting for {describe(what, params)}")
            if msg is None:
                self._fail(f"connection closed while waiting for {describe(what, params)}")
            got.append(msg)
            if matches(msg, what, *params):
                return got

    def sync(self, timeout=None):
        """Barrier: PING a fresh token, read to its PONG.  Returns the
        messages that arrived before the PONG."""
        tok = f"tok{next(_counter)}"
        self.send(f"PING :{tok}")
        got = self.collect(lambda m: m.command == "PONG" and m.params[-1:] == [tok],
                           timeout=timeout)
        return got[:-1]

    def expect_none(self, what=None, *params, timeout=None):
        """Asserts nothing matching arrives before a sync() barrier."""
        got = self.sync(timeout)
        bad = [m.raw for m in got if matches(m, what, *params)]
        if bad:
            self._fail(f"did not expect {describe(what, params)} but got {bad}")
        return got

    def read_for(self, seconds):
        """Whatever arrives within `seconds` (stops early at EOF).  Only for
        tests where the passing of time is itself the behaviour tested."""
        deadline = time.monotonic() + seconds
        got = []
        while True:
            try:
                msg = self._next(deadline)
            except TimeoutError:
                return got
            if msg is None:
                return got
            got.append(msg)

    def expect_closed(self, timeout=None):
        """Reads until EOF; returns the messages that came before it."""
        deadline = time.monotonic() + (timeout or self.timeout)
        got = []
        while True:
            try:
                msg = self._next(deadline)
            except TimeoutError:
                self._fail("timed out waiting for the server to close the connection")
            if msg is None:
                return got
            got.append(msg)

    # -- registration --
    def register(self, nick, user=None, realname="Test User", password=None):
        """PASS/NICK/USER, then reads the burst through 376 or 422."""
        if password is not None:
            self.send(f"PASS {password}")
        self.send(f"NICK {nick}")
        self.send(f"USER {user or 'user'} 0 * :{realname}")
        end = ("376", "422")
        fatal = ("ERROR", "432", "433", "451", "461", "464")
        got = self.collect(lambda m: m.command in end + fatal)
        if got[-1].command in fatal:
            self._fail(f"registration as {nick} failed: {got[-1].raw}")
        self.nick = nick
        self.burst = got
        return got

    def join(self, chan, key=None):
        """JOIN and read through its 366; returns what was read."""
        self.send(f"JOIN {chan} {key}" if key else f"JOIN {chan}")
        refusals = ("403", "405", "471", "473", "474", "475", "476")
        got = self.collect(lambda m: (m.command == "366" or m.command in refusals)
                           and m.params[1:2] and m.params[1].lower() == chan.lower())
        if got[-1].command != "366":
            self._fail(f"JOIN {chan} refused: {got[-1].raw}")
        return got

    def oper(self):
        self.send(f"OPER {OPER_NAME} {OPER_PASS}")
        self.expect("381", self.nick)

    # -- closing --
    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def reset(self):
        """Abrupt close: SO_LINGER {1, 0} makes close() send a TCP RST."""
        import struct
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def half_close(self):
        self.sock.shutdown(socket.SHUT_WR)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
