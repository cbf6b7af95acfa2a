"""ircspec matrix: servers x cases from JSON reports.  The fixture cases run
against refircd and three fake servers with one bug each; --md must be
exactly what scripts/matrix.py makes of the same reports (the format of
reports/matrix.md), and --html an index whose every cell links to that
server's page of the case, made from its JSON report alone."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from harness_run import BIN, FIXTURE, REPO, ircspec
from fakeserver import FakeServer
from htmllinks import dangling

BUGS = {"echo": "fx-privmsg-channel-no-echo", "wrong-numeric": "fx-privmsg-nosuchnick-401",
        "noquit": "fx-close-peer-sees-quit"}


class Links(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.cells = []  # (href, text) of the verdict links
        self.cur = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "badge" in a.get("class", ""):
            self.cur = [a["href"], ""]

    def handle_data(self, data):
        if self.cur:
            self.cur[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.cur:
            self.cells.append(tuple(self.cur))
            self.cur = None


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    (tmp / "reports").mkdir()
    run = ircspec(tmp, "--spawn", f"{BIN / 'refircd'} -p {{port}} --flood-interval 0",
                  "--json", tmp / "reports" / "matrix-refircd.json", FIXTURE)
    assert run.rc == 0, run
    for bug in BUGS:
        run = ircspec(tmp, "--spawn", FakeServer.command(bug), "--timeout", "500",
                      "--json", tmp / "reports" / f"matrix-{bug}.json", FIXTURE)
        assert run.red() == [BUGS[bug]] or bug == "noquit", run
    return tmp


SERVERS = ["refircd", *BUGS]


def matrix(tmp, *args):
    return subprocess.run([str(BIN / "ircspec-asan"), "matrix", *map(str, args)],
                          capture_output=True, cwd=tmp, timeout=120)


def test_markdown_is_matrix_py_s_format(reports):
    files = [f"reports/matrix-{s}.json" for s in SERVERS]
    p = matrix(reports, "--md", "c.md", *files)
    assert p.returncode == 0, p.stderr.decode()
    py = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "matrix.py"), *SERVERS],
                        capture_output=True, cwd=reports, check=True, timeout=60)
    assert (reports / "c.md").read_bytes() == py.stdout
    md = py.stdout.decode()
    assert "| echo | fakeserver-1.0 | 10 | 1 | 0 | 0 | 0 |" in md
    assert "| fx-privmsg-channel-no-echo | MUST | pass | **FAIL** | pass | pass |" in md


def test_html_links_every_cell_to_that_server_s_case_page(reports):
    files = [f"{s}=reports/matrix-{s}.json" for s in SERVERS]
    p = matrix(reports, "--html", "h", *files)
    assert p.returncode == 0, p.stderr.decode()
    cells = Links((reports / "h" / "index.html").read_text()).cells
    assert len(cells) == 11 * len(SERVERS)
    for href, verdict in cells:
        server, case = re.fullmatch(r"([\w.-]+)/cases/([\w.-]+)\.html", href).groups()
        page = (reports / "h" / href).read_text()
        assert f'id="verdict">{verdict}<' in page, href
        want = "fail" if BUGS.get(server) == case else None
        if want:
            assert verdict == want
    assert ("echo/cases/fx-privmsg-channel-no-echo.html", "fail") in cells
    # the page made from JSON: the unmet step, and the transcript as recorded
    # (escaped once: a CR LF shows as \r\n, not \\r\\n)
    page = (reports / "h" / "echo" / "cases" / "fx-privmsg-channel-no-echo.html").read_text()
    assert "expected: nothing like this before the PING barrier" in page
    assert ":no echo please\\r\\n" in page and "\\\\r" not in page
    assert (reports / "h" / "refircd" / "index.html").exists()
    # every link of every page leads somewhere, a spec reference to its
    # section of the RFC text shipped beside each server's pages
    pages = sorted((reports / "h").glob("**/*.html"))
    assert len(pages) == 1 + len(SERVERS) * (1 + 11 + 2)
    assert [p for p in pages if dangling(p)] == []
    assert "../rfc/rfc2812.html#section-3.3.1" in page


def test_bad_report_and_clashing_names_are_refused(reports, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{\"cases\": 3}")
    p = matrix(reports, "--md", "-", str(bad))
    assert p.returncode == 2 and b"not an ircspec JSON report" in p.stderr
    p = matrix(reports, "a=reports/matrix-echo.json", "a=reports/matrix-noquit.json")
    assert p.returncode == 2 and b"two reports are named a" in p.stderr


def test_matrix_filter_runs_in_chromium(reports, tmp_path):
    out = reports / "hf"
    p = matrix(reports, "--html", out, *[f"reports/matrix-{s}.json" for s in SERVERS])
    assert p.returncode == 0, p.stderr.decode()
    exe = shutil.which("chromium")
    assert exe, "chromium is missing: scripts/ensure-tools.sh installs it"
    dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          (out / "index.html").as_uri() + "#differ"],
                         capture_output=True, timeout=120, check=True).stdout.decode()
    rows = re.findall(r'<tr class="case" data-differ="(\d)"( hidden="")?', dom)
    assert len(rows) == 11
    assert all((d == "1") == (h == "") for d, h in rows), rows
