#!/usr/bin/python3
"""run.py - `make mutants`: mutation analysis of refircd by the case suite.

  1. finds every mutation site of reference-server/*.c and common/*.c
     (sites.py) and builds one schema binary, build/mutants/refircd, in
     which $IRCSPEC_MUTANT selects the active mutant (schema.py);
  2. runs the suite (bin/ircspec, always built from the clean tree) against
     bin/refircd and against the schema build with no mutant active: the
     two must give the same verdicts, or nothing is measured;
  3. runs the suite against each mutant (two at a time) and compares every
     case's verdict with the clean run's (verdicts.py); a kill that rests on
     a few cases is confirmed by re-running just those cases;
  4. writes reports/mutants.md and reports/mutants.json.

Settings (environment):
  MUTANTS_MAX=N      run a seeded random sample of N mutants (default 500,
                     which fits the 30 minutes on 2 cores; 0: all of them)
  MUTANTS_SEED=S     the sample's seed (default 1)
  MUTANTS_PAR=N      mutants at once (default 2)
  MUTANTS_JOBS=N     cases in parallel per run, ircspec -j (default 8)
  MUTANTS_TIMEOUT=MS ircspec --timeout per expectation (default 1000)
  MUTANTS_DEADLINE=S ircspec --deadline per run (default 30; the clean run
                     takes 1-3 s, so only a mutant that hangs cases meets it)
  MUTANTS_BUDGET=S   stop starting mutants after S seconds (default 1740);
                     those left are reported as not run
  MUTANTS_OUT=DIR    where the reports go (default reports)
  MUTANTS_ASAN=0     build the schema without AddressSanitizer (default: with)
  MUTANTS_FILES=A,B  only mutants in files whose path contains A or B
                     (e.g. h_query.c), applied after the sample is drawn
  MUTANTS_ONLY=FILE  only mutants that FILE (a mutants.json) reports as
                     survived, matched by key among all sites (no sample):
                     re-measure a work list fast, even after site numbers
                     moved (write to another MUTANTS_OUT: the result is partial)

Mutants listed in scripts/mutants/equivalent.txt (KEY<TAB>reason) are not
run; they are reported as equivalent with their reason.
"""

import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import report  # noqa: E402
import schema  # noqa: E402
import sites  # noqa: E402
import verdicts as V  # noqa: E402

CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-O2"]
# The schema build runs under AddressSanitizer (MUTANTS_ASAN=0: without):
# a mutant that writes past a buffer on a path the suite drives dies there,
# as the server would for an author who runs ircspec against an ASan build,
# instead of corrupting memory silently.  Leaks are not looked for: no
# client can see one.
ASAN_CFLAGS = ["-fsanitize=address", "-fno-omit-frame-pointer", "-g1"]
ASAN_ENV = "ASAN_OPTIONS=detect_leaks=0"
OPER = "ircspec:operpass"
# The connection password every run sets, as scripts/matrix.sh does for
# refircd: the cases that need one (PASS checked, 464) run too, so a
# mutant of PASS handling is measured instead of skipped with them.
PASSWORD = "mutpass"


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit(f"mutants: {name}={v!r} is not a number")


