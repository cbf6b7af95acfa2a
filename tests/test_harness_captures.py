"""Captures: a named group of an expect-re, (?<n>\\d+), stores what it
matched as case variable n; {var:n} expands to it and var:n is a term of
expressions ({num:var:n+1}).

The fake server echoes a private message to its sender: the case reads a
number the server sent and must send back exactly that number plus one.
A variable no earlier expect-re captures is `FILE:LINE` and exit 2 from
--check; one that holds no number when an expression needs it ends the
case as an `error` naming the step, never a crash."""

import pytest

from harness_run import fake_server, ircspec  # noqa: F401

HEAD = """\
id: {id}
title: captures
spec: rfc2812:3.3.1
level: MUST
clients: a

a: register
a: send PRIVMSG {{nick:a}} :count 41 of [Word]
"""  # line 8


def write_case(tmp_path, steps, case_id="cap"):
    path = tmp_path / f"{case_id}.case"
    path.write_text(HEAD.format(id=case_id) + steps)
    return path


def run_case(tmp_path, fake_server, steps, bug="none"):
    srv = fake_server(bug)
    path = write_case(tmp_path, steps)
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", path)
    return run, run.case("cap")


def test_a_captured_number_comes_back_plus_one(tmp_path, fake_server):
    run, case = run_case(tmp_path, fake_server, """\
a: expect-re PRIVMSG \\S+ :count (?<n>\\d+) of (?<w>\\S+)$
a: send PRIVMSG {nick:a} :{num:var:n+1} {var:w} {repeat:var:n-39:x}
a: expect-next-exact PRIVMSG * :42 [Word] xx
""")
    assert case["status"] == "pass", run


def test_the_captured_value_is_used_not_a_guess(tmp_path, fake_server):
    """Had n not been 41 (the line says 41), 43 would pass: it must fail."""
    run, case = run_case(tmp_path, fake_server, """\
a: expect-re PRIVMSG \\S+ :count (?<n>\\d+)
a: send PRIVMSG {nick:a} :{num:var:n+2}
a: expect-next PRIVMSG * :42
""")
    assert case["status"] == "fail", run


def test_a_value_is_quoted_in_a_regex(tmp_path, fake_server):
    """{var:w} is '[Word]': as a regex it would be a bracket expression
    matching one letter; quoted it matches only itself."""
    run, case = run_case(tmp_path, fake_server, """\
a: expect-re PRIVMSG \\S+ :count \\d+ of (?<w>\\S+)$
a: send PRIVMSG {nick:a} :W
a: expect-re PRIVMSG \\S+ :{var:w}$
""")
    assert case["status"] == "fail", run


def test_a_word_where_a_number_is_needed_is_an_error_naming_the_step(tmp_path, fake_server):
    run, case = run_case(tmp_path, fake_server, """\
a: expect-re PRIVMSG \\S+ :(?<w>\\S+) 41
a: send PRIVMSG {nick:a} :{num:var:w+1}
""")
    assert case["status"] == "error", run
    assert case["message"] == ("line 10: {num:var:w+1}: var:w is 'count', not a number "
                               "(at most 1000000000)"), run


def test_a_group_that_took_no_part_is_an_error_at_its_use(tmp_path, fake_server):
    run, case = run_case(tmp_path, fake_server, """\
a: expect-re PRIVMSG \\S+ :count (?<n>\\d+)(?<none>zzz)?
a: send PRIVMSG {nick:a} :{var:none}
""")
    assert case["status"] == "error", run
    assert case["message"].startswith("line 10: {var:none}: var:none has no value"), run


def test_a_captured_count_past_the_term_limit_is_an_error(tmp_path, fake_server):
    srv = fake_server()
    path = write_case(tmp_path, """\
a: send PRIVMSG {nick:a} :count 5000
a: expect-re PRIVMSG \\S+ :count (?<n>\\d+)$
a: send PRIVMSG {nick:a} :{repeat:var:n:x}
""")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", path)
    case = run.case("cap")
    assert case["status"] == "error", run
    assert "var:n is 5000, more than the 4096 a count's term may be" in case["message"], run


CHECK_ERRORS = {
    "used-before-captured": ("a: send PRIVMSG {nick:a} :{var:n}\n"
                             "a: expect-re count (?<n>\\d+)\n", 9,
                             "{var:n}: no expect-re before this line captures var:n"),
    "in-an-expression": ("a: send PRIVMSG {nick:a} :{num:var:n+1}\n", 9,
                         "{num:var:n+1}: no expect-re before this line captures var:n"),
    "its-own-line": ("a: expect-re count (?<n>\\d+) {var:n}\n", 9,
                     "{var:n}: no expect-re before this line captures var:n"),
    "another-name": ("a: expect-re count (?<n>\\d+)\na: send X {var:m}\n", 10,
                     "{var:m}: no expect-re before this line captures var:m"),
    "too-many": ("a: expect-re " + "".join(f"(?<v{i}>x)?" for i in range(33)) + "\n", 9,
                 "expect-re: more than 32 variables in one case"),
}


@pytest.mark.parametrize("name", sorted(CHECK_ERRORS))
def test_check_refuses_a_variable_nothing_captured(tmp_path, name):
    steps, line, msg = CHECK_ERRORS[name]
    path = write_case(tmp_path, steps)
    run = ircspec(tmp_path, "--check", path, report=False)
    assert (run.rc, run.err) == (2, f"{path}:{line}: {msg}\n"), run


def test_check_accepts_a_variable_after_its_capture(tmp_path):
    path = write_case(tmp_path, "a: expect-re count (?<n>\\d+)\n"
                                "a: send X {var:n} {num:var:n-1} {repeat:var:n:y}\n")
    run = ircspec(tmp_path, "--check", path, report=False)
    assert run.rc == 0, run
