"""scripts/deviations.py: every MUST failure of a real server is named in
cases/DEVIATIONS.md; the file itself names only cases that exist and holds
no merge conflict (one was committed once and went unseen)."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import deviations as D  # noqa: E402

IDS = {"nick-a", "notice-x-no-reply", "notice-y-no-reply", "kick-b"}
DOC = """# Where real servers deviate

## ngircd 26.1

| case | what | text |
|---|---|---|
| `nick-a` | does x | RFC |
| `notice-*-no-reply` | does y | RFC |
"""


def report(*cases):
    return {"cases": [{"id": i, "level": lv, "status": st, "message": "line 3: expect x\\nmore"}
                      for i, lv, st in cases]}


def test_the_committed_file_parses_and_names_only_real_cases():
    sections = D.parse((ROOT / "cases" / "DEVIATIONS.md").read_text(), D.case_ids())
    assert {"ngircd", "inspircd", "ircd-hybrid"} <= set(sections)
    assert all(sections[s] for s in ("ngircd", "inspircd", "ircd-hybrid"))


def test_unexplained_must_failures_are_listed_with_globs_honoured():
    secs = D.parse(DOC, IDS)
    rep = report(("nick-a", "MUST", "fail"), ("notice-x-no-reply", "MUST", "fail"),
                 ("kick-b", "MUST", "crash"), ("kick-b2", "SHOULD", "fail"),
                 ("nick-c", "MUST", "skip"))
    assert [r[0] for r in D.unexplained("ngircd", rep, secs)] == ["kick-b"]
    # another server's section does not explain ngircd's failures, nor the reverse
    assert [r[0] for r in D.unexplained("hybrid", rep, secs)] == [
        "nick-a", "notice-x-no-reply", "kick-b"]


@pytest.mark.parametrize("bad,what", [
    (DOC + "<<<<<<< HEAD\n| `kick-b` | x | y |\n=======\n>>>>>>> abc\n", "merge conflict"),
    (DOC + "| `no-such-case` | x | y |\n", "'no-such-case' names no case"),
])
def test_a_broken_file_is_refused_naming_the_line(bad, what):
    with pytest.raises(ValueError, match=what) as e:
        D.parse(bad, IDS)
    assert "DEVIATIONS.md:" in str(e.value)
