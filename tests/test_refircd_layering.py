"""refircd's and ircspec's modules call one way (issue 9, item 17): who calls whom is read
from the compiled objects (`nm`: what each .o defines and what it needs),
and no cycle of calls may pass through any module.  Two loops there were:
send.c killed a client whose queue overflowed (client_kill) while client.c
queued the QUIT and ERROR of an exit (send_fmt, send_to_common); and STATS m
(h_query.c) asked the dispatcher that had called it for command names.
The fuzz snapshot and the I/O seam are outside reference-server/."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OBJ_ROOT = ROOT / "build" / "obj" / "plain"


def call_graph(folder="reference-server"):
    objs_dir = OBJ_ROOT / folder
    if shutil.which("nm") is None:
        pytest.fail("nm (binutils) is missing")
    objs = sorted(objs_dir.glob("*.o"))
    if not objs:
        pytest.fail(f"no objects in {objs_dir}: run `make all` first")
    defined, needed = {}, {}
    for o in objs:
        out = subprocess.run(["nm", str(o)], capture_output=True, text=True, check=True).stdout
        mod = o.stem
        defined[mod], needed[mod] = set(), set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TDBR":
                defined[mod].add(f[2])
            elif len(f) == 2 and f[0] == "U":
                needed[mod].add(f[1])
    owner = {sym: mod for mod, syms in defined.items() for sym in syms}
    return {mod: {owner[s] for s in needed[mod] if owner.get(s, mod) != mod} for mod in defined}


def cycle_through(graph, start):
    """A path start -> ... -> start, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        mod, path = stack.pop()
        for nxt in sorted(graph[mod]):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_modules_call_one_way():
    graph = call_graph()
    for module in ("send", "client", "pending", "dispatch", "h_query"):
        assert module in graph, f"{module}.o not built"
    for module in sorted(graph):
        loop = cycle_through(graph, module)
        assert loop is None, "calls go round in a loop: " + " -> ".join(f"{m}.c" for m in loop)


def test_harness_modules_call_one_way():
    """ircspec too (issue 9, item 17): session.c used to reach back into
    runner.c for the clock, the run environment and the liveness probe."""
    graph = call_graph("harness")
    for module in ("runner", "session", "probe", "clock"):
        assert module in graph, f"{module}.o not built"
    for module in sorted(graph):
        loop = cycle_through(graph, module)
        assert loop is None, "calls go round in a loop: " + " -> ".join(f"{m}.c" for m in loop)
