"""Malformed case files: each mistake gets exactly `FILE:LINE: message` on
stderr and exit 2, before any connection, from a run and from --check
alike (--check finds all a run would refuse).  The target is a socket that
listens but never accepts: afterwards nobody may have connected to it.
A path that is no case file at all (a FIFO, /dev/zero, a huge file) is
refused at once with `FILE: ...`."""

import os
import resource
import subprocess

import pytest

from harness_run import IRCSPEC_PLAIN, check_rejected, fake_server, ircspec, target  # noqa: F401

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
    # What the run would refuse is refused at load: each step's text is
    # expanded as the runner does, with stand-ins as long as real values.
    "chunks-unknown-placeholder": (replace_line(9, 'a: chunks "PING :{colour:a}" "\\r\\n"'), 9,
                                   "{colour:a}: unknown placeholder kind 'colour'"),
    "chunks-bad-escape": (replace_line(9, 'a: chunks "PING :x\\x4" "\\r\\n"'), 9,
                          "bad escape '\\x4' (needs two hex digits)"),
    "channel-key-too-long": (replace_line(9, "a: send JOIN {chan:abcdefghijklmnop}"), 9,
                             "{chan:abcdefghijklmnop}: channel key longer than 15 characters"),
    "seventeen-channels": (replace_line(9, "a: send JOIN {chan}," +
                                        ",".join(f"{{chan:k{i}}}" for i in range(1, 17))), 9,
                           "{chan:k16}: more than 16 channels ({chan}, {chan:KEY}) in one case"),
    "nick-of-a-client-never-connected": (
        lambda b: replace_line(9, "a: send PRIVMSG {nick:c} :hi")(
            replace_line(6, "clients: a b c")(b)), 9,
        "{nick:c}: client 'c' has no connect or register step before this line, "
        "so it has no nick yet"),
    "user-before-connect": (replace_line(8, "a: send USER {user:b} 0 * :b"), 8,
                            "{user:b}: client 'b' has no connect or register step before "
                            "this line, so it has no user yet"),
    "host-before-connect": (replace_line(8, "a: send PRIVMSG x :{host:b}"), 8,
                            "{host:b}: client 'b' has no connect or register step before "
                            "this line, so it has no address yet"),
    "host-of-no-client": (replace_line(9, "a: send PRIVMSG x :{host:x}"), 9,
                          "{host:x}: no client named 'x' in clients:"),
    "password-unknown-key": (replace_line(9, "a: send PASS {password:upper}"), 9,
                             "{password:upper}: the only key it takes is swapcase "
                             "({password:swapcase})"),
    # 8 + 15 (the longest nick) + 2 + 65,520 bytes: past the 65,533 a line
    # to send may have before its CR LF.  (With a 3-byte stand-in nick it
    # used to pass --check, and a 9-byte real one overflowed in the run.)
    "line-too-long-with-a-real-nick": (
        replace_line(9, "a: send PRIVMSG {nick:a} :{repeat:65520:x}"), 9,
        "expanded text longer than 65533 bytes"),
}


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


# ---- files that are not case files at all ----
# Each must end at once with "FILE: ..." and exit 2.  Run with a memory
# cap and a subprocess timeout, so that a build that reads /dev/zero
# without bound or waits on a FIFO fails the test instead of hanging it.

def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def check_bounded(*args):
    return subprocess.run([str(IRCSPEC_PLAIN), *map(str, args)], capture_output=True,
                          text=True, timeout=30, preexec_fn=limit_memory)


@pytest.mark.parametrize("check", [True, False])
def test_fifo_is_refused_without_waiting(tmp_path, target, check):
    fifo = tmp_path / "fifo.case"
    os.mkfifo(fifo)  # nobody ever writes to it
    args = ["--check"] if check else ["--port", target.getsockname()[1]]
    r = check_bounded(*args, fifo)
    assert (r.returncode, r.stderr) == (2, f"{fifo}: not a regular file (a FIFO)\n"), r


def test_fifo_among_case_files_is_refused(tmp_path, target):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "a-good.case").write_text(BASE)
    fifo = tmp_path / "cases" / "b-fifo.case"
    os.mkfifo(fifo)
    r = check_bounded("--check", tmp_path / "cases")
    assert (r.returncode, r.stderr) == (2, f"{fifo}: not a regular file (a FIFO)\n"), r


def test_dev_zero_is_refused_without_reading(tmp_path, target):
    r = check_bounded("--check", "/dev/zero")
    assert (r.returncode, r.stderr) == (
        2, "/dev/zero: not a regular file (a character device)\n"), r


def test_file_over_one_mebibyte_is_refused(tmp_path, target):
    path = tmp_path / "big.case"
    path.write_text(BASE + "# padding\n" * 110_000)  # 1.1 MB of comments
    r = check_bounded("--check", path)
    assert (r.returncode, r.stderr) == (2, f"{path}: larger than 1048576 bytes\n"), r


def test_oper_placeholder_without_oper_credentials_is_skipped(tmp_path, fake_server):
    """{oper:name} needs --oper as the `oper` step does: without it the case
    is skipped, not run with "(null)" in its place."""
    srv = fake_server()
    path = tmp_path / "oper-placeholder.case"
    path.write_text(BASE.replace("a: send PING :x", "a: send PING :{oper:name}"))
    run = ircspec(tmp_path, "--port", srv.port, path)
    case = run.case("mal-base")
    assert case["status"] == "skip", run
    assert "--oper" in case["message"], run
