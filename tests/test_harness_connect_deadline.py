"""Connecting honours --deadline.  A server whose listen backlog is full
never answers a SYN (Linux drops it), so connect() waits; SIGALRM at the
deadline used to restart that wait with a fresh --timeout.  Now the wait is
for what is left before the earlier of the two.

The run below would take the 60 s --timeout (and be killed at 30 s) if the
deadline were ignored; it must end by itself, by the deadline, with a
message that says so.  No wall-clock assert: the 30 s kill only bounds a
hang."""

import select
import socket

from harness_run import FIXTURE, ircspec


def full_backlog_listener():
    """A listener with backlog 0 and its accept queue filled by connects
    nobody accepts: further SYNs are dropped."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex(ls.getsockname())
        fillers.append(c)
    # The first one completes into the accept queue (a bound, not a sleep).
    _, ready, _ = select.select([], [fillers[0]], [], 10)
    assert ready, "the first filler connection did not complete"
    return ls, fillers


def test_connect_to_a_full_backlog_ends_by_the_deadline(tmp_path):
    ls, fillers = full_backlog_listener()
    try:
        run = ircspec(tmp_path, "--port", ls.getsockname()[1], "--deadline", 3,
                      "--timeout", 60000, FIXTURE / "ping-pong.case", timeout=30)
    finally:
        for s in fillers + [ls]:
            s.close()
    assert run.rc == 2, run
    assert "connect: no answer within" in run.err, run
    assert "(the run's --deadline came first)" in run.err, run
