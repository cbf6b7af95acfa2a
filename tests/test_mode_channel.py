"""Channel MODE (RFC 2812 3.2.3, RFC 1459 4.2.3.1, RFC 2811 4): o v b i k
l m n s t p, 324/329, 367/368, 482, 441, 467, 472, and the JOIN refusals
471/473/474/475."""

import pytest

from irc import uniq, uniq_chan


@pytest.fixture
def chan(user):
    """(op, member, channel): op created it, member joined."""
    op, member = user("co"), user("cm")
    name = uniq_chan()
    op.join(name)
    member.join(name)
    op.expect("JOIN", name)
    op.sync()
    return op, member, name


def mode_is(client, name):
    client.send(f"MODE {name}")
    m = client.expect(324, client.nick, name)
    client.expect(329, client.nick, name)
    return m


def test_new_channel_is_plus_nt_with_creation_time(user):
    a = user("cq")
    name = uniq_chan()
    a.join(name)
    a.send(f"MODE {name}")
    m = a.expect(324, a.nick, name)
    assert m.params[2].startswith("+") and set(m.params[2][1:]) == {"n", "t"}, m.raw
    m = a.expect(329, a.nick, name)
    assert m.params[2].isdigit() and int(m.params[2]) > 1_600_000_000, m.raw


def test_mode_on_missing_channel_403(user):
    a = user("cq")
    missing = uniq_chan()
    a.send(f"MODE {missing}")
    a.expect(403, a.nick, missing)
    a.send(f"MODE {missing} +m")
    a.expect(403, a.nick, missing)


def test_non_op_cannot_change_482(chan):
    op, member, name = chan
    member.send(f"MODE {name} +m")
    member.expect(482, member.nick, name)
    op.expect_none("MODE")
    assert "m" not in mode_is(op, name).params[2]


def test_outsider_cannot_change_482(chan, user):
    op, _, name = chan
    out = user("cx")
    out.send(f"MODE {name} -t")
    out.expect(482, out.nick, name)
    # Reading the modes is allowed from outside.
    assert "t" in mode_is(out, name).params[2]


def test_unknown_mode_char_472(chan):
    op, _, name = chan
    op.send(f"MODE {name} +Z")
    op.expect(472, op.nick, "Z")


def test_flags_broadcast_and_shown_in_324(chan):
    op, member, name = chan
    op.send(f"MODE {name} +ms")
    for cl in (op, member):
        m = cl.expect("MODE", name)
        assert m.nick == op.nick and m.params[1][0] == "+" and set(m.params[1][1:]) == {"m", "s"}, m.raw
    assert set(mode_is(member, name).params[2][1:]) == {"n", "t", "m", "s"}
    op.send(f"MODE {name} -m")
    m = member.expect("MODE", name)
    assert m.params[1] == "-m", m.raw


def test_give_and_take_op(chan):
    op, member, name = chan
    op.send(f"MODE {name} +o {member.nick}")
    for cl in (op, member):
        cl.expect("MODE", name, "+o", member.nick)
    member.send(f"NAMES {name}")
    m = member.expect(353, member.nick, None, name)
    assert f"@{member.nick}" in m.params[3].split(), m.raw
    # The new op may now change modes.
    member.send(f"MODE {name} +m")
    op.expect("MODE", name, "+m")
    member.send(f"MODE {name} -o {op.nick}")
    op.expect("MODE", name, "-o", op.nick)
    op.send(f"MODE {name} -m")
    op.expect(482, op.nick, name)


def test_op_target_not_in_channel_441(chan, user):
    op, _, name = chan
    out = user("cx")
    op.send(f"MODE {name} +o {out.nick}")
    op.expect(441, op.nick, out.nick, name)
    op.send(f"MODE {name} +v {out.nick}")
    op.expect(441, op.nick, out.nick, name)


def test_op_target_missing_401(chan):
    op, _, name = chan
    ghost = uniq("ghost")
    op.send(f"MODE {name} +o {ghost}")
    op.expect(401, op.nick, ghost)


