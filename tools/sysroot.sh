#!/usr/bin/env bash
# What a static build of dmabench for another Debian architecture needs, for
# `make cross` (make dist, tests/guests/run.sh): the cross compiler and the
# target's C library (Debian's -cross packages, installed), and the target's
# -dev packages of the libraries dmabench links (downloaded with apt-get
# download and unpacked with dpkg -x into build/sysroot/DEBARCH: nothing of
# DEBARCH gets installed). They are unpacked again only when a version changes.
# usage: tools/sysroot.sh DEBARCH    (arm64, armhf, ...: a Debian architecture)
# Prints the sysroot's absolute path, for make cross CROSS_SYSROOT=; on the
# host's own architecture it installs the -dev packages and prints nothing (the
# host's headers and libraries are the target's).
set -euo pipefail
deb=${1:?usage: tools/sysroot.sh DEBARCH}
top=$(cd "$(dirname "$0")/.." && pwd)
apt_prefix=sysroot
. "$top/tools/apt.sh"
# the libraries of the Makefile's LDLIBS (-lpfm -ljansson -lz), each with its .a
libs=(libjansson-dev zlib1g-dev libpfm4-dev)

if [ "$deb" = "$(dpkg --print-architecture)" ]; then
	need gcc "${libs[@]}"
	exit 0
fi
triplet=$(dpkg-architecture -a"$deb" -qDEB_HOST_MULTIARCH 2>/dev/null) ||
	{ echo "sysroot: '$deb' is not a Debian architecture (dpkg-architecture -L lists them)" >&2; exit 2; }
need "gcc-$triplet" "libc6-dev-$deb-cross"
foreign "$deb"

dir="$top/build/sysroot/$deb"
uris() { # the .deb files the packages are now: their names carry the versions
	apt-get download --print-uris "${libs[@]/%/:$deb}" 2>/dev/null | awk '{print $2}' | sort
}
want=$(uris) || want=''
if [ -z "$want" ] && [ "$(id -u)" = 0 ]; then # lists older than the foreign architecture
	apt-get update -q >/dev/null 2>&1 || true
	want=$(uris) || want=''
fi
[ -n "$want" ] || { echo "sysroot: apt-get download --print-uris ${libs[*]/%/:$deb} failed" >&2; exit 3; }
if [ "$(cat "$dir/.debs" 2>/dev/null)" != "$want" ]; then
	echo "sysroot: unpacking ${libs[*]/%/:$deb} into $dir" >&2
	tmp="$dir.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp/debs"
	(cd "$tmp/debs" && apt-get download -q "${libs[@]/%/:$deb}" >/dev/null 2>&1) ||
		{ rm -rf "$tmp"; echo "sysroot: apt-get download of the $deb libraries failed" >&2; exit 3; }
	for f in "$tmp"/debs/*.deb; do
		dpkg -x "$f" "$tmp"
	done
	rm -rf "$tmp/debs"
	echo "$want" >"$tmp/.debs"
	rm -rf "$dir"
	mv "$tmp" "$dir"
fi
echo "$dir"
