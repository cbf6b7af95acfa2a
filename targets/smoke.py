#!/usr/bin/env python3
"""smoke.py - check that a targets/<server>.sh start script really works.

    targets/smoke.py [--clients N] [--gap MS] targets/ngircd.sh ...

For each script: starts it as ircspec does (`/bin/sh -c 'exec SCRIPT PORT'`,
own process group) on a free port of 127.0.0.1, then checks and reports
- registration with PASS secret: the lines before 001, 001..376/422, the 005
  tokens, how long it took;
- JOIN, and a second client's PRIVMSG reaching the first;
- OPER ircspec operpass -> 381;
- what a 600-byte line does (417, truncation, ERROR and close);
- N clients (default 200) connecting (GAP ms apart) and registering at once;
- SIGTERM to the process group: the server exits, no process of the group
  is left, the script's temp dir is gone.
Only 127.0.0.1 is contacted.  Exit status 0 when every check passed.
"""
import argparse
import glob
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time

HOST = "127.0.0.1"
PASSWORD = "secret"
OPER = ("ircspec", "operpass")


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    """A line-oriented IRC client with a deadline on every wait."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.lines = []  # every line received, in order
        self.closed = False

    def send(self, line):
        data = line if isinstance(line, bytes) else line.encode()
        self.sock.sendall(data + b"\r\n")

    def _read(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        while b"\n" in self.buf:
            raw, self.buf = self.buf.split(b"\n", 1)
            self.lines.append(raw.rstrip(b"\r").decode("utf-8", "replace"))
        return True

    def wait_for(self, pred, timeout=5.0, start=0):
        """Index of the first line (from start) with pred(line), or None."""
        deadline = time.monotonic() + timeout
        i = start
        while True:
            while i < len(self.lines):
                if pred(self.lines[i]):
                    return i
                i += 1
            if self.closed or time.monotonic() >= deadline:
                return None
            self._read(deadline)

    def sync(self, token, timeout=5.0):
        n = len(self.lines)
        self.send("PING :" + token)
        return self.wait_for(lambda l: " PONG " in l and token in l, timeout, n)

    def close(self):
        self.sock.close()


def cmd_of(line):
    parts = line.split(" ")
    return parts[1] if line.startswith(":") and len(parts) > 1 else parts[0]


def register(c, nick):
    c.send("PASS " + PASSWORD)
    c.send("NICK " + nick)
    c.send("USER %s 0 * :ircspec smoke" % nick)
    i = c.wait_for(lambda l: cmd_of(l) in ("376", "422", "ERROR", "464", "465"), 15.0)
    return i is not None and cmd_of(c.lines[i]) in ("376", "422")


class Server:
    def __init__(self, script, port):
        self.script = script
        self.port = port
        self.log = open("/tmp/smoke-%s-%d.log" % (os.path.basename(script), port), "w+")
        self.before = set(glob.glob("/tmp/ircspec-*"))
        self.proc = subprocess.Popen(["/bin/sh", "-c", "exec %s %d" % (script, port)],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pgid = self.proc.pid

    def wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def group_pids(self):
        out = subprocess.run(["ps", "-e", "-o", "pid=,pgid=,stat="], capture_output=True,
                             text=True).stdout
        return [int(p) for p, g, st in (l.split() for l in out.splitlines())
                if int(g) == self.pgid and not st.startswith("Z")]

    def stop(self, timeout=10.0):
        """SIGTERM to the group, as ircspec does. Returns (ok, detail)."""
        t0 = time.monotonic()
        try:
            os.killpg(self.pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pgid, signal.SIGKILL)
            self.proc.wait()
            return False, "did not exit within %.0f s of SIGTERM (SIGKILLed)" % timeout
        took = time.monotonic() - t0
        time.sleep(0.2)
        left = self.group_pids()
        new_dirs = set(glob.glob("/tmp/ircspec-*")) - self.before
        ok = not left and not new_dirs
        return ok, "exit status %s after %.2f s; leftover processes %s; leftover temp dirs %s" % (
            rc, took, left or "none", sorted(new_dirs) or "none")

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def check_register(port, r):
    t0 = time.monotonic()
    c = Client(port)
    ok = register(c, "smokeA")
    r["register_s"] = time.monotonic() - t0
    i001 = next((i for i, l in enumerate(c.lines) if cmd_of(l) == "001"), len(c.lines))
    r["before_001"] = c.lines[:i001]
    r["burst"] = c.lines[i001:]
    r["isupport"] = " ".join(" ".join(l.split(" ")[3:]).split(" :")[0]
                             for l in c.lines if cmd_of(l) == "005")
    r["motd"] = "376" if any(cmd_of(l) == "376" for l in c.lines) else (
        "422" if any(cmd_of(l) == "422" for l in c.lines) else "none")
    return ok, c


def check_channel(port, a, r):
    a.send("JOIN #smoke")
    if a.wait_for(lambda l: cmd_of(l) == "366") is None:
        return False, None
    b = Client(port)
    if not register(b, "smokeB"):
        return False, b
    b.send("JOIN #smoke")
    b.wait_for(lambda l: cmd_of(l) == "366")
    n = len(a.lines)
    b.send("PRIVMSG #smoke :hello from b")
    got = a.wait_for(lambda l: "PRIVMSG #smoke :hello from b" in l, 5.0, n)
    return got is not None, b


def check_oper(a, r):
    n = len(a.lines)
    a.send("OPER %s %s" % OPER)
    i = a.wait_for(lambda l: cmd_of(l) in ("381", "491", "464", "ERROR"), 5.0, n)
    r["oper_reply"] = a.lines[i] if i is not None else "(nothing)"
    return i is not None and cmd_of(a.lines[i]) == "381"


def check_long_line(port, size, r):
    """A fresh client sends a SIZE-byte PRIVMSG line (CR LF included) to
    #smoke; another member watches what is relayed; the sender's replies and
    whether it is still served are noted.  True if the line was accepted."""
    w, b = Client(port), Client(port)
    register(w, "smokeW%d" % (size % 10))
    register(b, "smokeL%d" % (size % 10))
    for c in (w, b):
        c.send("JOIN #smoke")
        c.wait_for(lambda l: cmd_of(l) == "366")
        c.sync("s0")
    head = "PRIVMSG #smoke :"
    body = "x" * (size - len(head) - 2)
    nb, nw = len(b.lines), len(w.lines)
    b.send(head + body)
    alive = b.sync("after-long", 5.0) is not None
    w.sync("w1")
    said = [l[:120] for l in b.lines[nb:] if " PONG " not in l]
    seen = [l for l in w.lines[nw:] if "PRIVMSG #smoke" in l]
    text = ""
    if seen:
        text = seen[0].split(" :", 1)[1] if " :" in seen[0] else ""
        relayed = "relayed, %d of %d text bytes kept (relayed line %d bytes with CR LF)" % (
            len(text), len(body), len(seen[0]) + 2)
    else:
        relayed = "not relayed"
    r["line_%d" % size] = "%s; sender got %s; sender %s" % (
        relayed, said or "nothing", "still connected" if alive else "DISCONNECTED")
    w.close()
    b.close()
    # Accepted: relayed (a server may cut the relayed line to 512 bytes,
    # its prefix being longer than the sender's) and the sender still served.
    return alive and bool(seen) and (text == body or len(seen[0]) + 2 == 512)


def check_pass(port, r):
    """What registration without PASS, and with a wrong one, gets."""
    for label, pw in (("no PASS", None), ("wrong PASS", "wrong")):
        c = Client(port)
        if pw:
            c.send("PASS " + pw)
        c.send("NICK smokeP")
        c.send("USER smokeP 0 * :x")
        i = c.wait_for(lambda l: cmd_of(l) in ("001", "464", "ERROR"), 5.0)
        got = [l for l in c.lines if " NOTICE " not in l][:2]
        r[label] = "%s%s" % (got or "nothing", " then closed" if c.wait_for(
            lambda l: False, 1.0) is None and c.closed else "")
        c.close()


def check_casemapping(port, r):
    """Are [ ] \\ ~ the lower case of { } | ^ for nicks and channels?"""
    a, b = Client(port), Client(port)
    register(a, "cm{x|}")
    register(b, "cmB")
    n = len(b.lines)
    b.send("NICK CM[X\\]")
    i = b.wait_for(lambda l: cmd_of(l) in ("433", "NICK", "432"), 5.0, n)
    nick = b.lines[i] if i is not None else "nothing"
    a.send("JOIN #cm{x}")
    a.wait_for(lambda l: cmd_of(l) == "366")
    n = len(b.lines)
    b.send("JOIN #CM[X]")
    i = b.wait_for(lambda l: cmd_of(l) == "353", 5.0, n)
    names = b.lines[i] if i is not None else "nothing"
    r["casemapping"] = "NICK CM[X\\] while cm{x|} is taken -> %s; JOIN #CM[X] after a " \
        "joined #cm{x} -> %s" % (nick, "same channel" if "cm{x|}" in names.lower() or
                                 "@cm{x|}" in names else "a new channel: " + names)
    a.close()
    b.close()


def check_burst(port, r, n=200):
    """n PINGs in one write: all answered, and how fast (flood limits)."""
    c = Client(port)
    register(c, "smokeF")
    t0 = time.monotonic()
    c.sock.sendall(b"".join(b"PING :f%d\r\n" % i for i in range(n)))
    last = "f%d" % (n - 1)
    i = c.wait_for(lambda l: " PONG " in l and l.endswith(last), 30.0)
    pongs = sum(1 for l in c.lines if " PONG " in l)
    r["pingburst"] = "%d PINGs in one write: %d PONGs in %.2f s%s" % (
        n, pongs, time.monotonic() - t0, "" if not c.closed else " (then disconnected)")
    c.close()
    return i is not None and pongs == n


def check_crowd(port, n, gap_ms, r):
    t0 = time.monotonic()
    socks = []
    refused = 0
    for i in range(n):
        try:
            socks.append(Client(port, timeout=10.0))
        except OSError:
            refused += 1
        if gap_ms:
            time.sleep(gap_ms / 1000.0)
    t_conn = time.monotonic() - t0
    sel = selectors.DefaultSelector()
    pending = {}
    for i, c in enumerate(socks):
        nick = "m%d" % i
        c.sock.setblocking(False)
        c.sock.sendall(("PASS %s\r\nNICK %s\r\nUSER %s 0 * :crowd\r\n" % (
            PASSWORD, nick, nick)).encode())
        sel.register(c.sock, selectors.EVENT_READ, c)
        pending[c] = True
    deadline = time.monotonic() + 60
    done, failed = 0, 0
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(0.5):
            c = key.data
            try:
                data = c.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except ConnectionResetError:
                data = b""
            if not data:
                failed += 1
                sel.unregister(c.sock)
                pending.pop(c, None)
                continue
            c.buf += data
            if re.search(rb"^:\S+ (376|422) ", c.buf, re.M):
                done += 1
                sel.unregister(c.sock)
                pending.pop(c, None)
            elif re.search(rb"^(:\S+ )?(ERROR|46[45]) ", c.buf, re.M):
                failed += 1
                sel.unregister(c.sock)
                pending.pop(c, None)
    total = time.monotonic() - t0
    r["crowd"] = ("%d clients: connect phase %.2f s (gap %d ms, %d refused), all registered "
                  "after %.2f s total: %d ok, %d failed, %d still waiting" % (
                      n, t_conn, gap_ms, refused, total, done, failed, len(pending)))
    for c in socks:
        c.close()
    return done == n


def run(script, args):
    port = free_port()
    srv = Server(script, port)
    r = {}
    checks = []
    t0 = time.monotonic()
    if not srv.wait_ready():
        print("%s: did not start\n%s" % (script, srv.log_text()))
        srv.stop()
        return False
    r["startup_s"] = time.monotonic() - t0
    try:
        ok, a = check_register(port, r)
        checks.append(("register (PASS/NICK/USER -> 001..376/422)", ok))
        ok, b = check_channel(port, a, r)
        checks.append(("JOIN + PRIVMSG from a second client", ok))
        checks.append(("OPER %s %s -> 381" % OPER, check_oper(a, r)))
        checks.append(("512-byte line (510 + CR LF) accepted",
                       check_long_line(port, 512, r)))
        check_long_line(port, 513, r)
        check_long_line(port, 600, r)
        for c in (a, b):
            if c:
                c.close()
        check_pass(port, r)
        check_casemapping(port, r)
        checks.append(("200 PINGs in one write all answered", check_burst(port, r)))
        checks.append(("%d clients register" % args.clients,
                       check_crowd(port, args.clients, args.gap, r)))
        live = Client(port)
        checks.append(("a new client still registers", register(live, "smokeZ")))
        live.close()
    finally:
        ok, detail = srv.stop()
        checks.append(("SIGTERM: exits, nothing left", ok))
        r["stop"] = detail
    print("== %s (port %d)" % (script, port))
    print("startup: %.2f s; first client registered in %.2f s" % (r["startup_s"],
                                                                   r.get("register_s", -1)))
    print("lines before 001:")
    for l in r.get("before_001", []):
        print("   ", l)
    print("burst:")
    for l in r.get("burst", []):
        print("   ", l)
    print("005 tokens:", r.get("isupport"))
    print("MOTD:", r.get("motd"))
    print("OPER reply:", r.get("oper_reply"))
    print("512-byte line:", r.get("line_512"))
    print("513-byte line:", r.get("line_513"))
    print("600-byte line:", r.get("line_600"))
    print("no PASS:", r.get("no PASS"))
    print("wrong PASS:", r.get("wrong PASS"))
    print("casemapping:", r.get("casemapping"))
    print("PING burst:", r.get("pingburst"))
    print("crowd:", r.get("crowd"))
    print("stop:", r.get("stop"))
    for name, ok in checks:
        print("  %s %s" % ("ok  " if ok else "FAIL", name))
    if not all(ok for _, ok in checks):
        print("server log tail:\n" + "\n".join(srv.log_text().splitlines()[-20:]))
    return all(ok for _, ok in checks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--gap", type=int, default=0, help="ms between connects of the crowd")
    ap.add_argument("scripts", nargs="+")
    args = ap.parse_args()
    results = [run(s, args) for s in args.scripts]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
