"""The same core over both event backends: epoll (bin/refircd-asan) and
poll() (bin/refircd-poll, built with -DREFIRCD_USE_POLL).  A small subset:
registration, channel talk, byte-wise input, RST and FIN, many clients,
and a slow reader whose output must wait for EV_WRITE."""

import pytest

from irc import RAW_SPEED, uniq, uniq_chan

BACKENDS = {"refircd-asan": "epoll", "refircd-poll": "poll"}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, spawn_server):
    srv = spawn_server(request.param, extra=RAW_SPEED)  # the slow reader's 1,500 lines
    return srv


def test_reports_its_backend(backend):
    assert f"({BACKENDS[backend.binary_name]})" in backend.output(), backend.output()


def test_register_and_channel_talk(backend, connect):
    a, b, c = (connect(backend) for _ in range(3))
    for cl in (a, b, c):
        cl.register(uniq("be"))
    name = uniq_chan()
    for cl in (a, b, c):
        cl.join(name)
    a.sync()
    a.send(f"PRIVMSG {name} :over {backend.binary_name}")
    b.expect("PRIVMSG", name, f"over {backend.binary_name}")
    c.expect("PRIVMSG", name, f"over {backend.binary_name}")
    a.expect_none("PRIVMSG")
    b.send_bytewise(f"PRIVMSG {name} :bytewise\r\n".encode())
    a.expect("PRIVMSG", name, "bytewise")


def test_rst_and_fin_seen_as_quit(backend, connect):
    a, b, c = (connect(backend) for _ in range(3))
    for cl in (a, b, c):
        cl.register(uniq("be"))
    name = uniq_chan()
    for cl in (a, b, c):
        cl.join(name)
    a.sync()
    b.reset()
    m = a.expect("QUIT")
    assert m.nick == b.nick, m.raw
    c.half_close()
    m = a.expect("QUIT")
    assert m.nick == c.nick, m.raw
    a.sync()


def test_hundred_clients(backend, connect):
    name = uniq_chan()
    clients = []
    for _ in range(100):
        cl = connect(backend)
        cl.send(f"NICK {uniq('h')}")
        cl.send("USER u 0 * :r")
        clients.append(cl)
    for cl in clients:
        cl.nick = cl.expect("001").params[0]
        cl.expect("376")
    watcher = clients[0]
    watcher.join(name)
    for cl in clients[1:]:
        cl.send(f"JOIN {name}")
    for cl in clients[1:]:
        cl.expect(366)
        cl.send(f"PRIVMSG {name} :from {cl.nick}")
    got = set()
    while len(got) < 99:
        m = watcher.expect("PRIVMSG", name)
        got.add(m.nick)
    assert got == {cl.nick for cl in clients[1:]}


def test_slow_reader_gets_everything_in_order(backend, connect):
    writer = connect(backend)
    reader = connect(backend, rcvbuf=4096)
    writer.register(uniq("wr"))
    reader.register(uniq("rd"))
    n = 1500  # about 700 KB: past the socket buffers, under the 1 MiB cap
    for i in range(n):
        writer.send(f"PRIVMSG {reader.nick} :{i:06d} " + "s" * 400)
    writer.sync(timeout=30)  # all of it is queued for the reader by now
    for i in range(n):
        m = reader.expect("PRIVMSG", timeout=30)
        assert m.params[1].startswith(f"{i:06d} "), (i, m.raw[:60])
    reader.expect_none("PRIVMSG")