def test_param_mode_without_param_461(chan):
    op, _, name = chan
    op.send(f"MODE {name} +k")
    op.expect(461, op.nick, "MODE")
    op.send(f"MODE {name} +o")
    op.expect(461, op.nick, "MODE")


def test_voice_and_moderated(chan, user):
    op, member, name = chan
    op.send(f"MODE {name} +m")
    member.expect("MODE", name, "+m")
    member.send(f"PRIVMSG {name} :unvoiced")
    member.expect(404, member.nick, name)
    op.expect_none("PRIVMSG")
    op.send(f"MODE {name} +v {member.nick}")
    member.expect("MODE", name, "+v", member.nick)
    member.send(f"NAMES {name}")
    m = member.expect(353, member.nick, None, name)
    assert f"+{member.nick}" in m.params[3].split(), m.raw
    member.send(f"PRIVMSG {name} :voiced now")
    op.expect("PRIVMSG", name, "voiced now")
    op.send(f"PRIVMSG {name} :ops always speak")
    member.expect("PRIVMSG", name, "ops always speak")
    op.send(f"MODE {name} -v {member.nick}")
    member.expect("MODE", name, "-v", member.nick)
    member.send(f"PRIVMSG {name} :devoiced")
    member.expect(404, member.nick, name)


def test_no_external_messages(chan, user):
    op, member, name = chan
    out = user("cx")
    out.send(f"PRIVMSG {name} :from outside")
    out.expect(404, out.nick, name)
    member.expect_none("PRIVMSG")
    op.send(f"MODE {name} -n")
    member.expect("MODE", name, "-n")
    out.send(f"PRIVMSG {name} :from outside")
    m = member.expect("PRIVMSG", name, "from outside")
    assert m.nick == out.nick, m.raw


def test_topic_lock(chan):
    op, member, name = chan
    member.send(f"TOPIC {name} :by member")
    member.expect(482, member.nick, name)
    op.send(f"MODE {name} -t")
    member.expect("MODE", name, "-t")
    member.send(f"TOPIC {name} :by member")
    op.expect("TOPIC", name, "by member")


def test_ban_list_and_join_refused_474(chan, user):
    op, member, name = chan
    victim = user("cb")
    op.send(f"MODE {name} +b {victim.nick}")
    m = member.expect("MODE", name, "+b")
    mask = m.params[2]
    assert mask.lower().startswith(victim.nick.lower()), m.raw
    op.send(f"MODE {name} +b")
    m = op.expect(367, op.nick, name, mask)
    assert m.params[3].startswith(op.nick) and m.params[4].isdigit(), m.raw
    op.expect(368, op.nick, name)
    victim.send(f"JOIN {name}")
    victim.expect(474, victim.nick, name)
    member.expect_none("JOIN")
    op.send(f"MODE {name} -b {mask}")
    member.expect("MODE", name, "-b", mask)
    op.send(f"MODE {name} b")
    got = op.collect(368, op.nick, name)
    assert not any(x.command == "367" for x in got), got
    victim.join(name)


def test_ban_by_host_mask(chan, user):
    op, _, name = chan
    victim = user("cb")
    op.send(f"MODE {name} +b *!*@127.0.0.1")
    op.expect("MODE", name, "+b", "*!*@127.0.0.1")
    victim.send(f"JOIN {name}")
    victim.expect(474, victim.nick, name)


def test_banned_member_cannot_speak_404(chan):
    op, member, name = chan
    op.send(f"MODE {name} +b {member.nick}!*@*")
    member.expect("MODE", name, "+b")
    member.send(f"PRIVMSG {name} :muted")
    member.expect(404, member.nick, name)
    op.expect_none("PRIVMSG")


def test_empty_ban_list_368(chan):
    op, member, name = chan
    member.send(f"MODE {name} +b")  # listing is open to any member
    got = member.collect(368, member.nick, name)
    assert not any(x.command == "367" for x in got), got


def test_invite_only_473(chan, user):
    op, member, name = chan
    out = user("ci")
    op.send(f"MODE {name} +i")
    member.expect("MODE", name, "+i")
    out.send(f"JOIN {name}")
    out.expect(473, out.nick, name)
    op.send(f"INVITE {out.nick} {name}")
    op.expect(341, op.nick, out.nick, name)
    out.expect("INVITE", out.nick, name)
    out.join(name)
    member.expect("JOIN", name)


