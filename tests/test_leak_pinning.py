"""--spawn --valgrind pins each leak and each memcheck error on the case
during which it appeared.  Copies of refircd are built with defects
planted on different paths (tests/fixtures/leaks/*.patch) and run with
-j 4, so cases overlap and what is new is first seen by groups of cases,
which are then re-run alone:
  handlers.patch  AWAY replacing an away text loses the old one (h_away);
                  TOPIC clearing a topic loses it (set_topic)
  teardown.patch  a client that leaves while away loses its text: the leak
                  happens as the server handles the case's disconnect,
                  after the case's last step (client_exit)
  errors.patch    no leak, three errors: AWAY replacing a text reads past
                  the old one (h_away, InvalidRead); clearing a topic
                  branches on uninitialised memory (set_topic,
                  UninitCondition); a client leaving while away writes past
                  its text (client_exit, InvalidWrite)
Each must be on exactly the cases that trigger it, and fail them.  (A
finding that no case of its group repeats alone is tested with a scripted
source, deterministically: tests/test_pin_units.py.)"""

import shutil
import subprocess

import pytest

from harness_run import REPO, ircspec

PATCHES = REPO / "tests" / "fixtures" / "leaks"
REFIRCD_FLAGS = "-p {port} --oper ircspec:operpass --flood-interval 0"
SELECT = "away-* or topic-*"  # the leaks below are in 5 of these cases


def build_leaky(tmp, patch):
    """refircd's sources with patch applied, built -O1 -g (for Valgrind)."""
    src = tmp / "src"
    for d in ("reference-server", "common"):
        shutil.copytree(REPO / d, src / d)
    subprocess.run(["patch", "-s", "-p1", "-d", str(src), "-i", str(PATCHES / patch)],
                   check=True, timeout=60)
    exe = tmp / "refircd-leaky"
    sources = sorted(str(p) for d in ("reference-server", "common") for p in (src / d).glob("*.c"))
    subprocess.run(["cc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-O1",
                    "-g", "-o", str(exe), *sources], check=True, timeout=300)
    return exe


def selected_count():
    """How many cases SELECT picks today (the corpus grows)."""
    out = subprocess.run([str(REPO / "bin" / "ircspec"), "--list", "-k", SELECT,
                          str(REPO / "cases")], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1].split()[0])


def pinned_run(tmp_path, patch, *cases, jobs="4", ncases=None):
    exe = build_leaky(tmp_path, patch)
    select = ("-k", SELECT, REPO / "cases") if not cases else cases
    ncases = ncases if ncases is not None else selected_count()
    run = ircspec(tmp_path, "--spawn", f"{exe} {REFIRCD_FLAGS}", "--valgrind", "-j", jobs,
                  "--oper", "ircspec:operpass", "--timeout", "5000", "--deadline", "240",
                  "--html", tmp_path / "h", *select, timeout=300)
    assert len(run.report["cases"]) == ncases, run
    return run


def leaks_by_case(run):
    return {c["id"]: c["leaks"] for c in run.report["cases"] if c["leaks"]}


def frames(leak):
    return [ln.split(" (")[0] for ln in leak["stack"].splitlines()]


def test_leaks_in_two_handlers_are_pinned_on_their_cases(tmp_path):
    run = pinned_run(tmp_path, "handlers.patch")
    by_case = leaks_by_case(run)
    assert sorted(by_case) == ["away-message-replaced", "topic-clear-empty",
                               "topic-cleared-query-331"], by_case
    for cid, leaks in by_case.items():
        assert len(leaks) == 1 and leaks[0]["kind"] == "Leak_DefinitelyLost", leaks
        fn = "h_away" if cid.startswith("away") else "set_topic"
        assert fn in frames(leaks[0]), leaks
        assert leaks[0]["what"].startswith("1"), leaks  # "13 bytes in 1 blocks ..."
        assert run.case(cid)["status"] == "fail"
        assert "the server leaked during this case" in run.case(cid)["message"]
    assert run.red() == sorted(by_case)  # the other 14 pass
    page = (tmp_path / "h" / "cases" / "away-message-replaced.html").read_text()
    assert 'id="leaks"' in page and "h_away (h_message.c:" in page
    index = (tmp_path / "h" / "index.html").read_text()
    assert index.count('.html#leaks">') == 3  # the index lists the leaks by case


def test_a_leak_in_disconnect_handling_is_pinned_on_the_case_that_ended(tmp_path):
    run = pinned_run(tmp_path, "teardown.patch")
    by_case = leaks_by_case(run)
    # the cases that end with a client still away
    assert sorted(by_case) == ["away-kept-after-nick-change", "away-message-replaced",
                               "away-set-306"], by_case
    for leaks in by_case.values():
        assert len(leaks) == 1 and "h_away" in frames(leaks[0]), leaks
    assert run.red() == sorted(by_case)


def errors_by_case(run):
    return {c["id"]: sorted(e["kind"] for e in c["valgrind_errors"])
            for c in run.report["cases"] if c["valgrind_errors"]}


def test_memcheck_errors_on_three_paths_are_pinned_on_their_cases(tmp_path):
    run = pinned_run(tmp_path, "errors.patch")
    assert errors_by_case(run) == {
        "away-kept-after-nick-change": ["InvalidWrite"],
        "away-message-replaced": ["InvalidRead", "InvalidWrite"],
        "away-set-306": ["InvalidWrite"],
        "topic-clear-empty": ["UninitCondition"],
        "topic-cleared-query-331": ["UninitCondition"],
    }, errors_by_case(run)
    where = {"InvalidRead": "h_away", "InvalidWrite": "client_exit", "UninitCondition": "set_topic"}
    for cid in errors_by_case(run):
        case = run.case(cid)
        assert case["status"] == "fail" and not case["leaks"], case
        assert "memcheck found errors in the server during this case" in case["message"]
        for err in case["valgrind_errors"]:
            assert where[err["kind"]] in frames(err), err
            assert " new; " in err["what"] and "group" not in err, err
    assert run.red() == sorted(errors_by_case(run))
    assert sorted(v["kind"] for v in run.report["valgrind"]) == [
        "InvalidRead", "InvalidWrite", "UninitCondition"]  # the end-of-run list: once each
    page = (tmp_path / "h" / "cases" / "away-set-306.html").read_text()
    assert 'id="vgerrors"' in page and "client_exit (client.c:" in page
    index = (tmp_path / "h" / "index.html").read_text()
    assert index.count('.html#vgerrors">') == 5

