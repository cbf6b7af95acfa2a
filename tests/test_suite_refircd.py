"""The whole case corpus against refircd: the proof that the cases are
right (every MUST case passes on the reference server) and that refircd
conforms.  Run twice: on the ASan+UBSan build, and on the plain build under
Valgrind through ircspec's own --valgrind (0 errors, 0 leaks)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Flood control lifted, as for every target (targets/*.sh): the robustness
# cases send bursts of 500 and 1,000 lines.
SPAWN = ("{bin} -p {{port}} -P {{password}} --motd targets/motd.txt --oper ircspec:operpass"
         " --flood-interval 0")


def run_suite(tmp_path, binary, *extra, timeout=240):
    report = tmp_path / "refircd.json"
    r = subprocess.run(
        [str(ROOT / "bin" / "ircspec"), "--no-color", "-j", "8",
         "--spawn", SPAWN.format(bin=binary), "--password", "secret",
         "--oper", "ircspec:operpass", "--strict", "--json", str(report), *extra, "cases"],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return r, json.loads(report.read_text())


def test_every_case_passes_on_refircd_asan(tmp_path):
    r, rep = run_suite(tmp_path, "./bin/refircd-asan")
    bad = [(c["id"], c["status"], (c["message"] or "")[:300]) for c in rep["cases"]
           if c["status"] not in ("pass", "skip")]
    assert r.returncode == 0 and not bad, f"{bad}\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}"
    # Stopped with SIGTERM at the end, it leaks nothing (LeakSanitizer).
    assert rep["server_exit_report"] is None, rep["server_exit_report"]
    # Skips are only for features refircd deliberately lacks (a CASEMAPPING
    # or channel type it does not offer), never for a missing credential.
    for c in rep["cases"]:
        if c["status"] == "skip":
            assert "needs" in c["message"] and "ISUPPORT" in c["message"], c


def test_suite_under_valgrind_is_clean(tmp_path):
    if shutil.which("valgrind") is None:  # ensure-tools installs it: a skip would hide the run
        pytest.fail("valgrind is not installed: scripts/ensure-tools.sh installs it")
    r, rep = run_suite(tmp_path, "./bin/refircd", "--valgrind", timeout=500)
    assert rep["valgrind"] == [], rep["valgrind"]
    assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-2000:]}"
