"""JOIN (RFC 2812 3.2.1) and PART (3.2.2)."""

from irc import uniq, uniq_chan


def test_join_creates_channel_creator_is_op(user):
    a = user("j")
    name = uniq_chan()
    a.send(f"JOIN {name}")
    m = a.expect("JOIN")
    assert m.nick == a.nick and m.params == [name], m.raw
    # RFC 2812 3.2.1: no topic yet, so the names list follows (353/366).
    got = a.collect(366, a.nick, name)
    names = [x for x in got if x.command == "353"]
    assert len(names) == 1 and names[0].params[1:] == ["=", name, f"@{a.nick}"], got
    assert not any(x.command == "332" for x in got), got


def test_second_joiner_seen_by_all_and_listed(user):
    a, b = user("j"), user("j")
    name = uniq_chan()
    a.join(name)
    b.send(f"JOIN {name}")
    m = a.expect("JOIN", name)
    assert m.prefix.startswith(f"{b.nick}!"), m.raw
    b.expect("JOIN", name)
    m = b.expect(353, b.nick, "=", name)
    assert set(m.params[3].split()) == {f"@{a.nick}", b.nick}, m.raw
    b.expect(366, b.nick, name)


def test_join_sends_topic_332_333(user):
    a, b = user("j"), user("j")
    name = uniq_chan()
    a.join(name)
    a.send(f"TOPIC {name} :welcome here")
    a.expect("TOPIC", name)
    b.send(f"JOIN {name}")
    b.expect("JOIN", name)
    b.expect(332, b.nick, name, "welcome here")
    m = b.expect(333, b.nick, name)
    assert m.params[2].split("!")[0] == a.nick and m.params[3].isdigit(), m.raw
    b.expect(366, b.nick, name)


def test_join_list_of_channels(user):
    a = user("j")
    c1, c2, c3 = uniq_chan(), uniq_chan(), uniq_chan("&t")
    a.send(f"JOIN {c1},{c2},{c3}")
    for name in (c1, c2, c3):
        a.expect("JOIN", name)
        a.expect(366, a.nick, name)


def test_join_with_keys(user):
    a, b = user("j"), user("j")
    k1, k2, free = uniq_chan(), uniq_chan(), uniq_chan()
    a.send(f"JOIN {k1},{k2},{free}")
    a.expect(366, a.nick, free)
    a.send(f"MODE {k1} +k one")
    a.expect("MODE", k1)
    a.send(f"MODE {k2} +k two")
    a.expect("MODE", k2)
    b.send(f"JOIN {k1},{k2},{free} one,bad")
    b.expect("JOIN", k1)
    b.expect(475, b.nick, k2)
    b.expect("JOIN", free)


def test_join_twice_is_silent(user):
    a, b = user("j"), user("j")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    b.send(f"JOIN {name}")
    b.expect_none("JOIN")
    a.expect_none("JOIN")


def test_join_zero_parts_everything(user):
    a, b = user("j"), user("j")
    c1, c2 = uniq_chan(), uniq_chan()
    for name in (c1, c2):
        a.join(name)
        b.join(name)
    a.sync()
    b.send("JOIN 0")
    parts = {b.expect("PART").params[0], b.expect("PART").params[0]}
    assert parts == {c1, c2}, parts
    seen = {a.expect("PART").params[0], a.expect("PART").params[0]}
    assert seen == {c1, c2}, seen
    b.send("WHOIS " + b.nick)
    got = b.collect(318, b.nick)
    assert not any(x.command == "319" for x in got), got


def test_join_bad_name_403(user):
    a = user("j")
    for bad in ("nochanprefix", "#" + "x" * 50, "#a\x07b"):
        a.send(f"JOIN {bad}")
        m = a.expect(lambda m: m.command in ("403", "476"))
        assert m.params[0] == a.nick and m.params[1] == bad, m.raw


def test_join_without_params_461(user):
    a = user("j")
    a.send("JOIN")
    a.expect(461, a.nick, "JOIN")


