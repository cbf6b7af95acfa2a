"""How ircspec recognises a finished registration: by the parsed 001 (its
command, and its first parameter as the nick the server gave), never by a
" 001 " somewhere in the text.  A 001 without a prefix is a registration
(the numeric oracle then fails each case: RFC 2812 2.4); a 433 whose
text holds " 001 " is a refusal; a 001 naming no valid nickname (RFC 2812
2.3.1) is refused with the server's line, and a long nick (NICKLEN=30) is
taken whole."""

from harness_run import FIXTURE, fake_server, ircspec  # noqa: F401

CASES = [FIXTURE / "ping-pong.case", FIXTURE / "join-part.case"]


def run_against(tmp_path, srv):
    return ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", *CASES)


def test_001_without_prefix_is_a_registration(tmp_path, fake_server):
    run = run_against(tmp_path, fake_server("bare-001"))
    assert "pre-flight" not in run.err, run
    for case in run.report["cases"]:  # registered, then failed by the oracle alone
        assert case["status"] == "fail", case
        assert case["message"].startswith("the server sent numeric 001 without a sender "
                                          "prefix (RFC 2812 2.4) to "), case


def test_433_holding_001_is_a_refusal_then_another_nick(tmp_path, fake_server):
    run = run_against(tmp_path, fake_server("433-holds-001"))
    assert run.rc == 0, run
    assert run.red() == [], run
    # The 433 was answered by a second NICK, not taken for a welcome.
    sent = [e["data"] for e in run.case("fx-ping-pong")["transcript"] if e["dir"] == "send"]
    assert sum(d.count("NICK ") for d in sent) == 2, sent


def test_001_with_an_invalid_nick_is_refused(tmp_path, fake_server):
    run = run_against(tmp_path, fake_server("001-bad-nick"))
    assert run.rc == 1, run
    assert "warning: pre-flight registration failed" in run.err, run
    for case in run.report["cases"]:
        assert case["status"] == "fail", case
        assert "the server's 001 does not name a valid nickname (RFC 2812 2.3.1, at most " \
               "64 characters): :fake.test 001 bad*(nick)+ :Welcome" in case["message"], case


def test_long_nick_from_001_is_used_whole(tmp_path, fake_server):
    run = run_against(tmp_path, fake_server("long-nick"))
    assert run.rc == 0, run
    assert run.red() == [], run
    sent = " ".join(e["data"] for e in run.case("fx-join-part")["transcript"])
    assert "_with_a_nicklen_of_thi" in sent, sent
