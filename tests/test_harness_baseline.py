"""--baseline FILE: an earlier JSON report decides the exit code.  Only a
regression (passed in the baseline, not now) fails the run; a case fixed
since, and a case the baseline does not know, are listed and do not.  A
crash or an error is a regression from any other status, and in a case the
baseline does not know."""

import json
import shutil

import pytest

from harness_run import FIXTURE, fake_server, ircspec  # noqa: F401

NO_ECHO = "fx-privmsg-channel-no-echo"


def run_against(tmp_path, srv, *paths, baseline=None):
    extra = ["--baseline", baseline] if baseline else []
    return ircspec(tmp_path, "--port", srv.port, "--timeout", "500", *extra,
                   *(paths or [FIXTURE]))


def report_of(run, tmp_path, name):
    """The run's JSON report, kept under a stable name."""
    path = tmp_path / name
    shutil.copy(run.argv[run.argv.index("--json") + 1], path)
    return path


def test_regression_fails_the_run(tmp_path, fake_server):
    good = run_against(tmp_path, fake_server())
    assert good.rc == 0, good
    base = report_of(good, tmp_path, "base.json")
    now = run_against(tmp_path, fake_server("echo"), baseline=base)
    assert now.rc == 1, now
    assert "Regressions (passed in the baseline and not now, or crash/error now and not " \
           "then):\n" \
           f"  {NO_ECHO}: pass -> fail\n" in now.out, now
    assert "Baseline: 1 regression, 0 fixed, 0 new" in now.out, now


def test_fixed_case_is_listed_and_passes(tmp_path, fake_server):
    bad = run_against(tmp_path, fake_server("echo"))
    assert bad.rc == 1, bad
    base = report_of(bad, tmp_path, "base.json")
    now = run_against(tmp_path, fake_server(), baseline=base)
    assert now.rc == 0, now
    assert "Fixed (did not pass in the baseline, pass now):\n" \
           f"  {NO_ECHO}: fail -> pass\n" in now.out, now
    assert "Baseline: 0 regressions, 1 fixed, 0 new" in now.out, now


def test_failure_already_in_the_baseline_does_not_fail(tmp_path, fake_server):
    srv = fake_server("echo")
    base = report_of(run_against(tmp_path, srv), tmp_path, "base.json")
    now = run_against(tmp_path, srv, baseline=base)
    assert now.rc == 0, now
    assert now.status()[NO_ECHO] == "fail", now
    assert "Baseline: 0 regressions, 0 fixed, 0 new" in now.out, now


def test_new_case_is_listed(tmp_path, fake_server):
    srv = fake_server()
    base = report_of(run_against(tmp_path, srv), tmp_path, "base.json")
    extra = tmp_path / "extra"
    extra.mkdir()
    text = (FIXTURE / "ping-pong.case").read_text()
    (extra / "new.case").write_text(text.replace("id: fx-ping-pong", "id: fx-brand-new"))
    now = run_against(tmp_path, srv, FIXTURE, extra, baseline=base)
    assert now.rc == 0, now
    assert "New (not in the baseline):\n  fx-brand-new: pass\n" in now.out, now
    assert "Baseline: 0 regressions, 0 fixed, 1 new" in now.out, now


def test_unreadable_baseline_is_a_usage_error(tmp_path, fake_server):
    bad = tmp_path / "bad.json"
    bad.write_text('{"cases": [{"id": "x"}]}')
    run = run_against(tmp_path, fake_server(), baseline=bad)
    assert run.rc == 2, run
    assert run.err == (f"ircspec: --baseline: {bad}: cases[0]: expected an object with "
                       'string "id" and "status"\n'), run


# ---- a crash or an error is a regression unless the baseline had it ----

CRASH_CASE = """id: bl-crash
title: The server dies on this line
spec: rfc2812:3.7.2
level: MUST
tags: fixture robustness
clients: a

a: register
a: raw PRIVMSG bl-crash-now :x\\r\\n
"""

ERROR_CASE = """id: bl-error
title: A case that cannot be run against this server
spec: rfc2812:3.7.2
level: MUST
tags: fixture
clients: a

a: register
a: send PING :{isupport:NOSUCHTOKEN}
"""


def one_case(tmp_path, text):
    d = tmp_path / "one"
    d.mkdir(exist_ok=True)
    (d / "one.case").write_text(text)
    return d / "one.case"


def hand_baseline(tmp_path, statuses):
    """A baseline report naming only {id: status}."""
    path = tmp_path / "hand.json"
    path.write_text(json.dumps({"cases": [{"id": i, "status": s} for i, s in statuses.items()]}))
    return path


def verdict_run(tmp_path, fake_server, which, then):
    """Runs the crash or the error case against a fresh fake server, with a
    baseline where the case had status `then` (None: not in the baseline)."""
    srv = fake_server(crash_on="bl-crash-now") if which == "crash" else fake_server()
    case_id = "bl-" + which
    base = hand_baseline(tmp_path, {case_id: then} if then else {"fx-other": "pass"})
    run = run_against(tmp_path, srv, one_case(tmp_path, CRASH_CASE if which == "crash"
                                              else ERROR_CASE), baseline=base)
    assert run.status() == {case_id: which}, run
    return run


@pytest.mark.parametrize("which,then", [
    ("crash", "pass"), ("crash", "fail"), ("crash", "skip"), ("crash", "error"),
    ("crash", None), ("error", "pass"), ("error", "fail"), ("error", "skip"),
    ("error", "crash"), ("error", None),
])
def test_move_to_crash_or_error_is_a_regression(tmp_path, fake_server, which, then):
    run = verdict_run(tmp_path, fake_server, which, then)
    assert run.rc == 1, run
    moved = f"{then} -> {which}" if then else f"new -> {which}"
    assert "Regressions (passed in the baseline and not now, or crash/error now and not " \
           f"then):\n  bl-{which}: {moved}\n" in run.out, run
    assert "Baseline: 1 regression, 0 fixed, 0 new" in run.out, run


@pytest.mark.parametrize("which", ["crash", "error"])
def test_crash_or_error_already_in_the_baseline_does_not_fail(tmp_path, fake_server, which):
    run = verdict_run(tmp_path, fake_server, which, which)
    assert run.rc == 0, run
    assert "Baseline: 0 regressions, 0 fixed, 0 new" in run.out, run
