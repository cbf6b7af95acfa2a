#!/usr/bin/env bash
# bench.sh - the speed figures of the project, written to reports/bench.txt:
# the whole suite against refircd and (when it can be installed) ngircd,
# and refircd at 10,000 clients.  Wall-clock numbers on this machine; the
# suite's verdicts are not judged here (`make run`/`make matrix` do that).
set -uo pipefail
cd "$(dirname "$0")/.."
out=reports/bench.txt
mkdir -p reports
jobs=${JOBS:-8}
ncases=$(./bin/ircspec --list cases | tail -n 1)

timed_run() { # timed_run LABEL ARGS...: one suite run, its time and closing line
	local label=$1
	shift
	local t0 t1 last
	t0=$(date +%s.%N)
	last=$(./bin/ircspec -j "$jobs" --no-color "$@" cases 2>&1 | tail -n 1)
	t1=$(date +%s.%N)
	printf '%-10s %6s s   %s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" "$last"
}

{
	echo "ircspec bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $ncases, -j $jobs"
	echo
	echo "Whole suite (wall clock, including spawning the server):"
	timed_run refircd --spawn './bin/refircd -p {port} --oper ircspec:operpass' \
		--oper ircspec:operpass
	if [ -x targets/install.sh ] && targets/install.sh ngircd >/dev/null 2>&1; then
		timed_run ngircd --spawn 'targets/ngircd.sh {port}' --password secret \
			--oper ircspec:operpass
	else
		echo "ngircd     (not installed: targets/install.sh ngircd failed)"
	fi
	echo
	/usr/bin/python3 scripts/scale.py 10000
} | tee "$out"
