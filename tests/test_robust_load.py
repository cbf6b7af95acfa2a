"""1,000 clients at once: all connect in parallel, register, join one of
100 channels, talk to their channel and to one other user, and every
message arrives exactly once.  asyncio keeps all sockets in one thread;
every wait is bounded."""

import asyncio
import re
import socket

import irc

N_CLIENTS = 1000
GROUP = 10  # clients per channel
DEADLINE = 90  # hang guard for the whole scenario (asyncio.wait_for); never a measure


class Barrier:
    def __init__(self, n):
        self.n, self.count, self.event = n, 0, asyncio.Event()

    async def wait(self):
        self.count += 1
        if self.count == self.n:
            self.event.set()
        await self.event.wait()


async def read_msg(reader):
    line = await reader.readline()
    if not line:
        raise ConnectionError("server closed the connection")
    return irc.parse(line.decode("utf-8", "replace").rstrip("\r\n"))


async def read_until(reader, pred):
    seen = []
    while True:
        m = await read_msg(reader)
        seen.append(m)
        if pred(m):
            return seen


async def one_client(i, host, port, tag, registered, joined, results):
    nick = f"{tag}n{i}"
    chan = f"#{tag}c{i // GROUP}"
    partner = f"{tag}n{(i + 1) % N_CLIENTS}"
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(line):
        writer.write(line.encode() + b"\r\n")

    send(f"NICK {nick}")
    send(f"USER u{i} 0 * :load client {i}")
    await read_until(reader, lambda m: m.command in ("376", "422"))
    await registered.wait()

    if i == 0:
        send("LUSERS")
        m = (await read_until(reader, lambda m: m.command == "255"))[-1]
        results["lusers"] = m.params[-1]
    send(f"JOIN {chan}")
    await read_until(reader, lambda m: m.command == "366")
    await joined.wait()

    send(f"PRIVMSG {chan} :hello from {nick}")
    send(f"PRIVMSG {partner} :direct from {nick}")
    want_chan = {f"{tag}n{j}" for j in range(i // GROUP * GROUP, i // GROUP * GROUP + GROUP)} - {nick}
    got_chan, got_direct = [], []
    while len(got_chan) < len(want_chan) or not got_direct:
        m = await read_msg(reader)
        if m.command != "PRIVMSG":
            continue
        if m.params[0] == chan:
            got_chan.append(m.nick)
            assert m.params[1] == f"hello from {m.nick}", m.raw
        else:
            got_direct.append(m.nick)
    # Barrier for this client: nothing else (no duplicates) before its PONG.
    send(f"PING :done{i}")
    rest = await read_until(reader, lambda m: m.command == "PONG")
    extra = [m.raw for m in rest if m.command == "PRIVMSG"]
    writer.close()
    results[i] = (sorted(got_chan) == sorted(want_chan), got_direct, extra)


async def scenario(host, port, tag):
    registered, joined = Barrier(N_CLIENTS), Barrier(N_CLIENTS)
    results = {}
    tasks = [one_client(i, host, port, tag, registered, joined, results)
             for i in range(N_CLIENTS)]
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLINE)
    return results


def test_thousand_clients_register_and_talk(spawn_server):
    srv = spawn_server()
    tag = irc.uniq("L")[:8]
    results = asyncio.run(scenario(srv.host, srv.port, tag))  # DEADLINE: a hang guard
    n_users = [int(x) for x in re.findall(r"\d+", results.pop("lusers"))]
    assert n_users[0] == N_CLIENTS, f"255 says {n_users}, want {N_CLIENTS} clients"
    bad_chan = [i for i, r in results.items() if not r[0]]
    assert not bad_chan, f"{len(bad_chan)} clients missed channel messages, e.g. {bad_chan[:5]}"
    for i, (_, direct, extra) in results.items():
        assert direct == [f"{tag}n{(i - 1) % N_CLIENTS}"], (i, direct)
        assert not extra, (i, extra)
    assert len(results) == N_CLIENTS
    srv.check_healthy()
