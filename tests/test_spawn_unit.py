"""Runs bin/spawn_unit: harness/spawn.c (--spawn: template filling, start and
readiness, crash by signal and by exit code with the server's last output,
restart on the same port, stop, concurrent polls, no fd left behind) and
harness/vgxml.c (Valgrind's XML, from built-in documents and from real
captures in tests/fixtures/).

With Valgrind and a C compiler, it also runs tests/fixtures/vg_leak_server.c
under --valgrind: exactly its leak is reported (nothing from /bin/sh), and a
real crash adds the invalid write and the fatal signal.  See
tests/tools/spawn_unit.c for each check; a failure names it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from irc import BIN, REPO  # noqa: E402

EXE = BIN / "spawn_unit"
FIXTURES = REPO / "tests" / "fixtures"
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")



@pytest.fixture(autouse=True)
def _spawn_unit_built():
    if not EXE.exists():
        pytest.fail(f"{EXE} is not built: run `make all` first")


def run(*args, timeout=120):
    proc = subprocess.run([str(EXE), *map(str, args)], capture_output=True, timeout=timeout,
                          env=ENV)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"spawn_unit {' '.join(map(str, args))} exited " \
                                 f"{proc.returncode}:\n{out}"
    assert "checks passed" in out, out
    assert "Sanitizer" not in out and "runtime error" not in out, out
    return out


def test_spawn_lifecycle_and_xml_reader():
    run()


def test_valgrind_xml_fixtures():
    run("--fixture", FIXTURES / "vg_leak.xml", FIXTURES / "vg_crash.xml")


@pytest.fixture(scope="module")
def leak_server(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not shutil.which("valgrind") or not cc:
        pytest.fail("needs valgrind and a C compiler: scripts/ensure-tools.sh installs them")
    exe = tmp_path_factory.mktemp("vg") / "vg_leak_server"
    subprocess.run([cc, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-g",
                    "-O0", "-o", str(exe), str(FIXTURES / "vg_leak_server.c")], check=True)
    return exe


@pytest.mark.parametrize("crash", [False, True], ids=["clean-stop", "crash-and-restart"])
def test_spawn_under_valgrind(leak_server, tmp_path, crash):
    vg_dir = tmp_path / "vg"
    run("--valgrind", f"{leak_server} {{port}}", "--vg-dir", vg_dir,
        "--expect-fn", "leak_on_purpose", *(["--crash"] if crash else []))
    xml = sorted(vg_dir.glob("vg.*.xml"))
    assert len(xml) == (2 if crash else 1), xml
    for f in xml:  # the server's own Valgrind output, not the shell's
        assert f"Command: {leak_server} " in f.read_text(), f
