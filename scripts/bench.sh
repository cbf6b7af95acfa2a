#!/usr/bin/env bash
# bench.sh - the speed figures of the project, written to reports/bench.txt:
# the whole suite against refircd and (when it can be installed) ngircd,
# channel fan-out (bin/loadgen) against both side by side, refircd at 10,000
# clients, and the fuzz targets: exec/s side by side with
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

# ---- ircspec fuzz over the wire: sessions/s against the issue's goals ----
FUZZ_SPEED_SECONDS=${FUZZ_SPEED_SECONDS:-20}
FUZZ_SPEED_SERVER_ARGS="-p {port} --oper ircspec:operpass --flood-interval 0"

# fuzz_speed_run BINARY JOBS: one ircspec fuzz run from cases/; prints
# "RATE FINDINGS" from its summary, or "0 ?" when it left none.
fuzz_speed_run() {
	local out=build/fuzz-speed/$1-j$2
	rm -rf "$out"
	./bin/ircspec fuzz --spawn "./bin/$1 $FUZZ_SPEED_SERVER_ARGS" --oper ircspec:operpass \
		--seed 1 --seconds "$FUZZ_SPEED_SECONDS" -j "$2" --out "$out" cases >/dev/null 2>&1
	/usr/bin/python3 -c 'import json, sys
try:
    s = json.load(open(sys.argv[1]))
    print("%.0f %d" % (s["inputs_per_second"], len(s["findings"])))
except (OSError, ValueError, KeyError):
    print("0 ?")' "$out/summary.json"
}

# fuzz_floor BINARY: bin/sessfloor's shapes against a fresh server, 5 s each.
fuzz_floor() {
	local port pid shape
	port=$(free_port)
	"./bin/$1" -p "$port" --flood-interval 0 2>/dev/null &
	pid=$!
	if wait_listening "$port"; then
		for shape in connect probe1 session; do
			printf '  %-13s %-8s ' "$1" "$shape"
			./bin/sessfloor --port "$port" --seconds 5 "$shape" 2>&1 |
				sed 's/.*per_s=\([0-9]*\).*/\1 per second/; s/^sessfloor: /failed: /'
		done
	else
		echo "  $1 did not listen on port $port"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

fuzz_speed() {
	local server goal j load rate found
	echo "ircspec fuzz speed (issue 11: >= 500 sessions/s against refircd -O2, >= 100/s against"
	echo "its ASan build, on this 2-core machine): ${FUZZ_SPEED_SECONDS} s runs from cases/ (the seeds"
	echo "first, then mutations), --seed 1, --oper; -j 1 is one core's worth, -j 2 both cores."
	echo "Load average (1 min) before each run: other jobs share the machine."
	for server in refircd refircd-asan; do
		goal=500
		[ "$server" = refircd-asan ] && goal=100
		for j in 1 2; do
			load=$(cut -d' ' -f1 /proc/loadavg)
			read -r rate found <<<"$(fuzz_speed_run "$server" "$j")"
			printf '  %-13s -j %d  %5s sessions/s  goal %3d: %-7s findings %s  load %s\n' \
				"$server" "$j" "$rate" "$goal" "$([ "$rate" -ge "$goal" ] && echo met || echo not met)" \
				"$found" "$load"
		done
	done
	echo "The floor (bin/sessfloor: the same wire traffic, nothing else; per second, one"
	echo "process): connect = TCP connect and close; probe1 = connect, NICK/USER/PING in one"
	echo "write, burst and PONG; session = two clients register, JOIN and sync in turn, two"
	echo "final sync rounds, close, probe1.  Load average: $(cut -d' ' -f1 /proc/loadavg)."
	fuzz_floor refircd
	fuzz_floor refircd-asan
}

# ---- channel fan-out: bin/loadgen against refircd and ngircd, side by side ----
FANOUT_CLIENTS=${FANOUT_CLIENTS:-500}
FANOUT_SENDERS=${FANOUT_SENDERS:-10}
FANOUT_WINDOW=${FANOUT_WINDOW:-50}
FANOUT_MESSAGES=${FANOUT_MESSAGES:-2000}
FANOUT_REPEATS=${FANOUT_REPEATS:-3}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listening PORT: until 127.0.0.1:PORT accepts, at most 10 s.
wait_listening() {
	local i
	for i in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# fanout_run SERVER: one bin/loadgen run against a fresh refircd or ngircd;
# prints loadgen's key=value line, or "failed: why".
fanout_run() {
	local port pid= starter extra=() out
	port=$(free_port)
	if [ "$1" = refircd ]; then
		# Pacing off where refircd has it: the load is a flood by design.
		local pacing=()
		./bin/refircd --help | grep -q -- --flood-interval && pacing=(--flood-interval 0)
		./bin/refircd -p "$port" "${pacing[@]}" 2>/dev/null &
		starter=$!
		pid=$starter
	else
		targets/ngircd.sh "$port" >/dev/null 2>&1 &
		starter=$!
		extra=(--password secret)
	fi
	if wait_listening "$port"; then
		[ "$1" = ngircd ] && pid=$(ps -o pid= --ppid "$starter" | head -n 1 | tr -d ' ')
		out=$(./bin/loadgen --port "$port" --server-pid "$pid" --clients "$FANOUT_CLIENTS" \
			--senders "$FANOUT_SENDERS" --window "$FANOUT_WINDOW" \
			--messages "$FANOUT_MESSAGES" "${extra[@]}" 2>&1 | tail -n 1)
	else
		out="failed: $1 did not listen on port $port"
	fi
	# The server, and its start script too (targets/lib.sh forwards the
	# TERM and cleans up), so the wait ends even if no server pid was found.
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	kill "$starter" 2>/dev/null
	wait "$starter" 2>/dev/null
	case $out in
	*lines_per_s=*) echo "$out" ;;
	failed:*) echo "$out" ;;
	*) echo "failed: $out" ;;
	esac
}

