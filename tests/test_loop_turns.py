"""refircd's netloop.c turn by turn, in-process over loopback sockets
(tests/tools/looptest.c, under ASan+UBSan): when a client's socket is
readable and writable at once, one loop turn serves both, so a client that
keeps sending still gets the backlog the server holds for it."""

from irc import run_driver


def test_one_turn_serves_read_and_write():
    out = run_driver("looptest")
    assert "cut its queue" in out, out
