"""scripts/mutants (make mutants): the site generator on a small C fixture,
the schema build selecting exactly one mutant, and the verdict logic on
canned runs.  The fixture is tests/fixtures/mutants/tiny.c."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "mutants"))

import report  # noqa: E402
import schema  # noqa: E402
import sites  # noqa: E402
import verdicts as V  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "mutants"
TINY = str(FIX / "tiny.c")
CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-O1"]


def tiny_sites():
    return sites.find_sites([TINY], str(FIX / "numerics.h"))


def lines_with(text):
    src = Path(TINY).read_text().splitlines()
    return {i for i, line in enumerate(src, 1) if text in line}


def test_generator_finds_each_operator_at_its_site():
    ss, _ = tiny_sites()
    got = {(s.func, s.op, s.orig, s.mutated) for s in ss}
    want = {
        ("bump", "arithmetic", "counter += by", "counter -= by"),
        ("clamp", "negate", "v > LIMIT", "!(v > LIMIT)"),
        ("is_small", "relational", "v < 3", "v <= 3"),
        ("is_small", "relational", "v != 0", "v == 0"),
        ("is_small", "logical", "v < 3 && v != 0", "v < 3 || v != 0"),
        ("is_small", "return", "v < 3 && v != 0", "!(v < 3 && v != 0)"),
        ("is_small", "constant", "3", "3 + 1"),
        ("is_small", "constant", "3", "3 - 1"),
        ("pick", "relational", "v == 1", "v != 1"),
        ("pick", "return", "names[1]", "NULL"),
        ("kind", "numeric", "RPL_WELCOME", "RPL_YOURHOST"),
        ("kind", "numeric", "ERR_NOSUCHNICK", "RPL_YOURHOST"),
        ("failing", "return", "-1", "0"),
        ("main", "arithmetic", "i++", "i--"),
        ("main", "arithmetic", "7 % 3", "7 / 3"),
        ("main", "arithmetic", "sum + table[i & 3]", "sum - table[i & 3]"),
        ("main", "delete-call", "bump(2)", "(void)0"),
        ("main", "negate", "i < 4", "!(i < 4)"),
        ("main", "return", "0", "-1"),
    }
    assert want <= got, sorted(want - got)
    assert {s.op for s in ss} == {"relational", "arithmetic", "constant", "negate", "logical",
                                  "return", "delete-call", "numeric"}
    # "return -1;" and "return 0;" are flipped by the return operator only,
    # not also as literals; "return NULL;" has nothing to flip to
    assert not [s for s in ss if s.func == "failing" and s.op == "constant"]
    assert not [s for s in ss if s.func == "pick" and s.orig == "NULL"]
    # printf is not a function of the project: its call is never deleted
    assert {s.orig for s in ss if s.op == "delete-call"} == {"bump(2)"}


def test_generator_skips_strings_comments_macros_and_constant_contexts():
    ss, _ = tiny_sites()
    never = set()
    for text in ("#define", "static int table", "static const char *names", "char buf[16]",
                 "case 5:", "a < b && c || d", "snprintf"):
        never |= lines_with(text)
    assert never and not [s for s in ss if s.line in never]
    assert not [s for s in ss if '"' in s.orig or "/*" in s.orig]
    # the TWICE(sum) argument is a macro argument: no site inside it, nor
    # in the macro body it expands to
    assert not [s for s in ss if "TWICE" in s.orig or s.orig.startswith("(x)")]
    # spans are the original text at the recorded offsets
    src = Path(TINY).read_bytes()
    for s in ss:
        assert src[s.start:s.end].decode() == s.orig
    # stable keys: unique, and free of line numbers
    keys = [s.key for s in ss]
    assert len(set(keys)) == len(keys)
    assert all(k.startswith(TINY + "|") for k in keys)


def run(binary, mutant=None):
    env = dict(os.environ)
    env.pop("IRCSPEC_MUTANT", None)
    if mutant is not None:
        env["IRCSPEC_MUTANT"] = str(mutant)
    r = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=20)
    return r.returncode, r.stdout


def test_schema_build_selects_exactly_one_mutant(tmp_path):
    ss, srcs = tiny_sites()
    binary = str(tmp_path / "tiny")
    kept, dropped = schema.build("cc", CFLAGS, [TINY], srcs, ss, str(tmp_path / "m"), binary)
    assert not dropped and len(kept) == len(ss)
    clean = tmp_path / "clean"
    subprocess.run(["cc", *CFLAGS, "-w", TINY, "-o", str(clean)], check=True)
    assert run(binary) == run(str(clean))
    assert run(binary, 0) == run(str(clean))
    # each mutant alone, compiled straight from the text, is what the
    # schema build does with IRCSPEC_MUTANT set to its number
    src = srcs[TINY]
    changed = 0
    for s in kept:
        one = src[:s.start] + f"({s.code})".encode() + src[s.end:]
        path = tmp_path / f"one{s.id}.c"
        path.write_bytes(one)
        exe = tmp_path / f"one{s.id}"
        subprocess.run(["cc", *CFLAGS, "-w", "-iquote", str(FIX), str(path), "-o", str(exe)],
                       check=True)
        want = run(str(exe))
        assert run(binary, s.id) == want, (s.id, s.op, s.orig, s.mutated)
        changed += want != run(str(clean))
    assert changed >= len(kept) // 2  # the fixture's mutants are mostly visible
    # a number that names no site runs the original
    assert run(binary, len(kept) + 1000) == run(str(clean))


def test_schema_drops_a_site_that_does_not_compile(tmp_path):
    ss, srcs = tiny_sites()
    bad = next(s for s in ss if s.op == "delete-call")
    bad.code = bad.mutated = "(void)(1 +)"  # a syntax error inside this site only
    kept, dropped = schema.build("cc", CFLAGS, [TINY], srcs, ss, str(tmp_path / "m"),
                                 str(tmp_path / "tiny"))
    assert [d.id for d in dropped] == [bad.id]
    assert len(kept) == len(ss) - 1
    assert (tmp_path / "tiny").exists()


BASE = {"a": "pass", "b": "pass", "c": "skip"}


def test_compare_killed_survived_and_reasons():
    assert V.compare(BASE, dict(BASE)) == (V.SURVIVED, "")
    st, why = V.compare(BASE, {**BASE, "b": "fail"})
    assert st == V.KILLED and why == "b: pass -> fail"
    assert V.compare(BASE, {**BASE, "a": "crash"})[0] == V.KILLED
    assert V.compare(BASE, {**BASE, "c": "pass"})[0] == V.KILLED  # any change is seen
    st, why = V.compare(BASE, {"a": "pass", "c": "skip"})
    assert st == V.KILLED and "b: pass -> missing" in why
    assert V.compare(BASE, None, 2)[0] == V.KILLED  # no report: did not start
    many = {k: "fail" for k in "abcdef"}
    assert "(+3 more)" in V.compare(many, {k: "pass" for k in "abcdef"})[1]
    assert V.differing_cases(BASE, {**BASE, "b": "fail", "c": "error"}) == ["b", "c"]


def test_fail_fast_run_is_compared_on_the_cases_it_ran():
    report = {"stopped_early": True, "cases": [
        {"id": "a", "status": "pass", "message": None},
        {"id": "b", "status": "fail", "message": "expected ..."},
        {"id": "c", "status": "error", "message": V.FAIL_FAST_NOT_RUN}]}
    got = V.verdicts_of(report)
    assert got == {"a": "pass", "b": "fail"}  # c was never started
    assert V.compare(BASE, got, partial=True) == (V.KILLED, "b: pass -> fail")
    assert V.differing_cases(BASE, got, partial=True) == ["b"]
    # a case absent from a complete run is still a difference
    assert V.differing_cases(BASE, got) == ["b", "c"]
    assert V.compare(BASE, {"a": "pass"}, partial=True) == (V.SURVIVED, "")


def test_sample_is_seeded_sized_and_sorted():
    ids = list(range(1, 101))
    s1 = V.sample(ids, 10, 7)
    assert len(s1) == 10 and s1 == sorted(s1) and set(s1) <= set(ids)
    assert V.sample(list(reversed(ids)), 10, 7) == s1  # order of input does not matter
    assert V.sample(ids, 10, 8) != s1
    assert V.sample(ids, 0, 7) == ids and V.sample(ids, 500, 7) == ids


def test_score_excludes_equivalent_and_not_run():
    res = [{"status": V.KILLED, "op": "x", "file": "f"}] * 3 + \
          [{"status": V.SURVIVED, "op": "x", "file": "f"}] + \
          [{"status": V.EQUIVALENT, "op": "y", "file": "g"}] * 2 + \
          [{"status": V.NOT_RUN, "op": "y", "file": "g"}]
    sc = V.score(res)
    assert (sc["killed"], sc["survived"], sc["equivalent"], sc["not-run"]) == (3, 1, 2, 1)
    assert sc["score"] == 0.75
    assert V.tally(res, "op")["y"]["score"] == 0.0


def test_equivalent_list_format(tmp_path):
    f = tmp_path / "eq.txt"
    f.write_text("# comment\n\na.c|f|constant|1|1 + 1|0\tonly a log line changes\n")
    assert V.load_equivalents(str(f)) == {"a.c|f|constant|1|1 + 1|0": "only a log line changes"}
    f.write_text("a.c|f|constant|1|1 + 1|0\n")
    with pytest.raises(ValueError, match="eq.txt:1"):
        V.load_equivalents(str(f))
    # the committed list parses
    V.load_equivalents(str(ROOT / "scripts" / "mutants" / "equivalent.txt"))


def test_report_lists_survivors_sample_and_equivalents():
    meta = {"commit": "abc", "sites": 5, "dropped": 0, "compiled": 5, "dropped_list": [],
            "sites_by_op": {"relational": 5},
            "sample": {"seed": 3, "max": 3, "size": 3, "of": 5, "sampled": True},
            "settings": {"par": 2, "jobs": 8, "timeout_ms": 1000, "budget_s": 10},
            "build_s": 1, "run_s": 2, "per_mutant_s": 1, "total_s": 3, "clean_cases": 9,
            "equivalent_listed": 2, "equivalent_stale": ["gone.c|f|constant|1|1 + 1|0"]}
    mk = dict(file="reference-server/x.c", func="f", op="relational", orig="a < b",
              mutated="a <= b", why="")
    res = [dict(mk, id=1, line=10, status=V.SURVIVED),
           dict(mk, id=2, line=11, status=V.KILLED),
           dict(mk, id=3, line=12, status=V.EQUIVALENT, why="never read")]
    md = report.markdown(report.build(meta, res))
    assert "**Score: 50.0%**" in md
    assert "seeded random sample** of 3 of the 5" in md and "MUTANTS_SEED=3" in md
    assert "| 1 | reference-server/x.c:10 | f | relational | `a < b` | `a <= b` |" in md
    assert "reference-server/x.c:11" not in md  # killed mutants are not listed
    assert "never read" in md
    # an equivalent entry whose site is gone is named, not silently ignored
    assert "1 entries of scripts/mutants/equivalent.txt match no site" in md
    assert "gone.c|f|constant" in md.replace("\\|", "|")


def test_narrow_by_file_and_by_an_earlier_reports_survivors(tmp_path):
    import json
    import run
    from types import SimpleNamespace as S
    todo = [S(file="reference-server/h_query.c", key="q1"), S(file="reference-server/h_mode.c", key="m1"),
            S(file="common/casemap.c", key="c1")]
    assert run.narrow(todo, "", "") == todo
    assert [s.key for s in run.narrow(todo, "h_query.c,casemap", "")] == ["q1", "c1"]
    rep = tmp_path / "m.json"
    rep.write_text(json.dumps({"mutants": [{"key": "q1", "status": V.KILLED},
                                           {"key": "m1", "status": V.SURVIVED},
                                           {"key": "c1", "status": V.SURVIVED}]}))
    assert [s.key for s in run.narrow(todo, "", str(rep))] == ["m1", "c1"]
    assert [s.key for s in run.narrow(todo, "h_mode", str(rep))] == ["m1"]
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(SystemExit, match="MUTANTS_ONLY=.*not a mutants.json"):
        run.narrow(todo, "", str(bad))


def test_tested_by_runs_the_tests_against_the_schema_build_with_the_mutant(tmp_path, monkeypatch):
    """pytest_kills() gives a TESTED_BY file's tests the schema build (through
    REFIRCD_SPAWN_BINARY) with exactly the mutant asked for active, and no
    mutant for the clean check: a probe test that fails only under mutant 5
    tells each apart."""
    import run
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\n"
        "def test_probe():\n"
        "    assert os.environ['REFIRCD_SPAWN_BINARY'].endswith('build/mutants/refircd')\n"
        "    assert os.environ['IRCSPEC_DRIVER_DIR'].endswith('build/mutants')\n"
        "    assert os.environ.get('IRCSPEC_MUTANT') != '5'\n")
    monkeypatch.setenv("IRCSPEC_MUTANT", "5")  # the caller's own is never passed on
    monkeypatch.chdir(ROOT)
    assert run.pytest_kills([str(probe)]) is False
    assert run.pytest_kills([str(probe)], 4) is False
    assert run.pytest_kills([str(probe)], 5) is True
    # and every TESTED_BY entry names test files (and tests) that exist
    for src, tests in run.TESTED_BY.items():
        assert (ROOT / src).is_file(), src
        assert src in run.TESTED_WHY, src
        for t in tests:
            path, _, name = t.partition("::")
            assert (ROOT / path).is_file(), t
            assert not name or f"def {name}(" in (ROOT / path).read_text(), t
    for name, (src, links) in run.DRIVERS.items():
        assert (ROOT / src).is_file() and links in ("server", "common"), name


def test_driver_linked_against_the_schema_runs_the_mutant(tmp_path):
    """schema.link_driver(): a unit-test driver linked with a module's schema
    objects runs the mutant $IRCSPEC_MUTANT names, as the schema binary
    does; tests/irc.py finds it through IRCSPEC_DRIVER_DIR and passes the
    mutant on."""
    lib = tmp_path / "lib.c"
    lib.write_text("int below3(int x)\n{\n\treturn x < 3;\n}\n"
                   "__attribute__((weak)) int main(void)\n{\n\treturn below3(0);\n}\n")
    drv = tmp_path / "drv.c"
    drv.write_text("#include <stdio.h>\nint below3(int x);\n"
                   "int main(void)\n{\n\tprintf(\"%d\\n\", below3(3));\n\treturn 0;\n}\n")
    ss, srcs = sites.find_sites([str(lib)])
    out = str(tmp_path / "m")
    schema.build("cc", CFLAGS, [str(lib)], srcs, ss, out, str(tmp_path / "bin"))
    schema.link_driver("cc", CFLAGS, out, str(drv), [str(lib)], str(tmp_path / "drv"))
    rel = next(s for s in ss if s.func == "below3" and s.op == "relational")

    def drv_out(mutant=None):
        env = dict(os.environ, IRCSPEC_MUTANT=str(mutant or 0))
        return subprocess.run([str(tmp_path / "drv")], capture_output=True, text=True,
                              env=env, check=True).stdout.strip()
    assert drv_out() == "0" and drv_out(rel.id) == "1"  # 3 < 3 is false, 3 <= 3 true
    sys.path.insert(0, str(ROOT / "tests"))
    import irc
    old = dict(os.environ)
    try:
        os.environ["IRCSPEC_DRIVER_DIR"] = str(tmp_path)
        os.environ["IRCSPEC_MUTANT"] = "7"
        assert irc.driver_path("drv") == tmp_path / "drv"
        assert irc.driver_env({"A": "1"}) == {"A": "1", "IRCSPEC_MUTANT": "7"}
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert irc.driver_path("hashtest") == irc.BIN / "hashtest"


def test_a_site_spanning_lines_has_a_one_line_key():
    """equivalent.txt holds one KEY<TAB>reason a line: a mutated expression
    written over two lines (or with a tab in it) must still give a key
    without a newline or a tab, the same however it is indented."""
    from types import SimpleNamespace as S
    two = S(file="f.c", func="g", op="logical", orig="a &&\n\t       b", mutated="a ||\n\t       b")
    one = S(file="f.c", func="g", op="logical", orig="a && b", mutated="a || b")
    assert sites.key_base(two) == sites.key_base(one) == "f.c|g|logical|a && b|a || b"
