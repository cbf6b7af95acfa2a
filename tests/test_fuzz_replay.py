"""The fuzz targets without libFuzzer: the committed corpus and every crash
reproducer in fuzz/regressions/ through both bin/<target>-replay (gcc, ASan
and UBSan, LeakSanitizer at exit), so a crash once found stays fixed.  Also
checks the seed generator (fuzz/make_corpus.py) on a small .case of its own.
See fuzz/README.md."""

import subprocess
import sys
from pathlib import Path

import pytest

from irc import BIN

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["fuzz_recv", "fuzz_session"]
SAN_ENV = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


def replay(target, *paths):
    exe = BIN / f"{target}-replay"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make all` (fuzz/fuzz.mk adds it)")
    proc = subprocess.run([str(exe)] + [str(p) for p in paths], capture_output=True,
                          timeout=300, env=SAN_ENV)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"{exe.name} exited {proc.returncode}:\n{out[-6000:]}"
    assert "Sanitizer" not in out and "runtime error" not in out, out[-6000:]
    return out


def inputs(kind):
    """Every committed input of one kind (corpus or regressions), all targets."""
    files = []
    for t in TARGETS:
        d = ROOT / "fuzz" / kind / t
        assert d.is_dir(), f"{d} is missing"
        files += [p for p in d.iterdir() if p.is_file() and not p.name.startswith(".")]
    return files


# Each target gets every input, its own and the other's: bytes meant for one
# target are valid, differently shaped input for the other.
@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replays_clean(target):
    files = inputs("corpus")
    assert len(files) >= 20, f"the committed corpus has only {len(files)} inputs"
    out = replay(target, *[ROOT / "fuzz" / "corpus" / t for t in TARGETS])
    assert f"{len(files)} inputs replayed" in out, out


@pytest.mark.parametrize("target", TARGETS)
def test_regressions_replay_clean(target):
    files = inputs("regressions")
    out = replay(target, *[ROOT / "fuzz" / "regressions" / t for t in TARGETS])
    assert f"{len(files)} inputs replayed" in out, out


def test_replay_reads_files_and_skips_flags(tmp_path):
    """A libFuzzer command line works as it is: flags ignored, files run."""
    one = tmp_path / "one"
    one.write_bytes(b"\x08PING :replay\r\n")
    out = replay("fuzz_recv", "-max_len=1024", "-dict=irc.dict", one)
    assert "1 inputs replayed" in out, out


CASE = r"""id: corpus-gen-sample
title: sample for the generator
spec: modern
level: MAY
clients: a b u

a b: register
a: send JOIN {chan}
b: raw PRIVMSG {nick:a} :x\xff\r\n
b: split 2 NOTICE {nick:a} :hi
u: send NICK {{brace}
b: abort
"""


def test_make_corpus_decodes_steps(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "sample.case").write_text(CASE)
    out = tmp_path / "corpus"
    proc = subprocess.run([sys.executable, str(ROOT / "fuzz" / "make_corpus.py"), str(cases),
                           str(out)], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    recv = {p.read_bytes() for p in (out / "fuzz_recv").iterdir()}
    session = {p.read_bytes() for p in (out / "fuzz_session").iterdir()}
    # b's stream as the pre-registered "fuzzer" (0x08) with a bystander
    # (0x10): 0xFF doubled, each segment of `split 2` its own piece.
    assert b"\x18PRIVMSG peer :x\xff\xff\r\n\xffNOTICE pe\xffer :hi\r\n" in recv, recv
    # u never registers: it starts unregistered (no 0x08), braces decoded.
    assert any(s[0] & 0x08 == 0 and b"NICK {brace}\r\n" in s for s in recv), recv
    # Session: a=slot 0, b=slot 1, u=slot 4; b's abort is an EOF record.
    script = next(s for s in session if s[0] == 0x00)  # not the bytewise variant
    assert script.startswith(b"\x00JOIN #fuzz\r\n\xff\x01PRIVMSG alice :x\xff\xff\r\n"), script
    assert b"\xff\x04NICK {brace}\r\n" in script and script.endswith(b"\xff\x09"), script


def test_make_corpus_raw_streams(tmp_path):
    """--raw: seeds for another server - each client's bytes exactly as
    sent, registration first when the case registers it, no flags, no marks."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "sample.case").write_text(CASE)
    out = tmp_path / "raw"
    proc = subprocess.run([sys.executable, str(ROOT / "fuzz" / "make_corpus.py"), "--raw",
                           str(cases), str(out)], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    seeds = {p.read_bytes() for p in out.iterdir()}
    reg = b"NICK fuzzer\r\nUSER fuzzer 0 * :Fuzz\r\n"
    assert seeds == {reg + b"JOIN #fuzz\r\n",
                     reg + b"PRIVMSG peer :x\xff\r\nNOTICE peer :hi\r\n",
                     b"NICK {brace}\r\n"}, seeds


def test_runs_flag_times_inputs(tmp_path):
    """-runs=N: every input N more times after one untimed pass, and the
    mean cost printed (what `make bench` reads from bin/<target>-cost)."""
    (tmp_path / "a").write_bytes(b"\x08PING :x\r\n")
    (tmp_path / "b").write_bytes(b"\x00NICK n\r\nUSER u 0 * :r\r\n")
    out = replay("fuzz_recv", "-runs=3", tmp_path)
    assert "2 inputs" in out and "x 3 runs" in out and "us per input" in out, out


def test_runs_flag_rejects_nonsense(tmp_path):
    (tmp_path / "a").write_bytes(b"\x08")
    for bad in ("-runs=0", "-runs=x", "-runs=5y"):
        proc = subprocess.run([str(BIN / "fuzz_recv-replay"), bad, str(tmp_path)],
                              capture_output=True, timeout=60, env=SAN_ENV)
        assert proc.returncode == 1 and b"bad -runs" in proc.stderr, (bad, proc.stderr)
