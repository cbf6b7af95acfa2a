"""The JSON and JUnit reports of a real run with pass, fail, skip and error
verdicts, read back with json and xml.etree: the documented shape, counts
that agree with the verdicts, the case headers as written in the files, and
transcripts that show what happened on the wire."""

import xml.etree.ElementTree as ET

import pytest

from harness_run import FIXTURE, FIXTURE_IDS, ircspec
from fakeserver import FakeServer

TOP_KEYS = {"target", "started", "duration_ms", "deadline_hit", "stopped_early", "summary", "valgrind",
            "server_exit_report", "cases"}
TARGET_KEYS = {"host", "port", "spawn", "server_name", "server_version"}
SUMMARY_KEYS = {"passed", "failed", "skipped", "errors", "crashed", "total"}
CASE_KEYS = {"id", "file", "title", "spec", "level", "tags", "status", "message",
             "duration_ms", "transcript", "server_tail", "leaks", "valgrind_errors"}
ENTRY_KEYS = {"t_ms", "client", "dir", "data"}
SUMMARY_OF = {"pass": "passed", "fail": "failed", "skip": "skipped", "error": "errors",
              "crash": "crashed"}

NEEDS_OPER = """\
id: fx-needs-oper
title: A case that needs operator credentials
spec: rfc2812:3.1.4
level: MUST
tags: fixture oper
clients: a
requires: oper

a: register
a: oper
"""
# Needs a 005 token no server has: skipped on every server.
NEEDS_TOKEN = """\
id: fx-needs-token
title: A case that needs an ISUPPORT token nobody advertises
spec: modern:isupport
level: SHOULD
clients: a

a: register
a: require FXNOSUCHTOKEN
a: send PING :never
"""
# A placeholder the server cannot fill: a harness error, not a failure.
UNFILLABLE = """\
id: fx-unfillable
title: A case whose placeholder the server cannot fill
spec: modern:isupport
level: MAY
clients: a

a: register
a: send PRIVMSG {nick:a} :{isupport:FXNOSUCHTOKEN}
"""


def headers(path):
    """The header lines of a case file as {key: value}."""
    out = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition(":")
        if sep and key in ("id", "title", "spec", "level", "tags"):
            out[key] = value.strip()
    return out


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """Against --bug echo: one fail, passes, two skips, one error."""
    tmp = tmp_path_factory.mktemp("reports")
    extra = tmp / "extra"
    extra.mkdir()
    for name, text in (("oper", NEEDS_OPER), ("token", NEEDS_TOKEN), ("fill", UNFILLABLE)):
        (extra / f"{name}.case").write_text(text)
    with FakeServer("echo") as srv:
        run = ircspec(tmp, "--port", srv.port, "--timeout", "500", "--junit", tmp / "r.xml",
                      FIXTURE, extra)
    run.junit = tmp / "r.xml"
    run.paths = {h["id"]: p for p in [*FIXTURE.glob("*.case"), *extra.glob("*.case")]
                 for h in [headers(p)]}
    return run


def test_verdicts_of_the_mixed_run(mixed_run):
    want = {i: "pass" for i in FIXTURE_IDS}
    want.update({"fx-privmsg-channel-no-echo": "fail", "fx-needs-oper": "skip",
                 "fx-needs-token": "skip", "fx-unfillable": "error"})
    assert mixed_run.status() == want, mixed_run
    assert mixed_run.rc == 1, mixed_run
    assert "FXNOSUCHTOKEN" in mixed_run.case("fx-needs-token")["message"]
    assert "FXNOSUCHTOKEN" in mixed_run.case("fx-unfillable")["message"]


def test_json_shape(mixed_run):
    r = mixed_run.report
    assert set(r) == TOP_KEYS
    assert set(r["target"]) == TARGET_KEYS
    assert r["target"]["host"] == "127.0.0.1" and isinstance(r["target"]["port"], int)
    assert r["target"]["spawn"] is None
    assert r["target"]["server_name"] == "fake.test"
    assert r["target"]["server_version"] == "fakeserver-1.0"
    assert isinstance(r["started"], str) and r["started"].endswith("Z")
    assert isinstance(r["duration_ms"], int) and r["duration_ms"] >= 0
    assert r["deadline_hit"] is False
    assert r["valgrind"] == []
    assert r["server_exit_report"] is None  # not spawned: nothing is read at exit
    assert set(r["summary"]) == SUMMARY_KEYS
    for case in r["cases"]:
        assert set(case) == CASE_KEYS, case
        assert isinstance(case["duration_ms"], int) and case["duration_ms"] >= 0
        assert case["status"] in SUMMARY_OF
        assert (case["message"] is None) == (case["status"] == "pass"), case
        for e in case["transcript"]:
            assert set(e) == ENTRY_KEYS, e
            assert isinstance(e["t_ms"], int) and e["t_ms"] >= 0
            assert e["dir"] in ("send", "recv", "event"), e
            assert isinstance(e["client"], str) and isinstance(e["data"], str)


