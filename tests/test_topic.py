"""TOPIC (RFC 2812 3.2.4): 331/332/333, 482 with +t, 442, 403."""

from irc import uniq_chan


def test_no_topic_331(user):
    a = user("t")
    name = uniq_chan()
    a.join(name)
    a.send(f"TOPIC {name}")
    a.expect(331, a.nick, name)


def test_set_topic_broadcast_then_332_333(user):
    a, b = user("t"), user("t")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    a.sync()
    a.send(f"TOPIC {name} :a topic with  spaces")
    for cl in (a, b):
        m = cl.expect("TOPIC", name, "a topic with  spaces")
        assert m.nick == a.nick, m.raw
    b.send(f"TOPIC {name}")
    b.expect(332, b.nick, name, "a topic with  spaces")
    m = b.expect(333, b.nick, name)
    assert m.params[2].split("!")[0] == a.nick and m.params[3].isdigit(), m.raw


def test_clear_topic(user):
    a = user("t")
    name = uniq_chan()
    a.join(name)
    a.send(f"TOPIC {name} :something")
    a.expect("TOPIC", name)
    # RFC 2812 3.2.4: an empty <topic> removes it.
    a.send(f"TOPIC {name} :")
    a.expect("TOPIC", name, "")
    a.send(f"TOPIC {name}")
    a.expect(331, a.nick, name)


def test_plus_t_needs_op_482(user):
    a, b = user("t"), user("t")
    name = uniq_chan()
    a.join(name)
    b.join(name)
    b.send(f"TOPIC {name} :mine")
    b.expect(482, b.nick, name)
    a.expect_none("TOPIC")


def test_not_on_channel_442(user):
    a, b = user("t"), user("t")
    name = uniq_chan()
    a.join(name)
    a.send(f"MODE {name} -t")
    a.expect("MODE", name)
    b.send(f"TOPIC {name} :from outside")
    b.expect(442, b.nick, name)
    a.expect_none("TOPIC")


def test_outsider_may_read_public_topic(user):
    a, b = user("t"), user("t")
    name = uniq_chan()
    a.join(name)
    a.send(f"TOPIC {name} :public")
    a.expect("TOPIC")
    b.send(f"TOPIC {name}")
    b.expect(332, b.nick, name, "public")


def test_no_such_channel_403(user):
    a = user("t")
    name = uniq_chan()
    a.send(f"TOPIC {name}")
    a.expect(403, a.nick, name)


def test_topic_needs_param_461(user):
    a = user("t")
    a.send("TOPIC")
    a.expect(461, a.nick, "TOPIC")


def test_long_topic_cut_to_topiclen(user):
    a = user("t")
    name = uniq_chan()
    a.join(name)
    burst = {}
    for m in a.burst:
        if m.command == "005":
            for tok in m.params[1:-1]:
                k, _, v = tok.partition("=")
                burst[k] = v
    topiclen = int(burst["TOPICLEN"])
    a.send(f"TOPIC {name} :" + "x" * 480)
    m = a.expect("TOPIC", name)
    assert 0 < len(m.params[1]) <= topiclen, len(m.params[1])
