"""bin/refircd (the -O2 -g build, no sanitizers) under valgrind memcheck
over a busy scenario, then SIGTERM: it must exit 0 with no memory errors
and nothing left allocated (every leak kind counts, still-reachable too)."""

import shutil
import xml.etree.ElementTree as ET

import pytest

from irc import BIN, uniq, uniq_chan



@pytest.fixture(autouse=True)
def _tools_present():
    """Installed by scripts/ensure-tools.sh and `make all`: missing, the
    test fails instead of silently not running."""
    if shutil.which("valgrind") is None:
        pytest.fail("valgrind is not installed: scripts/ensure-tools.sh installs it")
    if not (BIN / "refircd").exists():
        pytest.fail("bin/refircd is not built: run `make all` first")


def scenario(srv, connect):
    t = 30  # valgrind is slow
    a, b, c = (connect(srv, timeout=t) for _ in range(3))
    for cl in (a, b, c):
        cl.register(uniq("vg"))
    name = uniq_chan()
    for cl in (a, b, c):
        cl.join(name)
    a.sync()
    a.send(f"PRIVMSG {name} :hello under valgrind")
    b.expect("PRIVMSG", name)
    a.send(f"TOPIC {name} :a topic")
    c.expect("TOPIC", name)
    a.send(f"MODE {name} +o {b.nick}")
    a.send(f"MODE {name} +b ban!*@* +k key +l 10 +v {c.nick}")
    # Exception and invitation masks too: the channel dies with them set
    # (chan_free must free every mask list).
    a.send(f"MODE {name} +e exc!*@* +I inv!*@*")
    a.send(f"MODE {name} -b ban!*@*")
    c.expect("MODE", name, "-b")
    b.send(f"KICK {name} {c.nick} :bye")
    c.expect("KICK", name, c.nick)
    c.send(f"NICK {uniq('vgnew')}")
    c.nick = c.expect("NICK").params[0]
    a.send("AWAY :away now")
    b.send(f"PRIVMSG {a.nick} :hi")
    b.expect(301)
    a.oper()
    b.send(f"INVITE {c.nick} {name}")
    c.expect("INVITE")
    for q in ("WHOIS " + b.nick, "WHO " + name, "LIST", "NAMES", "LUSERS", "STATS m",
              "WHOWAS " + c.nick, "USERHOST " + b.nick, "ISON " + b.nick, "TIME", "INFO"):
        a.send(q)
    a.sync()
    # Abrupt reset while in a channel, with a partial line pending.
    d = connect(srv, timeout=t)
    d.register(uniq("vg"))
    d.join(name, "key")
    d.send_raw(b"PRIVMSG #x :half a line")
    d.reset()
    a.expect("QUIT")
    # An over-long line.
    b.send("PRIVMSG x :" + "z" * 700)
    b.expect(417)
    # Unregistered clients left connected at shutdown, one with a partial line.
    e = connect(srv, timeout=t)
    e.send("NICK pending")
    e.sync()
    e.send_raw(b"USER half")  # no barrier can follow a partial line on e
    b.send("QUIT :done")
    b.expect_closed()
    a.sync()
    # a and c stay connected: SIGTERM must free them too.


def leak_report(root):
    out = []
    for err in root.iter("error"):
        kind = err.findtext("kind")
        what = err.findtext("what") or err.findtext("xwhat/text") or ""
        frames = [f"      {f.findtext('fn')} ({f.findtext('file')}:{f.findtext('line')})"
                  for f in err.iter("frame")][:12]
        out.append(f"  {kind}: {what}\n" + "\n".join(frames))
    return "\n".join(out)


def test_no_leaks_or_errors_under_valgrind(spawn_server, connect, tmp_path):
    xml_file = tmp_path / "valgrind.xml"
    wrapper = ["valgrind", "--leak-check=full", "--show-leak-kinds=all",
               "--errors-for-leak-kinds=all", "--error-exitcode=99", "--xml=yes",
               f"--xml-file={xml_file}", "--track-fds=no", "-q"]
    srv = spawn_server("refircd", wrapper=wrapper)
    scenario(srv, connect)
    rc = srv.stop()
    text = srv.output()
    assert xml_file.exists(), f"valgrind wrote no XML; output:\n{text}"
    root = ET.parse(xml_file).getroot()
    errors = list(root.iter("error"))
    assert rc != 99 and not errors, (f"exit {rc}; {len(errors)} valgrind errors:\n"
                                     f"{leak_report(root)}\noutput:\n{text}")
    assert rc == 0, f"exit status {rc} after SIGTERM; output:\n{text}"
