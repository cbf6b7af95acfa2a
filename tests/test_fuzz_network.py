"""`ircspec fuzz` (issue 11): the network fuzzer against fake servers with
one planted fault each (tests/fakeserver.py --crash-on / --hang-on /
--longline-on / --report-on TEXT), against refircd, and against hostile
servers.

Each oracle must fire on its fault; a finding is written as a .case that
`ircspec --spawn` replays with a crash verdict; the same --seed gives the
same inputs; runs end by their bounds; an interrupted run writes what it
found and stops the server.  ircspec runs as its ASan+UBSan build: its own
stderr must hold no sanitizer report.  Seeds: tests/fuzz_fixture/seed.case
(its lines hold the trigger words "psst", "tick" and "hello")."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeserver import DEFAULT_ISUPPORT, FakeServer  # noqa: E402
from irc import BIN, REPO, SANITIZER_MARKERS  # noqa: E402

IRCSPEC = BIN / "ircspec-asan"
SEEDS = REPO / "tests" / "fuzz_fixture"
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1", NO_COLOR="1")
REFIRCD = f"{BIN / 'refircd'} -p {{port}} --flood-interval 0"


def fake(**opts):
    return FakeServer.command("none", **opts)


def fuzz(tmp_path, spawn, *args, seeds=SEEDS, timeout=240):
    out = tmp_path / "out"
    argv = [str(IRCSPEC), "fuzz", "--spawn", spawn, "--out", str(out), *args, str(seeds)]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=ENV,
                       cwd=REPO)
    for m in SANITIZER_MARKERS:
        assert m not in p.stderr, f"ircspec itself: {p.stderr[-3000:]}"
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() \
        else None
    return p, out, summary


def replay(spawn, case):
    return subprocess.run([str(BIN / "ircspec"), "--no-color", "--timeout", "1000", "--spawn",
                           spawn, str(case)], capture_output=True, text=True, timeout=120,
                          cwd=REPO)


def steps(case_text):
    return [ln for ln in case_text.splitlines() if ln[:1] in "abcd" and ": " in ln]


def one_seed(tmp_path, name, spec, title, steps):
    """A seed directory holding one case, NAME.case: a MUST fuzz case of
    client a with the given steps (one per line)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / f"{name}.case").write_text(
        f"id: {name}-seed\ntitle: {title}\nspec: {spec}\nlevel: MUST\ntags: fuzz\n"
        f"clients: a\n\n{steps}\n")
    return seeds


def test_help_and_usage_errors():
    p = subprocess.run([str(IRCSPEC), "fuzz", "--help"], capture_output=True, text=True,
                       env=ENV)
    assert p.returncode == 0 and "--seed" in p.stdout and "--runs" in p.stdout
    # an --oper with a space would make the OPER line carry a third parameter
    for bad in (["--runs", "0"], ["--bogus"], ["--valgrind"], ["-j", "2"],
                ["--oper", "a b:c"], ["--oper", "name:"]):
        p = subprocess.run([str(IRCSPEC), "fuzz", *bad], capture_output=True, text=True,
                           env=ENV)
        assert p.returncode == 2, (bad, p.stderr)
        if bad[0] == "--oper":  # refused as such, not for want of a server
            assert "NAME:PASS" in p.stderr, (bad, p.stderr)