# (Each list runs in its order with -x, the quickest tests first: a killed
# mutant stops at the first that fails, a surviving one pays for them all.)
# Files whose behaviour no case can check, because no client of an unknown
# server knows what to expect, and the pytest files that check it on
# refircd: a mutant there that the case suite leaves alive is also given
# these tests (against the schema build), and killed if they fail.
# What makes each one configuration: motd.c, the --motd file's lines; pace.c,
# --flood-interval and --flood-burst (the suite runs with pacing off, as
# every target lifts its flood limits); core.c, --ping-interval and
# --ping-timeout (120 s and 60 s by default: no case waits that long) and
# the pacing it defers lines for (the Excess Flood count of a paced client);
# netloop.c, the process's descriptor limit (RLIMIT_NOFILE), at which new
# connections are shed.
PING_DROP = "tests/test_robust_ping_timeout.py::test_unanswered_ping_drops_client"
SIGNAL_EXIT = "tests/test_lifecycle.py::test_signal_with_busy_clients_exits_cleanly"
# refircd's core through the I/O seam, in process (bin/seamtest, schema-linked):
# the send queue's cap to the byte, the clock srv_init takes, a receive queue freed
SEAM = "tests/test_seam.py"
TESTED_BY = {
    "reference-server/motd.c": [SEAM, "tests/test_motd_file.py", "tests/test_motd_long_lines.py"],
    # str_copy's edges (no room, a cut): bin/seamtest
    "reference-server/util.c": [SEAM],
    # REHASH re-reads the --motd file (and DIE stops the server): what a
    # case cannot change or survive.
    "reference-server/h_oper.c": ["tests/test_oper_commands.py"],
    # OPER on a server started without --oper (491): no case can know a
    # server has no operator credentials.
    "reference-server/h_login.c": ["tests/test_user_oper.py"],
    # Lines framed from the receive queue, where they wait behind a
    # listing: only a small --sendq makes them wait there; the ASan schema
    # build shows a read before the queue's buffer.  The framer's bare_lf
    # is for clients (the harness): parsetest, relinked, shows it.
    "common/frame.c": ["tests/test_framer.py", "tests/test_big_replies.py"],
    # TRACE's 209 count and INFO's dates: content the RFC leaves to the server
    "reference-server/h_network.c": ["tests/test_server_info.py"],
    "reference-server/h_query.c": ["tests/test_server_info.py"],
    # How full a MODE announcement is packed (a new line only when the next
    # change would pass 510 bytes): any split that keeps lines whole is
    # conformant, so no case can ask for refircd's.
    "reference-server/h_mode.c": [
        "tests/test_mode_channel.py::test_mode_line_filled_to_510_bytes_is_one_line",
        "tests/test_mode_channel.py::test_mode_flag_that_would_pass_510_bytes_starts_a_line"],
    "reference-server/pace.c": ["tests/test_flood.py"],
    # Only the tests that reach what core.c decides (a file's other tests
    # cost a surviving mutant their time, 17 s for test_flood.py's paste):
    # keep-alive, the Excess Flood count and its reset, and the exit
    # status and leak check after SIGTERM (srv_destroy's teardown).
    # The hash key drawn at start-up (bin/hashtest: not all zero, not the
    # same twice), the -n bound and refircd's fixed network name.
    "reference-server/core.c": ["tests/test_network_name.py", "tests/test_hash_flood.py",
                                "tests/test_lifecycle.py::test_server_name_too_long_refused",
                                SEAM, SIGNAL_EXIT,
                                "tests/test_flood.py::test_flooder_dropped_members_kept",
                                "tests/test_flood.py::test_flood_count_restarts_once_caught_up",
                                PING_DROP],
    # The descriptor limit; srv_tick's clock (keep-alive); a listener that
    # cannot be opened (start-up refused, with its message); the exit status
    # and leak check after SIGTERM; an exited client's last output written
    # in full behind a 4.8 MB backlog, and its socket closed when it never
    # reads (linger: no suite run has a backlog past the kernel's buffers).
    "reference-server/netloop.c": ["tests/test_lifecycle.py::test_port_in_use_refused",
                                   SIGNAL_EXIT, "tests/test_robust_fd_limit.py", PING_DROP,
                                   "tests/test_robust_disconnect.py::"
                                   "test_quit_behind_long_reply_gets_all_then_error",
                                   "tests/test_robust_disconnect.py::"
                                   "test_exited_stopped_reader_is_closed_in_time"],
    # WHOWAS's ring grows from empty only in a server's first departures,
    # which a suite run has long passed when any case can ask; a KILLed
    # nick's delay ends a minute on (the clock moved by bin/clockstep.so)
    "reference-server/client.c": ["tests/test_whowas_ring.py", "tests/test_nick_delay.py"],
    # a channel's invitations at refircd's cap (MAXINVITES, 1024)
    "reference-server/channel.c": ["tests/test_invite_cap.py", SIGNAL_EXIT],
    # send_motd's lines: the mutants' runs have no --motd file (422)
    "reference-server/register.c": ["tests/test_motd_file.py"],
    # What a line costs and when it is freed, the event set's own teardown:
    # the ASan build's leak check at exit (after SIGTERM, or after a ping
    # timeout dropped a client with lines queued) sees what no client does.
    "reference-server/sendq.c": [SEAM, SIGNAL_EXIT, PING_DROP],
    "reference-server/ev_epoll.c": [SIGNAL_EXIT],
    # Modules whose results only their own unit test can see: SipHash-2-4's
    # output (reference vectors), the map's buckets, growth, iteration and
    # scan under collisions, and common/'s functions refircd never calls
    # (irc_split_source, irc_casefold: the harness's).  Their drivers are
    # linked against the schema objects (DRIVERS, IRCSPEC_DRIVER_DIR).
    "reference-server/siphash.c": ["tests/test_hash_flood.py"],
    "reference-server/hmap.c": ["tests/test_hash_flood.py"],
    "common/casemap.c": ["tests/test_parser_vectors.py"],
    "common/ircmsg.c": ["tests/test_parser_vectors.py"],
}

