"""Malformed case files: each mistake gets exactly `FILE:LINE: message` on
stderr and exit 2, before any connection.  The target is a socket that
listens but never accepts: afterwards nobody may have connected to it."""

import pytest

from harness_run import ircspec, listener, was_connected

BASE = """\
id: mal-base
title: A valid case the mistakes are made in
spec: rfc2812:3.7.2
level: MUST
tags: malformed
clients: a b

a b: register
a: send PING :x
a: expect PONG * x
"""
# Lines of BASE, 1-based: 1 id, 2 title, 3 spec, 4 level, 5 tags,
# 6 clients, 7 blank, 8 register, 9 send, 10 expect.  Missing headers are
# reported at the line after the last one (11).


def replace_line(n, text):
    def edit(base):
        lines = base.splitlines(keepends=True)
        lines[n - 1] = text + "\n"
        return "".join(lines)
    return edit


def drop_line(n):
    def edit(base):
        lines = base.splitlines(keepends=True)
        del lines[n - 1]
        return "".join(lines)
    return edit


def append(text):
    return lambda base: base + text + "\n"


# name -> (edit of BASE, line, message)
MISTAKES = {
    "unknown-verb": (replace_line(9, "a: shout PING :x"), 9,
                     "unknown step 'shout' (see cases/README.md for the list)"),
    # A missing header is reported at line 1, where headers belong.
    "missing-id": (drop_line(1), 1, "missing header 'id:'"),
    "missing-title": (drop_line(2), 1, "missing header 'title:'"),
    "missing-spec": (drop_line(3), 1, "missing header 'spec:'"),
    "missing-level": (drop_line(4), 1, "missing header 'level:'"),
    "missing-clients": (lambda b: b.replace("clients: a b\n", "")
                        .replace("a b: register\na: send PING :x\na: expect PONG * x\n", ""),
                        1, "missing header 'clients:'"),
    "bad-level": (replace_line(4, "level: MUSTNT"), 4,
                  "level must be MUST, SHOULD or MAY, not 'MUSTNT'"),
    "bad-spec": (replace_line(3, "spec: rfc2812:3.7.2 rfc9999:1.2"), 3,
                 "bad spec 'rfc9999:1.2' (rfc1459:X.Y, rfc2812:X.Y or modern)"),
    "unknown-client": (replace_line(9, "c: send PING :x"), 9,
                       "no client or crowd named 'c' in clients:"),
    "unknown-placeholder": (replace_line(9, "a: send PING :{colour:a}"), 9,
                            "{colour:a}: unknown placeholder kind 'colour'"),
    "undeclared-nick": (replace_line(9, "a: send PRIVMSG {nick:x} :hi"), 9,
                        "{nick:x}: no client named 'x' in clients:"),
    "bad-regex": (replace_line(10, "a: expect-re ^:[^ ]+ PONG (x"), 10,
                  "expect-re: missing closing parenthesis, at byte 15"),
    "bad-escape": (replace_line(9, "a: raw PING :x\\xZ1\\r\\n"), 9,
                   "bad escape '\\xZ1' (needs two hex digits)"),
    "expect-any-one-alternative": (replace_line(10, "a: expect-any PONG * x"), 10,
                                   "expect-any: needs two or more patterns separated by ' || '"),
    "split-count-too-small": (replace_line(9, "a: split 1 PING :x"), 9,
                              "split: expected a number 2-512 first"),
    "split-count-not-a-number": (replace_line(9, "a: split many PING :x"), 9,
                                 "split: expected a number 2-512 first"),
    "header-after-step": (append("level: SHOULD"), 11, "header 'level' after the first step"),
    "step-without-colon": (replace_line(9, "a send PING x"), 9,
                           "expected 'key: value' or 'client: step'"),
    "verb-with-stray-argument": (replace_line(8, "a b: register now"), 8,
                                 "register takes no argument"),
}


@pytest.fixture
def target():
    lsock = listener()
    yield lsock
    assert not was_connected(lsock), "ircspec connected although a case file was bad"
    lsock.close()


def check_rejected(tmp_path, target, paths, expected):
    run = ircspec(tmp_path, "--port", target.getsockname()[1], "--timeout", "500", *paths,
                  report=False)
    assert run.rc == 2, run
    assert run.err == expected + "\n", run
    assert run.out == "", run
    # --check says the same.
    check = ircspec(tmp_path, "--check", *paths, report=False)
    assert (check.rc, check.err) == (2, expected + "\n"), check


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_malformed_case_file(tmp_path, target, name):
    edit, line, message = MISTAKES[name]
    path = tmp_path / f"{name}.case"
    path.write_text(edit(BASE))
    check_rejected(tmp_path, target, [path], f"{path}:{line}: {message}")


def test_the_base_case_is_valid(tmp_path):
    path = tmp_path / "base.case"
    path.write_text(BASE)
    run = ircspec(tmp_path, "--check", path, report=False)
    assert run.rc == 0, run
    assert run.out == "1 case files OK (1 selected)\n", run


def test_nul_byte(tmp_path, target):
    path = tmp_path / "nul.case"
    path.write_bytes(BASE.replace("PING :x\n", "PING :x\0y\n", 1).encode())
    check_rejected(tmp_path, target, [path],
                   f"{path}:9: NUL byte in the line (write it as \\0)")


def test_bad_file_among_good_ones_stops_the_run(tmp_path, target):
    """One bad file in a directory: nothing runs at all."""
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a-good.case").write_text(BASE)
    bad = tmp_path / "cases" / "b-bad.case"
    bad.write_text(BASE.replace("mal-base", "mal-bad").replace("level: MUST", "level: must"))
    check_rejected(tmp_path, target, [tmp_path / "cases"],
                   f"{bad}:4: level must be MUST, SHOULD or MAY, not 'must'")


def test_duplicate_id_across_two_files(tmp_path, target):
    first, second = tmp_path / "first.case", tmp_path / "second.case"
    first.write_text(BASE)
    second.write_text(BASE)
    check_rejected(tmp_path, target, [first, second],
                   f"{second}:1: id 'mal-base' is already used by {first}:1")


def test_duplicate_id_names_the_line(tmp_path, target):
    first, second = tmp_path / "first.case", tmp_path / "second.case"
    first.write_text(BASE)
    second.write_text(BASE)
    run = ircspec(tmp_path, "--check", first, second, report=False)
    assert run.err.startswith(f"{second}:1: "), run


@pytest.mark.parametrize("where", [2, 7])
def test_unknown_header(tmp_path, target, where):
    path = tmp_path / "unknown-header.case"
    lines = BASE.splitlines(keepends=True)
    lines.insert(where - 1, "author: somebody\n")
    path.write_text("".join(lines))
    run = ircspec(tmp_path, "--check", path, report=False)
    assert run.rc == 2, run
    assert run.err.startswith(f"{path}:{where}: unknown header 'author'"), run
