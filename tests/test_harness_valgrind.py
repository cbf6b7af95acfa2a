"""--spawn --valgrind: the server runs under memcheck and every finding is
in the report and fails the run.  bin/refircd (the plain build) has none;
tests/fixtures/vg_leak_server.c leaks 77 bytes in leak_on_purpose() on
purpose.  That server is no IRC server (it accepts, waits for a command,
closes), so its run uses a case of its own that only needs a TCP accept."""

import shutil
import subprocess

import pytest

from harness_run import BIN, ENV, FIXTURE, REPO, ircspec



@pytest.fixture(autouse=True)
def _valgrind_installed():
    if shutil.which("valgrind") is None:
        pytest.fail("valgrind is not installed: scripts/ensure-tools.sh installs it")

ACCEPT_CASE = """\
id: vg-accept-and-close
title: The server accepts a connection and closes it
spec: modern
level: MUST
clients: a

a: connect
a: expect-close
"""


def test_refircd_under_valgrind_is_clean(tmp_path):
    refircd = BIN / "refircd"
    if not refircd.exists():
        pytest.fail(f"{refircd} is missing: run `make all` first")
    run = ircspec(tmp_path, "--spawn", f"{refircd} -p {{port}}", "--valgrind",
                  "--timeout", "5000", "--deadline", "60",
                  "-k", "fx-join-part or fx-rst-peer-sees-quit or fx-split-bytes-privmsg",
                  FIXTURE)
    assert run.rc == 0, run
    assert run.red() == [] and len(run.status()) == 3, run
    assert run.report["valgrind"] == [], run
    assert "Valgrind" not in run.out, run


@pytest.fixture(scope="module")
def leak_server(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.fail("no C compiler: scripts/ensure-tools.sh installs gcc")
    exe = tmp_path_factory.mktemp("vg") / "vg_leak_server"
    subprocess.run([cc, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-g",
                    "-O0", "-o", str(exe), str(REPO / "tests/fixtures/vg_leak_server.c")],
                   check=True)
    return exe


def test_leaking_server_fails_the_run(tmp_path, leak_server):
    case = tmp_path / "accept.case"
    case.write_text(ACCEPT_CASE)
    tmpdir = tmp_path / "tmp"  # where ircspec makes Valgrind's XML directory
    tmpdir.mkdir()
    run = ircspec(tmp_path, "--spawn", f"{leak_server} {{port}}", "--valgrind",
                  "--timeout", "5000", "--deadline", "60", "--junit", tmp_path / "r.xml", case,
                  env=dict(ENV, TMPDIR=str(tmpdir)))
    # The findings are in the reports; the XML and its directory are gone.
    assert list(tmpdir.iterdir()) == [], list(tmpdir.iterdir())
    # The case itself passes: only the leak fails the run.
    assert run.status() == {"vg-accept-and-close": "pass"}, run
    assert run.rc == 1, run
    findings = run.report["valgrind"]
    assert len(findings) == 1, run
    leak = findings[0]
    assert leak["kind"] == "Leak_DefinitelyLost", leak
    assert leak["what"].startswith("77 bytes in 1 blocks are definitely lost"), leak
    frames = leak["stack"].splitlines()
    assert frames[0].startswith("malloc "), leak
    assert frames[1].startswith("leak_on_purpose (vg_leak_server.c:"), leak
    assert frames[2].startswith("main (vg_leak_server.c:"), leak
    assert "Valgrind: 1 finding" in run.out, run
    assert "leak_on_purpose (vg_leak_server.c:" in run.out, run
    xml = (tmp_path / "r.xml").read_text()
    assert 'name="valgrind: memcheck of the server"' in xml and "leak_on_purpose" in xml
