#!/usr/bin/env bash
# bench.sh - the speed figures of the project, written to reports/bench.txt:
# the whole suite against refircd and (when it can be installed) ngircd,
# refircd at 10,000 clients, and the fuzz targets: exec/s side by side with
# a target that does nothing, and what one input costs without mutation.  Wall-clock numbers on this machine; the
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

# fuzz_figures: 30 s of each target from the committed corpus (a fresh
# working corpus, so runs compare), then bin/<target>-cost on fixed inputs.
fuzz_figures() {
	local work=build/fuzz-bench secs=${FUZZ_BENCH_SECONDS:-30}
	rm -rf "$work"
	mkdir -p "$work/cost"
	echo "Fuzz targets, ${secs} s each, one core, ASan+UBSan (fuzz/run_fuzz.py):"
	/usr/bin/python3 fuzz/run_fuzz.py --seconds "$secs" --work "$work" \
		--report "$work/fuzz.txt" fuzz_recv fuzz_session >/dev/null
	sed -n '3,$p' "$work/fuzz.txt"
	echo
	echo "Cost of one input (bin/<target>-cost: the same instrumentation, no mutation):"
	printf '\x00' >"$work/cost/recv-empty"
	printf '\x08' >"$work/cost/recv-registered"
	printf '\x08PING :x\r\n' >"$work/cost/recv-ping"
	printf '\x00NICK n\r\nUSER u 0 * :r\r\n' >"$work/cost/recv-register"
	local what file
	for what in empty registered ping register; do
		file=$work/cost/recv-$what
		printf '  fuzz_recv %-28s' "$what:"
		ASAN_OPTIONS=detect_leaks=0 ./bin/fuzz_recv-cost -runs=100000 "$file" | sed 's/.*runs: //'
	done
	printf '  fuzz_recv %-28s' "committed corpus (mean):"
	ASAN_OPTIONS=detect_leaks=0 ./bin/fuzz_recv-cost -runs=20 fuzz/corpus/fuzz_recv | sed 's/.*runs: //'
	printf '  fuzz_session %-25s' "committed corpus (mean):"
	ASAN_OPTIONS=detect_leaks=0 ./bin/fuzz_session-cost -runs=20 fuzz/corpus/fuzz_session | sed 's/.*runs: //'
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
	echo
	fuzz_figures
} | tee "$out"
