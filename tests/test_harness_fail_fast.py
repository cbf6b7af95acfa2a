"""--fail-fast: no case starts after the first one that fails the run (with
--baseline, the first regression).  The cases not started are reported as
not run, the JSON report says the run stopped early, and the exit code is
the run's.  `make mutants` leans on it: a killed mutant's run ends at its
first regression instead of waiting out every failing case's timeouts."""

import shutil

from harness_run import FIXTURE, fake_server, ircspec  # noqa: F401

NO_ECHO = "fx-privmsg-channel-no-echo"
NOT_RUN = "not run: --fail-fast stopped the run at an earlier failure"


def run(tmp_path, srv, *extra):
    # -j 1: cases start one after another in file order, so "after the
    # failure" is a fixed set of cases
    return ircspec(tmp_path, "--port", srv.port, "--timeout", "500", "-j", "1", *extra, FIXTURE)


def order(r):
    return [c["id"] for c in r.report["cases"]]


def test_no_case_starts_after_the_first_failure(tmp_path, fake_server):
    srv = fake_server("echo")
    full = run(tmp_path, srv)
    assert full.red() == [NO_ECHO], full           # the control: one failure
    ff = run(tmp_path, srv, "--fail-fast")
    assert ff.rc == 1, ff
    ids = order(ff)
    after = ids[ids.index(NO_ECHO) + 1:]
    assert after, "the fixture needs cases after the failing one"
    assert ff.status()[NO_ECHO] == "fail", ff
    for cid in ids[:ids.index(NO_ECHO)]:
        assert ff.status()[cid] == "pass", ff
    for cid in after:
        assert ff.case(cid)["status"] == "error", ff
        assert ff.case(cid)["message"] == NOT_RUN, ff
    assert ff.report["stopped_early"] is True
    assert full.report["stopped_early"] is False
    assert "--fail-fast: a failure stopped the run" in ff.out, ff


def test_a_passing_run_is_not_stopped(tmp_path, fake_server):
    r = run(tmp_path, fake_server(), "--fail-fast")
    assert r.rc == 0 and not r.red(), r
    assert r.report["stopped_early"] is False


def test_with_a_baseline_only_a_regression_stops_the_run(tmp_path, fake_server):
    srv = fake_server("echo")
    first = run(tmp_path, srv)
    base = tmp_path / "base.json"
    shutil.copy(first.argv[first.argv.index("--json") + 1], base)
    # the failure is already in the baseline: not a regression, no stop
    known = run(tmp_path, srv, "--fail-fast", "--baseline", base)
    assert known.rc == 0, known
    assert known.report["stopped_early"] is False
    assert all(s in ("pass", "skip") for c, s in known.status().items() if c != NO_ECHO), known
    # a baseline in which it passed: now it is a regression, and the run stops
    good = run(tmp_path, fake_server())
    shutil.copy(good.argv[good.argv.index("--json") + 1], base)
    reg = run(tmp_path, srv, "--fail-fast", "--baseline", base)
    assert reg.rc == 1, reg
    assert reg.report["stopped_early"] is True
    ids = order(reg)
    assert all(reg.case(c)["message"] == NOT_RUN for c in ids[ids.index(NO_ECHO) + 1:]), reg


def test_cases_with_long_pauses_start_first(tmp_path, fake_server):
    """A case that pauses starts before the ones that do not, whatever its
    place in the files: the run then takes about its longest case, not that
    plus all the rest.  With -j 1 and --fail-fast the order shows: the
    pausing case, last in file order, ran before the failing one stopped
    the run."""
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(FIXTURE / "privmsg-channel-no-echo.case", cases / "a-no-echo.case")
    (cases / "z-pauses.case").write_text(
        (FIXTURE / "ping-pong.case").read_text()
        .replace("id: fx-ping-pong", "id: zz-pauses")
        .replace("a: register\n", "a: register\na: pause 20\n"))
    r = ircspec(tmp_path, "--port", fake_server("echo").port, "--timeout", "500", "-j", "1",
                "--fail-fast", cases)
    assert r.rc == 1, r
    assert order(r) == [NO_ECHO, "zz-pauses"], r   # reported in file order
    assert r.status() == {NO_ECHO: "fail", "zz-pauses": "pass"}, r
