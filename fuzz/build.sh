#!/bin/bash -eu
# build.sh - OSS-Fuzz / ClusterFuzzLite build script for refircd's fuzz
# targets.  Honours the variables those builders set:
#   CC                  compiler (clang)
#   CFLAGS              sanitizer and coverage flags, e.g. -fsanitize=address
#                       -fsanitize=fuzzer-no-link
#   LIB_FUZZING_ENGINE  what to link for the engine (-fsanitize=fuzzer)
#   OUT                 where the targets, .options, .dict and
#                       <target>_seed_corpus.zip go
#   SRC                 unused: the sources are found next to this script,
#                       so it also builds a copy of the tree (fuzz/README.md)
# Standalone:  CC=clang CFLAGS='-fsanitize=address,fuzzer-no-link' \
#              LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh

ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}"
: "${CFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:?set OUT to the output directory}"
TARGETS="fuzz_recv fuzz_session"

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/refircd-fuzz-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

CSTD="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes"

# Everything but the socket layer (main.c, netloop.c, ev_*.c are not linked).
LIB_SRC="fuzz/fakesrv.c fuzz/snapshot.c $(cd "$ROOT" && ls common/*.c reference-server/*.c |
	grep -v -e reference-server/main.c -e reference-server/netloop.c -e reference-server/ev_ |
	tr '\n' ' ')"

compile() { # compile SRC -> prints the object path
	local obj="$WORK/$(echo "$1" | tr '/' '_').o"
	# shellcheck disable=SC2086  # CFLAGS is a word list by design
	$CC $CSTD $WARN $CFLAGS -c "$ROOT/$1" -o "$obj"
	echo "$obj"
}

LIB_OBJS=""
for src in $LIB_SRC; do
	LIB_OBJS="$LIB_OBJS $(compile "$src")"
done

for t in $TARGETS; do
	obj=$(compile "fuzz/$t.c")
	# The engine is C++: OSS-Fuzz links with $CXX when it is set.
	# shellcheck disable=SC2086
	${CXX:-$CC} $CFLAGS $obj $LIB_OBJS $LIB_FUZZING_ENGINE -o "$OUT/$t"
	cp "$ROOT/fuzz/$t.options" "$OUT/$t.options"
	cp "$ROOT/fuzz/irc.dict" "$OUT/$t.dict"
	# Seed corpus: a flat zip of the committed corpus.
	python3 - "$ROOT/fuzz/corpus/$t" "$OUT/${t}_seed_corpus.zip" <<'EOF'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path) and not name.startswith("."):
            z.write(path, name)
EOF
done
echo "build.sh: built $TARGETS into $OUT"
