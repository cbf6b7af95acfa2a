#!/usr/bin/env bash
# merge_found.sh BIN TARGET CORPUS_DIR SRC_DIR... - `make fuzz-merge`.
#
# Keeps in the committed corpus what fuzzing reached beyond the seeds: a
# libFuzzer merge (-merge=1) of CORPUS_DIR and the SRC_DIRs (a run's working
# corpus) with -use_counters=0, so the result holds each reached edge once -
# a few hundred small files, not the thousands a merge by every counter
# bucket keeps.  What the merge picked that is not already a case-* seed is
# written to CORPUS_DIR as found-<sha1 prefix>, replacing the old found-*
# files; case-* files (make_corpus.py's) are never touched.  `make test`
# replays the lot (make fuzz-replay), so a crash in a path only fuzzing
# reached stays caught.  BIN is the libFuzzer build of TARGET.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: merge_found.sh BIN TARGET CORPUS_DIR SRC_DIR..." >&2; exit 2; }
bin=$1 target=$2 corpus=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
opts=()
if [ -f "$here/$target.options" ]; then
	while read -r flag; do opts+=("$flag"); done < <(sed -n 's/^\([a-z_]*\) *= *\(.*\)/-\1=\2/p' "$here/$target.options")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/merged"
if ! "$bin" -merge=1 -use_counters=0 "${opts[@]}" "$tmp/merged" "$corpus" "$@" >"$tmp/log" 2>&1; then
	tail -n 5 "$tmp/log" >&2
	echo "merge_found.sh: the merge of $target failed" >&2
	exit 1
fi
declare -A seed
for f in "$corpus"/case-*; do
	[ -f "$f" ] && seed[$(sha1sum <"$f" | cut -c1-40)]=1
done
rm -f "$corpus"/found-*
n=0
for f in "$tmp/merged"/*; do
	[ -f "$f" ] || continue
	h=$(sha1sum <"$f" | cut -c1-40)
	[ -n "${seed[$h]:-}" ] && continue
	cp "$f" "$corpus/found-${h:0:12}"
	n=$((n + 1))
done
echo "merge_found: $target: $(grep -o '[0-9]* new coverage edges' "$tmp/log" | tail -n 1 | cut -d' ' -f1) edges; $n found-* inputs in $corpus"
