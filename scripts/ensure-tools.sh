#!/usr/bin/env bash
# ensure-tools.sh - installs what the build and the tests need, on Debian.
# Every make target that compiles runs it first (the Makefile's check-tools),
# so `make run` works as the first command on a fresh Debian 12.
#
#   ensure-tools.sh              as root: apt-get install what is missing;
#                                otherwise print the exact command and fail
#   ensure-tools.sh --check      only report: "missing: PKG..." and exit 1,
#                                or exit 0 when all is there; installs nothing
#   ensure-tools.sh --root DIR   probe DIR as the system root instead of /
#                                (commands in DIR/usr/bin and DIR/bin, headers
#                                in DIR/usr/include): for tests, with --check
#
# Each need is checked by the file or command it provides, so a machine that
# has it all runs no apt-get and the check costs a few probes.
set -euo pipefail

check_only=0
root=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1 ;;
	--root)
		[ $# -ge 2 ] || { echo "ensure-tools: --root needs a directory" >&2; exit 2; }
		root=${2%/}
		shift
		;;
	*) echo "ensure-tools: unknown option $1 (usage: ensure-tools.sh [--check] [--root DIR])" >&2
	   exit 2 ;;
	esac
	shift
done
if [ -n "$root" ] && [ ! -d "$root" ]; then
	echo "ensure-tools: --root $root: not a directory" >&2
	exit 2
fi

# Probes look only under $root; outside a test it is empty, i.e. /, and
# commands are looked up in the caller's PATH, as make will run them.
probe_path=$PATH
if [ -n "$root" ]; then
	probe_path="$root/usr/local/bin:$root/usr/bin:$root/bin"
fi
has_cmd() { PATH=$probe_path command -v "$1"; }
has_file() { test -f "$root$1"; }
has_glob() { compgen -G "$root$1"; }
has_pymod() { "$root/usr/bin/python3" -c "import $1"; }

missing=()
need() { # need PACKAGE PROBE ARG
	local pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing+=("$pkg")
}

need python3-pytest has_pymod pytest
need python3-yaml has_pymod yaml
need valgrind has_cmd valgrind
need gcc has_cmd gcc
need make has_cmd make
need binutils has_cmd nm  # tests/test_refircd_layering.py reads the call graph with nm
need clang has_cmd clang
need libclang-rt-14-dev has_glob '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
need libjansson-dev has_file /usr/include/jansson.h
need libpcre2-dev has_file /usr/include/pcre2.h
need libexpat1-dev has_file /usr/include/expat.h
need chromium has_cmd chromium  # tests/test_report_browser.py opens the HTML report in it
need afl++ has_cmd afl-clang-fast  # bin/refircd-afl, grey-box `ircspec fuzz --afl`

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "ensure-tools: missing: ${missing[*]}" >&2
if [ $check_only -eq 1 ]; then
	exit 1
fi
if [ -n "$root" ]; then
	echo "ensure-tools: --root $root: not installing into a probe root (use --check)" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-tools: run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "ensure-tools: installed ${missing[*]}" >&2
