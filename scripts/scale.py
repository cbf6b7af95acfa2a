#!/usr/bin/python3
"""scale.py - opens N concurrent registered clients to a fresh refircd and
measures what the issue asks of it: every client registered, the server's
memory per idle client, and that a channel conversation stays fast while
all of them are connected.  Used by `make bench`; prints one summary line.

usage: scale.py [N] [BINARY]      (default 10000 bin/refircd)
"""
import os
import re
import resource
import selectors
import socket
import subprocess
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
BINARY = sys.argv[2] if len(sys.argv) > 2 else "bin/refircd"
DEADLINE = 120  # seconds for the whole run: it stops by itself


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < N + 100:
        sys.exit(f"scale.py: need {N + 100} descriptors, the hard limit is {hard}")
    # Pacing off (--flood-interval 0): the 200-message conversation below
    # measures the server's latency, not RFC 1459 8.10's message timer,
    # which would hold the sender to one line per 100 ms after its burst.
    srv = subprocess.Popen([BINARY, "-p", "0", "--flood-interval", "0"],
                           stderr=subprocess.PIPE, text=True)
    line = srv.stderr.readline()
    port = int(re.search(r":(\d+) ", line).group(1))
    t_end = time.monotonic() + DEADLINE
    base = rss_kib(srv.pid)
    sel = selectors.DefaultSelector()
    socks, pending = [], {}
    t0 = time.monotonic()
    try:
        for i in range(N):
            s = socket.create_connection(("127.0.0.1", port))
            s.setblocking(False)
            s.sendall(f"NICK s{i}\r\nUSER s{i} 0 * :scale\r\n".encode())
            socks.append(s)
            pending[s.fileno()] = b""
            sel.register(s, selectors.EVENT_READ)
        done = 0
        while done < N and time.monotonic() < t_end:
            for key, _ in sel.select(timeout=1):
                data = key.fileobj.recv(65536)
                if not data:
                    sys.exit("scale.py: the server closed a client during registration")
                buf = pending[key.fd] + data
                if b" 376 " in buf or b" 422 " in buf:
                    done += 1
                    sel.unregister(key.fileobj)
                    pending[key.fd] = b""
                else:
                    pending[key.fd] = buf[-600:]
        t_reg = time.monotonic() - t0
        if done < N:
            sys.exit(f"scale.py: only {done}/{N} clients registered within {DEADLINE}s")
        rss = rss_kib(srv.pid)
        # Trust nothing we counted ourselves: ask the server.
        a = socks[0]
        a.setblocking(True)
        a.settimeout(10)
        a.sendall(b"LUSERS\r\n")
        got = b""
        while b" 255 " not in got:
            got += a.recv(65536)
        users = int(re.search(rb" 251 \S+ :There are (\d+) users", got).group(1))
        if users != N:
            sys.exit(f"scale.py: the server counts {users} users, expected {N}")
        # A conversation among two of them, timed by PING round trips.
        a, b = socks[0], socks[1]
        for s in (a, b):
            s.setblocking(True)
            s.settimeout(10)
        a.sendall(b"JOIN #scale\r\n")
        b.sendall(b"JOIN #scale\r\n")
        rtts = []
        for k in range(200):
            t = time.monotonic()
            a.sendall(f"PRIVMSG #scale :msg {k}\r\n".encode())
            got = b""
            while f"msg {k}\r\n".encode() not in got:
                got += b.recv(65536)
            rtts.append(time.monotonic() - t)
        rtts.sort()
        print(f"scale: {N} clients registered in {t_reg:.2f} s; server RSS {rss / 1024:.1f} MiB "
              f"({(rss - base) * 1024 / N / 1024:.2f} KiB per idle client); channel message "
              f"latency with all connected: median {rtts[len(rtts) // 2] * 1e3:.2f} ms, "
              f"p99 {rtts[int(len(rtts) * 0.99)] * 1e3:.2f} ms")
    finally:
        for s in socks:
            s.close()
        srv.terminate()
        srv.wait(timeout=30)


if __name__ == "__main__":
    main()
