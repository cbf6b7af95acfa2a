"""harness/ report side: transcripts, reports, -k, baselines.

bin/harness_unit runs the C unit checks (JSON escaping of every byte,
transcript bounding with 100,000 entries, -k expressions and their errors,
baseline loading and comparison, the terminal view).  It also writes the
reports of a fixed hostile run (bytes 1..255, malformed UTF-8, XML
metacharacters, a 100,000-entry transcript, a crash, a Valgrind finding),
which are read back here by Python's strict JSON and XML parsers and
compared with a model of the escaping."""

import codecs
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from irc import BIN  # noqa: E402

UNIT = BIN / "harness_unit"

# hostile_message() in tests/tools/harness_unit.c: the same bytes.
HOSTILE = bytes(range(1, 256)) + (b"|\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\xed\xa0\x80"
                                  b"|\xc0\x80|\xf4\x90\x80\x80|\xef\xbf\xbe|\xe2\x82")
FLOOD_ENTRIES = 100000
CLOSING_LINE = re.compile(r"^\d+ passed, \d+ failed, \d+ skipped(, \d+ errors, \d+ crashed)?$")

TOP_KEYS = {"target", "started", "duration_ms", "deadline_hit", "stopped_early", "summary", "valgrind",
            "server_exit_report", "cases"}
TARGET_KEYS = {"host", "port", "spawn", "server_name", "server_version"}
SUMMARY_KEYS = {"passed", "failed", "skipped", "errors", "crashed", "total"}
CASE_KEYS = {"id", "file", "title", "spec", "level", "tags", "status", "message",
             "duration_ms", "transcript", "server_tail", "leaks", "valgrind_errors"}
ENTRY_KEYS = {"t_ms", "client", "dir", "data"}
STATUS_KEY = {"pass": "passed", "fail": "failed", "skip": "skipped", "error": "errors",
              "crash": "crashed"}

# A byte that is not UTF-8 reads back from JSON as the code point of the
# same number (it was written as \u00XX).
codecs.register_error("ircspec-latin1", lambda e: (e.object[e.start:e.end].decode("latin-1"), e.end))
# ... and from XML as the text "\xNN".
codecs.register_error("ircspec-hex", lambda e: ("".join(f"\\x{b:02x}" for b in e.object[e.start:e.end]), e.end))


def json_model(raw):
    return raw.decode("utf-8", "ircspec-latin1")


def xml_model(raw):
    out = []
    for ch in raw.decode("utf-8", "ircspec-hex"):
        if (ord(ch) < 0x20 and ch not in "\t\n\r") or ch in "\ufffe\uffff":
            out.append("".join(f"\\x{b:02x}" for b in ch.encode()))
        else:
            out.append(ch)
    return "".join(out)


@pytest.fixture(scope="module")
def unit():
    if not UNIT.exists():
        pytest.fail(f"{UNIT} is missing: run `make all` first")
    return UNIT


def run(unit, *args):
    return subprocess.run([str(unit), *args], capture_output=True, timeout=60)


def test_c_unit_checks(unit):
    p = run(unit)
    out = p.stdout.decode() + p.stderr.decode()
    assert p.returncode == 0, out
    assert re.search(r"\d+ checks, 0 failed", out), out


