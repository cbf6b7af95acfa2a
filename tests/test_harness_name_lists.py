"""{nicks:KEY=EXPR} and {chans:KEY=EXPR}: EXPR distinct names, comma-
separated, for target lists exactly at a server's announced limit
(TARGMAX, MAXTARGETS) and one past it.

Each nick is valid under RFC 2812 2.3.1 and 9 characters long, each
channel 10 bytes; a KEY gives the same names all through a case (the
list of EXPR+1 starts with the list of EXPR), another KEY other names, and
none is a nick of the case's clients.  A list that cannot fit in one IRC
line (512 bytes with CR LF) is refused at its line, or, when the server's
005 made it that long, the case is skipped; --check passes a list counted
from a 005 token, whatever the server will announce."""

import re

from harness_run import check_rejected, fake_server, ircspec, target  # noqa: F401
from test_harness_expressions import case_file, recorded_lines, run_case

# RFC 2812 2.3.1: nickname = ( letter / special ) *8( letter / digit / special / "-" )
NICK = re.compile(r"[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]{0,8}")


def ison_lists(rec):
    return [ln[5:].split(",") for ln in recorded_lines(rec) if ln.startswith("ISON ")]


def test_nick_lists_at_and_past_the_announced_limit(tmp_path, fake_server):
    rec = tmp_path / "received"
    srv = fake_server(isupport="TARGMAX=PRIVMSG:4", record=rec)
    run, case = run_case(tmp_path, srv, """\
a: send ISON {nicks:t=isupport:TARGMAX:PRIVMSG}
a: expect 303 {nick:a} *
a: send ISON {nicks:t=isupport:TARGMAX:PRIVMSG+1}
a: expect 303 {nick:a} *
a: send ISON {nicks:u=2}
a: expect 303 {nick:a} *
""")
    assert case["status"] == "pass", run
    at, past, other = ison_lists(rec)
    assert (len(at), len(past), len(other)) == (4, 5, 2), (at, past, other)
    assert past[:4] == at, (at, past)
    names = past + other
    assert len(set(n.lower() for n in names)) == 7, names
    assert all(NICK.fullmatch(n) and len(n) == 9 for n in names), names
    clients = [ln[5:] for ln in recorded_lines(rec) if ln.startswith("NICK ")]
    assert not set(clients) & set(names), (clients, names)


def test_channel_lists(tmp_path, fake_server):
    rec = tmp_path / "received"
    srv = fake_server(record=rec)
    run, case = run_case(tmp_path, srv, """\
a: send JOIN {chans:j=3}
a: expect :{nick:a}!*@* JOIN *
a: send JOIN {chans:k=2},{chan}
a: expect :{nick:a}!*@* JOIN {chan}
""")
    assert case["status"] == "pass", run
    joins = [ln[5:].split(",") for ln in recorded_lines(rec) if ln.startswith("JOIN ")]
    j, k = joins[0], joins[1][:2]
    assert len(j) == 3 and len(k) == 2, joins
    assert all(c[0] == "#" and len(c) == 10 for c in j + k), joins
    assert len(set(j + k + [joins[1][2]])) == 6, joins


def test_a_literal_list_too_long_for_a_line_is_refused(tmp_path, target):
    path = case_file(tmp_path, "a: send ISON {nicks:t=52}\n")
    check_rejected(tmp_path, target, [path],
                   f"{path}:8: {{nicks:t=52}}: '52' is 52: 52 nicks take 519 bytes, more than an "
                   "IRC line holds (510 before CR LF, RFC 2812 2.3): at most 51")


def test_a_line_a_list_makes_too_long_is_refused(tmp_path, target):
    """51 nicks fit alone (509 bytes), not after `ISON `."""
    path = case_file(tmp_path, "a: send ISON {nicks:t=51}\n")
    check_rejected(tmp_path, target, [path],
                   f"{path}:8: with its {{nicks:}}/{{chans:}} list the line is 514 bytes, more "
                   "than an IRC line holds (510 before CR LF, RFC 2812 2.3)")
    fits = case_file(tmp_path, "a: send ISON {nicks:t=50}\n", "fits")
    assert ircspec(tmp_path, "--check", fits, report=False).rc == 0


def test_a_server_limit_too_long_for_a_line_skips(tmp_path, fake_server):
    srv = fake_server(isupport="TARGMAX=PRIVMSG:60")
    steps = "a: send ISON {nicks:t=isupport:TARGMAX:PRIVMSG}\na: expect 303 {nick:a} *\n"
    # --check cannot know the server's value: the list it measures is the
    # longest a run sends, so the case passes --check.
    check = ircspec(tmp_path, "--check", case_file(tmp_path, steps), report=False)
    assert check.rc == 0, check
    run, case = run_case(tmp_path, srv, steps)
    assert case["status"] == "skip", run
    assert case["message"] == (
        "line 8: {nicks:t=isupport:TARGMAX:PRIVMSG}: 'isupport:TARGMAX:PRIVMSG' is 60: "
        "60 nicks take 599 bytes, more than an IRC line holds (510 before CR LF, "
        "RFC 2812 2.3): at most 51"), run
