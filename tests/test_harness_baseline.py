"""--baseline FILE: an earlier JSON report decides the exit code.  Only a
regression (passed in the baseline, not now) fails the run; a case fixed
since, and a case the baseline does not know, are listed and do not."""

import shutil

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
    assert "Regressions (passed in the baseline, not now):\n" \
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
