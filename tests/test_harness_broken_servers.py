"""ircspec against servers that each break one rule (tests/fakeserver.py):
the case written for that bug fails (or crashes) with a message that names
what was expected and what came, the other fixture cases stay green, and
the run ends by itself, never cut by its --deadline (the report says which).  Against the correct fake server
and against refircd, every fixture case passes and the exit code is 0."""

import pytest

from fakeserver import FakeServer
from harness_run import FIXTURE, FIXTURE_IDS, fake_server, ircspec  # noqa: F401

DEADLINE = 10
OPTS = ("--timeout", "500", "--deadline", DEADLINE)


def assert_all_pass(run):
    assert run.rc == 0, run
    assert sorted(run.status()) == FIXTURE_IDS, run
    assert run.red() == [], run
    assert run.report["summary"]["passed"] == len(FIXTURE_IDS), run
    assert f"{len(FIXTURE_IDS)} passed, 0 failed, 0 skipped" in run.out, run


def test_correct_fake_server_passes_everything(tmp_path, fake_server):
    srv = fake_server()
    run = ircspec(tmp_path, "--port", srv.port, *OPTS, FIXTURE)
    assert_all_pass(run)
    assert run.report["target"]["server_name"] == "fake.test", run
    assert srv.alive(), srv.output()


def test_server_ending_lines_in_lf_alone_passes_everything(tmp_path, fake_server):
    # LF alone on every line is not RFC 2812's CR LF, but no line is cut:
    # only an LF-ended line after CR LF ones (lf-401) is a violation.
    srv = fake_server("lf-endings")
    run = ircspec(tmp_path, "--port", srv.port, *OPTS, FIXTURE)
    assert_all_pass(run)


def test_refircd_passes_everything(tmp_path, server):
    run = ircspec(tmp_path, "--port", server.port, *OPTS, FIXTURE)
    assert_all_pass(run)
    assert run.report["target"]["server_name"] == server.name, run


# bug -> {failing case: words its message must hold}, extra ircspec options.
# Each message word pins the diagnosis: the expected pattern, what came.
BROKEN = {
    "nosplit": ({"fx-split-bytes-privmsg": ["expected: :", "PRIVMSG", ":one byte at a time",
                                            "nothing matched within 500 ms"],
                 # Its partial line reaches b cut short: the right verdict too.
                 "fx-partial-line-does-not-block": ["first half, then the rest",
                                                    "PRIVMSG", ":first ha\n"]}, ()),
    "noquit": ({"fx-close-peer-sees-quit": ["expected: :", "QUIT ...",
                                            "nothing matched within 500 ms"],
                "fx-rst-peer-sees-quit": ["expected: :", "QUIT ...",
                                          "nothing matched within 500 ms"]}, ()),
    "wrong-numeric": ({"fx-privmsg-nosuchnick-401": ["expected: 401 ", " 403 ",
                                                     ":No such nick/channel"]}, ()),
    "echo": ({"fx-privmsg-channel-no-echo": ["expect-none PRIVMSG",
                                             "nothing like this before the PING barrier",
                                             "b: got :", "PRIVMSG #", ":no echo please"]}, ()),
    # The case's own patterns match (401's text is `*`): the line format
    # check that runs on every received line fails it.
    "long-401": ({"fx-privmsg-nosuchnick-401": ["the server sent a line of ",
                                                "(RFC 2812 2.3: at most 512)"]}, ()),
    "nul-401": ({"fx-privmsg-nosuchnick-401": ["the server sent a NUL byte inside a line"]}, ()),
    "cr-401": ({"fx-privmsg-nosuchnick-401": ["the server sent a CR inside a line"]}, ()),
    # The LF cuts the 401 in two: its first half ends in LF alone where
    # every line before ended in CR LF.
    "lf-401": ({"fx-privmsg-nosuchnick-401": ["the server sent a line ended by LF alone "
                                              "after lines ended by CR LF"]}, ()),
    # RFC 2812 2.4: every numeric names its recipient; the case never
    # looks at the stray 402, the numeric check does.
    "target-401": ({"fx-privmsg-nosuchnick-401": ["the server sent numeric 402 addressed to",
                                                  "not to this client's nick",
                                                  "(RFC 2812 2.4)"]}, ()),
    # RFC 2812 2.4: the numeric carries the sender prefix; the case's
    # pattern takes any prefix or none, the numeric check does not.
    "noprefix-401": ({"fx-privmsg-nosuchnick-401": ["the server sent numeric 401 without a "
                                                    "sender prefix (RFC 2812 2.4)"]}, ()),
    # One blocked client stalls everyone: cases run one at a time so only
    # the case that leaves a line unfinished can be hurt by it.
    "block-partial": ({"fx-partial-line-does-not-block": ["sync", "got no PONG"]},
                      ("-j", "1")),
}


