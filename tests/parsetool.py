"""parsetool.py - talks to bin/parsetest (see tests/tools/parsetest.c)."""

import json
import subprocess

from irc import driver_path

SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           b"!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~")


def escape(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return "".join(chr(b) if b in SAFE else f"\\x{b:02x}" for b in data)


def unlatin(s):
    """parsetest prints bytes as Latin-1 code points; back to bytes."""
    return None if s is None else s.encode("latin-1")


def run(requests, timeout=60):
    """requests: list of (letter, [args as bytes/str]); returns the JSON
    answers in order.  One process for the whole batch."""
    text = "".join(f"{kind} {' '.join(escape(a) for a in args)}\n" for kind, args in requests)
    proc = subprocess.run([str(driver_path("parsetest"))], input=text.encode(), capture_output=True,
                          timeout=timeout)
    out = proc.stdout.decode().splitlines()
    if proc.returncode != 0 or len(out) != len(requests):
        raise AssertionError(f"parsetest exited {proc.returncode} with {len(out)} answers for "
                             f"{len(requests)} requests; stderr:\n{proc.stderr.decode()}")
    return [json.loads(line) for line in out]
