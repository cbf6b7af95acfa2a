"""Number expressions in case text: {num:EXPR}, {repeat:EXPR:TEXT},
{nick:a=EXPR}, {chan:x=EXPR}, with isupport:TOKEN[:KEY][?D] terms read from
the server's 005.

A fake server announcing NICKLEN=12 must receive a 12-character nick, one
announcing 20 a 20-character one (the limit is read, not assumed); a
server that does not announce a token an expression needs makes the case
`skip` naming it; every malformed expression is `FILE:LINE: ...` and exit 2
from --check and from a run alike, before any connection."""

import re

import pytest

from harness_run import check_rejected, fake_server, ircspec, target  # noqa: F401

HEAD = """\
id: {id}
title: an expression case
spec: rfc2812:3.1.2
level: MUST
clients: a b

a b: register
"""


def case_file(tmp_path, steps, case_id="ex"):
    path = tmp_path / f"{case_id}.case"
    path.write_text(HEAD.format(id=case_id) + steps)
    return path


def run_case(tmp_path, srv, steps, case_id="ex"):
    path = case_file(tmp_path, steps, case_id)
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "3000", path)
    return run, run.case(case_id)


def recorded_lines(path):
    return path.read_bytes().decode("utf-8", "replace").split("\r\n")


NICK_TO_LIMIT = """\
a: send NICK {nick:a=isupport:NICKLEN}
a: expect NICK {nick:a=isupport:NICKLEN}
b: send PRIVMSG {nick:a=isupport:NICKLEN} :hi {num:isupport:NICKLEN+1}
a: expect PRIVMSG {nick:a=isupport:NICKLEN} :hi {num:isupport:NICKLEN+1}
"""


@pytest.mark.parametrize("nicklen", [12, 20])
def test_nick_as_long_as_the_announced_nicklen(tmp_path, fake_server, nicklen):
    rec = tmp_path / "received"
    srv = fake_server(isupport=f"CASEMAPPING=rfc1459 NICKLEN={nicklen}", record=rec)
    run, case = run_case(tmp_path, srv, NICK_TO_LIMIT)
    assert case["status"] == "pass", run
    nicks = [ln[5:] for ln in recorded_lines(rec) if ln.startswith("NICK ")]
    # The registration's own nicks are at most 9; the renamed one is exact.
    assert max(len(n) for n in nicks) == nicklen, nicks
    long_nick = next(n for n in nicks if len(n) == nicklen)
    assert re.fullmatch(r"a[a-z0-9]{%d}" % (nicklen - 1), long_nick), long_nick
    assert f"PRIVMSG {long_nick} :hi {nicklen + 1}" in recorded_lines(rec)


def test_missing_token_skips_the_case_naming_it(tmp_path, fake_server):
    srv = fake_server(isupport="CASEMAPPING=rfc1459")
    run, case = run_case(tmp_path, srv, NICK_TO_LIMIT)
    assert case["status"] == "skip", run
    assert case["message"] == ("line 8: {nick:a=isupport:NICKLEN}: the server does not "
                               "announce NICKLEN in 005"), run
    assert run.rc == 0, run


def test_a_default_stands_in_for_a_missing_token(tmp_path, fake_server):
    rec = tmp_path / "received"
    srv = fake_server(isupport="CASEMAPPING=rfc1459", record=rec)
    run, case = run_case(tmp_path, srv, "a: send NICK {nick:a=isupport:NICKLEN?9}\n"
                                        "a: expect NICK {nick:a=isupport:NICKLEN?9}\n")
    assert case["status"] == "pass", run
    assert any(re.fullmatch(r"NICK a\w{8}", ln) for ln in recorded_lines(rec))


@pytest.mark.parametrize("value", ["abc", "", "5000"])
def test_a_value_no_count_can_take_skips(tmp_path, fake_server, value):
    """Not a number, no value, or past NUM_COUNT_TERM_MAX (4096), the
    stand-in --check measured with: the case does not apply."""
    srv = fake_server(isupport=f"NICKLEN={value}" if value else "NICKLEN")
    run, case = run_case(tmp_path, srv, NICK_TO_LIMIT)
    assert case["status"] == "skip", run
    assert "NICKLEN" in case["message"], run


