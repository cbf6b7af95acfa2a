"""expect-re against what a server or a case file can make of it.

A server chooses the nicks it gives in 001, and those are spliced into a
case's regex: they must stand for themselves (they are quoted), not for
regex syntax.  A regex that backtracks without bound on a line the server
sent must end the case as an error naming the case file and line, well
within --deadline, not run for minutes (glibc's regexec did).  And a regex
whose compiled form explodes (nested bounds: glibc's regcomp used
gigabytes) must not make --check grow without bound."""

import resource
import subprocess

from harness_run import IRCSPEC_PLAIN, REPO, fake_server, ircspec  # noqa: F401

ISON_CASE = REPO / "cases" / "query" / "ison-present-only-303.case"


def test_metachar_nick_from_001_is_matched_literally(tmp_path, fake_server):
    """fakeserver's meta-nick renames every client in 001 to "^NICK|[x]{9}"
    (a valid nickname).  The ISON case splices two such nicks into
    ^(:[^ ]+ )?303 {nick:a} :?{nick:b} ?$ and the server's 303 is right,
    so the case passes only if the nicks are matched as text."""
    srv = fake_server("meta-nick")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "3000", "--deadline", "30",
                  ISON_CASE)
    case = run.case("ison-present-only-303")
    assert case["status"] == "pass", run
    assert run.rc == 0, run


# One start position (anchored), five groups and their back-references over
# 200 a's: some 10^10 ways to fail.  PCRE2 stops at its match limit within
# milliseconds; glibc's regexec took 0.6 s for 40 a's and grows as n^5.
CATASTROPHIC = """\
id: re-catastrophic
title: A regex that backtracks without bound on the server's PONG
spec: rfc2812:3.7.2
level: MUST
clients: a

a: register
a: send PING :{repeat:200:a}!b
a: expect-re ^:[^ ]+ PONG ([^ ]+ )?:(a*)(a*)(a*)(a*)(a*)\\6\\5\\4\\3\\2b$
"""


def test_catastrophic_regex_is_an_error_naming_the_line(tmp_path, fake_server):
    srv = fake_server()
    path = tmp_path / "catastrophic.case"
    path.write_text(CATASTROPHIC)
    # The run must end by itself: ircspec() fails the test if it is still
    # running after `timeout` (the old matcher ran far past --deadline).
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "5000", "--deadline", "20",
                  path, timeout=60)
    assert run.rc == 1, run
    case = run.case("re-catastrophic")
    assert case["status"] == "error", run
    assert case["message"].startswith(f"{path}:9: expect-re: match limit exceeded on a line of "), run
    assert "backtracks without bound" in case["message"], run


NESTED_BOUNDS = """\
id: re-nested-bounds
title: A regex whose nested bounds would expand to a million copies
spec: rfc2812:3.7.2
level: MUST
clients: a

a: register
a: expect-re ^(a{{1,1000}){{1,1000}$
"""


def limit_memory():
    # 1 GiB: glibc's regcomp of the pattern above passes it within seconds.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_nested_bounds_compile_in_bounded_memory(tmp_path):
    """--check of the pattern is quick and small; glibc's regcomp ran out of
    the 1 GiB allowed here (unlimited, it passed 4 GB)."""
    path = tmp_path / "nested.case"
    path.write_text(NESTED_BOUNDS)
    r = subprocess.run([str(IRCSPEC_PLAIN), "--check", str(path)], capture_output=True,
                       text=True, timeout=60, preexec_fn=limit_memory)
    assert (r.returncode, r.stderr) == (0, ""), r
    assert r.stdout == "1 case files OK (1 selected)\n", r


def test_too_large_regex_is_refused_at_check(tmp_path):
    path = tmp_path / "large.case"
    path.write_text(NESTED_BOUNDS.replace("^(a{{1,1000}){{1,1000}$",
                                          "((a{{1,65535}){{1,65535}){{1,65535}"))
    r = subprocess.run([str(IRCSPEC_PLAIN), "--check", str(path)], capture_output=True,
                       text=True, timeout=60, preexec_fn=limit_memory)
    assert r.returncode == 2, r
    assert r.stderr.startswith(f"{path}:8: expect-re: regular expression is too large"), r