def test_key_475_and_467(chan, user):
    op, member, name = chan
    out = user("ck")
    op.send(f"MODE {name} +k sekrit")
    member.expect("MODE", name, "+k", "sekrit")
    m = mode_is(member, name)
    assert "k" in m.params[2] and "sekrit" in m.params[3:], m.raw
    out.send(f"JOIN {name}")
    out.expect(475, out.nick, name)
    out.send(f"JOIN {name} wrong")
    out.expect(475, out.nick, name)
    op.send(f"MODE {name} +k other")
    op.expect(467, op.nick, name)
    out.join(name, "sekrit")
    op.send(f"MODE {name} -k sekrit")
    op.expect("MODE", name, "-k")
    assert "k" not in mode_is(op, name).params[2]


def test_limit_471(chan, user):
    op, member, name = chan
    out = user("cl")
    op.send(f"MODE {name} +l 2")
    member.expect("MODE", name, "+l", "2")
    m = mode_is(member, name)
    assert "l" in m.params[2] and "2" in m.params[3:], m.raw
    out.send(f"JOIN {name}")
    out.expect(471, out.nick, name)
    op.send(f"MODE {name} -l")
    member.expect("MODE", name, "-l")
    out.join(name)


def test_secret_channel_hidden(chan, user):
    op, member, name = chan
    out = user("cs")
    op.send(f"MODE {name} +s")
    member.expect("MODE", name, "+s")
    out.send("LIST")
    got = out.collect(323, out.nick)
    assert not any(x.command == "322" and x.params[1] == name for x in got), got
    out.send(f"NAMES {name}")
    got = out.collect(366, out.nick, name)
    assert not any(x.command == "353" for x in got), got
    member.send(f"NAMES {name}")
    m = member.expect(353, member.nick)
    assert m.params[1] == "@" and m.params[2] == name, m.raw


def test_private_channel(chan, user):
    op, member, name = chan
    out = user("cp")
    op.send(f"MODE {name} +p")
    member.expect("MODE", name, "+p")
    member.send(f"NAMES {name}")
    m = member.expect(353, member.nick)
    assert m.params[1] == "*" and m.params[2] == name, m.raw
    out.send(f"LIST {name}")
    got = out.collect(323, out.nick)
    assert not any(x.command == "322" for x in got), got


def test_several_changes_in_one_command(chan, user):
    op, member, name = chan
    third = user("c3")
    third.join(name)
    op.sync()
    member.sync()
    op.send(f"MODE {name} +ov-t {member.nick} {third.nick}")
    m = third.expect("MODE", name)
    # One announcement carries every change that happened.
    assert "o" in m.params[1] and "v" in m.params[1] and "-t" in m.params[1], m.raw
    assert member.nick in m.params[2:] and third.nick in m.params[2:], m.raw
    member.send(f"NAMES {name}")
    m = member.expect(353, member.nick)
    words = m.params[3].split()
    assert f"@{member.nick}" in words and f"+{third.nick}" in words, m.raw


def test_bad_limits_ignored(chan):
    op, member, name = chan
    for bad in ("0", "abc", "-5"):
        op.send(f"MODE {name} +l {bad}")
    op.expect_none("MODE")
    assert "l" not in mode_is(op, name).params[2]


def test_key_with_comma_refused(chan):
    op, member, name = chan
    op.send(f"MODE {name} +k a,b")
    op.expect_none("MODE")
    assert "k" not in mode_is(op, name).params[2]


def test_op_may_deop_self(chan):
    op, member, name = chan
    op.send(f"MODE {name} -o {op.nick}")
    member.expect("MODE", name, "-o", op.nick)
    op.send(f"MODE {name} +m")
    op.expect(482, op.nick, name)


def test_ban_list_full_478(chan):
    op, member, name = chan
    masks = [f"b{i}!*@*" for i in range(101)]
    for i in range(0, 100, 5):
        op.send(f"MODE {name} +bbbbb " + " ".join(masks[i:i + 5]))
    op.sync()
    op.send(f"MODE {name} +b {masks[100]}")
    op.expect(478, op.nick, name)
    op.send(f"MODE {name} b")
    got = op.collect(368, op.nick, name)
    assert sum(m.command == "367" for m in got) == 100, len(got)


