#!/usr/bin/env python3
"""fuzz_planted.py - the fuzzers' own proof (issue 11, item 6): how long each
finds each bug planted in a copy of refircd (fuzz/planted/*.patch).

For every patch: a copy of the sources is patched and built, then fuzzed
for at most --seconds by
  black      ircspec fuzz against its ASan build (response-state feedback)
  grey       ircspec fuzz --afl against its afl-clang-fast ASan build
  libfuzzer  the in-process fuzz_session target built from the patched core
             (netloop.c, the socket layer, is not in it)
and the time to the first finding is reported, with whether the written
reproducer replays as a crash under `ircspec --spawn` (--replays times, 10 by
default: how many did).  Then the speed of
`ircspec fuzz` against refircd -O2 and its ASan build (sessions/s).

    scripts/fuzz_planted.py [--seconds N] [--modes black,grey,libfuzzer]
                            [--only NAME] [--speed-seconds N] [--replays N]
                            [--report FILE]

Figures go to --report (Markdown; default reports/fuzz-planted.md) and a
JSON twin beside it.  Run by `make fuzz-planted` and `make bench`."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "bin"
WORK = REPO / "build" / "planted"
COPY = ["Makefile", "common", "reference-server", "fuzz", "scripts", "tests/tools"]
SERVER_ARGS = "-p {port} --oper ircspec:operpass --flood-interval 0"
FUZZ_ARGS = ["--oper", "ircspec:operpass", "--seed", "1", "--timeout", "1000",
             "--stop-on-finding"]


def sh(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def meta(patch):
    text = patch.read_text()
    kind = re.search(r"^# kind: (.*)$", text, re.M)
    needs = re.search(r"^# needs: (.*)$", text, re.M)
    return (kind.group(1) if kind else "?"), (needs.group(1) if needs else "?")


def prepare(patch, targets):
    """A patched copy of the sources with targets built; its path or None."""
    work = WORK / patch.stem
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for item in COPY:
        src = REPO / item
        dst = work / item
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("corpus"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    # The objects of the unpatched build come along (mtimes kept): make
    # then recompiles only the patched file.
    for flavour in ("asan", "afl-asan", "fuzz"):
        src = REPO / "build" / "obj" / flavour
        if src.is_dir():
            shutil.copytree(src, work / "build" / "obj" / flavour)
    p = sh(["patch", "-p1", "-i", str(patch)], cwd=work)
    if p.returncode != 0:
        print(f"  {patch.name} does not apply: {p.stdout}{p.stderr}", file=sys.stderr)
        return None
    p = sh(["nice", "make", "-j2", "ENSURE_TOOLS=true", *targets], cwd=work)
    if p.returncode != 0:
        print(f"  build failed: {p.stdout[-2000:]}{p.stderr[-2000:]}", file=sys.stderr)
        return None
    return work


def net_fuzz(work, binary, seconds, extra, tag, replays):
    out = work / f"out-{tag}"
    spawn = f"{work / 'bin' / binary} {SERVER_ARGS}"
    argv = [str(BIN / "ircspec"), "fuzz", "--spawn", spawn, "--seconds", str(seconds),
            "--out", str(out), *FUZZ_ARGS, *extra, str(REPO / "cases")]
    t0 = time.monotonic()
    p = sh(argv, timeout=seconds + 600)
    wall = time.monotonic() - t0
    try:
        s = json.loads((out / "summary.json").read_text())
    except (OSError, ValueError):
        return {"found": False, "error": p.stderr[-500:], "wall": wall}
    real = [f for f in s["findings"] if f["kind"] != "protocol"]
    res = {"found": bool(real), "inputs": s["inputs"], "rate": s["inputs_per_second"],
           "wall": wall}
    if real:
        f = real[0]
        res.update(seconds=f["seconds"], kind=f["kind"], signature=f["signature"],
                   input=f["input"], confirmed=f["confirmed"])
        case = out / f"{f['name']}.case"
        hits = 0
        for _ in range(replays):
            r = sh([str(BIN / "ircspec"), "--no-color", "--oper", "ircspec:operpass",
                    "--spawn", spawn, str(case)], timeout=300)
            hits += "[CRASH]" in r.stdout
        res["replays"] = hits == replays
        res["replayed"] = [hits, replays]
    return res


def libfuzzer(work, seconds):
    corpus = work / "lf-corpus"
    corpus.mkdir(exist_ok=True)
    argv = [str(work / "bin" / "fuzz_session"), f"-max_total_time={seconds}", "-timeout=10",
            "-rss_limit_mb=2048", "-max_len=2048", f"-dict={REPO / 'fuzz' / 'irc.dict'}",
            f"-artifact_prefix={work}/lf-", str(corpus), str(REPO / "fuzz" / "corpus" /
                                                           "fuzz_session")]
    t0 = time.monotonic()
    p = sh(argv, timeout=seconds + 300)
    wall = time.monotonic() - t0
    m = re.search(r"ERROR: (\w+Sanitizer: [\w-]+|libFuzzer: [\w-]+)", p.stderr)
    found = p.returncode != 0 and m is not None
    return {"found": found, "seconds": wall if found else None,
            "signature": m.group(1) if m else None, "wall": wall}


def speed(seconds):
    rows = {}
    for name in ("refircd", "refircd-asan"):
        out = WORK / f"speed-{name}"
        spawn = f"{BIN / name} {SERVER_ARGS}"
        sh([str(BIN / "ircspec"), "fuzz", "--spawn", spawn, "--seconds", str(seconds),
            "--out", str(out), *FUZZ_ARGS, str(REPO / "cases")], timeout=seconds + 300)
        try:
            s = json.loads((out / "summary.json").read_text())
            rows[name] = {"inputs": s["inputs"], "rate": s["inputs_per_second"],
                          "findings": len(s["findings"])}
        except (OSError, ValueError):
            rows[name] = {"inputs": 0, "rate": 0.0, "findings": None}
    return rows


def cell(r):
    if r is None:
        return "n/a"
    if not r.get("found"):
        extra = f", {r['inputs']} inputs" if "inputs" in r else ""
        return f"not found ({r['wall']:.0f} s{extra})"
    t = f"{r['seconds']:.1f} s"
    if "input" in r:
        t += f" (input {r['input']}, {r['kind']} {r['signature']}"
        hits, n = r.get("replayed", [0, 0])
        t += f", replays {hits}/{n}" if hits else ", does not replay as crash"
        t += ")"
    elif r.get("signature"):
        t += f" ({r['signature']})"
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--modes", default="black,grey,libfuzzer")
    ap.add_argument("--only")
    ap.add_argument("--speed-seconds", type=int, default=20)
    ap.add_argument("--replays", type=int, default=10,
                    help="times the written reproducer is replayed under ircspec --spawn")
    ap.add_argument("--report", default=str(REPO / "reports" / "fuzz-planted.md"))
    a = ap.parse_args()
    modes = a.modes.split(",")
    results = []
    for patch in sorted((REPO / "fuzz" / "planted").glob("*.patch")):
        if a.only and patch.stem not in a.only.split(","):
            continue
        kind, needs = meta(patch)
        print(f"{patch.stem}: building", file=sys.stderr, flush=True)
        targets = ["bin/refircd-asan"]
        targets += ["bin/refircd-afl-asan"] if "grey" in modes else []
        targets += ["bin/fuzz_session"] if "libfuzzer" in modes else []
        work = prepare(patch, targets)
        row = {"bug": patch.stem, "kind": kind, "needs": needs}
        if work is None:
            row["error"] = "patch or build failed"
            results.append(row)
            continue
        if "black" in modes:
            print(f"{patch.stem}: black-box", file=sys.stderr, flush=True)
            row["black"] = net_fuzz(work, "refircd-asan", a.seconds, [], "black",
                                   a.replays)
        if "grey" in modes:
            print(f"{patch.stem}: grey-box", file=sys.stderr, flush=True)
            row["grey"] = net_fuzz(work, "refircd-afl-asan", a.seconds, ["--afl"], "grey",
                                  a.replays)
        if "libfuzzer" in modes:
            print(f"{patch.stem}: libFuzzer", file=sys.stderr, flush=True)
            row["libfuzzer"] = (None if "netloop.c" in patch.read_text()
                                else libfuzzer(work, a.seconds))
        results.append(row)
        print(f"{patch.stem}: {json.dumps(row)}", file=sys.stderr, flush=True)
    sp = speed(a.speed_seconds) if a.speed_seconds else {}
    lines = ["# Planted bugs: time to find (scripts/fuzz_planted.py)", "",
             f"Each fuzzer had at most {a.seconds} s per bug on this 2-core machine (shared "
             "with other jobs), seeds from `cases/`, `--seed 1`, and stopped at its first "
             "finding (`--stop-on-finding`; the time includes running the seeds). "
             "Black-box and grey-box "
             "are `ircspec fuzz` over the wire against the ASan build (grey-box: built with "
             "afl-clang-fast, `--afl`); libFuzzer is the in-process `fuzz_session` target "
             "(no socket layer: n/a for a bug in netloop.c). \"replays k/N\": the written "
             f"`.case` gave a crash verdict in k of {a.replays} runs of `ircspec --spawn`.", "",
             "| bug | kind | needs | black-box | grey-box | libFuzzer |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['bug']} | {r['kind']} | {r['needs']} | {cell(r.get('black'))} | "
                     f"{cell(r.get('grey'))} | {cell(r.get('libfuzzer'))} |")
    if sp:
        lines += ["", f"Speed of `ircspec fuzz` ({a.speed_seconds} s from `cases/`, one "
                  "session at a time, sessions/s including the seeds):", "",
                  "| server | sessions | sessions/s | findings |", "|---|---:|---:|---:|"]
        for name, r in sp.items():
            lines.append(f"| {name} | {r['inputs']} | {r['rate']:.0f} | {r['findings']} |")
    Path(a.report).parent.mkdir(parents=True, exist_ok=True)
    Path(a.report).write_text("\n".join(lines) + "\n")
    Path(a.report).with_suffix(".json").write_text(json.dumps(
        {"seconds": a.seconds, "bugs": results, "speed": sp}, indent=2) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
