"""Runs bin/hashtest (tests/tools/hashtest.c), under ASan+UBSan: SipHash-2-4
against the reference vectors, nicks that all collide under FNV-1a (refircd's
old unkeyed hash) spread over the nick map's buckets, and a fresh random key
per server.  Issue 9, item 4: hash flooding."""

from irc import run_driver


def test_keyed_hash_resists_flooding():
    out = run_driver("hashtest")
    assert "all checks passed" in out, out