def test_timestamps_are_now(chan):
    import time
    op, member, name = chan
    op.send(f"MODE {name}")
    m = op.expect(329, op.nick, name)
    assert abs(int(m.params[2]) - time.time()) < 120, m.raw
    op.send(f"TOPIC {name} :t")
    op.send(f"TOPIC {name}")
    m = op.expect(333, op.nick, name)
    assert abs(int(m.params[3]) - time.time()) < 120, m.raw


def _packing_channel(spawn_server, connect):
    """A fresh server (make mutants gives these tests the schema build
    through spawn_server), an operator in a new channel, and the fixed
    part of its MODE announcements, ":<source> MODE <chan> "."""
    srv = spawn_server()
    op = connect(srv)
    op.register(uniq("mp"))
    name = uniq_chan()
    joined = op.join(name)
    source = next(m.prefix for m in joined if m.command == "JOIN")
    return op, name, len(f":{source} MODE {name} ")


def _masks(count, total, tag):
    """count distinct ban masks of total bytes in all, as even as can be:
    <tag><i>nnn!*@hhh, the nick part at most 30 bytes and the host at
    most 63 (NICKLEN, HOSTLEN), so no mask is cut when it is stored."""
    out = []
    for i in range(count):
        rest = total // count + (1 if i < total % count else 0) - len("!*@")
        nick = f"{tag}{i}".ljust(min(30, rest - 1), "n")
        out.append(f"{nick}!*@" + "h" * (rest - len(nick)))
    assert all(len(m) - m.index("@") - 1 <= 63 for m in out), out
    return out


def _mode_lines(op, name, until):
    got = op.collect(lambda m: m.command == "MODE" and until(m))
    return [m for m in got if m.command == "MODE" and m.params[0].lower() == name.lower()]


def test_mode_line_filled_to_510_bytes_is_one_line(spawn_server, connect):
    """refircd starts a new MODE line only when the next change would pass
    510 bytes (IRC_LINE_CONTENT_MAX), so six bans that make exactly 510
    go out as one line.  How full a server packs its MODE announcements is
    its own choice, so no case can ask for this; an estimate of a
    change's size that is one byte high splits this line in two."""
    op, name, fixed = _packing_channel(spawn_server, connect)
    modes = "+" + "b" * 6
    masks = _masks(6, 510 - fixed - len(modes) - 6, "f")
    op.send(f"MODE {name} {modes} {' '.join(masks)}")
    lines = _mode_lines(op, name, lambda m: masks[-1] in m.params)
    assert len(lines) == 1, [m.raw for m in lines]
    assert len(lines[0].raw) == 510 and lines[0].params[1:] == [modes] + masks, lines[0].raw


def test_mode_flag_that_would_pass_510_bytes_starts_a_line(spawn_server, connect):
    """Five bans leave one byte of a 510-byte line; the "-l" behind them
    needs two (sign and letter), so it goes on a line of its own, and the
    first line keeps every mask whole.  An estimate of a change without
    a parameter that is one byte low puts "-l" on the full line, which
    finish_line then cuts at 510 bytes: the last mask loses a byte."""
    op, name, fixed = _packing_channel(spawn_server, connect)
    op.send(f"MODE {name} +l 5")
    op.expect("MODE", name, "+l", "5")
    modes = "+" + "b" * 5
    masks = _masks(5, 510 - 1 - fixed - len(modes) - 5, "g")
    op.send(f"MODE {name} {modes}-l {' '.join(masks)}")
    lines = _mode_lines(op, name, lambda m: m.params[1] == "-l" or "-l" in m.params[1])
    assert [m.params[1:] for m in lines] == [[modes] + masks, ["-l"]], [m.raw for m in lines]
    assert len(lines[0].raw) == 509, lines[0].raw
    # the new line starts empty: nothing of the first line's parameters behind "-l"
    assert lines[1].raw.endswith(f" {name} -l"), lines[1].raw
