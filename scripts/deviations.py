#!/usr/bin/python3
"""deviations.py - is every MUST failure of a real server explained?

cases/DEVIATIONS.md has a section per server (`## ngircd 26.1`) with a
table whose first column names the cases in backticks: a case id, or a
glob (`notice-*-no-reply`).  This reads a server's JSON report (ircspec
--json) and lists the MUST cases that did not pass or skip and that the
server's section does not name.  It also refuses a DEVIATIONS.md that
names a case that does not exist, or holds a merge conflict's markers.

  scripts/deviations.py SERVER=REPORT.json ...     (exit 1: unexplained)

Used by `make matrix` for every server and by tests/test_ngircd_gate.py.
"""

import fnmatch
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVIATIONS = os.path.join(ROOT, "cases", "DEVIATIONS.md")
# the section heading's first word for each name targets/ gives a server
HEADING = {"ngircd": "ngircd", "inspircd": "inspircd", "hybrid": "ircd-hybrid"}


def case_levels():
    """{case id: its level} from the case files' headers."""
    out = {}
    for p in glob.glob(os.path.join(ROOT, "cases", "**", "*.case"), recursive=True):
        with open(p, encoding="utf-8", errors="replace") as f:
            m = re.search(r"^level:\s*(\S+)", f.read(), re.M)
        out[os.path.basename(p)[:-5]] = m.group(1) if m else None
    return out


def case_ids():
    return set(case_levels())


def parse(text, ids):
    """{section heading's first word (lower case): [patterns]}, or raises
    ValueError naming the line of a problem."""
    sections, cur = {}, None
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"^(<<<<<<<|=======$|>>>>>>>)", line):
            raise ValueError(f"{DEVIATIONS}:{n}: a merge conflict's marker")
        m = re.match(r"^## (\S+)", line)
        if m:
            cur = m.group(1).lower()
            sections.setdefault(cur, [])
            continue
        if cur is None or not line.startswith("| `"):
            continue
        for pat in re.findall(r"`([^`]+)`", line.split("|")[1]):
            if not any(fnmatch.fnmatchcase(i, pat) for i in ids):
                raise ValueError(f"{DEVIATIONS}:{n}: '{pat}' names no case")
            sections[cur].append(pat)
    return sections


def unexplained(server, report, sections, levels=None):
    """The MUST cases of REPORT (a parsed JSON report, or a baseline, whose
    cases have no level: LEVELS gives it) that neither passed nor skipped
    and that SERVER's section does not name: [(id, status, first line of
    the message)].  A baseline's "flaky" cases are left out."""
    pats = sections.get(HEADING.get(server, server), [])
    flaky = set(report.get("flaky", []))  # a baseline's: not steady failures
    out = []
    for c in report["cases"]:
        if c["id"] in flaky:
            continue
        level = c.get("level") or (levels or {}).get(c["id"])
        if level != "MUST" or c["status"] in ("pass", "skip"):
            continue
        if not any(fnmatch.fnmatchcase(c["id"], p) for p in pats):
            out.append((c["id"], c["status"], (c.get("message") or "").split("\n")[0]))
    return out


def main(argv):
    if not argv or any("=" not in a for a in argv):
        sys.exit("usage: deviations.py SERVER=REPORT.json ...")
    try:
        levels = case_levels()
        with open(DEVIATIONS, encoding="utf-8") as f:
            sections = parse(f.read(), set(levels))
    except (OSError, ValueError) as e:
        sys.exit(f"deviations: {e}")
    bad = 0
    for arg in argv:
        server, path = arg.split("=", 1)
        if server == "refircd":
            continue  # the reference server has no deviations: it passes every MUST case
        with open(path, encoding="utf-8") as f:
            rows = unexplained(server, json.load(f), sections, levels)
        for cid, status, msg in rows:
            print(f"deviations: {server}: {cid} ({status}) is not in cases/DEVIATIONS.md: {msg}")
        bad += len(rows)
    if bad:
        print(f"deviations: {bad} MUST failure{'s' if bad != 1 else ''} unexplained: fix the case "
              "or add a row with the RFC text the server departs from")
        return 1
    print("deviations: every MUST failure is explained in cases/DEVIATIONS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
