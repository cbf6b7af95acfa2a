"""fuzz/run_fuzz.py (`make fuzz`, `make bench`) against stand-ins for the
libFuzzer builds: shell scripts that print what libFuzzer prints at the end
of a run, so the report's figures, its goal column and its exit status are
checked without fuzzing.  The real targets run in test_fuzz_build.py."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAKE = """#!/bin/sh
# a stand-in for a libFuzzer build: the closing lines of a run
for a in "$@"; do
  case "$a" in -artifact_prefix=*) dir="${{a#-artifact_prefix=}}";; esac
done
{crash}
echo "#{execs}	DONE   cov: 1097 ft: 6364 corp: 2109/500Kb lim: 1024 exec/s: {rate} rss: 480Mb"
echo "stat::number_of_executed_units: {execs}"
echo "stat::average_exec_per_sec:     {rate}"
echo "stat::new_units_added:          12"
echo "stat::peak_rss_mb:              480"
exit {rc}
"""


def fake(bindir, name, rate, crash=False):
    crash_cmd = 'echo boom > "$dir/crash-deadbeef"' if crash else ""
    path = bindir / name
    path.write_text(FAKE.format(execs=rate * 2, rate=rate, crash=crash_cmd,
                                rc=1 if crash else 0))
    path.chmod(0o755)


def run(tmp_path, rates, crash=()):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake(bindir, "fuzz_trivial", 1_500_000)
    for name, rate in rates.items():
        fake(bindir, name, rate, crash=name in crash)
    report = tmp_path / "fuzz.txt"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "run_fuzz.py"), "--seconds", "1",
         "--work", str(tmp_path / "work"), "--report", str(report), "--bin", str(bindir)]
        + list(rates), capture_output=True, timeout=60)
    text = report.read_text() if report.exists() else ""
    rows = {line.split()[0]: line.split() for line in text.splitlines()
            if line.startswith("fuzz_")}
    return proc.returncode, text, rows


def test_figures_and_goals(tmp_path):
    rc, text, rows = run(tmp_path, {"fuzz_recv": 30810, "fuzz_session": 20009})
    assert rc == 0, text
    # target secs execs exec/s goal met|below cov ft corpus rss findings
    assert rows["fuzz_recv"][2:6] == ["61620", "30810", "100000", "below"], text
    assert rows["fuzz_session"][2:6] == ["40018", "20009", "10000", "met"], text
    assert rows["fuzz_trivial"][3:5] == ["1500000", "-"], text
    assert rows["fuzz_recv"][6:8] == ["1097", "6364"], text
    assert rows["fuzz_recv"][-1] == "none", text


def test_goal_met_exactly(tmp_path):
    _, text, rows = run(tmp_path, {"fuzz_recv": 100000})
    assert rows["fuzz_recv"][4:6] == ["100000", "met"], text


def test_a_finding_fails_the_run_and_is_named(tmp_path):
    rc, text, rows = run(tmp_path, {"fuzz_recv": 30000, "fuzz_session": 20000},
                         crash=("fuzz_session",))
    assert rc == 1, text
    assert rows["fuzz_session"][-1] == "1", text
    assert "crash-deadbeef" in text, text
    assert rows["fuzz_recv"][-1] == "none", text