def test_a_large_value_is_fine_as_a_plain_number(tmp_path, fake_server):
    srv = fake_server(isupport="TOPICLEN=5000")
    run, case = run_case(tmp_path, srv, "a: send PRIVMSG {nick:b} :{num:isupport:TOPICLEN-1}\n"
                                        "b: expect PRIVMSG {nick:b} :4999\n")
    assert case["status"] == "pass", run


KEYED = """\
a: send PRIVMSG {nick:b} :{num:isupport:TARGMAX:PRIVMSG} {num:isupport:TARGMAX:join?77} \
{num:isupport:CHANLIMIT:#} {num:isupport:CHANLIMIT:&} {num:isupport:MAXLIST:I} \
{num:isupport:MAXLIST:b} {isupport:TARGMAX:NOTICE} {repeat:isupport:TARGMAX:PRIVMSG:y}
b: expect-next PRIVMSG {nick:b} :4 77 20 20 60 50 3 yyyy
"""


def test_list_valued_tokens(tmp_path, fake_server):
    """TARGMAX=PRIVMSG:4,NOTICE:3,JOIN: (JOIN: no limit, so the default),
    CHANLIMIT=#&:20 (a one-character key finds its group), MAXLIST=b:50,eI:60."""
    srv = fake_server(isupport="TARGMAX=PRIVMSG:4,NOTICE:3,JOIN: CHANLIMIT=#&:20 "
                               "MAXLIST=b:50,eI:60")
    run, case = run_case(tmp_path, srv, KEYED)
    assert case["status"] == "pass", run


def test_a_key_the_list_lacks_skips(tmp_path, fake_server):
    srv = fake_server(isupport="TARGMAX=NOTICE:3")
    run, case = run_case(tmp_path, srv, KEYED)
    assert case["status"] == "skip", run
    assert "does not announce TARGMAX:PRIVMSG in 005" in case["message"], run


def test_repeat_and_sized_channel(tmp_path, fake_server):
    rec = tmp_path / "received"
    srv = fake_server(isupport="TOPICLEN=7", record=rec)
    run, case = run_case(tmp_path, srv, """\
a: send JOIN {chan:x=isupport:TOPICLEN+23},{chan:y=30},{chan:x}
a: expect JOIN {chan:x=30}
a: send PRIVMSG {nick:b} :{repeat:isupport:TOPICLEN:ab}|{repeat:isupport:TOPICLEN-3:a:b}|{repeat:0:z}
b: expect-next PRIVMSG {nick:b} :ababababababab|a:ba:ba:ba:b|
""")
    assert case["status"] == "pass", run
    join = next(ln for ln in recorded_lines(rec) if ln.startswith("JOIN "))
    x30, y30, x = join[5:].split(",")
    assert len(x30) == len(y30) == 30 and x30 != y30, join
    assert x30.startswith(x) and x30[0] == "#", join


def test_numbers_in_a_regex(tmp_path, fake_server):
    """{num:} in expect-re is quoted like every value ('-' of a negative)."""
    srv = fake_server(isupport="NICKLEN=12")
    run, case = run_case(tmp_path, srv, """\
a: send PRIVMSG {nick:b} :n={num:isupport:NICKLEN-20} x{repeat:isupport:NICKLEN:y}
b: expect-re PRIVMSG \\S+ :n={num:isupport:NICKLEN-20} xy{{{num:isupport:NICKLEN}}$
""")
    assert case["status"] == "pass", run


# ---- what --check refuses, at the line, before any connection ----

BAD = {
    "{num:}": "bad expression: expected a number, isupport:TOKEN or var:NAME at ''",
    "{num:isupport:}": "bad expression: expected an ISUPPORT token (letters, digits) at ''",
    "{num:isupport:NICK_LEN}": "bad expression: expected +N or -N at '_LEN'",
    "{num:isupport:NICKLEN?}": "bad expression: expected a decimal number at ''",
    "{num:isupport:TARGMAX:}": "bad expression: expected a KEY after TOKEN: at ''",
    "{num:1+}": "bad expression: expected a decimal number at ''",
    "{num:1 + 2}": "bad expression: expected +N or -N at ' + 2'",
    "{num:1*2}": "bad expression: expected +N or -N at '*2'",
    "{num:12345678901}": "bad expression: number larger than 1000000000 at '12345678901'",
    "{num:1000000000+1}": "'1000000000+1' is 1000000001, beyond +-1000000000",
    "{num:var:9x}": "bad expression: a variable name starts with a letter or '_' at '9x'",
    "{repeat:-1:x}": "'-1' is -1: a count or length must be 0-100000",
    "{repeat:100001:x}": "'100001' is 100001: a count or length must be 0-100000",
    "{repeat:x}": "want {repeat:EXPR:TEXT}: no ':' before TEXT",
    "{repeat:two:x}": "want {repeat:EXPR:TEXT}: expected a number, isupport:TOKEN or "
                      "var:NAME at 'two'",
    # With the term at its largest (4096) the count is still negative.
    "{repeat:isupport:TOPICLEN-5000:x}": "'isupport:TOPICLEN-5000' is -904 (TOPICLEN = "
                                         "4096): a count or length must be 0-100000",
    "{nick:a=0}": "'0' is 0: a count or length must be 1-100000",
    "{nick:zz=5}": "no client named 'zz' in clients:",
    "{chan:x=0}": "'0' is 0: a count or length must be 1-100000",
}


