#!/bin/sh
# inspircd.sh PORT - run Debian's InspIRCd 3 in the foreground on
# 127.0.0.1:PORT, for `ircspec --spawn 'targets/inspircd.sh {port}'
# --password secret --oper ircspec:operpass`.  Install it first with
# targets/install.sh inspircd.  Config and MOTD are generated in a temp dir,
# removed on exit; the log goes to stderr.  See targets/README.md.
set -eu
# shellcheck source=targets/lib.sh
. "$(dirname "$0")/lib.sh"
target_init inspircd "${1:-}" usr/sbin/inspircd

printf '%s\n' "inspircd.ircspec.test: InspIRCd under the ircspec conformance suite." >"$TMPD/motd"

# <connect>: no DNS/ident lookups, no fake lag, command rate and flood
#   threshold out of reach, 100000 clients per IP (a case opens 200+ from
#   127.0.0.1), a 1 MiB recvq so a burst of commands in one write is read.
# casemapping="rfc1459": the RFC's mapping (InspIRCd can also do ascii).
# netbuffersize="65534": each edge-triggered read event takes two buffers
#   of this size; with the default 10 KiB a client's burst beyond that waits
#   for the once-a-second background pass (targets/README.md).
# Everything else keeps InspIRCd's defaults (NICKLEN 30, CHANNELLEN 64, ...).
cat >"$TMPD/inspircd.conf" <<EOF
<config format="xml">
<server name="inspircd.ircspec.test" description="InspIRCd for the ircspec conformance suite" network="ircspec">
<admin name="ircspec" nick="ircspec" email="ircspec@ircspec.test">
<bind address="127.0.0.1" port="$PORT" type="clients">
<path configdir="$TMPD" datadir="$TMPD" logdir="$TMPD" runtimedir="$TMPD" moduledir="$ROOT/usr/lib/inspircd/modules">
<connect name="ircspec" allow="*" password="secret"
         resolvehostnames="no" useident="no" fakelag="no"
         commandrate="100000000" threshold="1000000"
         localmax="100000" globalmax="100000" maxconnwarn="no" limit="100000"
         maxchans="1000" timeout="60" pingfreq="120"
         recvq="1M" softsendq="1M" hardsendq="4M">
<cidr ipv4clone="32" ipv6clone="128">
<channels users="1000" opers="1000">
<class name="ircspec" commands="*" privs="*" usermodes="*" chanmodes="*" snomasks="*">
<type name="ircspec" classes="ircspec">
<oper name="ircspec" password="operpass" host="*@*" type="ircspec">
<files motd="$TMPD/motd">
<options casemapping="rfc1459" syntaxhints="no" defaultmodes="not">
<performance somaxconn="1024" clonesonconnect="no" netbuffersize="65534">
<security maxtargets="20" hidebans="no" announceinvites="dynamic">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="/dev/stderr">
<module name="cap">
EOF

target_run "$ROOT/usr/sbin/inspircd" --nofork --nopid --runasroot --config "$TMPD/inspircd.conf"