def test_join_name_of_max_length(user):
    a = user("j")
    name = ("#" + uniq("L")).ljust(50, "x")
    assert len(name) == 50
    a.join(name)


def test_too_many_channels_405(user):
    a = user("j")
    names = [uniq_chan() for _ in range(51)]
    a.send("JOIN " + ",".join(names[:20]))
    a.send("JOIN " + ",".join(names[20:40]))
    a.send("JOIN " + ",".join(names[40:50]))
    a.expect(366, a.nick, names[49])
    a.send(f"JOIN {names[50]}")
    a.expect(405, a.nick, names[50])


def test_channel_names_case_insensitive(user):
    a, b = user("j"), user("j")
    name = uniq_chan("#Case")
    a.join(name)
    b.send(f"JOIN {name.upper()}")
    m = a.expect("JOIN")
    assert m.nick == b.nick and m.params[0].lower() == name.lower(), m.raw


def test_part_with_message(user):
    a, b = user("p"), user("p")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    b.send(f"PART {name} :see you later")
    for cl in (a, b):
        m = cl.expect("PART", name)
        assert m.nick == b.nick and m.params[1] == "see you later", m.raw
    b.send(f"PRIVMSG {name} :still here?")
    b.expect(404, b.nick, name)


def test_part_without_message(user):
    a, b = user("p"), user("p")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    b.send(f"PART {name}")
    m = a.expect("PART", name)
    assert m.nick == b.nick, m.raw


def test_part_not_on_channel_442(user):
    a, b = user("p"), user("p")
    name = uniq_chan()
    a.join(name)
    b.send(f"PART {name}")
    b.expect(442, b.nick, name)
    a.expect_none("PART")


def test_part_no_such_channel_403(user):
    a = user("p")
    name = uniq_chan()
    a.send(f"PART {name}")
    a.expect(403, a.nick, name)


def test_part_list_each_item_answered(user):
    a = user("p")
    mine, missing = uniq_chan(), uniq_chan()
    a.join(mine)
    a.send(f"PART {missing},{mine}")
    a.expect(403, a.nick, missing)
    a.expect("PART", mine)


def test_part_needs_param_461(user):
    a = user("p")
    a.send("PART")
    a.expect(461, a.nick, "PART")


def test_last_part_destroys_channel(user):
    a, b = user("p"), user("p")
    name = uniq_chan()
    a.join(name)
    a.send(f"MODE {name} +k key")
    a.expect("MODE", name)
    a.send(f"PART {name}")
    a.expect("PART", name)
    # Recreated from scratch: no key, and b is its op.
    b.send(f"JOIN {name}")
    m = b.expect(353, b.nick)
    assert m.params[3] == f"@{b.nick}", m.raw


def test_join_too_many_targets_407(user):
    a = user("j")
    names = [uniq_chan() for _ in range(21)]
    a.send("JOIN " + ",".join(names))
    a.expect(366, a.nick, names[19])
    a.expect(407, a.nick, names[20])
    a.send(f"NAMES {names[20]}")
    got = a.collect(366, a.nick)
    assert not any(m.command == "353" for m in got), got


def test_rejoin_after_part(user):
    a, b = user("j"), user("j")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    b.send(f"PART {name}")
    a.expect("PART", name)
    b.join(name)
    a.expect("JOIN", name)


def test_channel_names_use_rfc1459_case_mapping(user):
    # RFC 2812 1.3 / 2.2: channel names compare like nicks, {}| ~ []\^.
    a, b = user("j"), user("j")
    base = uniq_chan("#cm")
    a.join(f"{base}[x]")
    b.send(f"JOIN {base}{{X}}")
    m = a.expect("JOIN")
    assert m.nick == b.nick, m.raw
    b.send(f"NAMES {base}[x]")
    m = b.expect(353, b.nick)
    assert set(m.params[3].split()) == {f"@{a.nick}", b.nick}, m.raw
