"""scripts/requirements (make requirements): rows extracted from an RFC-like
text, forms from a syntax line, the matching rules on small cases, the hand
mapping's errors, and the committed cases/REQUIREMENTS.md being current."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "requirements"))

import cases as caselib  # noqa: E402
import requirements as req  # noqa: E402
import rfc  # noqa: E402
import syntax  # noqa: E402

# A section 3.2.1 and a 5.2 in RFC 2812's layout, with a page break inside
# the MUST sentence and a MAY sentence that is no requirement row.
RFC = """\
3. Message Details

3.2.1 Join message

      Command: JOIN
   Parameters: ( <channel> *( "," <channel> ) [ <key> *( "," <key> ) ] )
               / "0"

   The server MAY do something.  If a JOIN is successful, the list of users



Kalt                         Informational                     [Page 16]
\f
RFC 2812          Internet Relay Chat: Client Protocol        April 2000


   MUST include the user joining.

   Numeric Replies:

           ERR_NOSUCHCHANNEL               ERR_BADCHANNELKEY

5. Replies

5.2 Error Replies

       403    ERR_NOSUCHCHANNEL
              "<channel name> :No such channel"

       475    ERR_BADCHANNELKEY
              "<channel> :Cannot join channel (+k)"

         - A server SHOULD send this.
"""

JOIN_ONE = """\
id: join-one
title: t
spec: rfc2812:3.2.1
level: MUST
tags: x
clients: a

a: register
a: send JOIN {chan}
a: expect :{nick:a}!*@* JOIN {chan}
a: send join 0
a: sync
"""

JOIN_KEY = """\
id: join-key
title: t
spec: rfc2812:3.2.1
level: MUST
tags: x
clients: a b