@pytest.mark.parametrize("bug", sorted(BROKEN))
def test_broken_server_fails_the_right_case(tmp_path, fake_server, bug):
    failing, extra = BROKEN[bug]
    srv = fake_server(bug)
    run = ircspec(tmp_path, "--port", srv.port, *OPTS, *extra, FIXTURE)
    assert run.rc == 1, run
    assert run.red() == sorted(failing), run
    for case_id, words in failing.items():
        case = run.case(case_id)
        assert case["status"] == "fail", run
        missing = [w for w in words if w not in case["message"]]
        assert not missing, f"{case_id}: {missing} not in:\n{case['message']}"
        assert f"[FAIL]  {case_id}" in run.out, run
    assert not run.report["deadline_hit"], run
    assert srv.alive(), srv.output()


PIECES_CASE = """\
id: fx-pieces-{kind}
title: A line sent in pieces is delivered whole
spec: rfc2812:2.3
level: MUST
tags: fixture split
clients: a b

a b: register
{steps}
a: expect :{{nick:b}}!*@* PRIVMSG {{nick:a}} :in pieces, one line
"""
PIECES = {"split": "b: split 3 PRIVMSG {nick:a} :in pieces, one line",
          "raw": "b: raw PRIVMSG {nick:a} :in pie\nb: raw ces, one line\\r\\n",
          "chunks": 'b: chunks "PRIVMSG {nick:a} :in" " pieces, one" " line\\r\\n"'}


@pytest.mark.parametrize("bug", ["nosplit", "none"])
def test_pieces_reach_a_late_reader_in_reads_of_their_own(tmp_path, fake_server, bug):
    # A server late to read (it naps 100 ms before each recv(), as a loaded
    # one is) found a line's pieces, sent 3 ms apart, in one read: nosplit's
    # bug went unseen (its flake under load), and so would a bug in a
    # server's reassembly.  The runner waits until the server has read each
    # piece (peerread.h) before the next, so against nosplit the cases fail
    # every time, and they still pass against a server that reassembles.
    cases = tmp_path / "cases"
    cases.mkdir()
    for kind, steps in PIECES.items():
        (cases / f"{kind}.case").write_text(PIECES_CASE.format(kind=kind, steps=steps))
    srv = fake_server(bug, read_delay=0.1)
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "3000", "--deadline", "60",
                  cases)
    ids = sorted(f"fx-pieces-{k}" for k in PIECES)
    assert sorted(run.status()) == ids, run
    assert run.red() == (ids if bug == "nosplit" else []), run
    assert not run.report["deadline_hit"], run


def test_server_exiting_on_rst(tmp_path):
    """crash-rst: an ECONNRESET kills the server.  Under --spawn with one
    case at a time, the RST case is red (fail or crash, depending on
    whether the process was already reaped when the case ended), the
    server is restarted, and everything else passes."""
    cmd = FakeServer.command("crash-rst")
    run = ircspec(tmp_path, "--spawn", cmd, "-j", "1", *OPTS, FIXTURE)
    assert run.rc == 1, run
    assert not run.report["deadline_hit"], run  # ended by itself, not cut
    assert run.red() == ["fx-rst-peer-sees-quit"], run
    case = run.case("fx-rst-peer-sees-quit")
    if case["status"] == "crash":
        assert "exited with status 1" in case["message"], case["message"]
        assert "ConnectionResetError" in case["message"], case["message"]
    else:
        assert case["status"] == "fail", run
        assert "the server closed the connection" in case["message"], case["message"]


def test_server_exiting_on_rst_parallel(tmp_path):
    """The same with -j 8: the RST case is the crash (with the exit status
    and the traceback), every other case passes after the restart."""
    cmd = FakeServer.command("crash-rst")
    run = ircspec(tmp_path, "--spawn", cmd, "-j", "8", *OPTS, FIXTURE)
    assert run.rc == 1, run
    assert run.red() == ["fx-rst-peer-sees-quit"], run
    case = run.case("fx-rst-peer-sees-quit")
    assert case["status"] == "crash", run
    assert "exited with status 1" in case["message"], case["message"]
    assert "ConnectionResetError" in case["message"], case["message"]
