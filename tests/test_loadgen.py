"""bin/loadgen (tests/tools/loadgen.c, the fan-out load of `make bench`)
against the sanitizer build of refircd, small: every member of the channel
gets every other sender's message exactly once, in order, through real
sockets with the server's shared-line send queues and batched writes.
Counts only; the speed itself is make bench's business, never asserted."""

import re
import subprocess

from irc import BIN, RAW_SPEED

CLIENTS, SENDERS, WINDOW, MESSAGES = 40, 4, 8, 200


def run_loadgen(srv, *extra):
    proc = subprocess.run(
        [str(BIN / "loadgen"), "--port", str(srv.port), "--clients", str(CLIENTS),
         "--senders", str(SENDERS), "--window", str(WINDOW), "--messages", str(MESSAGES),
         "--server-pid", str(srv.proc.pid), "--timeout", "60", *extra],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dict(re.findall(r"(\w+)=(\S+)", proc.stdout))


def test_every_member_gets_every_line_once(spawn_server):
    srv = spawn_server(extra=RAW_SPEED)  # pipelined senders: a flood by design
    got = run_loadgen(srv)
    assert int(got["messages"]) == SENDERS * MESSAGES, got
    # Each message reaches every member but its sender; loadgen fails the
    # run on a duplicate, a line never sent, or one out of order.
    assert int(got["lines"]) == SENDERS * MESSAGES * (CLIENTS - 1), got
    assert float(got["server_cpu_pct"]) >= 0, got


def test_long_lines_and_a_password(spawn_server):
    srv = spawn_server(password="sekrit", extra=RAW_SPEED)
    got = run_loadgen(srv, "--pad", "400", "--password", "sekrit")
    assert int(got["lines"]) == SENDERS * MESSAGES * (CLIENTS - 1), got
