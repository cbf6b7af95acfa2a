"""The suite against a real server in CI: ngircd (from Debian, unpacked by
targets/install.sh) runs every case, gated with --baseline on the committed
cases/baseline-ngircd.json.  A case that passed on ngircd when the baseline
was taken and does not pass now - a case turned flaky or wrong, or a harness
regression - fails this test; deviations recorded in the baseline do not.

Regenerate the baseline after a deliberate change with
  scripts/baseline-ngircd.sh
"""
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "cases" / "baseline-ngircd.json"


def ngircd_available():
    r = subprocess.run([str(ROOT / "targets" / "install.sh"), "ngircd"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    return r.returncode == 0, r.stderr.strip()


def test_suite_against_ngircd_has_no_regressions(tmp_path):
    ok, why = ngircd_available()
    if not ok:  # the gate is part of `make test`: without ngircd it has not run
        pytest.fail(f"ngircd could not be installed (targets/install.sh ngircd): {why}")
    report = tmp_path / "ngircd.json"
    r = subprocess.run(
        [str(ROOT / "bin" / "ircspec"), "--no-color", "-j", "8",
         "--spawn", "targets/ngircd.sh {port}", "--password", "secret",
         "--oper", "ircspec:operpass", "--deadline", "240",
         "--baseline", str(BASELINE), "--json", str(report), "cases"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    tail = "\n".join(r.stdout.splitlines()[-40:])
    assert r.returncode == 0, f"regressions against ngircd (exit {r.returncode}):\n{tail}\n{r.stderr}"
    cases = json.loads(report.read_text())["cases"]
    # The gate only means something if ngircd really ran the suite.
    assert sum(c["status"] == "pass" for c in cases) > 300, tail
