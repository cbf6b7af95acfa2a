#!/usr/bin/python3
"""requirements.py - cases/REQUIREMENTS.md: every RFC 2812 requirement and its cases.

    requirements.py            extract (when the RFC text is there) and generate
    requirements.py --check    exit 1 if either committed file is stale, a row
                        has no case, reason or gap entry, or a row is a gap
    requirements.py --section 3.2.1   the cases whose spec: names a section (a
                        help for writing the hand mapping)

Inputs:
  $IRCSPEC_SPEC_DIR/rfc2812.txt and rfc1459.txt (default ../shared/spec)
      -> rfc.py extracts the rows into cases/requirements-rfc.tsv (committed,
      so a clone without the RFC texts still generates the same file); an
      RFC 1459 sentence is only a candidate: it becomes a row where the
      mapping names it (where RFC 1459 says more than RFC 2812)
  cases/**/*.case             -> cases.py reads what each case does
  cases/requirements.txt      the hand mapping, one row per line:
      ROW cases: ID ID ...    the cases that test the row
      ROW reason: TEXT        why no single-server case can test it
      ROW gap[: TEXT]         not tested yet (listed in the Gaps section); a
                              draft's marker only: --check fails while any
                              row is a gap, so every row stays mapped to
                              cases or to a reason
      text after " # " is a comment.  An unknown row, an unknown case id or
      a row given twice is an error naming the line.

How a row is covered (cases.py says how the steps are read):
  form      a case sends the command with parameters fitting one of the
            form's shapes (the key column of requirements-rfc.tsv: every
            realisation of the syntax line that has the form's feature, such
            as a list of several items or an optional parameter present;
            for a command's first form, the realisation with none).  A
            shape fits when the parameter count is equal (or greater, when
            it ends in more:), a `one` list parameter has no comma, a
            `many` one has one, and a `lit` word is equal in any case.
            A line fitting a form with a literal (JOIN 0, WHO x o) counts
            only for such forms.  MODE counts for 3.2.3 when its first
            parameter starts with # & + ! or {chan, else for 3.1.5.
  numeric   a case expects that numeric as an answer to that command (in
            the batch the expecting client sent since its previous expect
            step: cases.py), MODE split as above.
  reply     a case expects that numeric anywhere.
  sentence  only the case ids listed in cases/requirements.txt.
Cases listed by hand add to what the rules find for any row.  A row with
cases is covered even if the mapping still gives it a reason or a gap (a
warning says the entry is stale).
"""
import argparse
import os
import re
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases as caselib  # noqa: E402
import rfc  # noqa: E402
from syntax import unshapes  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOWN = 8  # cases named per row; the rest are counted
CHANNEL_START = ("#", "&", "+", "!", "{chan")


class MappingError(Exception):
    pass


