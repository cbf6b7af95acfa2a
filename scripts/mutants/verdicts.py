"""verdicts.py - what a mutant's run means, the sample, the score.

Pure functions over case verdicts (case id -> status as ircspec's JSON
report gives it), so tests can feed them canned runs.
"""

import random

KILLED, SURVIVED, EQUIVALENT, NOT_RUN = "killed", "survived", "equivalent", "not-run"


# ircspec --fail-fast's message for a case it did not start
FAIL_FAST_NOT_RUN = "not run: --fail-fast stopped the run at an earlier failure"


def verdicts_of(report):
    """ircspec's --json report -> {case id: status}, leaving out the cases a
    --fail-fast run did not start (they say nothing about the mutant)."""
    return {c["id"]: c["status"] for c in report.get("cases", [])
            if c.get("message") != FAIL_FAST_NOT_RUN}


def compare(baseline, run, exit_code=0, partial=False):
    """(status, why) of one mutant from the clean verdicts and its own.

    Killed when the server did not start or the harness could not run
    (exit 2, or no report), when a case's verdict differs from the clean
    run's (pass -> fail/error/crash, but also skip -> pass: any change is
    an observation), or when a case of the clean run is missing (unless
    the run is partial: a --fail-fast run that stopped at a regression)."""
    if run is None:
        return KILLED, "no report (the server did not start or the harness stopped)"
    if exit_code == 2 and not run:
        return KILLED, "the server did not start"
    diffs = []
    for cid, want in sorted(baseline.items()):
        if partial and cid not in run:
            continue
        got = run.get(cid, "missing")
        if got != want:
            diffs.append(f"{cid}: {want} -> {got}")
    if diffs:
        more = f" (+{len(diffs) - 3} more)" if len(diffs) > 3 else ""
        return KILLED, "; ".join(diffs[:3]) + more
    return SURVIVED, ""


def differing_cases(baseline, run, partial=False):
    run = run or {}
    return sorted(cid for cid, want in baseline.items()
                  if not (partial and cid not in run) and run.get(cid, "missing") != want)


def load_equivalents(path):
    """The committed list: one `KEY<TAB>reason` a line; '#' lines are comments.
    Returns {key: reason}; a line without a reason is an error."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, reason = line.partition("\t")
            if not sep or not reason.strip():
                raise ValueError(f"{path}:{n}: expected KEY<TAB>reason")
            out[key] = reason.strip()
    return out


def sample(ids, max_n, seed):
    """The mutants to run: all when max_n is 0 or covers them, otherwise a
    seeded random sample, in id order (the same seed and ids give the same
    sample on any machine)."""
    ids = sorted(ids)
    if not max_n or max_n >= len(ids):
        return ids
    return sorted(random.Random(seed).sample(ids, max_n))


def score(results):
    """results: [{"status": ...}] -> counts and killed / (run - equivalent)."""
    counts = {KILLED: 0, SURVIVED: 0, EQUIVALENT: 0, NOT_RUN: 0}
    for r in results:
        counts[r["status"]] += 1
    judged = counts[KILLED] + counts[SURVIVED]
    counts["score"] = counts[KILLED] / judged if judged else 0.0
    return counts


def tally(results, field):
    """{value of field: counts} for the tables by operator and by file."""
    groups = {}
    for r in results:
        groups.setdefault(r[field], []).append(r)
    return {k: score(v) for k, v in sorted(groups.items())}