a b: register
a: send JOIN {chan},{chan:b}
b: send MOTD
b: send JOIN {chan} wrong
b: expect 475 {nick:b} {chan} *
"""


def tree(tmp_path, mapping):
    cases = tmp_path / "cases"
    (cases / "channel").mkdir(parents=True)
    (cases / "channel" / "join-one.case").write_text(JOIN_ONE)
    (cases / "channel" / "join-key.case").write_text(JOIN_KEY)
    (cases / "requirements.txt").write_text(mapping)
    return tmp_path


def status(traced):
    return {r["id"]: (s, ids, note) for r, s, ids, note in traced}


def test_join_syntax_line_gives_one_several_keys_and_zero():
    line = '( <channel> *( "," <channel> ) [ <key> *( "," <key> ) ] ) / "0"'
    labels = [lab for lab, _ in syntax.forms("JOIN", line)]
    assert labels == ["JOIN <channel>", "JOIN <channel>,<channel>", "JOIN <channel> <key>",
                      "JOIN <channel> <key>,<key>", "JOIN 0"]


def test_optional_parameters_and_list_after_target():
    labels = [lab for lab, _ in syntax.forms("WHOIS", "[ <target> ] <mask> *( \",\" <mask> )")]
    assert labels == ["WHOIS <mask>", "WHOIS <target> <mask>", "WHOIS <mask>,<mask>"]
    labels = [lab for lab, _ in syntax.forms("ISON", "<nickname> *( SPACE <nickname> )")]
    assert labels == ["ISON <nickname>", "ISON <nickname> <nickname>..."]


def test_extraction_rows_from_rfc_text():
    rows, titles = rfc.extract(RFC)
    by_id = {r["id"]: r for r in rows}
    assert [r["id"] for r in rows if r["kind"] == "form"] == [f"3.2.1.f{k}" for k in range(1, 6)]
    assert by_id["3.2.1.n403"]["text"] == "403 ERR_NOSUCHCHANNEL"
    assert by_id["3.2.1.n475"]["command"] == "JOIN"
    assert {"5.2.n403", "5.2.n475"} <= set(by_id)
    # the sentence cut by the page break is whole; the MAY one is no row
    assert by_id["3.2.1.s1"]["text"] == ("If a JOIN is successful, the list of users "
                                         "MUST include the user joining.")
    assert by_id["3.2.1.s1"]["key"] == "MUST"
    assert [r["id"] for r in rows if r["kind"] == "sentence"] == ["3.2.1.s1", "5.2.s1"]
    assert by_id["5.2.s1"]["command"] == "475 ERR_BADCHANNELKEY"
    assert titles["3.2.1"] == "Join message"
    assert rfc.from_tsv(rfc.to_tsv(rows, titles)) == (rows, titles)


def test_row_covered_with_reason_and_with_neither(tmp_path):
    root = tree(tmp_path, "3.2.1.s1 cases: join-one\n3.2.1.n403 reason: needs two servers\n"
                          "3.2.1.f4 gap: nobody yet\n")
    _, md, _, problems, traced = req.build(root, RFC)
    st = status(traced)
    assert st["3.2.1.s1"][:2] == ("covered", ["join-one"])
    assert st["3.2.1.n403"] == ("reason", [], "needs two servers")
    assert st["3.2.1.f1"][:2] == ("covered", ["join-one"])
    assert st["3.2.1.f2"][:2] == ("covered", ["join-key"])
    assert st["3.2.1.f3"][:2] == ("covered", ["join-key"])
    assert st["3.2.1.f5"][:2] == ("covered", ["join-one"])      # `join 0`, lower case
    assert st["3.2.1.f4"] == ("gap", [], "nobody yet")
    assert st["3.2.1.n475"][:2] == ("covered", ["join-key"])
    assert st["5.2.n475"][:2] == ("covered", ["join-key"])
    # nothing covers these and the mapping does not name them: an error each
    assert sorted(p.split(":")[0] for p in problems) == ["5.2.n403", "5.2.s1"]
    assert "| 3.2.1.n403 | `403 ERR_NOSUCHCHANNEL` | *reason:* needs two servers |" in md
    assert "[join-one](channel/join-one.case)" in md
    assert "- 3.2.1.f4: JOIN <channel> <key>,<key> (nobody yet)" in md
    # --check fails on the rows with neither entry and on the gap alike
    assert sorted(f.split(":")[0] for f in req.failures(problems, traced)) == [
        "3.2.1.f4", "5.2.n403", "5.2.s1"]
    assert ("3.2.1.f4: not yet tested (nobody yet): write its case, or give the reason "
            "no single server can test it") in req.failures(problems, traced)


def test_a_form_is_counted_only_with_its_shape(tmp_path):
    # JOIN {chan},{chan:b} has no key, JOIN {chan} wrong one key, JOIN 0 is
    # no channel named "0": each counts for its own forms only
    st = status(req.build(tree(tmp_path, ""), RFC)[4])
    assert st["3.2.1.f1"][1] == ["join-one"]
    assert st["3.2.1.f2"][1] == ["join-key"]
    assert st["3.2.1.f3"][1] == ["join-key"]
    assert st["3.2.1.f4"][0] == "none"
    # a case with several keys covers f4: its gap entry is now stale
    root2 = tmp_path / "other"
    root2.mkdir()
    tree(root2, "3.2.1.f4 gap: nobody yet\n")
    (root2 / "cases" / "channel" / "join-key.case").write_text(JOIN_KEY + "b: send JOIN {chan} k1,k2\n")
    _, _, warnings, _, traced = req.build(root2, RFC)
    assert status(traced)["3.2.1.f4"][:2] == ("covered", ["join-key"])
    assert warnings == ["cases/requirements.txt:1: 3.2.1.f4 is covered by join-key: "
                        "its gap entry is stale"]


RFC1459 = """\
4.1.6 Quit

   The server must close the connection to a client which sends a QUIT
   message.  Clients should say why.  It may also do other things.
