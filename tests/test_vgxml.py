"""harness/vgxml.c (Valgrind's XML, read with libexpat) through
bin/vgxml_unit: real Valgrind captures, every way a killed Valgrind can cut
one short, and hostile files - entity expansion ("billion laughs"), external
entities, deep nesting, huge text and names, too many findings, a FIFO, a
huge file.  Each must end with a verdict, keep what was complete, stay within
its caps, and (ASan+UBSan build) touch no byte it should not.  The
subprocess timeout is only a hang guard."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "bin" / "vgxml_unit"
FIXTURES = ROOT / "tests" / "fixtures"
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")

TEXT_MAX = 2048          # VGXML_TEXT_MAX
STACK_MAX = 16384        # VGXML_STACK_MAX
MAX_FINDINGS = 1000      # VGXML_MAX_FINDINGS
MAX_FILE = 64 * 1024 * 1024
MAXRSS_KB = 256 * 1024   # the sanitizer build, on the largest input here


class Parsed:
    def __init__(self, out):
        self.out = out
        fields = [line.split(" ", 1) for line in out.splitlines()]
        fields = [(f[0], f[1] if len(f) > 1 else "") for f in fields]
        first = dict(fields)
        self.rc = int(first["file-rc"])
        self.err = first["file-err"]
        self.buf_err = first["buf-err"]
        self.maxrss_kb = int(first["maxrss-kb"])
        unesc = lambda s: s.replace("\\n", "\n").replace("\\\\", "\\")  # noqa: E731
        kinds = [unesc(v) for k, v in fields if k == "kind"]
        whats = [unesc(v) for k, v in fields if k == "what"]
        stacks = [unesc(v) for k, v in fields if k == "stack"]
        self.findings = list(zip(kinds, whats, stacks))
        assert len(self.findings) == int(first["findings"]), out

    def __repr__(self):
        return self.out[:3000]


def parse(path):
    if not UNIT.exists():
        pytest.fail(f"{UNIT} is not built: run `make all` first")
    proc = subprocess.run([str(UNIT), str(path)], capture_output=True, timeout=120, env=ENV)
    out = proc.stdout.decode("utf-8")  # strict: every string must be valid UTF-8
    err = proc.stderr.decode(errors="replace")
    assert "Sanitizer" not in err and "runtime error" not in err, err
    assert proc.returncode == 0, f"file and buffer parses disagree (exit {proc.returncode}):" \
                                 f"\n{out}\n{err}"
    p = Parsed(out)
    assert p.maxrss_kb < MAXRSS_KB, f"peak RSS {p.maxrss_kb} KB"
    return p


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


HEAD = '<?xml version="1.0"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n'
TAIL = "</valgrindoutput>\n"


def error(kind="InvalidRead", what="Invalid read of size 4", frames=("main",)):
    fr = "".join(f"<frame><ip>0x1</ip><fn>{f}</fn></frame>" for f in frames)
    return f"<error><kind>{kind}</kind><what>{what}</what><stack>{fr}</stack></error>\n"


# ---- real captures ----

def test_real_leak_capture():
    p = parse(FIXTURES / "vg_leak.xml")
    assert p.rc == 0, p
    [(kind, what, stack)] = p.findings
    assert kind == "Leak_DefinitelyLost", p
    assert "77 bytes in 1 blocks are definitely lost" in what, p
    assert stack.startswith("malloc (") and "leak_on_purpose (vg_leak_server.c:" in stack, p


def test_real_crash_capture():
    p = parse(FIXTURES / "vg_crash.xml")
    assert p.rc == 0, p
    kinds = [f[0] for f in p.findings]
    assert kinds == ["InvalidWrite", "FatalSignal", "Leak_DefinitelyLost"], p
    assert p.findings[1][1] == ("SIGSEGV (signal 11): the process was terminated (Access not "
                                "within mapped region at 0x0)"), p
    assert "\nAddress 0x0 is not stack'd, malloc'd or (recently) free'd\n" in p.findings[0][2]


def test_truncated_capture_keeps_what_was_complete(tmp_path):
    """Valgrind killed mid-write: every cut of a real capture is reported
    as truncated (or not Valgrind XML, before the root), never crashes, and
    keeps exactly the findings whose element was closed before the cut."""
    doc = (FIXTURES / "vg_crash.xml").read_bytes()
    root_close = doc.index(b"</valgrindoutput>") + len(b"</valgrindoutput>")
    ends = [m.end() for m in re.finditer(rb"</error>|</fatal_signal>", doc)]
    for cut in list(range(0, root_close, 37)) + [root_close - 1]:
        p = parse(write(tmp_path, "cut.xml", doc[:cut]))
        assert p.rc == -1, (cut, p)
        if cut > doc.index(b"<valgrindoutput>") + len(b"<valgrindoutput>"):
            assert "truncated" in p.err, (cut, p)
        assert len(p.findings) == sum(e <= cut for e in ends), (cut, p)
    assert parse(write(tmp_path, "whole.xml", doc[:root_close])).rc == 0


# ---- hostile files ----

def test_billion_laughs_is_refused(tmp_path):
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)]
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE valgrindoutput [\n' + "\n".join(ents) +
           "\n]>\n<valgrindoutput>" + error(what="&lol9;") + TAIL)
    p = parse(write(tmp_path, "laughs.xml", doc))
    assert p.rc == -1 and "DOCTYPE" in p.err, p
    assert p.findings == [], p


def test_external_entity_is_refused(tmp_path):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE v [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           "<valgrindoutput>" + error(what="&x;") + TAIL)
    p = parse(write(tmp_path, "xxe.xml", doc))
    assert p.rc == -1 and "DOCTYPE" in p.err, p
    assert "root:" not in p.out, p


def test_undeclared_entity_is_an_error(tmp_path):
    p = parse(write(tmp_path, "undef.xml", HEAD + error(what="a &nothing; b") + TAIL))
    assert p.rc == -1 and "undefined entity" in p.err, p


def test_deep_nesting_stops_at_the_cap(tmp_path):
    doc = HEAD + "<error>" + "<a>" * 200000 + "</a>" * 200000 + "</error>" + TAIL
    p = parse(write(tmp_path, "deep.xml", doc))
    assert p.rc == -1 and "nested deeper than 32" in p.err, p


def test_huge_text_is_cut_at_its_cap(tmp_path):
    what = "é" * (8 * 1024 * 1024)  # 16 MB of two-byte characters
    p = parse(write(tmp_path, "text.xml", HEAD + error(what=what) + TAIL))
    assert p.rc == 0, p
    [(_, got, _)] = p.findings
    assert len(got.encode()) < TEXT_MAX and set(got) == {"é"}, len(got)  # valid UTF-8: no half é
    assert len(got) >= TEXT_MAX // 2 - 2, len(got)


def test_huge_names_and_frames_stay_bounded(tmp_path):
    frames = [f"f{i}" for i in range(20000)]
    doc = HEAD + "<" + "x" * (4 * 1024 * 1024) + "/>" + error(frames=frames) + TAIL
    p = parse(write(tmp_path, "big.xml", doc))
    assert p.rc == 0, p
    [(_, _, stack)] = p.findings
    assert stack.startswith("f0\nf1\n") and STACK_MAX - 64 < len(stack) < STACK_MAX, len(stack)


def test_too_many_findings_are_counted_not_kept(tmp_path):
    doc = HEAD + error() * (MAX_FINDINGS + 500) + TAIL
    p = parse(write(tmp_path, "many.xml", doc))
    assert p.rc == -1 and "500 more findings" in p.err, p
    assert len(p.findings) == MAX_FINDINGS


@pytest.mark.parametrize("doc,words", [
    ("", "empty file"),
    ("garbage", "not Valgrind XML"),
    ("<html><body/></html>", "not Valgrind XML"),
    (HEAD + TAIL + "<valgrindoutput/>", "junk after document element"),
    (HEAD + "<error><kind>X</kind></wrong>" + TAIL, "mismatched tag"),
    ("\0\1\2<<<>>>&&&;</", "not Valgrind XML"),
], ids=["empty", "garbage", "html", "two-roots", "mismatched", "binary"])
def test_malformed_files_name_the_problem(tmp_path, doc, words):
    p = parse(write(tmp_path, "bad.xml", doc))
    assert p.rc == -1 and words in p.err, p


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "vg.1.xml"
    os.mkfifo(fifo)
    proc = subprocess.run([str(UNIT), str(fifo)], capture_output=True, timeout=60, env=ENV)
    assert proc.returncode == 3 and b"file-rc -1" in proc.stdout, proc
    assert b"not a regular file" in proc.stdout, proc.stdout


def test_file_over_the_cap_is_refused(tmp_path):
    big = tmp_path / "big.xml"
    with open(big, "wb") as f:  # sparse: costs no disk
        f.truncate(MAX_FILE + 1)
    proc = subprocess.run([str(UNIT), str(big)], capture_output=True, timeout=120, env=ENV)
    assert proc.returncode == 3 and b"file-rc -1" in proc.stdout, proc
    assert b"larger than 64 MB" in proc.stdout, proc.stdout
