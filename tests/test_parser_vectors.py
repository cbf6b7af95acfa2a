"""common/ircmsg.c and common/casemap.c against the ircdocs parser-tests
vectors, plus cases of our own and a randomised comparison with a model.

The vectors are vendored in tests/vectors/ (source, commit and CC0 licence
in tests/vectors/README.md), so they are always there: a missing file, or
bin/parsetest or python3-yaml missing, fails the test, never skips it."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import parsetool  # noqa: E402
from irc import BIN, REPO  # noqa: E402

VECTORS = REPO / "tests" / "vectors" / "ircdocs-parser-tests" / "tests"


@pytest.fixture(autouse=True)
def _parsetest_built():
    if not (BIN / "parsetest").exists():
        pytest.fail("bin/parsetest is not built: run `make all` first")


def load(name):
    import yaml  # python3-yaml: scripts/ensure-tools.sh installs it

    path = VECTORS / name
    assert path.exists(), f"parser vectors missing: {path} (vendored in tests/vectors/)"
    return yaml.safe_load(path.read_text())["tests"]


def _ids(cases, key):
    return [repr(c[key])[:60] for c in cases]


def test_msg_split_vectors():
    cases = load("msg-split.yaml")
    assert len(cases) >= 30, f"only {len(cases)} vectors in msg-split.yaml"
    got = parsetool.run([("P", [c["input"]]) for c in cases])
    failures = []
    for case, ans in zip(cases, got):
        atoms = case["atoms"]
        want = {
            "source": atoms.get("source"),
            "verb": atoms["verb"],
            "params": atoms.get("params", []),
        }
        have = {
            "source": ans.get("prefix"),
            "verb": ans.get("command"),
            "params": ans.get("params"),
        }
        if ans["r"] != "ok" or have != want:
            failures.append(f"{case['input']!r}: want {want}, got {ans}")
            continue
        if "tags" in atoms:
            # Tags are split off raw, not interpreted: the raw text must be
            # exactly what follows '@' up to the first space.
            raw_tags = case["input"][1:].split(" ", 1)[0]
            if ans["tags"] != raw_tags:
                failures.append(f"{case['input']!r}: raw tags {ans['tags']!r} != {raw_tags!r}")
        elif ans["tags"] is not None:
            failures.append(f"{case['input']!r}: tags {ans['tags']!r} on an untagged line")
    assert not failures, "\n".join(failures)


def test_userhost_split_vectors():
    cases = load("userhost-split.yaml")
    got = parsetool.run([("S", [c["source"]]) for c in cases])
    failures = []
    for case, ans in zip(cases, got):
        atoms = case["atoms"]
        want = {k: atoms.get(k, "") for k in ("nick", "user", "host")}
        if ans != want:
            failures.append(f"{case['source']!r}: want {want}, got {ans}")
    assert not failures, "\n".join(failures)


def test_mask_match_vectors():
    cases = load("mask-match.yaml")
    reqs, expect = [], []
    for case in cases:
        for s in case.get("matches", []):
            reqs.append(("M", [case["mask"], s]))
            expect.append(True)
        for s in case.get("fails", []):
            reqs.append(("M", [case["mask"], s]))
            expect.append(False)
    got = parsetool.run(reqs)
    failures = [f"mask {r[1][0]!r} vs {r[1][1]!r}: want {w}, got {g['match']}"
                for r, w, g in zip(reqs, expect, got) if g["match"] is not w]
    assert not failures, "\n".join(failures)


# ---- our own cases (not in the vectors) ----

OWN_CASES = [
    # (line, result, prefix, command, params)
    (b"", "empty", None, None, None),
    (b"     ", "empty", None, None, None),
    (b":only.a.prefix", "empty", None, None, None),
    (b":prefix   ", "empty", None, None, None),
    (b"@a=b", "empty", None, None, None),
    (b"   PING   x", "ok", None, "PING", ["x"]),
    (b"CMD " + b" ".join(str(i).encode() for i in range(1, 17)), "ok", None, "CMD",
     [str(i) for i in range(1, 15)] + ["15 16"]),
    (b"CMD " + b" ".join(str(i).encode() for i in range(1, 15)) + b" :x y", "ok", None, "CMD",
     [str(i) for i in range(1, 15)] + ["x y"]),
    # RFC 2812 2.3.1: 15th param may omit the ':' and still take the rest.
    (b"CMD " + b" ".join(str(i).encode() for i in range(1, 15)) + b" :a:b c", "ok", None,
     "CMD", [str(i) for i in range(1, 15)] + ["a:b c"]),
    # A NUL ends the token it is in (ircmsg.h).
    (b"PRIVMSG ab\x00cd :hi\x00there", "ok", None, "PRIVMSG", ["ab", "hi"]),
    (b"\x00PRIVMSG x", "empty", None, None, None),
    (b"NICK :", "ok", None, "NICK", [""]),
    (b"a:b c:d :e:f", "ok", None, "a:b", ["c:d", "e:f"]),
]


@pytest.mark.parametrize("line,result,prefix,command,params", OWN_CASES,
                         ids=[repr(c[0])[:40] for c in OWN_CASES])
def test_parse_own_cases(line, result, prefix, command, params):
    (ans,) = parsetool.run([("P", [line])])
    assert ans["r"] == result, ans
    if result == "ok":
        assert (ans["prefix"], ans["command"], ans["params"]) == (prefix, command, params), ans


def test_parse_length_limit():
    # ircmsg.h: IRC_PARSE_MAX = 8191 + 512 bytes; longer is refused, never cut.
    limit = 8191 + 512
    ok_line = b"@" + b"t" * (limit - 1 - len(b" CMD x")) + b" CMD x"
    assert len(ok_line) == limit
    a, b = parsetool.run([("P", [ok_line]), ("P", [ok_line + b"y"])])
    assert a["r"] == "ok" and a["command"] == "CMD" and a["params"] == ["x"], a
    assert b["r"] == "too_long", b


def test_casemap_rfc1459():
    # RFC 2812 2.2: {}|^ are the lower case of []\~.
    reqs = [("C", ["Nick[x]", "nick{x}"]), ("C", ["A\\B^", "a|b~"]), ("C", ["abc", "abd"]),
            ("C", ["ABC", "abc"]), ("C", ["a", "ab"])]
    got = parsetool.run(reqs)
    assert got[0] == {"cmp": 0, "fold_a": "nick{x}", "fold_b": "nick{x}"}, got[0]
    assert got[1] == {"cmp": 0, "fold_a": "a|b~", "fold_b": "a|b~"}, got[1]
    assert got[2]["cmp"] == -1, got[2]
    assert got[3]["cmp"] == 0, got[3]
    assert got[4]["cmp"] == -1, got[4]


def test_mask_escapes_and_case():
    # RFC 2812 2.5: '\' escapes a wildcard; matching uses the case mapping.
    reqs = [("M", ["a\\*b", "a*b"]), ("M", ["a\\*b", "axb"]), ("M", ["a\\?b", "a?b"]),
            ("M", ["a\\?b", "acb"]), ("M", ["NICK[X]!*@*", "nick{x}!u@h"]), ("M", ["*", ""]),
            ("M", ["?", ""]), ("M", ["*a*a*a*a*b", "a" * 60])]
    want = [True, False, True, False, True, True, False, False]
    got = [g["match"] for g in parsetool.run(reqs)]
    assert got == want, list(zip([r[1] for r in reqs], want, got))


# ---- randomised: the C parser against a Python model ----

def model_parse(line):
    """The grammar ircmsg.h documents, over bytes, with NUL ending a token."""
    def cut(tok):
        return tok.split(b"\x00", 1)[0]

    p = line.lstrip(b" ")
    tags = prefix = None
    if p.startswith(b"@"):
        tags, _, p = p[1:].partition(b" ")
        p = p.lstrip(b" ")
    if p.startswith(b":"):
        prefix, _, p = p[1:].partition(b" ")
        p = p.lstrip(b" ")
    if not p:
        return {"r": "empty"}
    command, _, p = p.partition(b" ")
    p = p.lstrip(b" ")
    if not cut(command):
        return {"r": "empty"}
    params = []
    while p and len(params) < 15:
        if p.startswith(b":") or len(params) == 14:
            params.append(p[1:] if p.startswith(b":") else p)
            break
        tok, _, p = p.partition(b" ")
        params.append(tok)
        p = p.lstrip(b" ")
    return {"r": "ok", "tags": None if tags is None else cut(tags),
            "prefix": None if prefix is None else cut(prefix), "command": cut(command),
            "params": [cut(x) for x in params]}


def test_random_lines_match_model():
    rng = random.Random(2812)
    alphabet = [b" ", b" ", b" ", b":", b"@", b"a", b"B", b"1", b"#", b",", b"!",
                b"\x00", b"\r", b"\x01", b"\xff", b"\t", b"="]
    lines = [b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 48)))
             for _ in range(3000)]
    # Many params, to reach the 15-param rule.
    lines += [b" ".join(rng.choice([b"x", b":y z", b"", b"w"]) for _ in range(rng.randrange(10, 25)))
              for _ in range(300)]
    got = parsetool.run([("P", [ln]) for ln in lines])
    failures = []
    for ln, ans in zip(lines, got):
        want = model_parse(ln)
        if ans["r"] == "ok":
            ans = {"r": "ok", "tags": parsetool.unlatin(ans["tags"]),
                   "prefix": parsetool.unlatin(ans["prefix"]),
                   "command": parsetool.unlatin(ans["command"]),
                   "params": [parsetool.unlatin(x) for x in ans["params"]]}
        if ans != want:
            failures.append(f"{ln!r}: model {want}, parser {ans}")
    assert not failures, f"{len(failures)} mismatches, first ones:\n" + "\n".join(failures[:10])


def rfc1459_lower(s):
    # A-Z and [\]^ are 32 below a-z and {|}~ (common/casemap.h)
    return s.lower().translate(str.maketrans("[]\\^", "{}|~"))


def test_casefold_into_every_buffer_size():
    # irc_casefold fills exactly dsz bytes (a guard page follows them): the
    # folded text when it fits with its NUL, else -1; a size of 0 takes nothing.
    texts = ["", "A", "Nick[x]\\^", "abc"]
    reqs, want = [], []
    for t in texts:
        for size in range(0, len(t) + 3):
            reqs.append(("f", [str(size), t]))
            fits = size > len(t)
            want.append({"r": len(t) if fits else -1, "fold": rfc1459_lower(t) if fits else None})
    got = parsetool.run(reqs)
    bad = [(r, g, w) for r, g, w in zip(reqs, got, want) if g != w]
    assert not bad, bad


def split_model(src, sizes):
    bang = src.find("!")
    at = src.find("@", bang if bang >= 0 else 0)
    if bang >= 0:
        nick, user = src[:bang], src[bang + 1:at] if at >= 0 else src[bang + 1:]
    else:
        nick, user = (src[:at] if at >= 0 else src), ""
    host = src[at + 1:] if at >= 0 else ""
    return {k: (v[:n - 1] if n else None) for k, v, n in zip(("nick", "user", "host"),
                                                            (nick, user, host), sizes)}


def test_split_source_into_every_buffer_size():
    # irc_split_source cuts each part to its buffer (size - 1 bytes and a
    # NUL), leaves a buffer of size 0 alone, and reads nothing past the
    # source's NUL (a guard page follows it).
    sources = ["nick!user@host", "nick@host", "nick", "n!u", "!@", "a!b@c@d", ""]
    reqs, want = [], []
    for src in sources:
        for part in range(3):
            for size in range(0, len(src) + 3):
                sizes = [64, 64, 64]
                sizes[part] = size
                reqs.append(("s", [*map(str, sizes), src]))
                want.append(split_model(src, sizes))
    got = parsetool.run(reqs)
    bad = [(r, g, w) for r, g, w in zip(reqs, got, want) if g != w]
    assert not bad, bad[:5]
