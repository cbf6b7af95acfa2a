#!/usr/bin/env python3
"""nxdns.py ADDR READY_FILE - a "no such host" DNS responder for hybrid.sh.

Answers every UDP query on ADDR port 53 at once with NXDOMAIN, so a server
whose reverse DNS lookups cannot be turned off (ircd-hybrid) fails them
immediately instead of waiting for a resolver timeout on every connection.
Creates READY_FILE once bound; exits on SIGTERM, or when its parent (the
start script) is gone.  Binds a loopback address only, sends nothing
anywhere else.
"""
import os
import select
import signal
import socket
import struct
import sys

RCODE_NXDOMAIN = 3
HEADER = struct.Struct("!HBBHHHH")  # id, flags1, flags2, qd, an, ns, ar counts


def question_end(q):
    """Offset just past the first question (name + type + class), or None."""
    i = HEADER.size
    while i < len(q):
        n = q[i]
        if n == 0:
            return i + 1 + 4 if i + 5 <= len(q) else None
        if n & 0xC0:  # a compression pointer: not expected in a question
            return None
        i += 1 + n
    return None


def answer(q):
    """The NXDOMAIN reply to query q, or None for garbage."""
    if len(q) < HEADER.size:
        return None
    qid, f1, _f2, qd, _an, _ns, _ar = HEADER.unpack_from(q)
    if f1 & 0x80 or qd != 1:  # a response, or not one question
        return None
    end = question_end(q)
    if end is None:
        return None
    # QR=1, opcode and RD copied; RA=1, RCODE=NXDOMAIN; the question echoed.
    flags1 = 0x80 | (f1 & 0x79)
    flags2 = 0x80 | RCODE_NXDOMAIN
    return HEADER.pack(qid, flags1, flags2, 1, 0, 0, 0) + q[HEADER.size:end]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: nxdns.py ADDR READY_FILE")
    addr, ready = sys.argv[1], sys.argv[2]
    if not addr.startswith("127."):
        sys.exit("nxdns.py: %s is not a loopback address" % addr)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    parent = os.getppid()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, 53))
    with open(ready, "w"):
        pass
    while os.getppid() == parent:
        r, _, _ = select.select([sock], [], [], 1.0)
        if not r:
            continue
        try:
            q, peer = sock.recvfrom(4096)
        except OSError:
            continue
        reply = answer(q)
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
