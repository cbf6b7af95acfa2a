"""-k selection (by id, id glob, tag, level, spec section; and/or/not),
--list and --check, over tests/cases_fixture.  --list and --check need no
server: the target is a socket that listens but never accepts, and nobody
may connect to it."""

import pytest

from harness_run import FIXTURE, FIXTURE_IDS, fake_server, ircspec, listener, was_connected  # noqa: F401,E501

SELECTIONS = {
    "fx-ping-pong": ["fx-ping-pong"],                                   # id
    "fx-privmsg-*": ["fx-privmsg-channel-no-echo", "fx-privmsg-nosuchnick-401"],  # glob
    "split": ["fx-partial-line-does-not-block", "fx-split-bytes-privmsg"],        # tag
    "SHOULD": ["fx-unknown-command-421"],                               # level
    "may": ["fx-ping-before-register"],                                 # level, any case
    "rfc2812:3.3.1": ["fx-privmsg-channel-no-echo", "fx-privmsg-nosuchnick-401"],  # spec
    "rfc2812:3.2": ["fx-join-part"],                  # a section selects its subsections
    "rfc2812:3": ["fx-close-peer-sees-quit", "fx-join-part", "fx-ping-before-register",
                  "fx-ping-pong", "fx-privmsg-channel-no-echo", "fx-privmsg-nosuchnick-401",
                  "fx-quit-error-close", "fx-rst-peer-sees-quit"],
    "rfc2812:3.3": ["fx-privmsg-channel-no-echo", "fx-privmsg-nosuchnick-401"],
    "rfc2812:3.1.7": ["fx-close-peer-sees-quit", "fx-quit-error-close",
                      "fx-rst-peer-sees-quit"],
    "rfc1459": ["fx-close-peer-sees-quit", "fx-partial-line-does-not-block",
                "fx-split-bytes-privmsg"],
    "modern": ["fx-ping-before-register"],
    "MUST and not split and not disconnect": [
        "fx-join-part", "fx-ping-pong", "fx-privmsg-channel-no-echo",
        "fx-privmsg-nosuchnick-401", "fx-quit-error-close"],
    "rst,numeric": ["fx-privmsg-nosuchnick-401", "fx-rst-peer-sees-quit",
                    "fx-unknown-command-421"],
    "(SHOULD or MAY) and ping": ["fx-ping-before-register"],
    "not fixture": [],
}


@pytest.fixture
def nobody_connects():
    lsock = listener()
    yield lsock.getsockname()[1]
    assert not was_connected(lsock), "--list/--check connected to the target"
    lsock.close()


def listed(run):
    lines = run.out.splitlines()
    assert lines[-1] == f"{len(lines) - 1} cases", run
    return sorted(line.split()[0] for line in lines[:-1])


@pytest.mark.parametrize("expr", list(SELECTIONS))
def test_k_selects(tmp_path, nobody_connects, expr):
    run = ircspec(tmp_path, "--port", nobody_connects, "--list", "-k", expr, FIXTURE,
                  report=False)
    assert run.rc == 0, run
    assert listed(run) == sorted(SELECTIONS[expr]), run


def test_list_shows_id_level_spec_title(tmp_path, nobody_connects):
    run = ircspec(tmp_path, "--port", nobody_connects, "--list", FIXTURE, report=False)
    assert run.rc == 0, run
    assert listed(run) == FIXTURE_IDS
    line = next(ln for ln in run.out.splitlines() if ln.startswith("fx-unknown-command-421 "))
    assert line.split()[1:3] == ["SHOULD", "rfc2812:5.2"], line
    assert line.endswith("An unknown command is answered with 421 ERR_UNKNOWNCOMMAND"), line


def test_k_runs_only_the_selection(tmp_path, fake_server):
    run = ircspec(tmp_path, "--port", fake_server().port, "--timeout", "500",
                  "-k", "split or SHOULD", FIXTURE)
    assert run.rc == 0, run
    assert sorted(run.status()) == ["fx-partial-line-does-not-block",
                                    "fx-split-bytes-privmsg", "fx-unknown-command-421"], run
    assert run.report["summary"]["total"] == 3, run


def test_k_selecting_nothing_runs_nothing(tmp_path, fake_server):
    run = ircspec(tmp_path, "--port", fake_server().port, "-k", "no-such-case", FIXTURE)
    assert run.rc == 0, run
    assert run.report["cases"] == [] and run.report["summary"]["total"] == 0, run


def test_check(tmp_path, nobody_connects):
    run = ircspec(tmp_path, "--port", nobody_connects, "--check", FIXTURE, report=False)
    assert run.rc == 0, run
    assert run.out == f"{len(FIXTURE_IDS)} case files OK ({len(FIXTURE_IDS)} selected)\n", run
    run = ircspec(tmp_path, "--port", nobody_connects, "--check", "-k", "MUST", FIXTURE,
                  report=False)
    assert run.out == f"{len(FIXTURE_IDS)} case files OK (9 selected)\n", run

