"""--spawn: a server that dies and cannot be started again stops the run.
The spawn command below starts the fake server the first time and exits 1
every time after; the first case crashes the server.  The run must stop
with exit 2 and a message naming the command and why the restart failed,
mark the cases it could not run, and still write its reports."""

import os
import stat

from fakeserver import FakeServer
from harness_run import FIXTURE, FIXTURE_IDS, crash_cases, ircspec


def once_only_command(tmp_path):
    """A shell script: the fake server the first time, exit 1 after."""
    state = tmp_path / "started-once"
    script = tmp_path / "start-once.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"if [ -e '{state}' ]; then echo 'start-once: refusing to start again' >&2; exit 1; fi\n"
        f"touch '{state}'\n"
        "exec " + FakeServer.command(crash_on="PRIVMSG crash").replace("{port}", '"$1"')
        + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{script} {{port}}"


def test_failed_restart_stops_the_run(tmp_path):
    d = crash_cases(tmp_path, 300)
    cmd = once_only_command(tmp_path)
    junit = tmp_path / "r.xml"
    run = ircspec(tmp_path, "--spawn", cmd, "-j", "1", "--timeout", "2000",
                  "--junit", junit, d, FIXTURE, timeout=120)
    assert run.rc == 2, run
    assert f"ircspec: the server died and could not be restarted (--spawn '{cmd}'): " \
        in run.err, run
    assert "start-once: refusing to start again" in run.err, run
    assert f"ircspec: run stopped: {len(FIXTURE_IDS)} cases not run" in run.err, run
    # The reports are written, with what ran and what did not.
    assert os.path.getsize(junit) > 0
    want = dict.fromkeys(FIXTURE_IDS, "error")
    want["fx-crash-trigger"] = "crash"
    assert run.status() == want, run
    for case_id in FIXTURE_IDS:
        assert run.case(case_id)["message"] == \
            "not run: the server died and could not be restarted", run
