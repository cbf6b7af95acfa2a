"""--html DIR: the HTML report.  The hostile fixture run of harness_unit
(every byte value, invalid UTF-8, markup and a <script> from the server)
must appear as text and never as markup; a real run against a server with
a failure gives an index whose failing row links to a page with the unmet
step, the server's output and the transcript; the directory is replaced
whole, and a directory that is not a report is refused."""

import codecs
import re
import subprocess
from html.parser import HTMLParser

import pytest

from harness_run import FIXTURE, ircspec
from fakeserver import FakeServer
from irc import BIN

UNIT = BIN / "harness_unit"
HOSTILE = bytes(range(1, 256)) + (b"|\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\xed\xa0\x80"
                                  b"|\xc0\x80|\xf4\x90\x80\x80|\xef\xbf\xbe|\xe2\x82")
HOSTILE_TAIL = b"<script>alert(1)</script>\n\xff\xfe<b>bold</b>&amp;\n==1==ERROR: AddressSanitizer: x"
FAILING = "fx-privmsg-channel-no-echo"  # the one case --bug echo fails

codecs.register_error("ircspec-hexhtml",
                      lambda e: ("".join(f"\\x{b:02x}" for b in e.object[e.start:e.end]), e.end))


def html_model(raw):
    """What a reader sees of raw bytes: UTF-8 as is, controls (but tab and
    newline), DEL, C1 controls and non-UTF-8 bytes as the text \\xNN."""
    out = []
    for ch in raw.decode("utf-8", "ircspec-hexhtml"):
        if (ord(ch) < 0x20 and ch not in "\t\n") or 0x7f <= ord(ch) <= 0x9f:
            out.append("".join(f"\\x{b:02x}" for b in ch.encode()))
        else:
            out.append(ch)
    return "".join(out)


class Page(HTMLParser):
    """Elements by tag, the text of each element with an id or class, links."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.links, self.stack, self.texts = [], [], [], {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag not in ("br", "meta", "input", "option"):
            key = a.get("id") or a.get("class")
            self.stack.append(key)
            if key:
                self.texts.setdefault(key, "")

    def handle_endtag(self, tag):
        if tag not in ("br", "meta", "input", "option") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for key in set(k for k in self.stack if k):
            self.texts[key] += data

    def count(self, tag):
        return sum(1 for t, _ in self.tags if t == tag)


def read_page(path):
    return Page(path.read_bytes().decode("utf-8"))  # strict: valid UTF-8 or it raises


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("html") / "report"
    p = subprocess.run([str(UNIT), "--write-html", str(d)], capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    return d


def test_hostile_bytes_are_text_never_markup(hostile):
    page = read_page(hostile / "cases" / "nick-hostile.html")
    assert page.count("script") == 0 and page.count("b") == 0
    assert page.texts["tail"] == html_model(HOSTILE_TAIL) + "\n"
    assert "<script>alert(1)</script>" in page.texts["tail"]
    assert page.texts["msg"] == html_model(HOSTILE) + "\n"
    assert page.texts["title"] == "T\u00edtle <xml> & \"quotes\" ']]>"
    # the transcript's 256 raw bytes were escaped when recorded: \x00 shows
    assert "\\x00\\x01" in page.texts["tr"]


def test_index_has_only_its_own_script_and_every_case(hostile):
    page = read_page(hostile / "index.html")
    assert page.count("script") == 1
    rows = [a for t, a in page.tags if t == "tr" and a.get("class") == "case"]
    assert [r["data-verdict"] for r in rows] == ["pass", "fail", "skip", "error", "crash", "fail"]
    assert rows[1]["data-tags"] == "nick hostile"
    assert rows[1]["data-spec"] == "rfc2812:3.1.2 rfc1459:4.1.2"
    assert "cases/nick-hostile.html" in page.links
    assert "rfc/rfc2812.html#section-3.1.2" in page.links  # the RFC text shipped with it
    # the server name holds a byte that is not UTF-8
    assert page.texts["head"] == "ircspec report: irc.\\xffexample"
    assert {p.name for p in (hostile / "cases").iterdir()} == {
        f"{i}.html" for i in ("conn-pass", "nick-hostile", "opt-skip", "harness-error",
                              "server-crash", "flood")}


def test_a_bounded_transcript_shows_its_gap(hostile):
    page = read_page(hostile / "cases" / "flood.html")
    assert re.search(r"\.\.\. \d+ entries dropped \.\.\.", page.texts["tr"])


def test_report_dir_is_replaced_whole_and_others_are_refused(tmp_path):
    d = tmp_path / "out"
    for _ in range(2):  # the second write replaces the first
        p = subprocess.run([str(UNIT), "--write-html", str(d)], capture_output=True, timeout=60)
        assert p.returncode == 0, p.stderr.decode()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out"]  # no DIR.tmp-* left
    (d / "cases" / "stale.html").write_text("old")
    subprocess.run([str(UNIT), "--write-html", str(d)], check=True, timeout=60)
    assert not (d / "cases" / "stale.html").exists()
    other = tmp_path / "home"
    other.mkdir()
    (other / "precious").write_text("keep")
    p = subprocess.run([str(UNIT), "--write-html", str(other)], capture_output=True, timeout=60)
    assert p.returncode == 1
    assert b"is not an ircspec report directory" in p.stderr
    assert [x.name for x in other.iterdir()] == ["precious"]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["home", "out"]


def verdict_lines(text):
    """The per-case lines and the closing line, without their times."""
    lines = [ln for ln in text.splitlines() if ln.startswith("  [") or " passed, " in ln]
    return [re.sub(r"\(\d+ ms\)", "", ln) for ln in lines]


def test_real_run_links_a_failure_to_its_transcript(tmp_path):
    with FakeServer("echo") as srv:
        plain = ircspec(tmp_path, "--port", srv.port, "--timeout", "500", FIXTURE)
        run = ircspec(tmp_path, "--port", srv.port, "--timeout", "500",
                      "--html", tmp_path / "h", FIXTURE)
    assert run.rc == 1 and run.red() == [FAILING]
    assert verdict_lines(run.out) == verdict_lines(plain.out)  # terminal output unchanged
    assert len(verdict_lines(run.out)) == 13  # 11 cases, the failure again, the counts
    index = read_page(tmp_path / "h" / "index.html")
    assert f"cases/{FAILING}.html" in index.links
    page = read_page(tmp_path / "h" / "cases" / f"{FAILING}.html")
    assert page.texts["verdict"] == "fail"
    assert "expected: nothing like this" in page.texts["exp"]
    assert "PRIVMSG #" in page.texts["got"]
    assert " :no echo please" in page.texts["tr"] and "NICK " in page.texts["tr"]


def test_spawned_server_output_is_on_the_failing_page(tmp_path):
    run = ircspec(tmp_path, "--spawn", FakeServer.command("echo"), "--timeout", "500",
                  "--html", tmp_path / "h", FIXTURE)
    assert run.red() == [FAILING]
    page = read_page(tmp_path / "h" / "cases" / f"{FAILING}.html")
    assert "fakeserver: listening on 127.0.0.1:" in page.texts["tail"]
    passing = read_page(tmp_path / "h" / "cases" / "fx-ping-pong.html")
    assert "tail" not in passing.texts
