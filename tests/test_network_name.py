"""refircd's network name: it has no option for one, so its 005 always
announces NETWORK=RefNet (reference-server/core.c srv_init), never an
empty or missing name.  No case can know what name a server should
announce, so this checks refircd's own."""

from irc import uniq


def test_005_announces_refnet(spawn_server, connect):
    c = connect(spawn_server())
    got = c.register(uniq("nw"))
    tokens = [t for m in got if m.command == "005" for t in m.params[1:-1]]
    assert "NETWORK=RefNet" in tokens, tokens
