#!/usr/bin/env python3
"""merge_found.py BIN TARGET CORPUS_DIR SRC_DIR... - `make fuzz-merge`.

Keeps in the committed corpus what fuzzing reached beyond the seeds: a
libFuzzer merge (-merge=1) of CORPUS_DIR and the SRC_DIRs (a run's working
corpus) with -use_counters=0, so the result holds each reached edge once - a
few hundred small files, not the thousands a merge by every counter bucket
keeps.  What the merge picked that is not already a case-* seed is written
to CORPUS_DIR as found-<sha1 prefix>, replacing the old found-* files
(only once the merge succeeded); case-* files (make_corpus.py's) are never
touched.  `make test` replays the lot (make fuzz-replay), so a crash in a
path only fuzzing reached stays caught.  BIN is the libFuzzer build of
TARGET; the flags of fuzz/TARGET.options apply, read as run_fuzz.py reads them.
"""

import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from run_fuzz import options_flags


def sha1(path):
    return hashlib.sha1(path.read_bytes()).hexdigest()


def main(argv):
    if len(argv) < 5:
        print("usage: merge_found.py BIN TARGET CORPUS_DIR SRC_DIR...", file=sys.stderr)
        return 2
    exe, target, corpus, sources = argv[1], argv[2], Path(argv[3]), argv[4:]
    with tempfile.TemporaryDirectory() as tmp:
        merged = Path(tmp) / "merged"
        merged.mkdir()
        try:
            proc = subprocess.run([exe, "-merge=1", "-use_counters=0"] + options_flags(target)
                                  + [str(merged), str(corpus)] + sources,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            log = proc.stdout.decode(errors="replace")
            ok = proc.returncode == 0
        except OSError as e:
            log, ok = str(e), False
        if not ok:
            print("\n".join(log.splitlines()[-5:]), file=sys.stderr)
            print(f"merge_found.py: the merge of {target} failed", file=sys.stderr)
            return 1
        seeds = {sha1(p) for p in corpus.glob("case-*") if p.is_file()}
        for old in corpus.glob("found-*"):
            old.unlink()
        added = 0
        for p in sorted(merged.iterdir()):
            digest = sha1(p)
            if p.is_file() and digest not in seeds:
                (corpus / f"found-{digest[:12]}").write_bytes(p.read_bytes())
                added += 1
    edges = re.findall(r"(\d+) new coverage edges", log)
    print(f"merge_found: {target}: {edges[-1] if edges else '?'} edges; "
          f"{added} found-* inputs in {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
