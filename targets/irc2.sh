#!/bin/sh
# irc2.sh PORT - run Debian's ircd-irc2 2.11 (IRCnet's server) in the
# foreground on 127.0.0.1:PORT, for `ircspec --spawn 'targets/irc2.sh {port}'
# --password secret --oper ircspec:operpass`.  OPTIONAL target, with a
# limitation no config lifts: see targets/README.md ("split mode": whoever
# creates a channel is NOT given channel operator status).  Install it first
# with targets/install.sh irc2.  Must be started as root (it needs a mount
# namespace and drops to the `irc` user).
#
# This build reads its config only from /etc/ircd/ircd.conf (no -f option),
# runs it through /usr/bin/m4, and resolves client addresses with no way to
# turn that off.  So it runs in a private mount namespace where /etc is an
# overlay of our temp dir's etc/ (ircd/ircd.conf, ircd/ircd.motd,
# resolv.conf) over the system's, and /usr/bin one of the unpacked m4 over
# the system's (when the system has no m4); resolv.conf names our own
# loopback address where nxdns.py answers NXDOMAIN at once (see hybrid.sh).
set -eu
# shellcheck source=targets/lib.sh
. "$(dirname "$0")/lib.sh"
target_init irc2 "${1:-}" usr/sbin/ircd

[ "$(id -u)" = 0 ] || target_die "must run as root (mount namespace, then the irc user)"
id irc >/dev/null 2>&1 || target_die "no 'irc' user on this system"
RUN_AS=irc
export RUN_AS

ETC=$TMPD/etc
mkdir -p "$ETC/ircd"
cp "$ROOT/etc/ircd/ircd.m4" "$ETC/ircd/ircd.m4"
printf '%s\n' "irc2.ircspec.test: ircd-irc2 under the ircspec conformance suite." >"$ETC/ircd/ircd.motd"

target_start_nxdns "$ETC/resolv.conf"

# Oper passwords are crypt(3)ed in this build: MD5-crypt of "operpass".
# shellcheck disable=SC2016 # a literal hash
OPER_HASH='$1$ULQrl2Wk$1kOx49SnY7D6BOXUhao4C1'
# Y: class 1: ping 120 s, 100000 links, 1 MB sendq, 100000 clients per host
#    and per user@host, locally and globally (a case opens 200+).
# I: everyone, password "secret", class 1.
# O: "ircspec" from anywhere, all privileges (flag A).
# P: 127.0.0.1:PORT only.
cat >"$ETC/ircd/ircd.conf" <<EOF
M%irc2.ircspec.test%%irc2 for the ircspec conformance suite%%001I%
A%ircspec%ircspec conformance suite%ircspec@ircspec.test%%ircspec%
Y%1%120%%100000%1000000%100000.100000%100000.100000%
I%*@*%secret%%0%1%
O%*@*%$OPER_HASH%ircspec%%1%A%
P%127.0.0.1%%%$PORT%
EOF

chown -R "$RUN_AS:$RUN_AS" "$TMPD"
chmod 0755 "$TMPD" # the overlay's lower layer must be readable by irc

# -t: foreground, output to stdout; -s: no iauth process (the ircd tries
# ident itself); -p off: no "public network" protections; -T with no file:
# no tune file.
# shellcheck disable=SC2016 # expanded by the inner shell
target_run unshare --mount --propagation private sh -c '
	d=$1 root=$2
	mount -t overlay ircspec-irc2-etc -o "lowerdir=$d/etc:/etc" /etc || exit 2
	if [ -d "$root/usr/bin" ]; then
		mount -t overlay ircspec-irc2-bin -o "lowerdir=$root/usr/bin:/usr/bin" /usr/bin || exit 2
	fi
	exec setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups \
		"$root/usr/sbin/ircd" -t -s -p off -T' \
	irc2.sh "$TMPD" "$ROOT"
