"""refircd's command line and shutdown: bad arguments are refused with a
message and a non-zero status; SIGTERM and SIGINT with clients in channels
exit 0, and the sanitizer build's leak check at exit proves everything was
freed."""

import os
import signal
import socket
import subprocess

import pytest

from irc import BIN, SANITIZER_MARKERS, uniq, uniq_chan


def run_refircd(*args, timeout=30):
    # make mutants points REFIRCD_SPAWN_BINARY at its schema build
    binary = os.environ.get("REFIRCD_SPAWN_BINARY") or str(BIN / "refircd-asan")
    proc = subprocess.run([binary, *args], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    return proc.returncode, (proc.stdout + proc.stderr).decode(errors="replace")


@pytest.mark.parametrize("args,needle", [
    ([], "usage"),                                   # -p is required
    (["-p", "99999"], "port"),
    (["-p", "x"], "port"),
    (["-p", "0", "--motd", "/nonexistent/motd"], "MOTD"),
    (["-p", "0", "-n", "nodots"], "name"),
    (["-p", "0", "--oper", "nopassword"], "oper"),
    (["-p", "0", "--ping-interval", "0"], "ping-interval"),
    (["-p", "0", "-b", "not-an-address"], "not-an-address"),
    (["-p", "0", "--sendq", "100"], "sendq"),         # too small to hold a line
    (["-p", "0", "--flood-interval", "-1"], "flood-interval"),
    (["-p", "0", "--flood-burst", "0"], "flood-burst"),
    (["-p", "0", "--no-such-option"], "usage"),
])
def test_bad_arguments_refused(args, needle):
    rc, out = run_refircd(*args)
    assert rc != 0, f"{args}: exit 0; output:\n{out}"
    assert needle.lower() in out.lower(), f"{args}: no '{needle}' in:\n{out}"
    assert not any(m in out for m in SANITIZER_MARKERS), out


def test_server_name_too_long_refused():
    """RFC 2812 2.3.1's 63-character host name bound: refircd refuses a
    longer -n instead of cutting it (a server name others already know)."""
    name = "a" * 60 + ".example"
    # (a server that takes it runs on: 10 s is the hang guard)
    rc, out = run_refircd("-p", "0", "-n", name, timeout=10)
    assert rc != 0 and "name" in out.lower(), (rc, out)


def test_port_in_use_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        rc, out = run_refircd("-p", str(port))
    assert rc != 0 and "listen" in out.lower(), (rc, out)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_with_busy_clients_exits_cleanly(spawn_server, connect, sig):
    srv = spawn_server()
    a, b = connect(srv), connect(srv)
    a.register(uniq("sd"))
    b.register(uniq("sd"))
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send(f"MODE {name} +b x!*@* +k key")
    a.send(f"MODE {name} +Ie y!*@* z!*@*")  # every mask list has a mask to free
    a.send(f"TOPIC {name} :topic")
    b.send("AWAY :away")
    half = connect(srv)
    half.send("NICK halfway")
    half.send_raw(b"USER partial")
    a.sync()
    b.sync()
    srv.proc.send_signal(sig)
    a.expect_closed(timeout=20)
    rc = srv.stop()
    out = srv.output()
    assert rc == 0, f"exit {rc} after {sig.name}; output:\n{out}"
    assert not any(m in out for m in SANITIZER_MARKERS), out