@pytest.fixture(scope="module")
def reports(unit, tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    p = run(unit, "--write-json", str(d / "r.json"), "--write-junit", str(d / "r.xml"))
    assert p.returncode == 0, p.stderr.decode()
    return d


def load_json(reports):
    # Strict: the file must be UTF-8 and control characters escaped.
    return json.loads((reports / "r.json").read_bytes().decode("utf-8"), strict=True)


def test_json_has_the_documented_shape(reports):
    doc = load_json(reports)
    assert set(doc) == TOP_KEYS
    assert set(doc["target"]) == TARGET_KEYS
    assert set(doc["summary"]) == SUMMARY_KEYS
    assert doc["target"]["port"] == 6667 and doc["deadline_hit"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["started"])
    counts = {k: 0 for k in SUMMARY_KEYS}
    for case in doc["cases"]:
        assert set(case) == CASE_KEYS, case["id"]
        assert case["level"] in ("MUST", "SHOULD", "MAY")
        assert isinstance(case["spec"], list) and isinstance(case["tags"], list)
        counts[STATUS_KEY[case["status"]]] += 1
        for entry in case["transcript"]:
            assert set(entry) == ENTRY_KEYS
            assert entry["dir"] in ("send", "recv", "event")
    counts["total"] = len(doc["cases"])
    assert doc["summary"] == counts
    assert [v["kind"] for v in doc["valgrind"]] == ["InvalidRead"]


def test_json_escapes_every_byte(reports):
    doc = load_json(reports)
    by_id = {c["id"]: c for c in doc["cases"]}
    assert by_id["nick-hostile"]["message"] == json_model(HOSTILE)
    assert by_id["nick-hostile"]["title"] == "T\u00edtle <xml> & \"quotes\" ']]>"
    assert doc["target"]["server_name"] == "irc.\u00ffexample"
    assert doc["valgrind"][0]["stack"] == "main (main.c:10)\nbad\x01 (x.c:2)"
    # Transcript data was escaped to printable ASCII when recorded.
    raw_entry = by_id["nick-hostile"]["transcript"][0]["data"]
    assert raw_entry.isascii() and raw_entry.isprintable()
    assert raw_entry.startswith("\\x00\\x01") and raw_entry.endswith("\\xfe\\xff")


def test_json_transcript_is_bounded_with_a_gap_note(reports):
    doc = load_json(reports)
    flood = next(c for c in doc["cases"] if c["id"] == "flood")["transcript"]
    notes = [i for i, e in enumerate(flood) if e["dir"] == "event"]
    assert len(notes) == 1
    m = re.fullmatch(r"\.\.\. (\d+) entries dropped \.\.\.", flood[notes[0]]["data"])
    assert m, flood[notes[0]]
    assert int(m.group(1)) + len(flood) - 1 == FLOOD_ENTRIES
    kept = [e["t_ms"] for e in flood if e["dir"] != "event"]
    head, tail = kept[:notes[0]], kept[notes[0]:]
    assert head == list(range(len(head)))
    assert tail == list(range(FLOOD_ENTRIES - len(tail), FLOOD_ENTRIES))
    assert len(tail) == 64  # TRANSCRIPT_TAIL


def test_json_to_stdout(unit):
    p = run(unit, "--write-json", "-")
    assert p.returncode == 0, p.stderr.decode()
    assert set(json.loads(p.stdout.decode("utf-8"))) == TOP_KEYS


def test_junit_is_read_by_an_xml_parser(reports):
    root = ET.parse(reports / "r.xml").getroot()
    assert root.tag == "testsuites"
    (suite,) = list(root)
    assert suite.tag == "testsuite" and suite.get("name") == "ircspec"
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == 7  # 6 cases + valgrind
    for attr, tags in (("failures", ["failure"]), ("errors", ["error"]), ("skipped", ["skipped"])):
        found = sum(1 for c in cases for t in tags if c.find(t) is not None)
        assert int(suite.get(attr)) == found == int(root.get(attr)), attr
    for c in cases:
        assert c.get("classname").startswith("ircspec.")
        assert re.fullmatch(r"\d+\.\d{3}", c.get("time"))
    by_name = {c.get("name").split(":")[0]: c for c in cases}
    assert by_name["server-crash"].find("error").get("message").startswith("crash: ")
    assert by_name["harness-error"].find("error").get("type") == "error"
    assert by_name["opt-skip"].find("skipped").get("message") == "server lacks CAP"
    assert by_name["flood"].get("classname") == "ircspec.SHOULD"
    assert "entries dropped" in by_name["flood"].find("system-out").text
    assert by_name["conn-pass"].find("system-out").text == "+0ms a > NICK x\n+12ms a < :irc.test 001 x :Welcome\n"
    assert by_name["valgrind"].find("failure") is not None


def test_junit_escapes_every_byte(reports):
    root = ET.parse(reports / "r.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("nick-hostile:"))
    assert case.get("name") == "nick-hostile: T\u00edtle <xml> & \"quotes\" ']]>"
    failure = case.find("failure")
    assert failure.get("message") == xml_model(HOSTILE)
    assert failure.text == xml_model(HOSTILE)


def test_no_temporary_files_are_left(reports):
    assert sorted(p.name for p in reports.iterdir()) == ["r.json", "r.xml"]


def test_unwritable_report_path_is_an_error(unit):
    p = run(unit, "--write-json", "/nonexistent-dir/r.json")
    assert p.returncode == 1
    assert b"/nonexistent-dir/r.json: cannot create a temporary file" in p.stderr


@pytest.mark.parametrize("color", [False, True])
def test_terminal_closing_line(unit, color):
    p = run(unit, "--write-term", *(["--color"] if color else []))
    assert p.returncode == 0
    text = p.stdout.decode("utf-8")
    lines = text.splitlines()
    assert CLOSING_LINE.match(lines[-1]), lines[-1]
    assert lines[-1] == "1 passed, 2 failed, 1 skipped, 1 errors, 1 crashed"
    assert lines[-2] == "(1.23 s)"
    assert ("\x1b[" in text) == color
    assert "    transcript (last 20 of 100000 entries):" in lines
    assert "      +99999ms b < line 99999 " + "0" * 100 in lines
