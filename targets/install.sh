#!/bin/sh
# install.sh [SERVER...] - unpack Debian's IRC servers side by side.
#
# Each server's .deb (and every library it needs that the system lacks) is
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
#     ${IRCSPEC_SERVERS:-/opt/ircspec-servers}/<server>/
# so packages that conflict in dpkg (ngircd vs ircd-hybrid vs ircd-ircu)
# can sit together, and no package's maintainer script or system service
# ever runs.  The start scripts beside this file run them from there.
#
# SERVER is one of: ngircd inspircd hybrid irc2 ircu, or `all` (the four
# that have a start script; ircu is unpacked only on request, as Debian's
# build cannot start: see targets/README.md).  Default: ngircd inspircd
# hybrid.  A server already unpacked (its .installed stamp names the
# package version) is skipped; quiet unless something goes wrong.  Needs root for apt-get (or a writable prefix and
# already-fresh package lists).
set -eu

PREFIX=${IRCSPEC_SERVERS:-/opt/ircspec-servers}
ME=install.sh

die() {
	echo "$ME: $*" >&2
	exit 1
}

# server name -> Debian package, binary inside the package.
pkg_of() {
	case $1 in
	ngircd) echo ngircd ;;
	inspircd) echo inspircd ;;
	hybrid | ircd-hybrid) echo ircd-hybrid ;;
	irc2 | ircd-irc2) echo ircd-irc2 ;;
	ircu | ircd-ircu) echo ircd-ircu ;;
	*) return 1 ;;
	esac
}
short_of() {
	case $1 in
	ircd-hybrid) echo hybrid ;;
	ircd-irc2) echo irc2 ;;
	ircd-ircu) echo ircu ;;
	*) echo "$1" ;;
	esac
}
bin_of() {
	case $1 in
	ngircd) echo usr/sbin/ngircd ;;
	inspircd) echo usr/sbin/inspircd ;;
	hybrid) echo usr/sbin/ircd-hybrid ;;
	irc2) echo usr/sbin/ircd ;;
	ircu) echo usr/sbin/ircd-ircu ;;
	esac
}

# Programs (not libraries) the server runs that the system may lack:
# ircd-irc2 pipes its config through /usr/bin/m4.
extra_of() {
	case $1 in
	irc2) echo m4 ;;
	esac
}

is_installed() { # dpkg package name -> 0 when the system has it
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Runs apt-get quietly; on failure shows what it said.
apt_quiet() {
	if ! out=$("$@" 2>&1); then
		printf '%s\n' "$out" >&2
		return 1
	fi
}

LISTS_FRESH=no
ensure_lists() {
	[ "$LISTS_FRESH" = yes ] && return 0
	# apt-cache knows the package: the lists are there, no update needed.
	if apt-cache show ngircd >/dev/null 2>&1; then
		LISTS_FRESH=yes
		return 0
	fi
	apt_quiet apt-get update -qq || die "apt-get update failed"
	LISTS_FRESH=yes
}

# download PKG... into $WORK (each .deb once).
download() {
	ensure_lists
	# apt's sandbox user must be able to write where the files land.
	(cd "$WORK" && apt_quiet apt-get download -q -o APT::Sandbox::User=root "$@") ||
		die "apt-get download $* failed (is the package available? try: apt-get update)"
}

unpack_all() { # into $1, every .deb in $WORK
	for deb in "$WORK"/*.deb; do
		[ -e "$deb" ] || continue
		dpkg-deb -x "$deb" "$1" || die "dpkg-deb -x $deb failed"
	done
}

# Libraries of the package ($1 = .deb) that the system lacks: its lib*
# dependencies that dpkg does not have.  Dependencies of the form "a | b"
# are taken by their first alternative.
missing_libs() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' |
		while read -r dep; do
			case $dep in
			lib*-perl) ;; # perl helpers of the package's tools, not the daemon's
			lib*) is_installed "$dep" || echo "$dep" ;;
			esac
		done
}

# The binary's unresolved libraries, with the server's own lib dirs searched.
unresolved() { # $1 = server dir, $2 = binary
	LD_LIBRARY_PATH="$1/usr/lib/x86_64-linux-gnu:$1/lib/x86_64-linux-gnu:$1/usr/lib" \
		ldd "$2" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p'
}

install_one() { # $1 = short server name
	short=$1
	pkg=$(pkg_of "$short")
	dir=$PREFIX/$short
	ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	if [ -f "$dir/.installed" ] && [ -x "$dir/$(bin_of "$short")" ]; then
		# Unpacked already: keep it unless Debian now has another version.
		if [ -z "$ver" ] || [ "$(cat "$dir/.installed")" = "$pkg $ver" ]; then
			return 0
		fi
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ircspec-install.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	download "$pkg"
	deb=$(ls "$WORK"/*.deb)
	ver=$(dpkg-deb -f "$deb" Version)
	libs=$(missing_libs "$deb")
	for extra in $(extra_of "$short"); do
		is_installed "$extra" || libs="$libs $extra"
	done
	# shellcheck disable=SC2086 # a list of package names
	[ -z "$libs" ] || download $libs
	stage=$dir.new.$$
	rm -rf "$stage"
	mkdir -p "$stage"
	unpack_all "$stage"
	missing=$(unresolved "$stage" "$stage/$(bin_of "$short")")
	if [ -n "$missing" ]; then
		rm -rf "$stage"
		die "$short: libraries still missing after unpacking: $missing"
	fi
	echo "$pkg $ver" >"$stage/.installed"
	for deb in "$WORK"/*.deb; do basename "$deb"; done >"$stage/.debs"
	# Swap in the new tree whole: a half-unpacked server never shows.
	rm -rf "$dir"
	mv "$stage" "$dir"
	rm -rf "$WORK"
	trap - EXIT
	echo "$ME: $short $ver -> $dir"
}

main() {
	[ $# -gt 0 ] || set -- ngircd inspircd hybrid
	[ "$*" = all ] && set -- ngircd inspircd hybrid irc2
	for s in "$@"; do
		pkg_of "$s" >/dev/null || die "unknown server '$s' (known: ngircd inspircd hybrid irc2 ircu all)"
	done
	command -v apt-get >/dev/null || die "apt-get not found: this needs a Debian system"
	mkdir -p "$PREFIX" || die "cannot create $PREFIX"
	for s in "$@"; do
		install_one "$(short_of "$(pkg_of "$s")")"
	done
}

main "$@"
