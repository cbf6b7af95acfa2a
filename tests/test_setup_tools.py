"""Set-up on a fresh machine: every make entry point that compiles runs
scripts/ensure-tools.sh first (so `make run`, README's first command, finds
jansson.h even though `make test` was never run), also under -j, and
ensure-tools.sh names exactly what a machine lacks.

The make tests read the plan (`make -n -B`) and run make -j with a stand-in
compiler and a stand-in ensure-tools that observe each other, in a private
object tree: nothing in bin/ or build/ is touched.  The ensure-tools tests
probe a fake system root (--root) with --check, which installs nothing."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENSURE = ROOT / "scripts" / "ensure-tools.sh"

# Every entry point a user types that ends up compiling something.
ENTRY_POINTS = ["all", "run", "test", "serve", "bench", "matrix", "fuzz", "fuzz-build",
                "fuzz-replay", "fuzz-merge", "bin/ircspec", "bin/refircd"]
COMPILE = re.compile(r"\s-c\s+\S+\.c\s+-o\s")


def make_plan(*args):
    proc = subprocess.run(["make", "--no-print-directory", "-n", "-B", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize("target", ENTRY_POINTS)
def test_plan_runs_ensure_tools_before_first_compile(target):
    lines = make_plan(target)
    compiles = [i for i, line in enumerate(lines) if COMPILE.search(line)]
    ensures = [i for i, line in enumerate(lines) if "ensure-tools.sh" in line]
    assert compiles, f"`make -n -B {target}` compiles nothing?\n" + "\n".join(lines[:20])
    assert ensures, f"`make {target}` compiles without running ensure-tools.sh first"
    assert ensures[0] < compiles[0], (
        f"`make {target}`: the first compile (line {compiles[0]}: {lines[compiles[0]]}) "
        f"comes before ensure-tools.sh (line {ensures[0]})")
    assert len(ensures) == 1, f"ensure-tools.sh runs {len(ensures)} times in one make"


FAKE_ENSURE = """#!/bin/sh
# Stays "running" until a compiler has looked (or a bound passes), so a
# compile that does not wait for it is always caught.
touch "$MARK/ensure-running"
echo x >> "$MARK/ensure-runs"
i=0
while [ ! -e "$MARK/cc-looked" ] && [ $i -lt 40 ]; do
    i=$((i + 1)); sleep 0.05
done
rm -f "$MARK/ensure-running"
"""

FAKE_CC = """#!/bin/sh
# Notes whether ensure-tools was still running, or had not run at all;
# for a compile, creates the object file (a link is refused: no output).
if [ -e "$MARK/ensure-running" ] || [ ! -e "$MARK/ensure-runs" ]; then
    echo "$*" >> "$MARK/early"
fi
touch "$MARK/cc-looked"
out=
prev=
for a in "$@"; do
    [ "$prev" = "-o" ] && out=$a
    prev=$a
