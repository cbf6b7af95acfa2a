"""common/frame.c: any split of the same bytes yields the same lines.

A Python model states the contract from frame.h (CR LF or bare LF ends a
line, one CR before the LF is stripped, empty lines are skipped, a line
whose content passes 510 bytes is reported once as too long and dropped,
an unterminated tail is held).  The C framer is fed the same streams whole,
byte by byte, split at every position and split at random, and must give
the model's events every time."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import parsetool  # noqa: E402
from irc import BIN  # noqa: E402



@pytest.fixture(autouse=True)
def _parsetest_built():
    if not (BIN / "parsetest").exists():
        pytest.fail("bin/parsetest is not built: run `make all` first")

CONTENT_MAX = 510  # RFC 2812 2.3: 512 including CR LF
PART_MAX = CONTENT_MAX + 1


def model(stream):
    events = []
    *lines, tail = stream.split(b"\n")
    for raw in lines:
        content = raw[:-1] if raw.endswith(b"\r") else raw
        if not content:
            continue
        if len(content) > CONTENT_MAX:
            events.append(["too_long"])
        else:
            # the third field: ended by LF alone (frame.h's bare_lf)
            events.append(["line", content, not raw.endswith(b"\r")])
    pending = len(tail)
    if len(tail) > PART_MAX:
        events.append(["too_long"])
        pending = 0
    return {"events": events, "pending": pending}


def decode(ans):
    return {"events": [[e[0], parsetool.unlatin(e[1]), e[2]] if e[0] == "line" else e
                       for e in ans["events"]],
            "pending": ans["pending"]}


def run_splits(stream, splits):
    """splits: list of lists of cut positions; returns decoded answers."""
    reqs = []
    for cuts in splits:
        bounds = [0] + sorted(set(c for c in cuts if 0 < c < len(stream))) + [len(stream)]
        chunks = [stream[a:b] for a, b in zip(bounds, bounds[1:])]
        reqs.append(("F", chunks))
    return [decode(a) for a in parsetool.run(reqs)]


STREAMS = {
    "crlf_and_lf": b"NICK a\r\nUSER u 0 * :r\nPING :x\r\n",
    "empty_lines": b"\r\n\n\r\nA\r\n\n\nB\n",
    "cr_inside_line": b"A\rB\r\nC\r\r\n",
    "exact_limits": (b"x" * 510 + b"\r\n" + b"y" * 510 + b"\n" + b"z" * 511 + b"\r\n"
                     + b"w" * 511 + b"\n" + b"ok\r\n"),
    "overlong_then_ok": b"a" * 600 + b"\r\n" + b"PING :after\r\n" + b"b" * 2000 + b"\nEND\n",
    "held_tail": b"FIRST\r\nSECOND-UNFINISHED",
    "held_tail_with_cr": b"FIRST\r\n" + b"q" * 510 + b"\r",
    "overlong_tail": b"FIRST\n" + b"t" * 700,
    "nul_bytes": b"PRIV\x00MSG a :b\x00c\r\n\x00\r\n",
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_every_split_gives_the_same_lines(name):
    stream = STREAMS[name]
    want = model(stream)
    splits = [[]]                                   # whole
    splits.append(list(range(1, len(stream))))      # one byte at a time
    splits += [[i] for i in range(1, len(stream))]  # every 2-way split
    rng = random.Random(len(stream))
    splits += [rng.sample(range(1, len(stream)), min(len(stream) - 1, rng.randrange(1, 12)))
               for _ in range(100)]
    got = run_splits(stream, splits)
    bad = [(cuts[:10], g) for cuts, g in zip(splits, got) if g != want]
    assert not bad, (f"{len(bad)} of {len(splits)} splits differ from the model {want};"
                     f" first: cuts {bad[0][0]} gave {bad[0][1]}")


def test_model_agrees_on_known_answers():
    # The model itself, pinned to what frame.h promises, so it cannot drift.
    assert model(STREAMS["exact_limits"])["events"] == [
        ["line", b"x" * 510, False], ["line", b"y" * 510, True], ["too_long"], ["too_long"],
        ["line", b"ok", False]]
    assert model(STREAMS["held_tail"]) == {"events": [["line", b"FIRST", False]],
                                           "pending": 17}
    assert model(STREAMS["cr_inside_line"])["events"] == [
        ["line", b"A\rB", False], ["line", b"C\r", False]]


def test_random_streams_random_splits():
    rng = random.Random(1459)
    pieces = [b"\r\n", b"\n", b"\r", b"PRIVMSG #c :hi", b" ", b"x" * 100, b"y" * 505,
              b"\x00", b":"]
    for _ in range(20):
        stream = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
        if len(stream) < 2:
            continue
        want = model(stream)
        splits = [sorted(rng.sample(range(1, len(stream)), rng.randrange(0, min(30, len(stream) - 1))))
                  for _ in range(30)]
        got = run_splits(stream, splits)
        for cuts, g in zip(splits, got):
            assert g == want, f"stream {stream[:80]!r}... cuts {cuts}: {g} != {want}"
