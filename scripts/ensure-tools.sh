#!/usr/bin/env bash
# ensure-tools.sh - installs what the build and the tests need, on Debian.
# As root it runs apt-get; otherwise it prints the exact command to run.
# Each need is checked by what it provides, so a machine that has it all
# runs no apt-get at all.
set -euo pipefail

missing=()
need() { # need PACKAGE TEST-COMMAND...
	local pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing+=("$pkg")
}

need python3-pytest /usr/bin/python3 -c 'import pytest'
need python3-yaml /usr/bin/python3 -c 'import yaml'
need valgrind command -v valgrind
need gcc command -v gcc
need make command -v make
need clang command -v clang
need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
need libjansson-dev sh -c 'test -f /usr/include/jansson.h'

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "ensure-tools: missing: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-tools: run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "ensure-tools: installed ${missing[*]}" >&2
