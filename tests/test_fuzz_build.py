"""fuzz/build.sh, run the way OSS-Fuzz and ClusterFuzzLite run it.

Their builder sets CC, CFLAGS (sanitizer plus -fsanitize=fuzzer-no-link),
LIB_FUZZING_ENGINE and OUT, and expects each target in $OUT with its
.options, .dict and <target>_seed_corpus.zip beside it.  The test builds
into a temporary OUT with exactly those variables, checks the files, and
runs each target over its seed corpus and a few hundred fuzzing iterations:
a target that crashes, leaks or cannot start fails here, not on the
fuzzing infrastructure."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["fuzz_recv", "fuzz_session"]
# As OSS-Fuzz's base-builder sets them for an ASan build of a C project.
OSS_FUZZ_ENV = {
    "CC": "clang",
    "CFLAGS": ("-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address "
               "-fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"),
    "LIB_FUZZING_ENGINE": "-fsanitize=fuzzer",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    if not shutil.which("clang"):
        pytest.fail("clang is missing: `make check-tools` installs it")
    out = tmp_path_factory.mktemp("out")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OUT": str(out),
           "SRC": str(ROOT.parent), "TMPDIR": str(tmp_path_factory.mktemp("tmp")),
           **OSS_FUZZ_ENV}
    proc = subprocess.run(["bash", str(ROOT / "fuzz" / "build.sh")], env=env, cwd=ROOT,
                          capture_output=True, timeout=600)
    log = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"build.sh exited {proc.returncode}:\n{log}"
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_build_outputs(out, target):
    exe = out / target
    assert exe.is_file() and os.access(exe, os.X_OK), f"{exe} not built"
    options = (out / f"{target}.options").read_text()
    assert "[libfuzzer]" in options and "max_len" in options, options
    assert (out / f"{target}.dict").stat().st_size > 0
    with zipfile.ZipFile(out / f"{target}_seed_corpus.zip") as z:
        names = z.namelist()
    assert len(names) >= 10, f"seed corpus of {target} has {len(names)} files"
    assert all("/" not in n for n in names), "seed corpus zip must be flat"


@pytest.mark.parametrize("target", TARGETS)
def test_target_runs_seeds_and_fuzzes(out, target, tmp_path):
    seeds = tmp_path / "seeds"
    with zipfile.ZipFile(out / f"{target}_seed_corpus.zip") as z:
        z.extractall(seeds)
    work = tmp_path / "corpus"
    work.mkdir()
    # Every seed once (the INITED pass, which -runs counts too), then 500
    # mutations; leak checks on.
    runs = sum(1 for p in seeds.iterdir()) + 500
    proc = subprocess.run(
        [str(out / target), f"-runs={runs}", "-seed=1", "-max_total_time=120",
         f"-dict={out / (target + '.dict')}", f"-artifact_prefix={tmp_path}/",
         str(work), str(seeds)],
        capture_output=True, timeout=300, env={"ASAN_OPTIONS": "detect_leaks=1"})
    log = proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"{target} exited {proc.returncode}:\n{log[-4000:]}"
    assert "INITED" in log and f"Done {runs} runs" in log, log[-2000:]
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("leak-*"))


@pytest.mark.parametrize("target", TARGETS)
def test_target_runs_single_files(out, target, tmp_path):
    """The reproduce mode ClusterFuzz uses: the binary given input files."""
    seeds = tmp_path / "seeds"
    with zipfile.ZipFile(out / f"{target}_seed_corpus.zip") as z:
        z.extractall(seeds)
    files = sorted(seeds.iterdir())[:5]
    proc = subprocess.run([str(out / target)] + [str(f) for f in files],
                          capture_output=True, timeout=120)
    log = proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, log[-4000:]
    assert log.count("Executed ") == len(files), log[-2000:]


def test_merge_found_keeps_new_edges_only(out, tmp_path):
    """fuzz/merge_found.py (`make fuzz-merge`): what a run reached beyond the
    seeds lands in the corpus as found-* files; a copy of a seed does not,
    stale found-* files go, case-* seeds are never touched."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = b"\x08PING :a\r\n"
    (corpus / "case-ping").write_bytes(seed)
    (corpus / "found-stale").write_bytes(b"\x08PING :stale\r\n")
    run = tmp_path / "run"
    run.mkdir()
    (run / "copy-of-seed").write_bytes(seed)
    novel = b"\x18JOIN #x\r\nMODE #x +kl key 5\r\nTOPIC #x :t\r\nKICK #x peer :bye\r\n"
    (run / "novel").write_bytes(novel)
    proc = subprocess.run([sys.executable, str(ROOT / "fuzz" / "merge_found.py"),
                           str(out / "fuzz_recv"),
                           "fuzz_recv", str(corpus), str(run)],
                          capture_output=True, timeout=300)
    log = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, log
    names = sorted(p.name for p in corpus.iterdir())
    found = [corpus / n for n in names if n.startswith("found-")]
    assert (corpus / "case-ping").read_bytes() == seed
    assert "found-stale" not in names, names
    assert [f.read_bytes() for f in found] == [novel], names
    assert "1 found-* inputs" in log, log


def test_merge_found_reports_a_failed_merge(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "found-keep").write_bytes(b"x")
    proc = subprocess.run([sys.executable, str(ROOT / "fuzz" / "merge_found.py"), "/bin/false",
                           "fuzz_recv", str(corpus), str(tmp_path)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 1, proc
    assert b"merge of fuzz_recv failed" in proc.stderr, proc.stderr
    assert (corpus / "found-keep").exists(), "a failed merge must not drop the old finds"