def test_json_counts_agree(mixed_run):
    r = mixed_run.report
    counts = dict.fromkeys(SUMMARY_OF.values(), 0)
    for case in r["cases"]:
        counts[SUMMARY_OF[case["status"]]] += 1
    assert r["summary"] == {**counts, "total": len(r["cases"])}
    s = r["summary"]
    assert (f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped"
            in mixed_run.out), mixed_run


def test_json_cases_carry_their_headers(mixed_run):
    for case in mixed_run.report["cases"]:
        path = mixed_run.paths[case["id"]]
        h = headers(path)
        assert case["file"] == str(path)
        assert case["title"] == h["title"]
        assert case["spec"] == h["spec"].split()
        assert case["level"] == h["level"]
        assert case["tags"] == h.get("tags", "").split()


def test_json_transcript_shows_the_failure(mixed_run):
    case = mixed_run.case("fx-privmsg-channel-no-echo")
    got = [(e["client"], e["dir"], e["data"]) for e in case["transcript"]]
    assert ("a", "event", "connected") in got
    sent = [d for c, k, d in got if c == "b" and k == "send" and "PRIVMSG #" in d]
    assert len(sent) == 1 and sent[0].endswith(":no echo please\\r\\n"), got  # escaped
    echoed = [d for c, k, d in got if c == "b" and k == "recv" and ":no echo please" in d]
    assert echoed, got  # the echo the case failed on
    times = [e["t_ms"] for e in case["transcript"]]
    assert times == sorted(times)


def test_junit_counts_agree(mixed_run):
    root = ET.parse(mixed_run.junit).getroot()
    s = mixed_run.report["summary"]
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    for el in (root, suites[0]):
        assert int(el.get("tests")) == s["total"]
        assert int(el.get("failures")) == s["failed"]
        assert int(el.get("errors")) == s["errors"] + s["crashed"]
        assert int(el.get("skipped")) == s["skipped"]
        float(el.get("time"))
    cases = suites[0].findall("testcase")
    assert len(cases) == s["total"]
    assert len([c for c in cases if c.find("failure") is not None]) == s["failed"]
    assert len([c for c in cases if c.find("skipped") is not None]) == s["skipped"]
    assert len([c for c in cases if c.find("error") is not None]) == s["errors"] + s["crashed"]


def test_junit_testcases(mixed_run):
    root = ET.parse(mixed_run.junit).getroot()
    by_id = {tc.get("name").split(":", 1)[0]: tc for tc in root.iter("testcase")}
    assert sorted(by_id) == sorted(mixed_run.status())
    for case in mixed_run.report["cases"]:
        tc = by_id[case["id"]]
        assert tc.get("name") == f"{case['id']}: {case['title']}"
        assert tc.get("classname") == f"ircspec.{case['spec'][0]}"
        assert tc.get("file") == case["file"]
        out = tc.find("system-out")
        assert out is not None
        assert (out.text or "").count("\n") == len(case["transcript"]), case["id"]
    failure = by_id["fx-privmsg-channel-no-echo"].find("failure")
    assert failure.get("type") == "fail"
    assert failure.get("message") == failure.text == \
        mixed_run.case("fx-privmsg-channel-no-echo")["message"]
    assert "b < :" in by_id["fx-privmsg-channel-no-echo"].find("system-out").text
    assert by_id["fx-needs-oper"].find("skipped").get("message")
    assert by_id["fx-unfillable"].find("error").get("type") == "error"


def test_terminal_view(mixed_run):
    out = mixed_run.out
    for case in mixed_run.report["cases"]:
        tag = {"pass": "[PASS]", "fail": "[FAIL]", "skip": "[SKIP]", "error": "[ERROR]"}
        assert f"{tag[case['status']]}" in out
        assert case["id"] in out
    # The failures section repeats the expectation and the transcript tail.
    assert "expect-none PRIVMSG {chan} :no echo please" in out, out
