"""Every exit code of ircspec (README, --help): 0 when every selected case
passes; 1 on a MUST failure, a crash or a harness error; a SHOULD failure
only with --strict; a MAY failure never; 2 for a usage error, a bad case
file or an unreachable target."""

import pytest

from fakeserver import FakeServer
from harness_run import FIXTURE, fake_server, ircspec, refused_port  # noqa: F401

NO_ECHO = FIXTURE / "privmsg-channel-no-echo.case"


def with_level(tmp_path, level):
    """The no-echo case (failed by --bug echo) at another level."""
    path = tmp_path / f"no-echo-{level}.case"
    text = NO_ECHO.read_text()
    assert "level: MUST\n" in text
    path.write_text(text.replace("level: MUST\n", f"level: {level}\n"))
    return path


def test_all_pass_is_0(tmp_path, fake_server):
    run = ircspec(tmp_path, "--port", fake_server().port, "--timeout", "500", FIXTURE)
    assert run.rc == 0, run


def test_must_failure_is_1(tmp_path, fake_server):
    run = ircspec(tmp_path, "--port", fake_server("echo").port, "--timeout", "500", NO_ECHO)
    assert run.rc == 1, run
    assert run.status() == {"fx-privmsg-channel-no-echo": "fail"}, run


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_should_failure_fails_only_with_strict(tmp_path, fake_server, strict):
    srv = fake_server("echo")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "500",
                  *(["--strict"] if strict else []), with_level(tmp_path, "SHOULD"))
    assert run.status() == {"fx-privmsg-channel-no-echo": "fail"}, run
    assert run.rc == (1 if strict else 0), run


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_may_failure_never_fails_the_run(tmp_path, fake_server, strict):
    srv = fake_server("echo")
    run = ircspec(tmp_path, "--port", srv.port, "--timeout", "500",
                  *(["--strict"] if strict else []), with_level(tmp_path, "MAY"))
    assert run.status() == {"fx-privmsg-channel-no-echo": "fail"}, run
    assert run.rc == 0, run


def test_skip_is_0(tmp_path, fake_server):
    """A case needing --oper is skipped without it; skips do not fail."""
    path = tmp_path / "needs-oper.case"
    path.write_text(NO_ECHO.read_text().replace("id: fx-privmsg-channel-no-echo",
                                                "id: fx-needs-oper\nrequires: oper"))
    run = ircspec(tmp_path, "--port", fake_server().port, "--timeout", "500", path)
    assert run.status() == {"fx-needs-oper": "skip"}, run
    assert "--oper" in run.case("fx-needs-oper")["message"], run
    assert run.rc == 0, run


def test_crash_is_1(tmp_path):
    """The server dies on the RST: a red verdict (crash, or fail: see
    test_harness_broken_servers.py) and exit 1."""
    run = ircspec(tmp_path, "--spawn", FakeServer.command("crash-rst"), "--timeout", "500",
                  "-k", "fx-rst-peer-sees-quit", FIXTURE)
    assert run.rc == 1, run
    assert run.status()["fx-rst-peer-sees-quit"] in ("crash", "fail"), run


USAGE = {
    "unknown-option": (["--frobnicate"], "ircspec: unknown option '--frobnicate'"),
    "port-zero": (["--port", "0"], "ircspec: --port: '0' is not a port (1-65535)"),
    "port-too-big": (["--port", "65536"], "ircspec: --port: '65536' is not a port (1-65535)"),
    "port-not-a-number": (["--port", "irc"], "ircspec: --port: 'irc' is not a port (1-65535)"),
    "port-missing-argument": (["--port"], "ircspec: --port needs an argument"),
    "bad-timeout": (["--timeout", "5s"],
                    "ircspec: --timeout: '5s' is not a number of ms (10-600000)"),
    "bad-deadline": (["--deadline", "0"],
                     "ircspec: --deadline: '0' is not a number of seconds (1-86400)"),
    "bad-jobs": (["-j", "0"], "ircspec: -j: '0' is not a job count (1-256)"),
    "valgrind-without-spawn": (["--valgrind"], "ircspec: --valgrind needs --spawn"),
}


@pytest.mark.parametrize("name", sorted(USAGE))
def test_usage_error_is_2(tmp_path, name):
    args, message = USAGE[name]
    run = ircspec(tmp_path, FIXTURE, *args, report=False)  # getopt permutes
    assert run.rc == 2, run
    assert run.err.startswith(message + "\n"), run
    assert "(see ircspec --help)" in run.err, run
    assert run.out == "", run


def test_bad_k_expression_is_2(tmp_path):
    run = ircspec(tmp_path, "--list", "-k", "MUST and (split", FIXTURE, report=False)
    assert run.rc == 2, run
    assert run.err == "ircspec: -k: missing ')' for the '(' at column 10\n", run


def test_missing_case_path_is_2(tmp_path):
    run = ircspec(tmp_path, "--check", tmp_path / "nowhere", report=False)
    assert run.rc == 2, run
    assert run.err == f"{tmp_path / 'nowhere'}: No such file or directory\n", run


def test_unreachable_target_is_2(tmp_path):
    held = refused_port()
    port = held.getsockname()[1]
    run = ircspec(tmp_path, "--port", port, "--timeout", "500", FIXTURE)
    held.close()
    assert run.rc == 2, run
    assert f"ircspec: target 127.0.0.1:{port} unusable: " in run.err, run
    assert "Connection refused" in run.err, run  # refused at once, not a timeout
    assert "timed out" not in run.err, run


def test_bad_case_file_is_2(tmp_path):
    bad = tmp_path / "bad.case"
    bad.write_text(NO_ECHO.read_text().replace("level: MUST", "level: OPTIONAL"))
    run = ircspec(tmp_path, "--check", bad, report=False)
    assert run.rc == 2, run


def test_help_and_version_are_0(tmp_path):
    run = ircspec(tmp_path, "--help", report=False)
    assert run.rc == 0 and run.out.startswith("usage: ircspec"), run
    assert "Exit: 0 all selected cases pass" in run.out, run
    run = ircspec(tmp_path, "--version", report=False)
    assert run.rc == 0 and run.out.startswith("ircspec "), run


def test_harness_error_is_1(tmp_path, fake_server):
    """A case the harness cannot run (a placeholder the server cannot
    fill) is an error, whatever its level."""
    path = tmp_path / "unfillable.case"
    path.write_text(NO_ECHO.read_text().replace("level: MUST", "level: MAY")
                    .replace("b: send PRIVMSG {chan} :no echo please",
                             "b: send PRIVMSG {chan} :{isupport:FXNOSUCHTOKEN}"))
    run = ircspec(tmp_path, "--port", fake_server().port, "--timeout", "500", path)
    assert run.status() == {"fx-privmsg-channel-no-echo": "error"}, run
    assert "the server does not advertise FXNOSUCHTOKEN in 005" in \
        run.case("fx-privmsg-channel-no-echo")["message"], run
    assert run.rc == 1, run
