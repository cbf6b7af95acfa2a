"""expect-exact, expect-next-exact and expect-none-exact: every field of
the pattern compared byte for byte, case-sensitively; globs still work.

Plain patterns compare under rfc1459 case mapping, so a server that
changes the case of a message's text (fakeserver's upcase-text) passes
them: the exact verbs must catch it, and must still pass on a server that
delivers the text as sent."""

import pytest

from harness_run import fake_server, ircspec  # noqa: F401

HEAD = """\
id: {id}
title: message text arrives byte for byte
spec: rfc2812:3.3.1
level: MUST
clients: a b

a b: register
a: send PRIVMSG {{nick:b}} :Hello [World] ~x
"""

CASES = {
    # id: (the check after the send, passes on a good server, on upcase-text)
    "plain": ("b: expect PRIVMSG {nick:b} :hello {{world} ^X", True, True),
    "exact": ("b: expect-exact PRIVMSG {nick:b} :Hello [World] ~x", True, False),
    "exact-glob": ("b: expect-exact :* PRIVMSG * :Hel*] ?x", True, False),
    "exact-next": ("b: expect-next-exact :{nick:a}!* PRIVMSG {nick:b} :Hello *", True, False),
    # The command is a field too.
    "exact-command": ("b: expect-exact privmsg {nick:b} :Hello [World] ~x", False, False),
    # Forbids the exact text only: a case-changed copy is not it.
    "none-exact": ("b: expect-none-exact PRIVMSG * :Hello *", False, True),
    "none-exact-other-case": ("b: expect PRIVMSG * *\nb: send PRIVMSG {nick:b} :HELLO\n"
                              "b: expect-none-exact PRIVMSG * :hello", True, True),
    "none-plain-other-case": ("b: expect PRIVMSG * *\nb: send PRIVMSG {nick:b} :HELLO\n"
                              "b: expect-none PRIVMSG * :hello", False, False),
}


def write_cases(tmp_path):
    d = tmp_path / "cases"
    d.mkdir()
    for case_id, (steps, _, _) in CASES.items():
        (d / f"{case_id}.case").write_text(HEAD.format(id=case_id) + steps + "\n")
    return d


@pytest.mark.parametrize("bug", ["none", "upcase-text"])
def test_exact_verbs_see_the_case_of_the_text(tmp_path, fake_server, bug):
    srv = fake_server(bug)
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", write_cases(tmp_path))
    want = {cid: "pass" if (good if bug == "none" else upcased) else "fail"
            for cid, (_, good, upcased) in CASES.items()}
    assert run.status() == want, run


def test_a_failing_exact_step_names_its_verb(tmp_path, fake_server):
    srv = fake_server("upcase-text")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "500",
                  write_cases(tmp_path) / "exact.case")
    msg = run.case("exact")["message"]
    assert msg.startswith("line 9: expect-exact PRIVMSG {nick:b} :Hello [World] ~x\n"), msg


def test_check_accepts_the_exact_verbs_and_checks_their_patterns(tmp_path):
    ok = ircspec(tmp_path, "--check", write_cases(tmp_path), report=False)
    assert ok.rc == 0, ok
    bad = tmp_path / "bad.case"
    bad.write_text(HEAD.format(id="bad") + "b: expect-next-exact\n")
    run = ircspec(tmp_path, "--check", bad, report=False)
    assert (run.rc, run.err) == (2, f"{bad}:9: expected a message pattern\n"), run
