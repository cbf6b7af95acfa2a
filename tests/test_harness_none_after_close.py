"""expect-none after expect-close: once the server has closed a client's
connection (FIN), every line it sent is read and none can follow, so the
step looks at the lines still unread instead of sending a PING barrier on
a dead connection (which always failed)."""

from harness_run import fake_server, ircspec  # noqa: F401

HEAD = """\
id: {id}
title: expect-none looks at what arrived before the close
spec: rfc2812:3.1.7
level: MUST
clients: a

a: register
a: send QUIT :bye
a: expect-close
"""

CASES = {
    # id: (steps after the close, passes)
    "none-absent": ("a: expect-none PRIVMSG ...", True),
    "none-error-there": ("a: expect-none ERROR ...", False),
    "none-exact-absent": ("a: expect-none-exact error ...", True),
    "none-exact-there": ("a: expect-none-exact ERROR ...", False),
    # a line taken by an expect is no longer unread
    "none-after-taken": ("a: expect ERROR ...\na: expect-none ERROR ...", True),
}


def test_expect_none_after_the_server_closed(tmp_path, fake_server):
    d = tmp_path / "cases"
    d.mkdir()
    for case_id, (steps, _) in CASES.items():
        (d / f"{case_id}.case").write_text(HEAD.format(id=case_id) + steps + "\n")
    srv = fake_server("none")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", d)
    assert run.status() == {cid: "pass" if ok else "fail" for cid, (_, ok) in CASES.items()}, run
    msg = run.case("none-error-there")["message"]
    assert "nothing like this before the server closed the connection" in msg, msg
    assert "got ERROR" in msg, msg
