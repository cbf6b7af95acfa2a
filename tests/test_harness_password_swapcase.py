"""{password:swapcase}: the --password given with each ASCII letter in the
other case, for the case that a server must refuse it
(reg-pass-case-swapped-refused).  fakeserver ignores PASS, so the
expansion is seen in a PRIVMSG a client sends itself."""

from harness_run import fake_server, ircspec  # noqa: F401

CASE = """\
id: fx-password-swapcase
title: the password, case swapped
spec: rfc2812:3.1.1
level: MUST
clients: a

a: register
a: send PRIVMSG {nick:a} :{password:swapcase}|{password}
a: expect-exact PRIVMSG {nick:a} :%s
"""


def run_with(tmp_path, fake_server, password, want_text):
    srv = fake_server()
    path = tmp_path / "swap.case"
    path.write_text(CASE % want_text)
    return ircspec(tmp_path, "--port", srv.port, "--timeout", "2000", "--password",
                   password, path)


def test_letters_swap_and_the_rest_stays(tmp_path, fake_server):
    run = run_with(tmp_path, fake_server, "RunPass-7x[", "rUNpASS-7X[|RunPass-7x[")
    assert run.status() == {"fx-password-swapcase": "pass"}, run


def test_the_unswapped_password_does_not_match(tmp_path, fake_server):
    # the same text as --password: an expansion that changed nothing fails
    run = run_with(tmp_path, fake_server, "RunPass", "RunPass|RunPass")
    assert run.status() == {"fx-password-swapcase": "fail"}, run


def test_a_password_without_letters_skips_the_case(tmp_path, fake_server):
    run = run_with(tmp_path, fake_server, "1234", "1234|1234")
    assert run.status() == {"fx-password-swapcase": "skip"}, run
    assert "no letter" in run.case("fx-password-swapcase")["message"], run
