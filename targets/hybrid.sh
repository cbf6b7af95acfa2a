#!/bin/sh
# hybrid.sh PORT - run Debian's ircd-hybrid 8 in the foreground on
# 127.0.0.1:PORT, for `ircspec --spawn 'targets/hybrid.sh {port}'
# --password secret --oper ircspec:operpass`.  Install it first with
# targets/install.sh hybrid.  Must be started as root (it drops to the `irc`
# user itself, as hybrid refuses to run as root); the config is generated in
# a temp dir, removed on exit; the log goes to stderr.  See targets/README.md.
#
# Reverse DNS: hybrid looks up every client's address and cannot be told not
# to; with no resolver answering, each lookup waits for its timeout (a
# resolv.conf naming a port where nothing listens does not help: its
# resolver uses an unconnected UDP socket, which never sees the ICMP
# "port unreachable") and every registration stalls.  So the server runs in
# a private mount namespace (unshare -m) whose /etc/resolv.conf names our
# own loopback address where nxdns.py answers NXDOMAIN at once: hybrid says
# "Couldn't look up your hostname" and goes on with the IP address.
set -eu
# shellcheck source=targets/lib.sh
. "$(dirname "$0")/lib.sh"
target_init hybrid "${1:-}" usr/sbin/ircd-hybrid

[ "$(id -u)" = 0 ] || target_die "must run as root (to drop to the irc user and use a mount namespace)"
id irc >/dev/null 2>&1 || target_die "no 'irc' user on this system"
RUN_AS=irc
export RUN_AS

printf '%s\n' "hybrid.ircspec.test: ircd-hybrid under the ircspec conformance suite." >"$TMPD/motd"
# One responder per instance, on an address made from the port: 127.53.H.L.
target_start_nxdns "$TMPD/resolv.conf"
: >"$TMPD/ircd.log"

MODDIR=/usr/lib/ircd-hybrid/modules # inside the namespace: see below
# Settings (see targets/README.md):
# - class: 100000 clients per IP/CIDR (a case opens 200+ from 127.0.0.1),
#   recvq 8000 (the maximum), sendq 1 MB.
# - auth: password "secret"; can_flood + exceed_limit lift flood and class
#   limits; no ident (general.disable_auth).
# - general: no throttling of connects (throttle_time 0), no pacing of
#   commands (pace_wait 0), no delay before a QUIT message is shown
#   (anti_spam_exit_message_time 0), no nick/away/invite flood control,
#   invisible_on_connect = no (clients visible, like the other targets).
# - max_nick_length 9 (RFC 2812 2.3.1, hybrid's own default).
cat >"$TMPD/ircd.conf" <<EOF
serverinfo {
	name = "hybrid.ircspec.test";
	description = "ircd-hybrid for the ircspec conformance suite";
	network_name = "ircspec";
	network_description = "ircspec";
	hub = no;
	default_max_clients = 10000;
	max_nick_length = 9;
	max_topic_length = 300;
};
admin {
	name = "ircspec";
	description = "ircspec conformance suite";
	email = "<ircspec@ircspec.test>";
};
class {
	name = "users";
	ping_time = 120 seconds;
	number_per_ip_local = 100000;
	number_per_ip_global = 100000;
	max_number = 100000;
	cidr_bitlen_ipv4 = 32;
	cidr_bitlen_ipv6 = 128;
	number_per_cidr = 100000;
	max_channels = 1000;
	sendq = 1 megabyte;
	recvq = 8000 bytes;
};
listen {
	host = "127.0.0.1";
	port = $PORT;
};
auth {
	user = "*@*";
	class = "users";
	password = "secret";
	encrypted = no;
	flags = exceed_limit, can_flood;
};
operator {
	name = "ircspec";
	user = "*@*";
	password = "operpass";
	encrypted = no;
	class = "users";
	umodes = locops, servnotice, wallop;
	flags = admin, connect, connect:remote, die, globops, kill, kill:remote,
		kline, module, rehash, restart, set, unkline, unxline, xline,
		dline, undline, unresv, resv, close, locops, wallops;
};
channel {
	disable_fake_channels = no;
	invite_client_count = 100000;
	invite_client_time = 1 second;
	invite_delay_channel = 0 seconds;
	knock_client_count = 100000;
	knock_client_time = 1 second;
	knock_delay_channel = 0 seconds;
	max_channels = 1000;
	max_invites = 1000;
	max_bans = 100;
	default_join_flood_count = 100000;
	default_join_flood_time = 1 second;
};
serverhide {
	hidden = no;
	hide_servers = no;
	hide_server_ips = no;
	disable_remote_commands = no;
	flatten_links = no;
};
general {
	disable_auth = yes;
	invisible_on_connect = no;
	throttle_count = 100000;
	throttle_time = 0 seconds;
	pace_wait = 0 seconds;
	pace_wait_simple = 0 seconds;
	anti_spam_exit_message_time = 0 seconds;
	anti_nick_flood = no;
	max_nick_changes = 100000;
	max_nick_time = 1 second;
	away_count = 100000;
	away_time = 1 second;
	default_floodcount = 100000;
	default_floodtime = 1 second;
	max_targets = 20;
	ping_cookie = no;
	short_motd = no;
	failed_oper_notice = yes;
	no_oper_flood = yes;
	stats_o_oper_only = yes;
	stats_P_oper_only = no;
	stats_i_oper_only = yes;
	stats_k_oper_only = yes;
	warn_no_connect_block = no;
	whowas_history_length = 15000;
};
motd {
	mask = "*";
	file = "$TMPD/motd";
};
modules {
	path = "$MODDIR";
	path = "$MODDIR/autoload";
};
log {
	use_logging = no;
};
EOF

# hybrid (as irc) must read the config and write its pid and db files here.
chown -R "$RUN_AS:$RUN_AS" "$TMPD"
chmod 0700 "$TMPD"

# In the namespace: our resolv.conf over the system's; our module tree at
# /usr/lib/ircd-hybrid, where hybrid looks for its core and autoload modules
# whatever the config says (an overlay of our usr/lib over the system's, or
# a bind mount where that directory exists); then drop to irc.  unshare, sh
# and setpriv exec one another, so the pid we wait for ends up being hybrid's.
# shellcheck disable=SC2016 # expanded by the inner shell
target_run unshare --mount --propagation private sh -c '
	d=$1 root=$2
	shift 2
	mount --bind "$d/resolv.conf" /etc/resolv.conf || exit 2
	if ! mount -t overlay ircspec-hybrid -o "lowerdir=$root/usr/lib:/usr/lib" /usr/lib 2>/dev/null; then
		[ -d /usr/lib/ircd-hybrid ] || {
			echo "hybrid.sh: cannot overlay /usr/lib (no overlayfs?); mkdir /usr/lib/ircd-hybrid to use a bind mount" >&2
			exit 2
		}
		mount --bind "$root/usr/lib/ircd-hybrid" /usr/lib/ircd-hybrid || exit 2
	fi
	exec setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups "$root/usr/sbin/ircd-hybrid" \
		-configfile "$d/ircd.conf" -pidfile "$d/ircd.pid" -logfile "$d/ircd.log" \
		-klinefile "$d/kline.db" -dlinefile "$d/dline.db" \
		-xlinefile "$d/xline.db" -resvfile "$d/resv.db" -foreground' \
	hybrid.sh "$TMPD" "$ROOT"
