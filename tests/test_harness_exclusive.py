"""Header `exclusive: yes`: the case runs with no other case in flight, so
server-wide numbers (LUSERS) and lists are exact even under -j.

The fake server traces every line it handles, in order, with the number of
the connection it came on.  Each case's clients have their own initial
(the first letter of a harness nick is the client's name), and every line a
case sends is answered before its next step, so all of a case's lines are
handled while it runs.  Between the first and the last line of an
exclusive case no other case's line may appear.  The exclusive cases come
first and in the middle of the file order, with -j 4: without the
scheduling they start beside three others and overlap at once."""

from harness_run import fake_server, ircspec  # noqa: F401

ROUND_TRIPS = 12


def case_text(case_id, client, exclusive):
    steps = "".join(f"{client}: send PING :{case_id}-{i}\n{client}: expect PONG * {case_id}-{i}\n"
                    for i in range(ROUND_TRIPS))
    return (f"id: {case_id}\ntitle: round trips\nspec: rfc2812:3.7.2\nlevel: MUST\n"
            f"{'exclusive: yes' if exclusive else ''}\nclients: {client}\n\n"
            f"{client}: register\n{steps}")


CASES = [  # file name, client (its initial marks its lines), exclusive
    ("01-first", "x", True), ("02-n", "a", False), ("03-n", "b", False),
    ("04-n", "c", False), ("05-middle", "z", True), ("06-n", "d", False),
    ("07-n", "e", False), ("08-n", "f", False), ("09-last", "y", True),
]


def traced_initials(trace):
    """The initial of the client each handled line came from, in order."""
    initial, order = {}, []
    for line in trace.read_text().splitlines():
        conn, _, text = line.partition(" ")
        if text.startswith("NICK ") and conn not in initial:
            initial[conn] = text[5]
        order.append(initial.get(conn, "?"))
    return order


def test_exclusive_cases_never_overlap_another(tmp_path, fake_server):
    trace = tmp_path / "trace"
    srv = fake_server(trace=trace)
    d = tmp_path / "cases"
    d.mkdir()
    for name, client, exclusive in CASES:
        (d / f"{name}.case").write_text(case_text(name, client, exclusive))
    run = ircspec(tmp_path, "--port", srv.port, "-j", "4", d)
    assert run.rc == 0 and run.red() == [], run
    order = traced_initials(trace)
    for _, client, exclusive in CASES:
        assert order.count(client) == 2 + ROUND_TRIPS, order  # NICK, USER, the PINGs
        if not exclusive:
            continue
        first = order.index(client)
        last = len(order) - 1 - order[::-1].index(client)
        others = sorted(set(order[first:last + 1]) - {client})
        assert others == [], f"{client}'s case overlapped the cases of {others}: {order}"
    # The others did run side by side: -j 4 is in force.
    normal = [c for _, c, e in CASES if not e]
    assert any(a != b and a in normal and b in normal for a, b in zip(order, order[1:]))


def test_exclusive_header_values(tmp_path):
    path = tmp_path / "bad.case"
    path.write_text(case_text("bad", "a", False).replace("\nclients:",
                                                         "exclusive: maybe\nclients:"))
    run = ircspec(tmp_path, "--check", path, report=False)
    assert (run.rc, run.err) == (2, f"{path}:5: exclusive: 'yes' or 'no', not 'maybe'\n"), run