# Why a file's mutants are also given its TESTED_BY tests (the report says it).
CONFIG = "no case can know what it should send (server configuration)"
UNIT = "what it computes reaches no client as such; its unit test checks it"
PROCESS = ("no case can know what it should send (server configuration), nor see the "
           "process (its descriptor limit, start-up, exit status and leaks at exit)")
CHOICE = ("how it packs its lines is the server's own choice (MODE announcements filled to "
          "510 bytes), which no case can require")
STATE = ("a state no case can bring about on a server the suite has already run against "
         "(a fresh server's first departures, refircd's own list caps, the end of a "
         "minute's nick delay)")
TESTED_WHY = {f: UNIT if f == "reference-server/util.c"
              else STATE if f in ("reference-server/client.c", "reference-server/channel.c")
              else CHOICE if f == "reference-server/h_mode.c"
              else UNIT if f in ("reference-server/siphash.c", "reference-server/hmap.c",
                                "common/casemap.c", "common/ircmsg.c")
              else PROCESS if f in ("reference-server/core.c", "reference-server/netloop.c",
                                    "reference-server/sendq.c", "reference-server/ev_epoll.c")
              else CONFIG for f in TESTED_BY}

# The in-process test drivers that TESTED_BY's unit tests run (tests/irc.py
# run_driver, tests/parsetool.py), linked against the schema objects into
# build/mutants/: driver -> (source, the project files it links).
SERVER_LIB_EXCLUDE = ("reference-server/main.c", "reference-server/netloop.c")
DRIVERS = {
    "hashtest": ("tests/tools/hashtest.c", "server"),
    "parsetest": ("tests/tools/parsetest.c", "common"),
    "seamtest": ("tests/tools/seamtest.c", "server"),
}


def pytest_kills(tests, mutant=None):
    """Whether the given pytest files fail against the schema build with
    the mutant active (None: with no mutant, which must pass)."""
    env = dict(os.environ, REFIRCD_SPAWN_BINARY=os.path.abspath("build/mutants/refircd"),
               IRCSPEC_DRIVER_DIR=os.path.abspath("build/mutants"))
    env.pop("IRCSPEC_MUTANT", None)
    if mutant:
        env["IRCSPEC_MUTANT"] = str(mutant)
    r = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                        *tests], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, check=False)
    return r.returncode != 0


