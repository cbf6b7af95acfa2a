#!/usr/bin/env bash
# ensure-tools.sh - installs what the build and the tests need, on Debian.
# Every make target that compiles runs it first (the Makefile's check-tools),
# so `make run` works as the first command on a fresh Debian 12.
#
#   ensure-tools.sh              apt-get install what is missing: as root,
#                                or through `sudo -n` when it needs no
#                                password; otherwise print the exact command
#                                and fail (exit 1)
#   ensure-tools.sh --check      only report: "missing: PKG..." and exit 1,
#                                or exit 0 when all is there; installs nothing
#   ensure-tools.sh --dry-run    print the commands it would run ("+ CMD"),
#                                run none of them
#   ensure-tools.sh --root DIR   probe DIR as the system root instead of /
#                                (commands in DIR/usr/bin and DIR/bin, headers
#                                in DIR/usr/include): for tests, with --check
#                                or --dry-run
#
# apt-get runs with no question to answer: DEBIAN_FRONTEND=noninteractive,
# existing configuration files kept, and it waits (up to 10 minutes) for
# the dpkg lock instead of failing while a fresh machine's unattended
# upgrades hold it.
# Each need is checked by the file or command it provides, so a machine that
# has it all runs no apt-get and the check costs a few probes.
set -euo pipefail

check_only=0
dry_run=0
root=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1 ;;
	--dry-run) dry_run=1 ;;
	--root)
		[ $# -ge 2 ] || { echo "ensure-tools: --root needs a directory" >&2; exit 2; }
		root=${2%/}
		shift
		;;
	*) echo "ensure-tools: unknown option $1 (usage: ensure-tools.sh [--check] [--dry-run]" \
		"[--root DIR])" >&2
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
need libc6-dev has_file /usr/include/stdio.h  # gcc only recommends it
need make has_cmd make
need binutils has_cmd nm  # tests/test_refircd_layering.py reads the call graph with nm
need clang has_cmd clang
need libclang-rt-14-dev has_glob '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'
need libjansson-dev has_file /usr/include/jansson.h
need libpcre2-dev has_file /usr/include/pcre2.h
need libexpat1-dev has_file /usr/include/expat.h
need chromium has_cmd chromium  # tests/test_report_browser.py opens the HTML report in it
need afl++ has_cmd afl-clang-fast  # bin/refircd-afl, grey-box `ircspec fuzz --afl`
need patch has_cmd patch  # the planted-defect tests patch copies of refircd

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "ensure-tools: missing: ${missing[*]}" >&2
if [ $check_only -eq 1 ]; then
	exit 1
fi
if [ -n "$root" ] && [ $dry_run -eq 0 ]; then
	echo "ensure-tools: --root $root: not installing into a probe root (use --check)" >&2
	exit 2
fi

apt_opts=(-y -qq -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold)
# $EUID, not id(1): this must work whatever PATH make was given.
if [ "$EUID" -eq 0 ]; then
	as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
	as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
	echo "ensure-tools: not root, and sudo needs a password (or is missing): as root, run" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
	exit 1
fi
update=("${as_root[@]}" apt-get "${apt_opts[@]}" update)
install=("${as_root[@]}" apt-get "${apt_opts[@]}" install "${missing[@]}")
if [ $dry_run -eq 1 ]; then
	echo "+ ${update[*]}"
	echo "+ ${install[*]}"
	exit 0
fi
"${update[@]}"
"${install[@]}" >/dev/null
echo "ensure-tools: installed ${missing[*]}" >&2
