#!/usr/bin/env python3
"""run_fuzz.py - `make fuzz`: runs each libFuzzer target for a fixed time
and writes the figures to a report.

    python3 fuzz/run_fuzz.py --seconds 60 --work build/fuzz \
        --report reports/fuzz.txt fuzz_recv fuzz_session

Each target bin/<t> runs alone (one core) with the flags of fuzz/<t>.options,
the dictionary fuzz/irc.dict, a working corpus <work>/corpus/<t> (new inputs
go there) seeded from the committed fuzz/corpus/<t>, and crash/leak/timeout/
OOM reproducers written to <work>/findings/<t>/.  bin/fuzz_trivial (a target
that does nothing) runs first for a few seconds under the same conditions:
its exec/s is the ceiling the real figures are read against.

The report has one row per target: executions, exec/s, coverage (libFuzzer's
cov: edges and ft: features at the end), corpus size, peak RSS and the
findings of this run.  Exit status 1 when anything was found.
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The speed asked of each target (exec/s with sanitizers on one core; issue
# "fuzz", point 7).  Shown against the figure; never a failure: the figure
# depends on the machine, and fuzz/README.md says where fuzz_recv's goes.
GOALS = {"fuzz_recv": 100_000, "fuzz_session": 10_000}
BIN = ROOT / "bin"  # --bin: where the libFuzzer builds are


def options_flags(target):
    """[libfuzzer] key = value lines of fuzz/<target>.options as -key=value."""
    path = ROOT / "fuzz" / f"{target}.options"
    flags = []
    if path.exists():
        for line in path.read_text().splitlines():
            m = re.match(r"^\s*(\w+)\s*=\s*(\S+)\s*$", line)
            if m:
                flags.append(f"-{m.group(1)}={m.group(2)}")
    return flags


def parse_log(text):
    stats = {}
    for key in ("number_of_executed_units", "average_exec_per_sec", "new_units_added",
                "peak_rss_mb"):
        m = re.search(rf"stat::{key}:\s*(\d+)", text)
        stats[key] = int(m.group(1)) if m else None
    last = None
    for m in re.finditer(r"cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", text):
        last = m
    if last:
        stats.update(cov=int(last.group(1)), ft=int(last.group(2)),
                     corpus=int(last.group(3)), corpus_bytes=last.group(4))
    return stats


def run_target(target, seconds, work, bindir, with_corpus=True, seeds_too=True):
    corpus = work / "corpus" / target
    findings = work / "findings" / target
    corpus.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    seeds = ROOT / "fuzz" / "corpus" / target
    cmd = [str(bindir / target), f"-max_total_time={seconds}", "-print_final_stats=1",
           f"-artifact_prefix={findings}/"] + options_flags(target)
    if with_corpus:
        cmd += [f"-dict={ROOT / 'fuzz' / 'irc.dict'}", str(corpus)]
        if seeds.is_dir() and seeds_too:
            cmd.append(str(seeds))
    else:
        cmd += ["-max_len=4096", str(corpus)]
    before = set(findings.iterdir())
    start = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=seconds + 600)
    log = proc.stdout.decode(errors="replace")
    (work / f"{target}.log").write_text(log)
    stats = parse_log(log)
    stats["seconds"] = round(time.time() - start)
    stats["rc"] = proc.returncode
    stats["findings"] = sorted(str(p) for p in set(findings.iterdir()) - before)
    stats["corpus_files"] = sum(1 for p in corpus.iterdir() if p.is_file())
    return stats


def fmt(v):
    return "-" if v is None else str(v)


def goal_text(target, rate):
    goal = GOALS.get(target)
    if goal is None:
        return "-"
    if rate is None:
        return f"{goal} ?"
    return f"{goal} {'met' if rate >= goal else 'below'}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--trivial-seconds", type=int, default=None,
                    help="how long the trivial baseline runs (default: min(10, seconds))")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "fuzz")
    ap.add_argument("--report", type=Path, default=ROOT / "reports" / "fuzz.txt")
    ap.add_argument("--empty", action="store_true",
                    help="start from an empty corpus: no seeds, a fresh working corpus "
                         "(the throughput of short inputs, for comparison)")
    ap.add_argument("--bin", type=Path, default=BIN,
                    help="directory of the libFuzzer builds (default: bin/)")
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)

    rows = []
    trivial_s = args.trivial_seconds or min(10, args.seconds)
    print(f"fuzz: fuzz_trivial for {trivial_s} s (baseline)", flush=True)
    rows.append(("fuzz_trivial", run_target("fuzz_trivial", trivial_s, args.work, args.bin, False)))
    for t in args.targets:
        print(f"fuzz: {t} for {args.seconds} s", flush=True)
        if args.empty:
            shutil.rmtree(args.work / "corpus" / t, ignore_errors=True)
        rows.append((t, run_target(t, args.seconds, args.work, args.bin, seeds_too=not args.empty)))

    start = "an empty corpus" if args.empty else "the committed corpus (fuzz/corpus)"
    lines = [f"refircd fuzzing, {time.strftime('%Y-%m-%d %H:%M:%S')}, "
             f"{args.seconds} s per target, one core each, from {start} "
             "(see fuzz/README.md)", "",
             f"{'target':<14}{'secs':>6}{'execs':>12}{'exec/s':>9}{'goal':>15}{'cov':>7}"
             f"{'ft':>8}{'corpus':>8}{'rss MB':>8}  findings"]
    bad = False
    for name, st in rows:
        found = st["findings"]
        # libFuzzer exits non-zero on a finding; count that even if the
        # artifact could not be written.
        if st["rc"] != 0 and not found:
            found = [f"libFuzzer exit status {st['rc']}, see {args.work / (name + '.log')}"]
        bad |= bool(found)
        lines.append(f"{name:<14}{st['seconds']:>6}{fmt(st['number_of_executed_units']):>12}"
                     f"{fmt(st['average_exec_per_sec']):>9}"
                     f"{goal_text(name, st['average_exec_per_sec']):>15}{fmt(st.get('cov')):>7}"
                     f"{fmt(st.get('ft')):>8}{fmt(st.get('corpus')):>8}"
                     f"{fmt(st['peak_rss_mb']):>8}  {len(found) or 'none'}")
        lines += [f"    {f}" for f in found]
    lines += ["", "goal: the exec/s asked of the target and whether this run reached it; "
              "cov: edges covered; ft: libFuzzer features; corpus: inputs kept in "
              f"{args.work}/corpus/<target> (`make fuzz-merge` keeps what they reach beyond the "
              "committed corpus in fuzz/corpus/<target>/found-*)."]
    text = "\n".join(lines) + "\n"
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    print(text, end="")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