def suite(server_cmd, out_json, jobs, timeout_ms, select=None, extra_env=None, baseline=None):
    """One run of bin/ircspec against a spawned server: (exit code, verdicts
    or None when there is no report, whether it stopped early).  With a
    baseline (the clean run's report) the run stops at the first regression
    (--fail-fast): a killed mutant is known by then, and the rest of its run
    would mostly be failing cases waiting out their timeouts."""
    deadline = env_int("MUTANTS_DEADLINE", 30)
    cmd = ["bin/ircspec", "-j", str(jobs), "--timeout", str(timeout_ms), "--deadline", str(deadline),
           "--spawn", server_cmd, "--oper", OPER, "--password", PASSWORD, "--json", out_json, "--no-color"]
    if baseline:
        cmd += ["--baseline", baseline, "--fail-fast"]
    if select:
        cmd += ["-k", select]
    cmd.append("cases")
    if os.path.exists(out_json):
        os.unlink(out_json)
    env = dict(os.environ, **(extra_env or {}))
    env.pop("IRCSPEC_MUTANT", None)
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)
    try:
        with open(out_json, encoding="utf-8") as f:
            doc = json.load(f)
        return r.returncode, V.verdicts_of(doc), bool(doc.get("stopped_early"))
    except (OSError, ValueError, AttributeError):
        return r.returncode, None, False


def judge(base, cmd, out, jobs, timeout_ms, rc, got, early):
    """(status, why) of one mutant's run; a kill that rests on a few cases is
    confirmed by running the same cases alone against the same mutant."""
    status, why = V.compare(base, got, rc, partial=early)
    diff = V.differing_cases(base, got, partial=early) if got is not None else []
    if status == V.KILLED and got is not None and 0 < len(diff) <= 3:
        _, again, _ = suite(cmd, out, jobs, timeout_ms, select=",".join(diff))
        sub = {c: base[c] for c in diff}
        if again is not None and V.compare(sub, again)[0] == V.SURVIVED:
            return V.SURVIVED, "did not reproduce: " + why
    return status, why


def server_cmd(binary, mutant=None):
    env = [ASAN_ENV] if binary.startswith("build/mutants/") and asan_on() else []
    env += [f"IRCSPEC_MUTANT={mutant}"] if mutant else []
    pre = f"env {' '.join(env)} " if env else ""
    # As `make run` spawns it, with the connection password: flood control lifted (robustness cases send
    # bursts), and the MOTD with long lines, so that motd.c's wrapping runs
    # under every case's line-format check.
    return (f"{pre}{binary} -p {{port}} -P {PASSWORD} --motd targets/motd.txt --oper {OPER} "
            "--flood-interval 0")


# Files compiled into the schema build but given no sites, each with why:
# the measure is what a client can tell apart, and no client reaches these.
OUT_OF_SCOPE = {
    "reference-server/main.c": "command-line parsing and process start-up (signals, the "
                               "descriptor limit): no client reaches it; tested by "
                               "tests/test_lifecycle.py",
}


def asan_on():
    return env_int("MUTANTS_ASAN", 1) != 0


def narrow(todo, files, only):
    """MUTANTS_FILES and MUTANTS_ONLY: a subset of the sample, for working
    on a list of survivors without the whole 16-minute run."""
    if files:
        parts = [p for p in files.split(",") if p]
        todo = [s for s in todo if any(p in s.file for p in parts)]
    if only:
        try:
            with open(only, encoding="utf-8") as f:
                keys = {m["key"] for m in json.load(f)["mutants"] if m["status"] == V.SURVIVED}
        except (OSError, ValueError, KeyError, TypeError) as e:
            sys.exit(f"mutants: MUTANTS_ONLY={only}: not a mutants.json report ({e})")
        todo = [s for s in todo if s.key in keys]
    return todo