@pytest.mark.parametrize("text", sorted(BAD))
def test_bad_expression(tmp_path, target, text):
    path = case_file(tmp_path, f"a: send PRIVMSG {{nick:b}} :{text}\n")
    check_rejected(tmp_path, target, [path], f"{path}:8: {text}: {BAD[text]}")


def test_check_measures_with_the_largest_term(tmp_path, target):
    """16 x {repeat:isupport:TOPICLEN:x} is 65,536 bytes when TOPICLEN is
    4096, the largest a run accepts: past a line's 65,533, so refused now,
    not in the run against that server."""
    path = case_file(tmp_path, "a: send " + "{repeat:isupport:TOPICLEN:x}" * 16 + "\n")
    check = ircspec(tmp_path, "--check", path, report=False)
    assert (check.rc, check.err) == (2, f"{path}:8: expanded text longer than 65533 bytes\n"), \
        check
    fits = case_file(tmp_path, "a: send " + "{repeat:isupport:TOPICLEN:x}" * 15 + "\n", "ok")
    assert ircspec(tmp_path, "--check", fits, report=False).rc == 0


def test_check_gives_num_its_widest_value(tmp_path, target):
    """A captured or announced number can have 11 characters in a run;
    --check must not pass a line that fits only with 4 ('4096')."""
    filler = 65533 - len("PRIVMSG b :") - 10  # 10 digits fit, 11 do not
    path = case_file(tmp_path, f"a: send PRIVMSG b :{{num:isupport:X}}{{repeat:{filler}:x}}\n")
    check = ircspec(tmp_path, "--check", path, report=False)
    assert check.rc == 2 and "expanded text longer than 65533 bytes" in check.err, check


# ---- the repeat step's count ----

def test_repeat_step_takes_an_expression(tmp_path, fake_server):
    """MAXLIST b:100 -> `repeat isupport:MAXLIST:b-1 MODE ...`: the count
    is the server's; here NICKLEN=12 makes it 2 (n0, n1, never n2)."""
    srv = fake_server(isupport="NICKLEN=12")
    run, case = run_case(tmp_path, srv, """\
a: repeat isupport:NICKLEN-10 PRIVMSG {nick:b} :n{i}
b: expect-next PRIVMSG {nick:b} :n0
b: expect-next PRIVMSG {nick:b} :n1
b: expect-none PRIVMSG {nick:b} :n2
""")
    assert case["status"] == "pass", run


def test_repeat_step_skips_without_its_token(tmp_path, fake_server):
    srv = fake_server(isupport="CASEMAPPING=rfc1459")
    run, case = run_case(tmp_path, srv, "a: repeat isupport:NICKLEN PRIVMSG {nick:b} :n{i}\n")
    assert case["status"] == "skip", run
    assert case["message"] == ("line 8: repeat isupport:NICKLEN: the server does not "
                               "announce NICKLEN in 005"), run


@pytest.mark.parametrize("count, message", [
    ("isupport:X-5000", "repeat: 'isupport:X-5000' is -904 (X = 4096): a count or length "
                        "must be 1-100000"),
    ("isupport:", "repeat: bad expression: expected an ISUPPORT token (letters, digits) at ''"),
    ("var:n", "repeat: no expect-re before this line captures var:n"),
])
def test_repeat_step_bad_count(tmp_path, target, count, message):
    path = case_file(tmp_path, f"a: repeat {count} PING :x\n")
    check = ircspec(tmp_path, "--check", path, report=False)
    assert (check.rc, check.err) == (2, f"{path}:8: {message}\n"), check
