"""Fixtures shared by the socket tests.

server        one bin/refircd-asan (or $REFIRCD_BINARY) per test module, with
              a MOTD file and --oper oper:operpass (and the module's
              SERVER_EXTRA arguments, if it has any); at module end it gets
              SIGTERM and the module fails unless it exits 0 without a
              sanitizer report.
spawn_server  factory for a private server with other flags (password, bind,
              ping timings, another binary); stopped and checked after the test.
connect       factory: a connected, unregistered Client (closed after the test).
user          factory: a registered Client with a fresh nick.

After every test each live server is checked: still running, nothing new
from ASan/UBSan.  So a crash is charged to the test that caused it.
Tests never share nicks or channels (irc.uniq), so they do not depend on
each other even though a module shares one server.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import irc  # noqa: E402


def _need(name):
    path = irc.BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make all` first")


# REFIRCD_BINARY=refircd-poll (or refircd) runs the shared-server tests
# against another build; the default is the sanitizer build.
MODULE_BINARY = os.environ.get("REFIRCD_BINARY", "refircd-asan")


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    _need(MODULE_BINARY)
    extra = getattr(request.module, "SERVER_EXTRA", ())
    srv = irc.Server(tmp_path_factory.mktemp("srv"), MODULE_BINARY, extra=extra).start()
    yield srv
    srv.stop_and_check()


@pytest.fixture
def spawn_server(tmp_path):
    started = []

    # make mutants points REFIRCD_SPAWN_BINARY at its schema build (an
    # absolute path) to give a mutant the tests of what no case can see
    def spawn(binary_name=os.environ.get("REFIRCD_SPAWN_BINARY", "refircd-asan"), **kw):
        _need(binary_name)
        srv = irc.Server(tmp_path / f"s{len(started)}", binary_name, **kw)
        started.append(srv)
        return srv.start()

    yield spawn
    errors = []
    for srv in started:
        try:
            srv.stop_and_check()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


@pytest.fixture
def connect(server):
    made = []

    def make(srv=None, **kw):
        c = irc.Client(srv or server, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def user(connect):
    def make(prefix="u", srv=None, **kw):
        c = connect(srv, **kw)
        c.register(irc.uniq(prefix))
        return c

    return make


@pytest.fixture(autouse=True)
def _servers_healthy():
    yield
    for srv in list(irc.Server.live):
        srv.check_healthy()


@pytest.fixture
def mono_server(spawn_server, tmp_path, monkeypatch):
    """start(**kw) -> (refircd, offset file): a server under bin/clockstep.so
    (LD_PRELOAD) whose CLOCK_MONOTONIC moves on by the seconds written to
    the file, for what a case cannot wait for (delays, uptime)."""
    lib = irc.BIN / "clockstep.so"
    if not lib.exists():
        pytest.fail(f"{lib} is missing: run `make all` first")
    mono = tmp_path / "mono-offset"
    mono.write_text("0")
    monkeypatch.setenv("LD_PRELOAD", str(lib))
    monkeypatch.setenv("CLOCKSTEP_MONO_FILE", str(mono))
    # the ASan builds want their runtime loaded first; clockstep.so only
    # wraps clock_gettime, which ASan leaves alone
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1:"
                       "verify_asan_link_order=0")

    def start(**kw):
        return spawn_server(**kw), mono

    return start
