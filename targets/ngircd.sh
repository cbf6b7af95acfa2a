#!/bin/sh
# ngircd.sh PORT - run Debian's ngIRCd in the foreground on 127.0.0.1:PORT,
# for `ircspec --spawn 'targets/ngircd.sh {port}' --password secret
# --oper ircspec:operpass`.  Install it first with targets/install.sh ngircd.
# Config and MOTD are generated in a temp dir, removed on exit; the log goes
# to stderr.  See targets/README.md for the choices and the server's quirks.
set -eu
# shellcheck source=targets/lib.sh
. "$(dirname "$0")/lib.sh"
target_init ngircd "${1:-}" usr/sbin/ngircd

printf '%s\n' "ngircd.ircspec.test: ngIRCd under the ircspec conformance suite." >"$TMPD/motd"

# MaxPenaltyTime = 0: no flood penalties (else every command costs 1-2 s).
# MaxConnections(IP) = 0: unlimited; a case opens 200+ clients from 127.0.0.1.
# DNS/Ident/PAM = no: nothing to look up, no PAM password check of PASS.
# MaxNickLength stays at its default 9 (RFC 2812 2.3.1).
cat >"$TMPD/ngircd.conf" <<EOF
[Global]
	Name = ngircd.ircspec.test
	Info = ngIRCd for the ircspec conformance suite
	AdminInfo1 = ircspec
	AdminInfo2 = 127.0.0.1
	AdminEMail = ircspec@ircspec.test
	Listen = 127.0.0.1
	Ports = $PORT
	Password = secret
	MotdFile = $TMPD/motd
	HelpFile = $ROOT/usr/share/doc/ngircd/Commands.txt
	PidFile =
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxListSize = 0
	MaxPenaltyTime = 0
	PingTimeout = 120
	PongTimeout = 20
	IdleTimeout = 0
[Options]
	DNS = no
	Ident = no
	PAM = no
	OperCanUseMode = no
	RequireAuthPing = no
[Operator]
	Name = ircspec
	Password = operpass
EOF

target_run "$ROOT/usr/sbin/ngircd" --nodaemon --config "$TMPD/ngircd.conf"