def parse_mapping(text, rows, case_ids, name="cases/requirements.txt"):
    """{row id: (kind, value, line)}; errors name FILE:LINE."""
    known = {r["id"] for r in rows}
    entries, errors = {}, []
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.split(" # ", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(\S+)\s+(cases|reason|gap)(?::\s*(.*))?$", line)
        if not m:
            errors.append(f"{name}:{n}: expected 'ROW cases: IDS', 'ROW reason: TEXT' or 'ROW gap'")
            continue
        row, kind, value = m.group(1), m.group(2), (m.group(3) or "").strip()
        if row not in known:
            errors.append(f"{name}:{n}: unknown requirement row '{row}'")
            continue
        if row in entries:
            errors.append(f"{name}:{n}: {row} is already mapped on line {entries[row][2]}")
            continue
        if kind == "cases":
            ids = value.split()
            if not ids:
                errors.append(f"{name}:{n}: {row}: 'cases:' names no case")
                continue
            bad = [i for i in ids if i not in case_ids]
            if bad:
                errors.append(f"{name}:{n}: unknown case id {', '.join(repr(b) for b in bad)}")
                continue
            value = ids
        elif kind == "reason" and not value:
            errors.append(f"{name}:{n}: {row}: a reason needs its text")
            continue
        entries[row] = (kind, value, n)
    if errors:
        raise MappingError("\n".join(errors))
    return entries


def _section_of_mode(first):
    return "3.2.3" if first.startswith(CHANNEL_START) else "3.1.5"


def _param_fits(kind, name, value):
    if kind == "lit":
        return value.lower() == name.lower()
    if kind == "one":
        return "," not in value
    if kind == "many":
        return "," in value
    return True


def _form_fits(slots, more, params):
    if len(params) != len(slots) and not (more and len(params) > len(slots)):
        return False
    return all(_param_fits(k, n, p) for (k, n), p in zip(slots, params))


def auto_matches(rows, cases):
    """{row id: set of case ids} from the rules in the header."""
    forms_by_cmd = {}
    for r in rows:
        if r["kind"] == "form":
            forms_by_cmd.setdefault(r["command"], []).append((r, unshapes(r["key"])))
    found = {r["id"]: set() for r in rows}
    by_answer, by_expected = {}, {}
    for cid, case in cases.items():
        for cmd, params in case.sent:
            candidates = forms_by_cmd.get(cmd, [])
            if cmd == "MODE" and params:
                sec = _section_of_mode(params[0])
                candidates = [c for c in candidates if c[0]["section"] == sec]
            fits = [(r, [s for s in shapes if _form_fits(s[0], s[1], params)])
                    for r, shapes in candidates]
            fits = [(r, shapes) for r, shapes in fits if shapes]
            if any(k == "lit" for _, shapes in fits for s in shapes for k, _ in s[0]):
                fits = [(r, shapes) for r, shapes in fits
                        if any(k == "lit" for s in shapes for k, _ in s[0])]
            for r, _ in fits:
                found[r["id"]].add(cid)
        for cmd, first, num in case.answered:
            sec = _section_of_mode(first) if cmd == "MODE" else None
            by_answer.setdefault((cmd, sec, num), set()).add(cid)
        for num in case.expected:
            by_expected.setdefault(num, set()).add(cid)
    for r in rows:
        if r["kind"] == "numeric":
            sec = r["section"] if r["command"] == "MODE" else None
            found[r["id"]] |= by_answer.get((r["command"], sec, r["key"]), set())
        elif r["kind"] == "reply":
            found[r["id"]] |= by_expected.get(r["key"], set())
    return found


def trace(rows, cases, entries):
    """[(row, status, cases, note)] with status covered/reason/gap/none."""
    auto = auto_matches(rows, cases)
    result, warnings = [], []
    for r in rows:
        kind, value, line = entries.get(r["id"], (None, None, None))
        ids = set(auto[r["id"]]) | (set(value) if kind == "cases" else set())
        if ids:
            if kind in ("reason", "gap"):
                warnings.append(f"cases/requirements.txt:{line}: {r['id']} is covered by "
                                f"{', '.join(sorted(ids)[:3])}: its {kind} entry is stale")
            result.append((r, "covered", sorted(ids), ""))
        elif kind in ("reason", "gap"):
            result.append((r, kind, [], value))
        else:
            result.append((r, "none", [], ""))
    return result, warnings


def _sec_key(sec):
    """RFC 2812's sections in order, then RFC 1459's ("1459:4.1.6")."""
    rfc_no, _, num = sec.rpartition(":")
    return (1 if rfc_no else 0,) + tuple(int(x) for x in num.split("."))


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def _requirement(r):
    if r["kind"] == "form":
        return f"form `{r['text']}`"
    if r["kind"] in ("numeric", "reply"):
        return f"`{r['text']}`"
    quote = r["text"] if len(r["text"]) <= 240 else r["text"][:237] + "..."
    context = f"({r['command']}) " if r["command"] else ""
    return f"**{r['key']}** {context}\u201c{_cell(quote)}\u201d"


def _case_links(ids, cases):
    links = [f"[{i}]({cases[i].rel})" for i in ids[:SHOWN]]
    if len(ids) > SHOWN:
        links.append(f"+{len(ids) - SHOWN} more")
    return " ".join(links)


def render(traced, titles, cases):
    kinds = ("form", "numeric", "reply", "sentence", "sentence1459")
    count = {k: {"rows": 0, "covered": 0, "reason": 0, "gap": 0, "none": 0} for k in kinds}
    for r, status, _, _ in traced:
        kind = "sentence1459" if r["id"].startswith("1459:") else r["kind"]
        count[kind]["rows"] += 1
        count[kind][status] += 1
    total = {s: sum(c[s] for c in count.values()) for s in count["form"]}
    out = ["# Requirements traced", "",
           "Generated by `make requirements` (`scripts/requirements/requirements.py`) from RFC 2812",
           "and RFC 1459 (rows in `requirements-rfc.tsv`), the case files and the hand mapping in",
           "`requirements.txt`; do not edit.  How rows are extracted and matched: the",
           "header of `scripts/requirements/requirements.py` and the section in `README.md`.", "",
           "## Summary", "",
           f"{len(cases)} cases.", "",
           "| rows | count | covered by cases | with a reason | not yet tested | neither |",
           "|---|---|---|---|---|---|"]
    names = {"form": "parameter forms (3-4)", "numeric": "numerics per command (3-4)",
             "reply": "numerics defined (5)", "sentence": "MUST/SHOULD sentences (2-5)",
             "sentence1459": "RFC 1459 sentences saying more (2-8)"}
    for k in kinds + ("total",):
        c = total if k == "total" else count[k]
        out.append(f"| {names.get(k, '**total**')} | {c['rows']} | {c['covered']} | "
                   f"{c['reason']} | {c['gap']} | {c['none']} |")
    out.append("")
    by_section = {}
    for item in traced:
        by_section.setdefault(item[0]["section"], []).append(item)
    for sec in sorted(by_section, key=_sec_key):
        heading = f"RFC 1459 {sec[5:]}" if sec.startswith("1459:") else sec
        out += [f"## {heading} {titles.get(sec, '')}".rstrip(), "",
                "| row | requirement | cases, or why not |", "|---|---|---|"]
        for r, status, ids, note in by_section[sec]:
            if status == "covered":
                cell = _case_links(ids, cases)
            elif status == "reason":
                cell = f"*reason:* {_cell(note)}"
            elif status == "gap":
                cell = "**not yet tested**" + (f": {_cell(note)}" if note else "")
            else:
                cell = "**NEITHER**"
            out.append(f"| {r['id']} | {_requirement(r)} | {cell} |")
        out.append("")
    gaps = [(r, note) for r, status, _, note in traced if status == "gap"]
    out += ["## Gaps: not yet tested", "",
            f"{len(gaps)} rows that a case against one server could test, and none does yet.", ""]
    for r, note in gaps:
        text = r["text"] if len(r["text"]) <= 120 else r["text"][:117] + "..."
        out.append(f"- {r['id']}: {_cell(text)}" + (f" ({_cell(note)})" if note else ""))
    return "\n".join(out) + "\n"


def spec_dir():
    return Path(os.environ.get("IRCSPEC_SPEC_DIR", ROOT.parent / "shared" / "spec"))


def build(root=ROOT, rfc_text=None, rfc1459_text=None):
    """(tsv text or None, markdown, warnings, problems, traced) for a tree:
    rows extracted from the RFC texts when given, else read from the tsv."""
    cases_dir = root / "cases"
    tsv = None
    if rfc_text is not None:
        rows, titles = rfc.extract(rfc_text)
        if rfc1459_text is not None:
            more, more_titles = rfc.extract_1459(rfc1459_text)
            rows, titles = rows + more, {**titles, **more_titles}
        tsv = rfc.to_tsv(rows, titles)
    else:
        rows, titles = rfc.from_tsv((cases_dir / "requirements-rfc.tsv").read_text())
    cases = caselib.load(cases_dir)
    entries = parse_mapping((cases_dir / "requirements.txt").read_text(), rows, cases)
    # an RFC 1459 sentence is a row only where the mapping names it
    rows = [dict(r, kind="sentence") if r["kind"] == "candidate" else r
            for r in rows if r["kind"] != "candidate" or r["id"] in entries]
    traced, warnings = trace(rows, cases, entries)
    problems = [f"{r['id']}: no case, reason or gap (map it in cases/requirements.txt)"
                for r, status, _, _ in traced if status == "none"]
    return tsv, render(traced, titles, cases), warnings, problems, traced


def failures(problems, traced):
    """What makes --check fail besides stale files: rows with no entry, and
    rows still marked as not yet tested."""
    return problems + [f"{r['id']}: not yet tested{f' ({note})' if note else ''}: write "
                       "its case, or give the reason no single server can test it"
                       for r, status, _, note in traced if status == "gap"]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--section")
    args = ap.parse_args(argv)
    if args.section:
        for cid, case in sorted(caselib.load(ROOT / "cases").items()):
            if any(s.split(":")[-1] == args.section for s in case.specs):
                print(f"{cid}\t{case.header.get('title', '')}")
        return 0
    rfc_path, rfc1459_path = spec_dir() / "rfc2812.txt", spec_dir() / "rfc1459.txt"
    rfc_text = rfc1459_text = None
    if rfc_path.exists() and rfc1459_path.exists():
        rfc_text, rfc1459_text = rfc_path.read_text(), rfc1459_path.read_text()
    try:
        tsv, md, warnings, problems, traced = build(ROOT, rfc_text, rfc1459_text)
    except MappingError as e:
        print(e, file=sys.stderr)
        return 1
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    tsv_path = ROOT / "cases" / "requirements-rfc.tsv"
    md_path = ROOT / "cases" / "REQUIREMENTS.md"
    gaps = sum(1 for _, s, _, _ in traced if s == "gap")
    if args.check:
        stale = []
        if tsv is not None and tsv_path.read_text() != tsv:
            stale.append(str(tsv_path.relative_to(ROOT)))
        if not md_path.exists() or md_path.read_text() != md:
            stale.append(str(md_path.relative_to(ROOT)))
        failed = failures(problems, traced)
        for p in failed:
            print(p, file=sys.stderr)
        print(f"{gaps} gaps (not yet tested):")
        for r, s, _, note in traced:
            if s == "gap":
                print(f"  {r['id']}: {r['text'][:100]}" + (f" ({note})" if note else ""))
        if stale:
            print(f"stale: {', '.join(stale)}: run `make requirements`", file=sys.stderr)
        return 1 if stale or failed else 0
    if tsv is not None:
        tsv_path.write_text(tsv)
    else:
        print(f"note: {spec_dir()} has no rfc2812.txt and rfc1459.txt: rows read from "
              f"{tsv_path.name}", file=sys.stderr)
    md_path.write_text(md)
    for p in problems:
        print(p, file=sys.stderr)
    covered = sum(1 for _, s, _, _ in traced if s == "covered")
    reasons = sum(1 for _, s, _, _ in traced if s == "reason")
    print(f"{len(traced)} rows: {covered} covered, {reasons} with a reason, {gaps} gaps, "
          f"{len(problems)} with neither")
    gap_ids = [r["id"] for r, s, _, _ in traced if s == "gap"]
    print(textwrap.fill("gaps: " + " ".join(gap_ids), width=100, subsequent_indent="  "))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