done
case " $* " in
*" -c "*) [ -n "$out" ] && mkdir -p "$(dirname "$out")" && touch "$out" ;;
*) exit 1 ;;
esac
"""


@pytest.mark.parametrize("target", ["run", "fuzz-build"])
def test_parallel_make_compiles_only_after_ensure_tools(tmp_path, target):
    mark = tmp_path / "mark"
    mark.mkdir()
    ensure = tmp_path / "ensure.sh"
    cc = tmp_path / "cc.sh"
    ensure.write_text(FAKE_ENSURE)
    cc.write_text(FAKE_CC)
    ensure.chmod(0o755)
    cc.chmod(0o755)
    env = dict(os.environ, MARK=str(mark))
    # Links fail on purpose (the stand-in compiler writes no program), so
    # bin/ is never touched; only the order up to then matters.
    subprocess.run(["make", "--no-print-directory", "-j4", target, f"OBJ={tmp_path}/obj",
                    f"CC={cc}", f"FUZZ_CC={cc}", f"ENSURE_TOOLS={ensure}"],
                   cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert (mark / "cc-looked").exists(), f"make -j4 {target} compiled nothing"
    assert (mark / "ensure-runs").exists(), f"make -j4 {target} never ran ensure-tools"
    early = (mark / "early").read_text() if (mark / "early").exists() else ""
    assert not early, f"make -j4 {target} compiled while ensure-tools ran:\n{early[:500]}"
    runs = (mark / "ensure-runs").read_text().count("x")
    assert runs == 1, f"ensure-tools ran {runs} times"


def fake_root(tmp_path, drop=()):
    """A system root that has what / has, minus the /usr/include files in drop."""
    root = tmp_path / "root"
    (root / "usr" / "include").mkdir(parents=True)
    for d in ["usr/bin", "usr/lib", "usr/local", "bin", "lib", "lib64"]:
        if Path("/" + d).exists():
            (root / d).symlink_to("/" + d)
    for entry in Path("/usr/include").iterdir():
        if entry.name not in drop:
            (root / "usr" / "include" / entry.name).symlink_to(entry)
    return root


def check(*args):
    return subprocess.run([str(ENSURE), "--check", *args], capture_output=True, text=True,
                          timeout=120)


def missing_of(proc):
    m = re.search(r"missing: (.*)", proc.stderr)
    return m.group(1).split() if m else []


def test_ensure_tools_names_missing_jansson(tmp_path):
    proc = check("--root", str(fake_root(tmp_path, drop={"jansson.h"})))
    assert proc.returncode == 1, proc.stderr
    assert missing_of(proc) == ["libjansson-dev"], proc.stderr


def test_ensure_tools_passes_a_complete_root(tmp_path):
    proc = check("--root", str(fake_root(tmp_path)))
    assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_ensure_tools_names_everything_on_an_empty_root(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = check("--root", str(tmp_path / "empty"))
    assert proc.returncode == 1
    for pkg in ["gcc", "make", "libjansson-dev", "python3-pytest", "valgrind", "clang"]:
        assert pkg in missing_of(proc), proc.stderr


def test_ensure_tools_never_installs_into_a_probe_root(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = subprocess.run([str(ENSURE), "--root", str(tmp_path / "empty")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "not installing" in proc.stderr, proc.stderr


def test_ensure_tools_refuses_unknown_options():
    proc = subprocess.run([str(ENSURE), "--bogus"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "unknown option --bogus" in proc.stderr, proc.stderr


def dry_run(root, env=None, user=None):
    cmd = ["/bin/bash", str(ENSURE), "--dry-run", "--root", str(root)]  # PATH may be empty
    if user is not None:  # as another user: setpriv (util-linux), we are root
        cmd = ["/usr/bin/setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def plan_of(proc):
    return [line[2:].split() for line in proc.stdout.splitlines() if line.startswith("+ ")]


def test_dry_run_plans_a_noninteractive_install_of_everything_missing(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = dry_run(tmp_path / "empty")
    assert proc.returncode == 0, proc.stderr
    update, install = plan_of(proc)
    assert update[:2] == ["env", "DEBIAN_FRONTEND=noninteractive"] and update[-1] == "update"
    assert install[:3] == ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    assert "-y" in install and "DPkg::Lock::Timeout=600" in install
    assert "Dpkg::Options::=--force-confold" in install
    pkgs = install[install.index("install") + 1:]
    assert pkgs == missing_of(proc)
    # gcc only recommends libc6-dev; the leak tests need patch(1)
    for pkg in ["gcc", "libc6-dev", "chromium", "afl++", "patch", "libclang-rt-14-dev"]:
        assert pkg in pkgs, pkgs


def test_a_stripped_path_finds_no_command_and_still_plans(tmp_path):
    """make may run it with any PATH: no id(1) or other command is needed to decide."""
    proc = subprocess.run(["/bin/bash", str(ENSURE), "--dry-run"], capture_output=True,
                          text=True, timeout=120, env={"PATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    pkgs = plan_of(proc)[1]
    for pkg in ["gcc", "make", "valgrind", "chromium", "afl++", "patch"]:
        assert pkg in pkgs, pkgs
    assert "libjansson-dev" not in pkgs  # a header, found whatever PATH says


@pytest.fixture
def world_dir():
    """An empty probe root another user can read (tmp_path is root's alone)."""
    import shutil
    import tempfile
    d = Path(tempfile.mkdtemp(prefix="ensure-tools-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d)


def test_not_root_without_sudo_prints_the_command_and_fails(world_dir):
    proc = dry_run(world_dir, env={"PATH": str(world_dir)}, user=65534)  # no sudo in it
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not root, and sudo needs a password (or is missing)" in proc.stderr
    assert "apt-get install -y" in proc.stderr and "chromium" in proc.stderr
    assert not plan_of(proc)


def test_not_root_with_passwordless_sudo_installs_through_it(world_dir):
    fake = world_dir / "bin"
    fake.mkdir()
    (fake / "sudo").write_text("#!/bin/sh\nexit 0\n")  # `sudo -n true` succeeds
    (fake / "sudo").chmod(0o755)
    fake.chmod(0o755)
    proc = dry_run(world_dir / "bin", env={"PATH": f"{fake}:/usr/bin:/bin"}, user=65534)
    assert proc.returncode == 0, proc.stderr
    update, install = plan_of(proc)
    assert update[:4] == ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    assert install[:5] == ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
