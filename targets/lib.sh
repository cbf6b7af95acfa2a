# shellcheck shell=sh
# lib.sh - shared by the targets/<server>.sh start scripts (sourced, POSIX sh).
#
# A start script calls
#     target_init NAME PORT      checks the server is unpacked, makes $TMPD
#     ...writes its config into $TMPD...
#     target_run CMD...          runs the server in the foreground
#
# Why not a plain `exec`: the config lives in a temp dir that must be removed
# when the server stops, and nothing runs after an exec.  So the server runs
# as our only child.  ircspec signals the whole process group, so the server
# gets SIGTERM directly; a SIGTERM/SIGINT/SIGHUP sent to this shell alone is
# forwarded to the server as SIGTERM if it is still running a second later.
# When it is gone the temp dir is removed and we leave the way it did: with
# its exit status, or killed by the same signal (so a harness still sees
# "killed by signal 11" when the server crashes).
#
# If this shell is SIGKILLed the temp dir would stay: each start first removes
# the dirs of earlier runs whose owner process is gone.

IRCSPEC_SERVERS=${IRCSPEC_SERVERS:-/opt/ircspec-servers}
# shellcheck disable=SC2034 # used by the scripts that source this file
TARGETS_DIR=$(cd "$(dirname "$0")" && pwd)

target_die() {
	echo "$TARGET_NAME.sh: $*" >&2
	exit 2
}

# target_init NAME PORT [BINARY-RELATIVE-PATH]
target_init() {
	TARGET_NAME=$1
	PORT=$2
	case $PORT in
	'' | *[!0-9]*) target_die "usage: $TARGET_NAME.sh PORT" ;;
	esac
	if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
		target_die "bad port $PORT"
	fi
	ROOT=$IRCSPEC_SERVERS/$TARGET_NAME
	if [ -n "${3:-}" ] && [ ! -x "$ROOT/$3" ]; then
		target_die "$ROOT/$3 not found: run targets/install.sh $TARGET_NAME"
	fi
	# The unpacked private libraries (libident, libltdl, ...).
	LD_LIBRARY_PATH="$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
	target_sweep
	TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ircspec-$TARGET_NAME.XXXXXX") || target_die "mktemp failed"
	echo $$ >"$TMPD/.owner"
	trap 'target_cleanup' EXIT
	trap 'target_cleanup; exit 143' TERM
	trap 'target_cleanup; exit 130' INT
	trap 'target_cleanup; exit 129' HUP
}

# Helper processes (started in the background by a start script) to stop
# with the server.
TARGET_HELPERS=
target_add_helper() {
	TARGET_HELPERS="$TARGET_HELPERS $1"
}

# IRCSPEC_TARGET_KEEP=1 keeps the temp dir (config, logs) for debugging.
# target_start_nxdns RESOLV_CONF: servers whose DNS lookups cannot be
# turned off get a private "no such host" responder on 127.53.H.L (made from
# the port, so instances never collide) and a resolv.conf naming it.  Waits
# for its ready file: polling a file another process writes, bounded at 5 s.
target_start_nxdns() {
	DNS_ADDR=127.53.$((PORT / 256)).$((PORT % 256))
	printf 'nameserver %s\n' "$DNS_ADDR" >"$1"
	python3 "$TARGETS_DIR/nxdns.py" "$DNS_ADDR" "$TMPD/dns.ready" </dev/null &
	target_add_helper $!
	local i=0
	while [ ! -e "$TMPD/dns.ready" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || target_die "nxdns.py did not start on $DNS_ADDR:53"
		sleep 0.05
	done
}

target_cleanup() {
	for p in $TARGET_HELPERS; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	TARGET_HELPERS=
	if [ "${IRCSPEC_TARGET_KEEP:-0}" = 1 ]; then
		rm -f "$TMPD/.owner"
		echo "$TARGET_NAME.sh: kept $TMPD" >&2
	else
		rm -rf "$TMPD"
	fi
}

# Removes temp dirs left by a start script that was SIGKILLed.
target_sweep() {
	for d in "${TMPDIR:-/tmp}"/ircspec-"$TARGET_NAME".*; do
		[ -f "$d/.owner" ] || continue
		owner=$(cat "$d/.owner" 2>/dev/null) || continue
		case $owner in '' | *[!0-9]*) continue ;; esac
		kill -0 "$owner" 2>/dev/null || rm -rf "$d"
	done
}

# True while process $1 exists and is not a zombie (Linux /proc).
target_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
	state=${stat##*) }
	[ "${state%% *}" != Z ]
}

# target_run CMD... : run the server, forward signals, clean up, exit like it.
target_run() {
	set +e # wait returns the server's status, not an error of ours
	"$@" </dev/null &
	TARGET_PID=$!
	trap 'TARGET_TRAPPED=1' TERM INT HUP
	rc=
	forwarded=
	while :; do
		TARGET_TRAPPED=0
		wait "$TARGET_PID"
		st=$?
		# 127: reaped by the previous wait (a signal came just before it).
		[ "$st" = 127 ] && [ -n "$rc" ] && break
		rc=$st
		# A trapped signal interrupts wait with 128+sig: wait again, for the
		# server's own status (the shell keeps it even once reaped).
		[ "$TARGET_TRAPPED" = 1 ] || break
		[ -z "$forwarded" ] || continue
		forwarded=1
		# ircspec signals the whole group: the server has its SIGTERM
		# already.  A second one can kill a server that resets its handler
		# after the first (ngircd: "killed by signal 15" instead of exit 0),
		# so forward only if it is still running after a grace second.
		i=0
		while [ $i -lt 10 ] && target_alive "$TARGET_PID"; do
			sleep 0.1
			i=$((i + 1))
		done
		if target_alive "$TARGET_PID"; then
			kill -TERM "$TARGET_PID" 2>/dev/null
		fi
	done
	trap - EXIT TERM INT HUP
	target_cleanup
	if [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then
		sig=$((rc - 128))
		trap - "$sig" 2>/dev/null
		kill -s "$(kill -l "$sig")" $$ 2>/dev/null
	fi
	exit "$rc"
}
