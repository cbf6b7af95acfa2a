"""Server password (-P, RFC 2812 3.1.1 PASS: 461, 462, 464) and an IPv6
listener (-b ::1)."""

import socket

import pytest

from irc import uniq, uniq_chan

PASSWORD = "letmein"


@pytest.fixture
def pw_server(spawn_server):
    return spawn_server(password=PASSWORD)


def test_right_password_registers(pw_server, connect):
    c = connect(pw_server)
    c.register(uniq("pw"), password=PASSWORD)


def test_no_password_464_and_closed(pw_server, connect):
    c = connect(pw_server)
    c.send(f"NICK {uniq('pw')}")
    c.send("USER u 0 * :r")
    got = c.expect_closed()
    cmds = [m.command for m in got]
    assert "464" in cmds and "001" not in cmds, cmds
    assert cmds[-1] == "ERROR", cmds


def test_wrong_password_464_and_closed(pw_server, connect):
    c = connect(pw_server)
    c.send("PASS nottheone")
    c.send(f"NICK {uniq('pw')}")
    c.send("USER u 0 * :r")
    got = c.expect_closed()
    cmds = [m.command for m in got]
    assert "464" in cmds and "001" not in cmds, cmds


def test_pass_needs_param_461(pw_server, connect):
    c = connect(pw_server)
    c.send("PASS")
    c.expect(461, "*", "PASS")


def test_pass_after_registration_462(pw_server, connect):
    c = connect(pw_server)
    c.register(uniq("pw"), password=PASSWORD)
    c.send(f"PASS {PASSWORD}")
    c.expect(462, c.nick)


def test_last_pass_counts(pw_server, connect):
    c = connect(pw_server)
    c.send("PASS wrong")
    c.register(uniq("pw"), password=PASSWORD)


def test_pass_ignored_without_server_password(connect):
    c = connect()
    c.register(uniq("pw"), password="anything")


def have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not have_ipv6_loopback(), reason="this machine has no ::1")
def test_ipv6_listener(spawn_server, connect):
    srv = spawn_server(bind="::1")
    assert srv.host == "::1", srv.output()
    a, b = connect(srv), connect(srv)
    a.register(uniq("v6"))
    b.register(uniq("v6"))
    welcome = next(m for m in a.burst if m.command == "001")
    assert "@" in welcome.params[-1], welcome.raw
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.send(f"PRIVMSG {name} :over ipv6")
    b.expect("PRIVMSG", name, "over ipv6")
    a.send(f"WHOIS {b.nick}")
    m = a.expect(311, a.nick, b.nick)
    # An IPv6 host must not start with ':' (it would begin a trailing param).
    assert m.params[3].endswith("::1") and not m.params[3].startswith(":"), m.raw
    assert len(m.params) == 6, m.raw
