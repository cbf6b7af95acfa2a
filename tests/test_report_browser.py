"""The HTML report in a real browser: headless Chromium (Debian `chromium`,
installed by scripts/ensure-tools.sh) loads it from file:// with its
scripts running.  --dump-dom gives the DOM after the page's script ran, so
a filter set in the URL's #fragment shows in which rows are hidden.  The
screenshot it takes is the one the README shows when
IRCSPEC_UPDATE_SCREENSHOT=1 (reports/html-report.png)."""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from harness_run import FIXTURE, ircspec
from fakeserver import FakeServer
from htmllinks import dangling, external
from irc import BIN, REPO

FAILING = "fx-privmsg-channel-no-echo"
SCREENSHOT = REPO / "reports" / "html-report.png"


def chromium(tmp_path, url, *args):
    exe = shutil.which("chromium")
    assert exe, "chromium is missing: scripts/ensure-tools.sh installs it"
    p = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={tmp_path / 'profile'}", *args, url],
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode(errors="replace")[-2000:]
    return p.stdout.decode()


class Rows(HTMLParser):
    """Case rows (id, verdict, hidden) and the elements by id, of a DOM dump."""

    def __init__(self, text):
        super().__init__()
        self.rows, self.ids, self.tags, self.cur, self.text = [], {}, [], None, {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr" and a.get("class") == "case":
            self.rows.append({"verdict": a["data-verdict"], "hidden": "hidden" in a,
                              "tags": a["data-tags"].split(), "spec": a["data-spec"].split()})
        if "id" in a:
            self.cur = a["id"]
            self.text[self.cur] = ""

    def handle_endtag(self, tag):
        self.cur = None

    def handle_data(self, data):
        if self.cur:
            self.text[self.cur] += data

    def shown(self):
        return [r for r in self.rows if not r["hidden"]]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    with FakeServer("echo") as srv:
        run = ircspec(tmp, "--port", srv.port, "--timeout", "500", "--html", tmp / "h", FIXTURE)
    assert run.red() == [FAILING]
    return tmp / "h"


def dom(tmp_path, page, fragment=""):
    return Rows(chromium(tmp_path, page.as_uri() + fragment, "--dump-dom"))


def test_no_filter_shows_every_case(report, tmp_path):
    d = dom(tmp_path, report / "index.html")
    assert len(d.rows) == 11 and len(d.shown()) == 11
    assert d.text["shown"] == "11"


def test_verdict_filter_hides_the_passing_cases(report, tmp_path):
    d = dom(tmp_path, report / "index.html", "#verdict=fail")
    assert [r["verdict"] for r in d.shown()] == ["fail"]
    assert d.text["shown"] == "1"


def test_tag_spec_and_search_filters(report, tmp_path):
    d = dom(tmp_path, report / "index.html", "#tag=ping")
    assert len(d.shown()) == 2 and all("ping" in r["tags"] for r in d.shown())
    # a spec section selects its subsections too
    d = dom(tmp_path, report / "index.html", "#spec=rfc2812:3.2")
    assert d.shown() and all(any(s.startswith("rfc2812:3.2.") for s in r["spec"])
                             for r in d.shown())
    assert len(d.shown()) < len(d.rows)
    d = dom(tmp_path, report / "index.html", "#q=no-echo&level=MUST")
    assert [r["verdict"] for r in d.shown()] == ["fail"]


def test_failing_case_page_shows_expected_and_transcript(report, tmp_path):
    html = chromium(tmp_path, (report / "cases" / f"{FAILING}.html").as_uri(), "--dump-dom")
    assert "expected: nothing like this before the PING barrier" in html
    assert "PRIVMSG #" in html and ":no echo please" in html
    assert 'class="tr"' in html


def test_every_link_resolves_and_spec_refs_land_on_their_section(report):
    pages = [report / "index.html", *sorted((report / "cases").glob("*.html"))]
    assert len(pages) == 12
    refs = set()
    for page in pages:
        html = page.read_text()
        assert dangling(page, html) == [], page
        assert external(html) == [], page
        refs |= set(re.findall(r'href="(?:\.\./)?rfc/(rfc\d+)\.html#section-([\d.]+)"', html))
    assert ("rfc2812", "3.3.1") in refs, refs  # PRIVMSG
    # each anchor stands at the heading of the section it names, in the
    # RFC text shipped whole with the report
    for rfc, sec in refs:
        text = (report / "rfc" / f"{rfc}.html").read_text()
        assert re.search(rf'<span id="section-{re.escape(sec)}"></span>{re.escape(sec)}\.? +[A-Z]',
                         text), (rfc, sec)
        assert "Full Copyright Statement" in text or rfc == "rfc1459"


def test_hostile_page_runs_no_injected_script(tmp_path):
    out = tmp_path / "hostile"
    subprocess.run([str(BIN / "harness_unit"), "--write-html", str(out)], check=True, timeout=60)
    d = Rows(chromium(tmp_path, (out / "cases" / "nick-hostile.html").as_uri(), "--dump-dom"))
    assert "script" not in d.tags and "b" not in d.tags
    assert d.text["verdict"] == "fail"


def test_screenshot(report, tmp_path):
    shot = tmp_path / "index.png"
    chromium(tmp_path, (report / "index.html").as_uri(), f"--screenshot={shot}",
             "--window-size=1200,800", "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10000
    if os.environ.get("IRCSPEC_UPDATE_SCREENSHOT"):
        shutil.copy(shot, SCREENSHOT)