"""


def test_rfc1459_sentence_is_a_row_only_where_mapped(tmp_path):
    rows, _ = rfc.extract_1459(RFC1459)
    assert [(r["id"], r["kind"], r["key"]) for r in rows] == [
        ("1459:4.1.6.s1", "candidate", "MUST"), ("1459:4.1.6.s2", "candidate", "SHOULD")]
    root = tree(tmp_path, "1459:4.1.6.s1 cases: join-one\n3.2.1.f4 gap\n3.2.1.s1 gap\n"
                          "5.2.n403 gap\n5.2.s1 gap\n3.2.1.n403 gap\n")
    _, md, _, problems, traced = req.build(root, RFC, RFC1459)
    assert problems == []
    st = status(traced)
    assert st["1459:4.1.6.s1"][:2] == ("covered", ["join-one"])
    assert "1459:4.1.6.s2" not in st                  # says nothing more: no row
    assert "## RFC 1459 4.1.6 Quit" in md
    assert "| RFC 1459 sentences saying more (2-8) | 1 | 1 | 0 | 0 | 0 |" in md


def test_unknown_case_id_is_an_error_naming_the_line(tmp_path):
    root = tree(tmp_path, "# comment\n\n3.2.1.s1 cases: join-one jion-key\n")
    with pytest.raises(req.MappingError) as err:
        req.build(root, RFC)
    assert str(err.value) == "cases/requirements.txt:3: unknown case id 'jion-key'"


def test_unknown_row_duplicate_and_bad_lines_are_errors(tmp_path):
    root = tree(tmp_path, "3.2.1.s9 gap\n3.2.1.s1 gap\n3.2.1.s1 cases: join-one\n"
                          "3.2.1.f1 because\n3.2.1.f2 reason:\n")
    with pytest.raises(req.MappingError) as err:
        req.build(root, RFC)
    assert str(err.value).split("\n") == [
        "cases/requirements.txt:1: unknown requirement row '3.2.1.s9'",
        "cases/requirements.txt:3: 3.2.1.s1 is already mapped on line 2",
        "cases/requirements.txt:4: expected 'ROW cases: IDS', 'ROW reason: TEXT' or 'ROW gap'",
        "cases/requirements.txt:5: 3.2.1.f2: a reason needs its text",
    ]


def test_numeric_answers_the_batch_sent_since_the_last_expect(tmp_path):
    path = tmp_path / "c.case"
    path.write_text("id: c\nclients: a b\n\na b: register\na: send MOTD\na: send PING :x\n"
                    "a: expect-any 375 * || 422 *\na: expect 376 *\nb: expect 251 *\n"
                    "a: send LUSERS\na: expect-none 376 *\na: expect-re ^(:[^ ]+ )?251 \\S+\n"
                    "a: send TIME\na: expect-exact 391 * *\na: expect-none-exact 402 *\n")
    case = caselib.Case(path, tmp_path)
    assert {("MOTD", "", n) for n in ("375", "422", "376")} <= case.answered
    assert ("PING", ":x", "375") in case.answered or ("PING", "x", "375") in case.answered
    assert ("LUSERS", "", "251") in case.answered
    assert ("LUSERS", "", "376") not in case.answered       # expect-none never counts
    assert ("MOTD", "", "251") not in case.answered          # a new batch after an expect
    assert not any(n == "251" and c != "LUSERS" for c, _, n in case.answered)
    assert ("TIME", "", "391") in case.answered               # -exact verbs count too
    assert ("TIME", "", "402") not in case.answered
    assert case.expected == {"375", "422", "376", "251", "391"}


def test_committed_requirements_are_current():
    """Fails when a case was added, renamed or removed without `make
    requirements`, when a row has no case, reason or gap entry, or when a
    row is still a gap (not yet tested): every row keeps its cases or its
    reason."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts/requirements/requirements.py"),
                          "--check"], capture_output=True, text=True, cwd=ROOT)
    print(run.stdout)
    assert run.returncode == 0, run.stderr
