"""MOTD lines longer than one RPL_MOTD can carry (RFC 2812 5.1 ":- <text>"
in a 512-byte line: 407 bytes of text with the longest server name and
nick) are wrapped at a word boundary - a word longer than that between
UTF-8 characters - and refircd says so on startup, naming the file and
the line.  Nothing is lost and no line is split silently."""

from irc import uniq

SHORT = "Welcome."
WORDS = " ".join(f"word{i:03d}" for i in range(80))  # 639 bytes of 8-byte words
NOSPACE = "x" * 450
ACCENTS = "é" * 300  # 600 bytes, 2 per character, no space


def motd_texts(client):
    got = client.collect(376)
    return [m.params[-1] for m in got if m.command == "372"]


def test_long_motd_lines_wrap_and_warn(spawn_server, connect, tmp_path):
    path = tmp_path / "long-motd.txt"
    path.write_text("\n".join([SHORT, WORDS, NOSPACE, ACCENTS]) + "\n", encoding="utf-8")
    srv = spawn_server(motd=False, extra=("--motd", str(path)))
    out = srv.output()
    assert f"warning: MOTD file {path} line 2 and others are longer than 407 bytes" in out, out

    c = connect(srv)
    nick = uniq("m") + "x" * 20  # a 30-byte nick: the longest reply lines
    c.send(f"NICK {nick[:30]}")
    c.send("USER u 0 * :r")  # Client checks each line is at most 512 bytes
    texts = motd_texts(c)
    assert all(t.startswith("- ") for t in texts), texts
    pieces = [t[2:] for t in texts]
    assert all(len(p.encode()) <= 407 for p in pieces), [len(p.encode()) for p in pieces]
    assert pieces[0] == SHORT
    # WORDS: wrapped at spaces, so each piece ends and starts with whole words.
    i = 1
    words = []
    while len(" ".join(words)) < len(WORDS):
        assert pieces[i].startswith("word") and pieces[i].split(" ")[-1].startswith("word")
        words += pieces[i].split(" ")
        i += 1
    assert " ".join(words) == WORDS and i == 3, pieces[1:i]
    assert pieces[i] + pieces[i + 1] == NOSPACE, pieces[i:i + 2]
    assert "\ufffd" not in pieces[i + 2] + pieces[i + 3]  # no character cut in two
    assert pieces[i + 2] + pieces[i + 3] == ACCENTS
    assert len(pieces) == i + 4, pieces

    c.send("MOTD")  # the command gives the same lines as the welcome
    assert [t[2:] for t in motd_texts(c)] == pieces


def test_motd_that_fits_gives_no_warning(spawn_server, connect):
    srv = spawn_server()
    assert "warning" not in srv.output(), srv.output()
