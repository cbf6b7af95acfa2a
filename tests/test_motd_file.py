"""How refircd reads its --motd file (motd.c): every line of the file is
one RPL_MOTD, whatever ends it (LF, CR LF, or the end of the file), empty
lines included; a line longer than one reply holds (407 bytes of text
with the longest server name and nick) is wrapped after its last space
that fits, and only then; a NUL ends a line's text; at most 1000 lines and
256 KiB are used, and refircd says so on start-up.  No client of another
server can know this file, so the case suite cannot check it: these
tests do (test_motd_long_lines.py has the UTF-8 and warning cases)."""

import os
import subprocess

from irc import BIN, uniq

WRAP = 407  # MOTD_TEXT_MAX with refircd's limits (see test_motd_long_lines.py)


def motd_of(spawn_server, connect, tmp_path, data):
    """Starts refircd with `data` (bytes) as its MOTD file; returns the
    texts of the 372 replies after "- ", and the server."""
    path = tmp_path / "motd.txt"
    path.write_bytes(data)
    srv = spawn_server(motd=False, extra=("--motd", str(path)))
    c = connect(srv)
    c.send(f"NICK {uniq('m')}")
    c.send("USER u 0 * :r")
    texts = [m.params[-1] for m in c.collect(376) if m.command == "372"]
    assert all(t.startswith("- ") for t in texts), texts
    return [t[2:] for t in texts], srv


def test_line_ends_lf_crlf_and_none(spawn_server, connect, tmp_path):
    # the last line has no line end: it is still a line, whole
    got, _ = motd_of(spawn_server, connect, tmp_path,
                     b"first line\nsecond, CR LF\r\nthird\r\nlast, no newline")
    assert got == ["first line", "second, CR LF", "third", "last, no newline"]


def test_empty_lines_are_kept(spawn_server, connect, tmp_path):
    got, _ = motd_of(spawn_server, connect, tmp_path, b"\nafter one empty\n\n\r\nend\n")
    assert got == ["", "after one empty", "", "", "end"]


def test_every_line_starts_whole(spawn_server, connect, tmp_path):
    # short lines of different lengths: none loses or gains a byte
    lines = [f"{i}:" + "abcdefghij"[: i % 10] for i in range(1, 30)]
    got, _ = motd_of(spawn_server, connect, tmp_path, ("\n".join(lines) + "\n").encode())
    assert got == lines


def test_line_at_the_wrap_width_is_not_wrapped(spawn_server, connect, tmp_path):
    exact = "a " + "b" * (WRAP - 2)  # a space inside, but the line fits
    got, srv = motd_of(spawn_server, connect, tmp_path, (exact + "\nnext\n").encode())
    assert got == [exact, "next"]
    assert "warning" not in srv.output(), srv.output()


def test_line_one_past_the_wrap_width_wraps_at_its_last_space(spawn_server, connect, tmp_path):
    # spaces at 3, 99 and 389: the cut is at the last one that fits (the
    # space itself goes), not at the width, not at the first space
    text = "abc " + "d" * 95 + " " + "e" * 289 + " " + "f" * (WRAP + 1 - 390)
    assert len(text) == WRAP + 1 and text[389] == " "
    got, srv = motd_of(spawn_server, connect, tmp_path, (text + "\nnext\n").encode())
    assert got == [text[:389], text[390:], "next"], [len(g) for g in got]
    assert "line 1 is longer than 407 bytes" in srv.output(), srv.output()


def test_start_up_warning_names_the_first_long_line_and_others(spawn_server, connect, tmp_path):
    # two long lines (2 and 4): the warning names the first and says there
    # are others; one long line is named alone (the test above)
    long = "abc " + "d" * 95 + " " + "e" * 289 + " " + "f" * (WRAP + 1 - 390)
    got, srv = motd_of(spawn_server, connect, tmp_path,
                       f"short\n{long}\nshort\n{long}\n".encode())
    assert len(got) == 6, [len(g) for g in got]
    assert "line 2 and others are longer than 407 bytes" in srv.output(), srv.output()


def test_long_line_of_short_words_wraps_between_words(spawn_server, connect, tmp_path):
    words = [("w" * (1 + i % 7)) + str(i) for i in range(200)]  # uneven lengths
    text = " ".join(words)
    got, _ = motd_of(spawn_server, connect, tmp_path, (text + "\n").encode())
    assert " ".join(got) == text, got
    assert all(len(g) <= WRAP for g in got), [len(g) for g in got]
    for g, nxt in zip(got, got[1:]):  # each piece as full as the next word allows
        assert len(g) + 1 + len(nxt.split(" ")[0]) > WRAP, (g, nxt)


def test_nul_ends_the_line_text(spawn_server, connect, tmp_path):
    got, _ = motd_of(spawn_server, connect, tmp_path, b"before\0hidden\nnext\n")
    assert got == ["before", "next"]


def test_only_the_first_1000_lines(spawn_server, connect, tmp_path):
    lines = [f"line {i}" for i in range(1005)]
    got, srv = motd_of(spawn_server, connect, tmp_path, ("\n".join(lines) + "\n").encode())
    assert got == lines[:1000], (len(got), got[-2:])
    assert "only its first 1000 lines are used" in srv.output(), srv.output()


def test_only_the_first_256_kib(spawn_server, connect, tmp_path):
    line = "x" * 299  # 300 bytes with its LF: 873 lines, then 244 bytes to 256 KiB
    n = 256 * 1024 // 300
    rest = 256 * 1024 - n * 300
    data = (line + "\n").encode() * n + b"y" * rest + b"z" * 100 + b"\n"
    got, srv = motd_of(spawn_server, connect, tmp_path, data)
    assert got == [line] * n + ["y" * rest], (len(got), got[-1][:80])
    assert "only its first 256 KiB are used" in srv.output(), srv.output()


def test_wrapped_line_keeps_its_last_byte(spawn_server, connect, tmp_path):
    # one byte left after the cut (after the space, or with no space at
    # all) is a line of its own, not dropped with the loop's end
    spaced = "a" * WRAP + " z"
    solid = "b" * (WRAP + 1)
    got, _ = motd_of(spawn_server, connect, tmp_path, f"{spaced}\n{solid}\nnext\n".encode())
    assert got == ["a" * WRAP, "z", "b" * WRAP, "b", "next"], [g[:12] for g in got]


def test_exactly_256_kib_is_used_whole_without_warning(spawn_server, connect, tmp_path):
    line = "x" * 299
    n = 256 * 1024 // 300
    last = "y" * (256 * 1024 - n * 300 - 1)  # with its LF the file is 256 KiB exactly
    data = (line + "\n").encode() * n + (last + "\n").encode()
    assert len(data) == 256 * 1024
    got, srv = motd_of(spawn_server, connect, tmp_path, data)
    assert got == [line] * n + [last], (len(got), got[-1][:80])
    assert "warning" not in srv.output(), srv.output()


def test_motd_that_cannot_be_read_is_refused(tmp_path):
    # a directory opens but every read fails: refircd must refuse to start,
    # as it does for a file it cannot open (test_lifecycle.py), rather
    # than serve an empty MOTD
    binary = os.environ.get("REFIRCD_SPAWN_BINARY") or str(BIN / "refircd-asan")
    proc = subprocess.run([binary, "-p", "0", "--motd", str(tmp_path)], capture_output=True,
                          timeout=30, stdin=subprocess.DEVNULL)
    out = (proc.stdout + proc.stderr).decode(errors="replace")
    assert proc.returncode != 0, out
    assert "cannot read MOTD file" in out, out