def main():
    os.chdir(os.path.dirname(os.path.dirname(HERE)))
    seed = env_int("MUTANTS_SEED", 1)
    max_n = env_int("MUTANTS_MAX", 500)
    par = max(1, env_int("MUTANTS_PAR", 2))
    jobs = env_int("MUTANTS_JOBS", 8)
    timeout_ms = env_int("MUTANTS_TIMEOUT", 1000)
    budget = env_int("MUTANTS_BUDGET", 1740)
    outdir = os.environ.get("MUTANTS_OUT", "reports")
    t0 = time.time()

    files = sorted(glob.glob("reference-server/*.c")) + sorted(glob.glob("common/*.c"))
    print(f"mutants: finding sites in {len(files)} files", flush=True)
    all_sites, srcs = sites.find_sites(files, "reference-server/numerics.h")
    out_of_scope = {f: sum(s.file == f for s in all_sites) for f in OUT_OF_SCOPE}
    all_sites = [s for s in all_sites if s.file not in OUT_OF_SCOPE]
    t_build = time.time()
    cflags = CFLAGS + (ASAN_CFLAGS if asan_on() else [])
    kept, dropped = schema.build(os.environ.get("CC", "cc"), cflags, files, srcs, all_sites,
                                 "build/mutants", "build/mutants/refircd")
    for name, (src, links) in DRIVERS.items():
        linked = [f for f in files if f.startswith("common/") or
                  (links == "server" and f not in SERVER_LIB_EXCLUDE)]
        schema.link_driver(os.environ.get("CC", "cc"), cflags, "build/mutants", src, linked,
                           os.path.join("build/mutants", name))
    build_s = time.time() - t_build
    print(f"mutants: {len(all_sites)} sites, {len(dropped)} dropped (schema did not compile), "
          f"schema build {build_s:.0f} s", flush=True)

    equiv = V.load_equivalents(os.path.join(HERE, "equivalent.txt"))
    tmp = tempfile.mkdtemp(prefix="ircspec-mutants.")
    clean_json = os.path.join(tmp, "clean.json")
    rc, base, _ = suite(server_cmd("bin/refircd"), clean_json, jobs, timeout_ms)
    if base is None or rc != 0:
        sys.exit(f"mutants: the clean run (bin/refircd, --timeout {timeout_ms}) did not pass "
                 f"(exit {rc}); raise MUTANTS_TIMEOUT or fix the suite first")
    rc2, schema_base, _ = suite(server_cmd("build/mutants/refircd"),
                                os.path.join(tmp, "schema.json"), jobs, timeout_ms)
    status, why = V.compare(base, schema_base, rc2)
    diff = V.differing_cases(base, schema_base) if schema_base is not None else []
    if status != V.SURVIVED and 0 < len(diff) <= 3:
        # a case that flakes on a loaded machine: the same cases again, alone
        _, again, _ = suite(server_cmd("build/mutants/refircd"),
                            os.path.join(tmp, "schema.json"), jobs, timeout_ms, select=",".join(diff))
        if again is not None and V.compare({c: base[c] for c in diff}, again)[0] == V.SURVIVED:
            print(f"mutants: {why}: did not reproduce alone (a flaky case)", flush=True)
            status = V.SURVIVED
    if status != V.SURVIVED:
        sys.exit(f"mutants: the schema build with no mutant active differs from bin/refircd: {why}")
    print(f"mutants: clean run and schema build agree on {len(base)} cases", flush=True)
    # every TESTED_BY test once, in one run; only if that fails, file by file
    # to name the culprit
    if pytest_kills(sorted({t for tests in TESTED_BY.values() for t in tests})):
        for f, tests in TESTED_BY.items():
            if pytest_kills(tests):
                sys.exit(f"mutants: {' '.join(tests)} (for {f}) fail against the schema build "
                         "with no mutant active")
        sys.exit("mutants: the TESTED_BY tests fail together against the schema build with "
                 "no mutant active, though each file's pass alone")

    only = os.environ.get("MUTANTS_ONLY", "")
    chosen = set(V.sample([s.id for s in kept], 0 if only else max_n, seed))
    todo = [s for s in kept if s.id in chosen]
    todo = narrow(todo, os.environ.get("MUTANTS_FILES", ""), only)
    # run in a seeded random order, so that if the budget cuts the run short
    # the mutants left are spread over every file, not the last ones
    random.Random(seed).shuffle(todo)
    results, lock = [], threading.Lock()
    t_run = time.time()

    def one(st):
        r = {"id": st.id, "key": st.key, "file": st.file, "line": st.line, "func": st.func,
             "op": st.op, "orig": st.orig, "mutated": st.mutated}
        if st.key in equiv:
            r.update(status=V.EQUIVALENT, why=equiv[st.key], seconds=0)
        elif time.time() - t0 > budget:
            r.update(status=V.NOT_RUN, why="MUTANTS_BUDGET reached", seconds=0)
        else:
            t = time.time()
            out = os.path.join(tmp, f"m{st.id}.json")
            cmd = server_cmd("build/mutants/refircd", st.id)
            rc_m, got, early = suite(cmd, out, jobs, timeout_ms, baseline=clean_json)
            status_m, why_m = judge(base, cmd, out, jobs, timeout_ms, rc_m, got, early)
            if status_m == V.SURVIVED and early:
                # the regression it stopped at did not reproduce alone: the
                # cases it never started may still tell, so run them all
                rc_m, got, _ = suite(cmd, out, jobs, timeout_ms)
                status_m, why_m = judge(base, cmd, out, jobs, timeout_ms, rc_m, got, False)
            if status_m == V.SURVIVED and st.file in TESTED_BY and \
                    pytest_kills(TESTED_BY[st.file], st.id):
                status_m, why_m = V.KILLED, " ".join(TESTED_BY[st.file]) + " failed"
            r.update(status=status_m, why=why_m, seconds=round(time.time() - t, 2))
            try:
                os.unlink(out)
            except OSError:
                pass
        with lock:
            results.append(r)
            n = len(results)
            if n % 25 == 0 or n == len(todo):
                sc = V.score(results)
                print(f"mutants: {n}/{len(todo)} done, {sc['killed']} killed, "
                      f"{sc['survived']} survived ({time.time() - t0:.0f} s)", flush=True)

    with ThreadPoolExecutor(max_workers=par) as ex:
        list(ex.map(one, todo))
    results.sort(key=lambda r: r["id"])
    run_s = time.time() - t_run
    ran = [r for r in results if r["status"] in (V.KILLED, V.SURVIVED)]
    meta = {
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True,
                                 text=True, check=False).stdout.strip(),
        "sites": len(all_sites), "dropped": len(dropped),
        "out_of_scope": [{"file": f, "sites": n, "why": OUT_OF_SCOPE[f]}
                         for f, n in sorted(out_of_scope.items())], "compiled": len(kept),
        "sites_by_op": report.count_by(kept, "op"),
        "dropped_list": [{"file": d.file, "line": d.line, "op": d.op, "orig": d.orig,
                          "mutated": d.mutated} for d in dropped],
        "sample": {"seed": seed, "max": max_n, "size": len(todo), "of": len(kept),
                   "sampled": len(todo) < len(kept),
                   "files": os.environ.get("MUTANTS_FILES", ""),
                   "only": os.environ.get("MUTANTS_ONLY", "")},
        "tested_by": TESTED_BY, "tested_why": TESTED_WHY,
        "settings": {"asan": asan_on(), "par": par, "jobs": jobs, "timeout_ms": timeout_ms, "budget_s": budget},
        "build_s": round(build_s, 1), "run_s": round(run_s, 1),
        "per_mutant_s": round(sum(r["seconds"] for r in ran) / len(ran), 2) if ran else 0,
        "total_s": round(time.time() - t0, 1), "clean_cases": len(base),
        "equivalent_listed": len(equiv),
        # entries whose site is gone or changed text: to be re-judged
        "equivalent_stale": sorted(set(equiv) - {s.key for s in kept}),
    }
    os.makedirs(outdir, exist_ok=True)
    doc = report.build(meta, results)
    with open(os.path.join(outdir, "mutants.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    with open(os.path.join(outdir, "mutants.md"), "w", encoding="utf-8") as f:
        f.write(report.markdown(doc))
    sc = doc["score"]
    print(f"mutants: score {sc['score']:.1%} ({sc['killed']} killed, {sc['survived']} survived, "
          f"{sc['equivalent']} equivalent, {sc['not-run']} not run) in {meta['total_s']:.0f} s; "
          f"{outdir}/mutants.md", flush=True)


if __name__ == "__main__":
    main()