# field KEY LINE: the value of KEY=... in a loadgen result line.
field() {
	sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}

# runs_stat KEY FILE: "median min max" of KEY over FILE's runs (one loadgen line each).
runs_stat() {
	sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2" | sort -g |
		awk '{ v[++n] = $1 } END { if (n) print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[1], v[n] }'
}

# summary SERVER FILE: one line of medians and the spread of lines/s.
summary() {
	local rate cpu ns p50 p99
	read -r -a rate <<<"$(runs_stat lines_per_s "$2")"
	if [ "${#rate[@]}" = 0 ]; then
		printf '  %-8s no successful run\n' "$1"
		return
	fi
	cpu=$(runs_stat server_cpu_pct "$2" | cut -d' ' -f1)
	ns=$(runs_stat server_cpu_ns_per_line "$2" | cut -d' ' -f1)
	p50=$(runs_stat p50_ms "$2" | cut -d' ' -f1)
	p99=$(runs_stat p99_ms "$2" | cut -d' ' -f1)
	awk -v n="$1" -v m="${rate[0]}" -v lo="${rate[1]}" -v hi="${rate[2]}" -v runs="$(wc -l <"$2")" \
		-v c="$cpu" -v ns="$ns" -v a="$p50" -v b="$p99" 'BEGIN {
		printf "  %-8s median %.2fM lines/s (spread %.2fM-%.2fM, %d runs), server CPU %.0f%% = %.0f ns per line, latency p50 %.1f ms, p99 %.1f ms\n",
			n, m / 1e6, lo / 1e6, hi / 1e6, runs, c, ns, a, b }'
}