def test_crash_is_found_minimised_and_replays(tmp_path):
    spawn = fake(crash_on="psst")
    p, out, s = fuzz(tmp_path, spawn, "--runs", "3", "--timeout", "1000")
    assert p.returncode == 1, p.stderr
    crash = [f for f in s["findings"] if f["kind"] == "crash"]
    assert crash and crash[0]["signature"] == "SIGSEGV", s
    assert crash[0]["confirmed"] >= 2
    case = (out / "crash-1.case").read_text()
    raw = (out / "crash-1.raw.case").read_text()
    assert "level: MUST" in case and "tags: fuzz crash" in case and "# Catches:" in case
    assert len(steps(case)) < len(steps(raw)), case
    assert "crashing on purpose" in (out / "crash-1.log").read_text()
    r = replay(spawn, out / "crash-1.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout, r.stdout
    # The reproducer is about the fault: without it the same case passes.
    r = replay(fake(), out / "crash-1.case")
    assert r.returncode == 0, r.stdout


def test_hang_is_found_and_replays_as_crash(tmp_path):
    spawn = fake(hang_on="tick")
    p, out, s = fuzz(tmp_path, spawn, "--runs", "1", "--timeout", "300", "--no-minimise")
    assert p.returncode == 1, p.stderr
    hang = [f for f in s["findings"] if f["kind"] == "hang"]
    assert hang and hang[0]["confirmed"] >= 2, s
    r = replay(spawn, out / "hang-1.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout and "no longer serves" in r.stdout


def test_hang_needing_two_clients_in_order_keeps_their_turns(tmp_path):
    # The server hangs on a's "psst" only after b's "tick" (the seed sends
    # them in that order, each client in its turn).  The reproducer keeps
    # the syncs that make the turns, so b's line is handled before a's in
    # every replay (written without syncs, nothing ordered two clients'
    # lines: a planted hang of this shape replayed 1 time in 10).  The
    # sync after the hang fails, and the liveness probe makes it a crash.
    spawn = fake(hang_on="psst", armed_by="tick")
    p, out, s = fuzz(tmp_path, spawn, "--runs", "1", "--timeout", "300", "--no-minimise")
    assert p.returncode == 1, p.stderr
    hang = [f for f in s["findings"] if f["kind"] == "hang"]
    assert hang and hang[0]["confirmed"] == 3, s
    lines = steps((out / "hang-1.case").read_text())
    tick = next(i for i, ln in enumerate(lines) if ":tick" in ln)
    psst = next(i for i, ln in enumerate(lines) if ":psst" in ln)
    assert any(ln.startswith("b") and ln.endswith(": sync") or
               ln.startswith("a b: sync") for ln in lines[tick:psst]), lines
    r = replay(spawn, out / "hang-1.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout, r.stdout
    assert "no longer serves" in r.stdout and "the case had failed" in r.stdout, r.stdout


def test_robustness_case_failing_on_a_hung_server_is_a_crash(tmp_path):
    # A step that waits in vain on a server that hung: for a robustness
    # case (does the server survive?) the liveness probe after it says the
    # server serves nobody, a crash; another case keeps its fail.
    for tags, want in (("t robustness", "[CRASH]"), ("t", "[FAIL]")):
        case = tmp_path / "hang.case"
        case.write_text(f"id: hang-then-sync\ntitle: t\nspec: modern\nlevel: MUST\n"
                        f"tags: {tags}\nclients: a\n\na: register\n"
                        "a: send PRIVMSG {nick:a} :tick\na: sync\n")
        r = replay(fake(hang_on="tick"), case)
        assert r.returncode == 1 and want in r.stdout, r.stdout
        assert ("no longer serves" in r.stdout) == (want == "[CRASH]"), r.stdout


def test_long_line_is_a_protocol_finding(tmp_path):
    p, out, s = fuzz(tmp_path, fake(longline_on="hello"), "--runs", "1", "--timeout", "1000")
    assert p.returncode == 1, p.stderr
    assert [f for f in s["findings"] if f["signature"] == "line-over-512"], s
    assert "623 bytes" in (out / "protocol-1.log").read_text()


def test_lf_inside_a_line_is_a_protocol_finding(tmp_path):
    # ngircd's MODE over-read in FINDINGS.md: a reply's text ends in the
    # LF of the client's own line; the line reaches the client cut in two,
    # its first half ended by LF alone after lines ended by CR LF.
    p, out, s = fuzz(tmp_path, fake(lf_on="hello"), "--runs", "1", "--timeout", "1000")
    assert p.returncode == 1, p.stderr
    assert [f for f in s["findings"] if f["signature"] == "lf-inside-line"], s
    r = replay(fake(lf_on="hello"), out / "protocol-1.case")
    assert r.returncode == 1 and "LF alone after lines ended by CR LF" in r.stdout, r.stdout
    r = replay(fake(), out / "protocol-1.case")
    assert r.returncode == 0, r.stdout


def test_sanitizer_report_of_a_living_server(tmp_path):
    p, out, s = fuzz(tmp_path, fake(report_on="psst"), "--runs", "1", "--timeout", "1000")
    assert p.returncode == 1, p.stderr
    san = [f for f in s["findings"] if f["kind"] == "sanitizer"]
    assert san and san[0]["signature"].startswith("runtime-error"), s
    assert "runtime error" in (out / "sanitizer-1.log").read_text()
    # Replayed, the report the living server prints during the case is its
    # crash; without the fault the same case passes.
    r = replay(fake(report_on="psst"), out / "sanitizer-1.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout, r.stdout
    assert "runtime error: signed integer overflow" in r.stdout, r.stdout
    r = replay(fake(), out / "sanitizer-1.case")
    assert r.returncode == 0, r.stdout


def test_living_report_among_parallel_cases_is_pinned_on_its_case(tmp_path):
    # -j 8 with the fixture cases: every case that ran while the report came
    # saw it; re-run alone, only the one whose line triggers it prints it
    # again, and only it crashes.
    case = tmp_path / "ub.case"
    case.write_text("id: ub-living\ntitle: t\nspec: modern\nlevel: MUST\ntags: t\n"
                    "clients: a\n\na: register\na: send PRIVMSG {nick:a} :psst\na: sync\n")
    r = subprocess.run([str(BIN / "ircspec"), "--no-color", "-j", "8", "--json",
                        str(tmp_path / "r.json"), "--spawn", fake(report_on="psst"), str(case),
                        str(REPO / "tests" / "cases_fixture")],
                       capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 1, r.stdout + r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    bad = {c["id"]: c["status"] for c in rep["cases"] if c["status"] != "pass"}
    assert bad == {"ub-living": "crash"}, bad
    assert rep["server_exit_report"] is None, rep["server_exit_report"]


def test_refircd_gives_no_false_findings(tmp_path):
    p, out, s = fuzz(tmp_path, REFIRCD, "--runs", "400", "--seed", "3",
                     seeds=REPO / "cases" / "channel")
    assert p.returncode == 0, p.stderr
    assert s["findings"] == [] and s["inputs"] == 400 and s["corpus"] > s["seeds"] / 2
    assert s["states"] > 50 and s["invalid_inputs"] == 0


def test_same_seed_same_inputs(tmp_path):
    logs = []
    for n, seed in enumerate(("7", "7", "8")):
        log = tmp_path / f"inputs{n}.log"
        p, _, s = fuzz(tmp_path / str(n), REFIRCD, "--runs", "300", "--seed", seed,
                       "--log-inputs", str(log), seeds=REPO / "cases" / "channel")
        assert p.returncode == 0, p.stderr
        logs.append(log.read_text())
    assert len(logs[0].splitlines()) == 300
    assert logs[0] == logs[1]
    assert logs[0] != logs[2]


HOSTILE = ["silent", "garbage", "chatty", "bigline", "close-early"]


@pytest.mark.parametrize("bug", HOSTILE)
def test_hostile_server_run_ends_by_its_deadline(tmp_path, bug):
    # silent: accepts and never answers; garbage: endless random bytes;
    # chatty: endless lines; bigline: a 1 MB line first; close-early:
    # closes each connection at once.  The bound is --seconds 3 plus the
    # probe's own timeouts; subprocess's timeout turns a run that never
    # ends into a failure.
    p, out, s = fuzz(tmp_path, FakeServer.command(bug), "--seconds", "3", "--timeout", "500",
                     timeout=60)
    assert p.returncode in (0, 1, 2), p.stderr


@pytest.mark.parametrize("bug", HOSTILE)
def test_hostile_server_by_host_and_port_ends_by_its_deadline(tmp_path, bug):
    # The same servers, not spawned: nothing to restart, so a server that
    # stops serving ends the run (exit 2, why on stderr), and one that
    # serves garbage is fuzzed until --seconds.  Never a hang.
    with FakeServer(bug) as srv:
        out = tmp_path / "out"
        p = subprocess.run([str(IRCSPEC), "fuzz", "--host", "127.0.0.1", "--port",
                            str(srv.port), "--seconds", "3", "--timeout", "500", "--out",
                            str(out), str(SEEDS)], capture_output=True, text=True, timeout=60,
                           env=ENV, cwd=REPO)
        assert srv.alive(), "ircspec fuzz must not stop a server it did not start"
    for m in SANITIZER_MARKERS:
        assert m not in p.stderr, f"ircspec itself: {p.stderr[-3000:]}"
    assert p.returncode in (0, 1, 2), p.stderr
    if p.returncode == 2:
        assert p.stderr.strip(), "a run that gives up says why"


def test_interrupt_writes_findings_and_stops_the_server(tmp_path):
    announce = tmp_path / "pids"
    spawn = fake(crash_on="psst", announce=str(announce))
    out = tmp_path / "out"
    proc = subprocess.Popen([str(IRCSPEC), "fuzz", "--spawn", spawn, "--out", str(out),
                             "--seconds", "120", "--timeout", "1000", str(SEEDS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            cwd=REPO)
    deadline = time.monotonic() + 60
    while not (out / "crash-1.case").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (out / "crash-1.case").exists()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr
    s = json.loads(stdout)
    assert s["interrupted"] and s["findings"][0]["kind"] == "crash"
    for line in announce.read_text().splitlines():
        pid = int(line.split()[0])
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, f"server {pid} still runs after the interrupted fuzz run"


def test_grey_box_edges_from_an_afl_build(tmp_path):
    # bin/refircd-afl (make all, afl-clang-fast) counts edges into the map
    # ircspec fuzz --afl shares through __AFL_SHM_ID; the same flag against
    # the plain build gets no coverage and says so.
    p, out, s = fuzz(tmp_path / "afl", f"{BIN / 'refircd-afl'} -p {{port}} --flood-interval 0",
                     "--afl", "--runs", "150", seeds=REPO / "cases" / "channel")
    assert p.returncode == 0, p.stderr
    assert s["feedback"] == "edges+states" and s["edges"] > 200, s
    p, out, s = fuzz(tmp_path / "plain", REFIRCD, "--afl", "--runs", "20",
                     seeds=REPO / "cases" / "channel")
    assert s["edges"] == 0 and "wrote no coverage" in p.stderr, p.stderr


def test_leak_reported_at_exit_is_bisected_to_one_input(tmp_path):
    # The report comes only when the server exits: the fuzzer stops it
    # gracefully (every 500 inputs and at the end), then finds the input.
    p, out, s = fuzz(tmp_path, fake(leak_on="psst"), "--runs", "3", "--timeout", "1000")
    assert p.returncode == 1, p.stderr
    leak = [f for f in s["findings"] if f["signature"] == "leak"]
    assert leak and leak[0]["confirmed"] >= 2, s
    name = leak[0]["name"]
    assert "psst" in (out / f"{name}.case").read_text()
    assert "LeakSanitizer" in (out / f"{name}.log").read_text()
    # Replayed alone, `ircspec --spawn` stops the server gracefully at the
    # end and the report it prints at exit is the case's crash.
    spawn = fake(leak_on="psst")
    r = replay(spawn, out / f"{name}.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout, r.stdout
    assert "LeakSanitizer: detected memory leaks" in r.stdout, r.stdout
    r = replay(fake(), out / f"{name}.case")
    assert r.returncode == 0, r.stdout


def test_leak_at_exit_after_several_cases_fails_the_run(tmp_path):
    # Several cases on one server: the report at exit is no single case's.
    # The run fails with it (terminal, JSON, JUnit), every case keeps its
    # verdict; without the leak the same run passes.
    case = tmp_path / "leak.case"
    case.write_text("id: leak-at-exit\ntitle: t\nspec: modern\nlevel: MUST\ntags: t\n"
                    "clients: a\n\na: register\na: send PRIVMSG {nick:a} :psst\na: sync\n")
    argv = [str(BIN / "ircspec"), "--no-color", "--json", str(tmp_path / "r.json"), "--junit",
            str(tmp_path / "r.xml"), "--spawn"]
    for spawn, code in ((fake(leak_on="psst"), 1), (fake(), 0)):
        r = subprocess.run([*argv, spawn, str(case), str(SEEDS / "seed.case")],
                           capture_output=True, text=True, timeout=120, cwd=REPO)
        assert r.returncode == code, r.stdout + r.stderr
        rep = json.loads((tmp_path / "r.json").read_text())
        assert [c["status"] for c in rep["cases"]] == ["pass", "pass"], rep["cases"]
        ex = rep["server_exit_report"]
        if code:
            assert ex["signature"] == "leak" and "LeakSanitizer" in ex["output"], ex
            assert "Server at exit:" in r.stdout and "LeakSanitizer" in r.stdout, r.stdout
            assert "sanitizer report at exit" in (tmp_path / "r.xml").read_text()
        else:
            assert ex is None and "Server at exit" not in r.stdout, r.stdout


def test_limit_from_005_is_reached_and_named_in_the_reproducer(tmp_path):
    # The fake server dies on a topic text of TOPICLEN+1 bytes, the limit it
    # announces (nothing in the seed comes near it).  The limit mutation
    # reads TOPICLEN from 005 and writes the parameter at its edge as the
    # case language's {repeat:isupport:TOPICLEN?...:t}, so the reproducer
    # says which limit it tests and follows the server it runs against.
    spawn = fake(crash_on=":" + "t" * 41, isupport=DEFAULT_ISUPPORT + " TOPICLEN=40")
    p, out, s = fuzz(tmp_path, spawn, "--runs", "300", "--timeout", "1000", "--no-minimise")
    assert p.returncode == 1, p.stderr
    crash = [f for f in s["findings"] if f["kind"] == "crash"]
    assert crash and crash[0]["confirmed"] >= 2, s
    case = (out / "crash-1.case").read_text()
    assert "{repeat:isupport:TOPICLEN?390" in case, case
    r = replay(spawn, out / "crash-1.case")
    assert r.returncode == 1 and "[CRASH]" in r.stdout, r.stdout


def test_jobs_split_seeds_and_seed_space_and_merge_findings(tmp_path):
    # -j 2: two workers, each with its own server, seeds 5 and 6, half the
    # seed cases each; findings land in --out/wI and in one summary.
    p, out, s = fuzz(tmp_path, REFIRCD, "-j", "2", "--runs", "60", "--seed", "5",
                     seeds=REPO / "cases" / "channel")
    assert p.returncode == 0, p.stderr
    assert s["jobs"] == 2 and s["inputs"] == 120 and s["findings"] == []
    w = s["workers"]
    assert [x["seed"] for x in w] == [5, 6] and [x["inputs"] for x in w] == [60, 60]
    one = json.loads((out / "w0" / "summary.json").read_text())
    two = json.loads((out / "w1" / "summary.json").read_text())
    assert one["seeds"] + two["seeds"] == s["seeds"] and abs(one["seeds"] - two["seeds"]) <= 1
    p, out, s = fuzz(tmp_path / "crash", fake(crash_on="psst"), "-j", "2", "--runs", "3",
                     "--timeout", "1000", "--no-minimise")
    assert p.returncode == 1, p.stderr
    names = [f["name"] for f in s["findings"] if f["kind"] == "crash"]
    assert names and all((out / f"{n}.case").exists() for n in names), s


def test_stop_on_finding_ends_the_run_at_the_first(tmp_path):
    p, out, s = fuzz(tmp_path, fake(crash_on="psst"), "--runs", "200", "--timeout", "1000",
                     "--no-minimise", "--stop-on-finding")
    assert p.returncode == 1, p.stderr
    assert len(s["findings"]) == 1 and s["inputs"] < 200, s


def test_operator_die_then_clean_exit_is_no_finding(tmp_path):
    # DIE (RFC 2812 4.3) from an operator: the server exits 0 as asked.
    # That is no crash (it was the one false finding of a 10-minute run
    # against refircd with --oper); the server is started again.
    seeds = one_seed(tmp_path, "die", "rfc2812:4.3", "an operator stops the server",
                     "a: register\na: oper\na: send DIE")
    spawn = REFIRCD + " --oper ircspec:operpass"
    p, out, s = fuzz(tmp_path, spawn, "--oper", "ircspec:operpass", "--runs", "4", seeds=seeds)
    assert p.returncode == 0, p.stderr
    assert s["findings"] == [] and s["inputs"] == 4 and s["server_restarts"] >= 1, s


# The target options are one parser (harness/target.c) for both commands:
# the same refusal, word for word, after each command's own prefix.
TARGET_REFUSALS = [
    (["--port", "0"], "--port: '0' is not a port (1-65535)"),
    (["--port", "65536"], "--port: '65536' is not a port (1-65535)"),
    (["--timeout", "5s"], "--timeout: '5s' is not a number of ms (10-600000)"),
    (["--oper", "a b:c"], "--oper: 'a b:c' is not NAME:PASS"),
    (["--host", ""], "--host: the address is empty"),
    (["--valgrind"], "--valgrind needs --spawn"),
]


@pytest.mark.parametrize("args,message", TARGET_REFUSALS)
@pytest.mark.parametrize("command", [[], ["fuzz"]], ids=["run", "fuzz"])
def test_target_options_are_refused_alike(command, args, message):
    p = subprocess.run([str(IRCSPEC), *command, *args], capture_output=True, text=True,
                       env=ENV)
    prefix = "ircspec fuzz: " if command else "ircspec: "
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith(prefix + message + "\n"), p.stderr


@pytest.mark.parametrize("args,message", [
    (["--frobnicate"], "unknown option: --frobnicate"),
    (["--seconds"], "--seconds: needs an argument"),
    (["-j"], "-j: needs an argument"),
])
def test_fuzz_usage_errors_name_the_option(args, message):
    p = subprocess.run([str(IRCSPEC), "fuzz", *args], capture_output=True, text=True, env=ENV)
    assert p.returncode == 2, p.stderr
    assert p.stderr == "ircspec fuzz: " + message + "\n(see ircspec fuzz --help)\n", p.stderr


def test_a_failed_step_costs_one_liveness_probe(tmp_path):
    # QUIT closes the client, so the session's last sync fails: the server
    # must then still serve a new client.  One probe says so; the
    # supervisor and the oracle each probed for themselves before (the
    # probe is a third of a session's round trips).  Probes register as
    # "ircspec client probe": before the session, the pre-flight ones;
    # after it, this one.
    seeds = one_seed(tmp_path, "quit", "rfc2812:3.1.7", "a client quits",
                     "a: register\na: send QUIT :bye")
    trace = tmp_path / "trace"
    p, out, s = fuzz(tmp_path, fake(trace=trace), "--runs", "1", seeds=seeds)
    assert p.returncode == 0 and s["findings"] == [] and s["inputs"] == 1, p.stderr
    users = [ln for ln in trace.read_text().splitlines() if " USER " in ln]
    probe = [ln.endswith(":ircspec client probe") for ln in users]
    assert probe.count(False) == 1 and probe[probe.index(False) + 1:] == [True], users


def probe_connections(trace):
    """Per connection of a probe (USER ... :ircspec client probe), its lines."""
    conns = {}
    for ln in trace.read_text().splitlines():
        n, _, line = ln.partition(" ")
        conns.setdefault(n, []).append(line)
    return [lines for lines in conns.values()
            if any(ln.endswith(":ircspec client probe") for ln in lines)]


def test_liveness_probe_pings_with_its_registration(tmp_path):
    # A server that reads slowly (30 ms before each recv()) finds the
    # probe's NICK, USER and PING in one read: the PING did not wait for
    # the burst (one round trip, not two).  The pre-flight probe, which
    # learns the server, still registers first.
    seeds = one_seed(tmp_path, "hello", "rfc2812:3.3.1", "hello",
                     "a: register\na: raw PRIVMSG {nick:a} :hello\\r\\n")
    reads = tmp_path / "reads"
    p, out, s = fuzz(tmp_path, fake(read_delay=0.03, reads=reads), "--runs", "1", seeds=seeds)
    assert p.returncode == 0 and s["findings"] == [] and s["inputs"] == 1, p.stderr
    got = [bytes.fromhex(h) for h in reads.read_text().split()]
    probes = [r for r in got if b":ircspec client probe" in r]
    assert len(probes) >= 3, got  # pre-flight, the early-PING check, after the session
    assert b"PING " not in probes[0], got
    assert all(b"PING :ircspec-sync-" in r for r in probes[1:]), got


def test_liveness_probe_answered_before_registration_pings_again(tmp_path):
    # This server refuses the first NICK (433), so the probe's early PING is
    # answered before its 001: that PONG proves nothing of a registered
    # client, and the probe PINGs again after the burst; no false hang.
    trace = tmp_path / "trace"
    p, out, s = fuzz(tmp_path, FakeServer.command("433-holds-001", trace=trace), "--runs", "1",
                     "--timeout", "1000")
    assert p.returncode == 0 and s["findings"] == [], p.stderr
    probes = probe_connections(trace)
    assert len(probes) >= 3, probes
    assert all(sum(ln.startswith("PING ") for ln in lines) == 2 for lines in probes[1:]), probes


def term_signals(path):
    """PID -> SIGTERMs a fake server started with --ignore-term PATH got."""
    got = {}
    for ln in path.read_text().splitlines() if path.exists() else []:
        pid = int(ln.split()[0])
        got[pid] = got.get(pid, 0) + 1
    return got


def announced_pids(path):
    return [int(ln.split()[0]) for ln in path.read_text().splitlines()]


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_server_ignoring_sigterm_costs_one_wait_at_the_end_of_a_run(tmp_path):
    # The server of a one-case run ignores SIGTERM.  The stop that reads its
    # report at exit and the final stop were two waits of 10 s, each after
    # a SIGTERM of its own; now the one wait ends in SIGKILL and the final
    # stop has nothing left to do: one SIGTERM, the server killed and
    # reaped, said once.  (Counted, not timed.)
    terms, ann = tmp_path / "terms", tmp_path / "pids"
    spawn = fake(ignore_term=terms, announce=ann)
    r = replay(spawn, SEEDS / "seed.case")
    pids = announced_pids(ann)
    assert len(pids) == 1 and term_signals(terms) == {pids[0]: 1}, (pids, terms.read_text())
    assert gone(pids[0]), "the server was not killed"
    assert r.stderr.count("did not exit within 10 s of SIGTERM: killed") == 1, r.stderr
    assert r.stdout.count("fuzz-fixture-seed") == 1 and "[PASS]" in r.stdout, r.stdout


def test_fuzz_against_a_server_ignoring_sigterm_waits_once_a_server(tmp_path):
    # --runs 3: the graceful stop at the end (for a leak report) was
    # followed by a restart and the final stop, each waiting 10 s.  Now
    # the server that ignores SIGTERM gets one and is killed; no restart.
    terms, ann = tmp_path / "terms", tmp_path / "pids"
    p, out, s = fuzz(tmp_path, fake(ignore_term=terms, announce=ann), "--runs", "3")
    assert p.returncode == 0 and s["findings"] == [] and s["inputs"] == 3, p.stderr
    pids = announced_pids(ann)
    assert len(pids) == 1 and term_signals(terms) == {pids[0]: 1}, (pids, p.stderr)
    assert gone(pids[0]) and s["server_restarts"] == 0, s
    assert p.stderr.count("did not exit within 10 s of SIGTERM: killed") == 1, p.stderr


def test_fuzz_past_its_deadline_waits_less_for_a_server_ignoring_sigterm(tmp_path):
    # --seconds: the run is over when the stop comes, which must not add
    # the whole 10 s wait to it; the server gets 2 s (said, not timed).
    terms, ann = tmp_path / "terms", tmp_path / "pids"
    p, out, s = fuzz(tmp_path, fake(ignore_term=terms, announce=ann), "--seconds", "2",
                     "--no-minimise")
    assert s["deadline_hit"], s
    pids = announced_pids(ann)
    assert all(gone(pid) for pid in pids), pids
    assert p.stderr.count("did not exit within 2 s of SIGTERM: killed") == 1, p.stderr
    assert "within 10 s" not in p.stderr, p.stderr


def test_fuzz_stops_graceful_restarts_of_a_server_ignoring_sigterm(tmp_path):
    # The graceful restart after input 2 (--restart-every 2) finds the
    # server ignores SIGTERM: it is killed, started again, and said so
    # once; there are no more (a killed server reports nothing at exit, and
    # each would wait 10 s).  The second server gets the final stop's
    # SIGTERM: one each (before: 4 SIGTERMs, at inputs 2 and 4, the end's
    # restart and the final stop).
    terms, ann = tmp_path / "terms", tmp_path / "pids"
    p, out, s = fuzz(tmp_path, fake(ignore_term=terms, announce=ann), "--runs", "5",
                     "--restart-every", "2")
    assert p.returncode == 0 and s["findings"] == [] and s["inputs"] == 5, p.stderr
    pids = announced_pids(ann)
    assert len(pids) == 2 and term_signals(terms) == {pids[0]: 1, pids[1]: 1}, p.stderr
    assert all(gone(pid) for pid in pids) and s["server_restarts"] == 1, s
    assert p.stderr.count("no more graceful restarts") == 1, p.stderr
    assert p.stderr.count("did not exit within 10 s of SIGTERM: killed") == 1, p.stderr


def test_failed_graceful_restart_is_said_once_as_the_run_stopping(tmp_path):
    # The server ignores SIGTERM, so the graceful restart after input 2 kills
    # it; the start script refuses a second start.  The run stops, saying
    # why, and does not also claim the server was "started again".
    terms, state = tmp_path / "terms", tmp_path / "started-once"
    script = tmp_path / "start-once.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"if [ -e '{state}' ]; then echo 'start-once: refusing to start again' >&2; exit 1; fi\n"
        f"touch '{state}'\n"
        "exec " + fake(ignore_term=terms).replace("{port}", '"$1"') + "\n")
    script.chmod(0o755)
    p, out, s = fuzz(tmp_path, f"{script} {{port}}", "--runs", "5", "--restart-every", "2")
    assert "ircspec fuzz: run stopped: " in p.stderr, p.stderr
    assert "start-once: refusing to start again" in p.stderr, p.stderr
    assert "started again" not in p.stderr, p.stderr
    assert s is not None and s["inputs"] == 2, s


def test_restart_every_sets_the_graceful_restarts(tmp_path):
    # A leak every input shows at each graceful restart: with
    # --restart-every 1 the first is at input 1; with 0 there are none,
    # the end's included, and so no finding.
    p, out, s = fuzz(tmp_path / "one", fake(leak_on="psst"), "--runs", "2",
                     "--restart-every", "1", "--no-minimise")
    leak = [f for f in s["findings"] if f["signature"] == "leak"]
    assert p.returncode == 1 and leak and leak[0]["input"] == 1, s
    p, out, s = fuzz(tmp_path / "none", fake(leak_on="psst"), "--runs", "2",
                     "--restart-every", "0", "--no-minimise")
    assert p.returncode == 0 and s["findings"] == [] and s["server_restarts"] == 0, s


def case_lines(stdout, case_id):
    """The terminal's per-case lines for case_id (not the Failures section's)."""
    return [ln.split()[0] for ln in stdout.splitlines()
            if ln.startswith("  [") and ln.split()[1:2] == [case_id]]


def test_leak_at_exit_gives_one_final_verdict_everywhere(tmp_path):
    # The report at exit makes the one case that ran a crash after it
    # finished.  Run alone (a reproducer replayed), its line waits for the
    # report: one line, [CRASH], as JSON and JUnit say (it was [PASS] and
    # then [CRASH]).  With a second case that was skipped, the case's line
    # was printed before the server stopped: the later line says it
    # replaces it.  Without the leak: one [PASS].
    leak = tmp_path / "leak.case"
    leak.write_text("id: leak-at-exit\ntitle: t\nspec: modern\nlevel: MUST\ntags: t\n"
                    "clients: a\n\na: register\na: send PRIVMSG {nick:a} :psst\na: sync\n")
    skipped = tmp_path / "skipped.case"
    skipped.write_text("id: needs-oper\ntitle: t\nspec: modern\nlevel: MUST\ntags: t\n"
                       "requires: oper\nclients: a\n\na: register\na: oper\n")
    argv = [str(BIN / "ircspec"), "--no-color", "--json", str(tmp_path / "r.json"), "--junit",
            str(tmp_path / "r.xml"), "--spawn"]
    for spawn, cases, want in ((fake(leak_on="psst"), [leak], ["[CRASH]"]),
                               (fake(), [leak], ["[PASS]"]),
                               (fake(leak_on="psst"), [leak, skipped], ["[PASS]", "[CRASH]"])):
        r = subprocess.run([*argv, spawn, *map(str, cases)], capture_output=True, text=True,
                           timeout=120, cwd=REPO)
        assert case_lines(r.stdout, "leak-at-exit") == want, r.stdout
        final = want[-1].strip("[]").lower()
        assert r.returncode == (1 if final == "crash" else 0), r.stdout + r.stderr
        replaced = "leak-at-exit's final verdict: it replaces the line printed for it above"
        assert (replaced in r.stdout) == (len(want) == 2), r.stdout
        rep = json.loads((tmp_path / "r.json").read_text())
        assert rep["cases"][0]["status"] == final, rep["cases"]
        xml = (tmp_path / "r.xml").read_text()
        assert ('<error type="crash"' in xml) == (final == "crash"), xml
