"""Connection registration (RFC 2812 3.1) and the welcome burst (5.1):
001-004, 005 ISUPPORT, LUSERS 251-255, MOTD 375/372/376."""

import irc
from irc import SERVER_NAME, uniq, uniq_chan


def test_burst_numerics_in_order(connect):
    c = connect()
    nick = uniq("reg")
    burst = c.register(nick, user="ident", realname="Real Name Here")
    nums = [m.command for m in burst if m.command.isdigit()]
    # RFC 2812 5.1: 001-004 first, in order; then ISUPPORT, LUSERS, MOTD.
    assert nums[:4] == ["001", "002", "003", "004"], nums
    assert "005" in nums and nums.index("005") > 3, nums
    for n in ("251", "255", "375", "372", "376"):
        assert n in nums, f"{n} missing from the burst {nums}"
    assert nums.index("251") < nums.index("375") < nums.index("376"), nums
    assert nums[-1] == "376", nums
    for m in burst:
        if m.command.isdigit():
            assert m.prefix == SERVER_NAME, m.raw
            assert m.params[0] == nick, m.raw


def test_lusers_zero_counts_left_out(spawn_server, connect):
    # RFC 2812 5.1: 251 and 255 always; 252, 253 and 254 "only ... if a
    # non-zero count is found for them".  A server of its own, so the
    # counts are this test's.
    srv = spawn_server()
    a = connect(srv)
    burst = a.register(uniq("lu"))
    nums = [m.command for m in burst]
    assert "251" in nums and "255" in nums, nums
    assert not {"252", "253", "254"} & set(nums), nums
    a.oper()
    a.join(uniq_chan())
    a.send("LUSERS")
    got = {m.command: m for m in a.collect("255")}
    assert got["252"].params[1] == "1", got["252"].raw
    assert got["254"].params[1] == "1", got["254"].raw
    assert "253" not in got, sorted(got)


def test_001_names_full_source(connect):
    c = connect()
    nick = uniq("src")
    burst = c.register(nick, user="myident")
    welcome = next(m for m in burst if m.command == "001")
    # RFC 2812 5.1: "Welcome to the Internet Relay Network <nick>!<user>@<host>"
    assert welcome.params[-1].endswith(f"{nick}!myident@127.0.0.1"), welcome.raw


def test_002_004_name_server_and_version(connect):
    c = connect()
    burst = c.register(uniq("ver"))
    by = {m.command: m for m in burst}
    assert SERVER_NAME in by["002"].params[-1], by["002"].raw
    m4 = by["004"]
    # "<servername> <version> <available user modes> <available channel modes>"
    assert m4.params[1] == SERVER_NAME, m4.raw
    assert len(m4.params) >= 5, m4.raw
    assert set("iow") <= set(m4.params[3]), m4.raw
    assert set("biklmnopstv") <= set(m4.params[4]), m4.raw


def test_005_isupport_tokens(connect):
    c = connect()
    burst = c.register(uniq("isup"))
    tokens = {}
    for m in burst:
        if m.command == "005":
            assert m.params[-1] == "are supported by this server", m.raw
            for tok in m.params[1:-1]:
                k, _, v = tok.partition("=")
                tokens[k] = v
            assert len(m.params) <= 15, m.raw
    assert tokens.get("CHANTYPES") and set(tokens["CHANTYPES"]) <= set("#&"), tokens
    assert "#" in tokens["CHANTYPES"]
    assert tokens.get("PREFIX") == "(ov)@+", tokens
    chanmodes = tokens.get("CHANMODES", "").split(",")
    assert len(chanmodes) == 4 and "b" in chanmodes[0] and "k" in chanmodes[1] \
        and "l" in chanmodes[2] and set("imnpst") <= set(chanmodes[3]), tokens
    assert tokens.get("NICKLEN") == "30", tokens
    assert tokens.get("CHANNELLEN") == "50", tokens
    assert tokens.get("TOPICLEN", "").isdigit(), tokens
    assert tokens.get("CASEMAPPING") == "rfc1459", tokens
    assert tokens.get("NETWORK"), tokens


def test_motd_in_burst_has_file_lines(connect):
    c = connect()
    burst = c.register(uniq("motd"))
    lines = [m.params[-1] for m in burst if m.command == "372"]
    assert len(lines) == len(irc.MOTD_LINES), lines
    for got, want in zip(lines, irc.MOTD_LINES):
        assert want in got, (got, want)


def test_user_before_nick_registers(connect):
    c = connect()
    nick = uniq("order")
    c.send("USER u 0 * :Real")
    c.expect_none("001")
    c.send(f"NICK {nick}")
    c.expect("001", nick)
    c.expect("376", nick)


def test_nick_change_before_user(connect):
    c = connect()
    first, second = uniq("first"), uniq("second")
    c.send(f"NICK {first}")
    c.send(f"NICK {second}")
    c.send("USER u 0 * :Real")
    c.expect("001", second)
    # The first nick was given up: someone else may take it.
    d = connect()
    d.register(first)


def test_lf_only_line_endings(connect):
    c = connect()
    nick = uniq("lf")
    c.send_raw(f"NICK {nick}\nUSER u 0 * :Real\n".encode())
    c.expect("001", nick)
    c.expect("376")


def test_commands_before_registration_get_451(connect):
    c = connect()
    for cmd in ("JOIN #x", "PRIVMSG x :y", "MODE x", "WHOIS x", "LIST", "NAMES"):
        c.send(cmd)
        # RFC 2812 5.2: 451 ERR_NOTREGISTERED "<command> :You have not registered"
        c.expect("451", "*")
    c.expect_none("451")


def test_ping_allowed_before_registration(connect):
    c = connect()
    got = c.sync()  # PING :tok -> PONG without registering
    assert not any(m.command == "451" for m in got), got


def test_user_mode_bits_from_user_command(connect):
    # RFC 2812 3.1.3: bit 3 (8) sets +i, bit 2 (4) sets +w.
    c = connect()
    nick = uniq("bits")
    c.send(f"NICK {nick}")
    c.send("USER u 12 * :Real")
    c.expect("376")
    c.send(f"MODE {nick}")
    m = c.expect("221", nick)
    assert set(m.params[1].lstrip("+")) == {"i", "w"}, m.raw


def test_cap_ls_holds_registration_until_cap_end(connect):
    c = connect()
    nick = uniq("cap")
    c.send("CAP LS 302")
    c.send(f"NICK {nick}")
    c.send("USER u 0 * :Real")
    c.expect("CAP", "*", "LS")
    c.expect_none("001")
    c.send("CAP END")
    c.expect("001", nick)


def test_nick_in_use_during_registration_then_retry(user, connect):
    taken = user("reg")
    c = connect()
    c.send(f"NICK {taken.nick}")
    c.send("USER u 0 * :Real")
    c.expect(433, "*", taken.nick)
    c.expect_none("001")
    nick = uniq("retry")
    c.send(f"NICK {nick}")
    c.expect("001", nick)