fanout_figures() {
	echo "Channel fan-out (bin/loadgen): $FANOUT_CLIENTS clients in one channel, $FANOUT_SENDERS senders,"
	echo "$FANOUT_WINDOW messages in flight each (in flight until every member has it), $FANOUT_MESSAGES"
	echo "messages per sender; $FANOUT_REPEATS runs per server, alternating.  ngircd runs with"
	echo "targets/ngircd.sh's config, whose MaxPenaltyTime = 0 turns its flood penalties off (else"
	echo "each command costs it 1-2 s); refircd with pacing off (--flood-interval 0, if it has it)."
	echo "Server CPU: its user+system time over the run's wall time, and per delivered line."
	local have_ngircd=1 i server line tmp
	if ! { [ -x targets/install.sh ] && targets/install.sh ngircd >/dev/null 2>&1; }; then
		have_ngircd=0
		echo "  ngircd not installed (targets/install.sh ngircd failed): refircd alone"
	fi
	tmp=$(mktemp -d)
	for i in $(seq "$FANOUT_REPEATS"); do
		for server in refircd ngircd; do
			[ "$server" = ngircd ] && [ "$have_ngircd" = 0 ] && continue
			line=$(fanout_run "$server")
			case $line in
			failed:*) printf '  run %d %-8s %s\n' "$i" "$server" "$line" ;;
			*)
				echo "$line" >>"$tmp/$server"
				printf '  run %d %-8s %.2fM lines/s, server CPU %s%% = %s ns per line, latency p50 %s ms, p99 %s ms\n' \
					"$i" "$server" "$(awk -v v="$(field lines_per_s "$line")" 'BEGIN { print v / 1e6 }')" \
					"$(field server_cpu_pct "$line")" "$(field server_cpu_ns_per_line "$line")" \
					"$(field p50_ms "$line")" "$(field p99_ms "$line")"
				;;
			esac
		done
	done
	touch "$tmp/refircd" "$tmp/ngircd"
	summary refircd "$tmp/refircd"
	if [ "$have_ngircd" = 1 ]; then
		summary ngircd "$tmp/ngircd"
		awk -v a="$(runs_stat lines_per_s "$tmp/refircd" | cut -d' ' -f1)" \
			-v b="$(runs_stat lines_per_s "$tmp/ngircd" | cut -d' ' -f1)" 'BEGIN {
			if (a > 0 && b > 0) printf "  refircd / ngircd: %.2fx the delivered lines per second (medians)\n", a / b }'
		awk -v a="$(runs_stat server_cpu_ns_per_line "$tmp/refircd" | cut -d' ' -f1)" \
			-v b="$(runs_stat server_cpu_ns_per_line "$tmp/ngircd" | cut -d' ' -f1)" 'BEGIN {
			if (a > 0 && b > 0) printf "  ngircd / refircd: %.2fx the server CPU per delivered line (medians; steadier on a busy machine)\n", b / a }'
	fi
	rm -rf "$tmp"
}

if [ "${1:-}" = fuzz-speed ]; then # scripts/bench.sh fuzz-speed: this part alone
	fuzz_speed
	exit 0
fi

{
	echo "ircspec bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $ncases, -j $jobs"
	echo
	echo "Whole suite (wall clock, including spawning the server):"
	timed_run refircd --spawn './bin/refircd -p {port} --oper ircspec:operpass --flood-interval 0' \
		--oper ircspec:operpass
	if [ -x targets/install.sh ] && targets/install.sh ngircd >/dev/null 2>&1; then
		timed_run ngircd --spawn 'targets/ngircd.sh {port}' --password secret \
			--oper ircspec:operpass
	else
		echo "ngircd     (not installed: targets/install.sh ngircd failed)"
	fi
	echo
	fanout_figures
	echo
	/usr/bin/python3 scripts/scale.py 10000
	echo
	fuzz_figures
	echo
	fuzz_speed
	echo
	# ircspec fuzz against the planted bugs (fuzz/planted/), and its speed.
	echo "Planted bugs, ${FUZZ_PLANTED_SECONDS:-600} s per bug and fuzzer (reports/fuzz-planted.md):"
	/usr/bin/python3 scripts/fuzz_planted.py --seconds "${FUZZ_PLANTED_SECONDS:-600}" | sed -n '3,$p'
} | tee "$out"
