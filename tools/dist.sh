#!/usr/bin/env bash
# make dist: dist/dmabench-VERSION-ARCH.tar.gz, what a board needs to run dmabench
# without building it (a LAVA job fetches it: lava/dmabench.yaml, docs/lava.md):
#   dmabench      static, for ARCH (make cross, with tools/sysroot.sh's libraries)
#   kmod/         the module's sources (Kbuild, Makefile, dkms.conf, the uapi header):
#                 the files git knows there, none of kbuild's output
#   plots/        the gnuplot scripts, where dmabench plot looks (beside the binary)
#   dmabench.1    the man page, when the tree has one
#   README.md and docs/, BUILD-INFO (version, commit, architecture, how it was built)
# The binary is checked before it is packed: static, for ARCH by `file`, and run
# once (under qemu-user on another architecture): help, and a result file through
# export --format console (jansson and zlib as linked) back to the same bytes.
# usage: tools/dist.sh ARCH VERSION    (ARCH: x86_64, arm64, armhf)
set -euo pipefail
arch=${1:-} version=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
# the make below takes only what is given to it (make dist ARCH=... would reach it)
unset ARCH CROSS_COMPILE CROSS_SYSROOT MAKEFLAGS MAKEOVERRIDES MFLAGS
case "$arch" in
x86_64) deb=amd64 file_machine='x86-64' qemu=qemu-x86_64 ;;
arm64) deb=arm64 file_machine='ARM aarch64' qemu=qemu-aarch64 ;;
armhf) deb=armhf file_machine='ARM, EABI5' qemu=qemu-arm ;;
*) echo "make dist: ARCH must be x86_64, arm64 or armhf (not '$arch')" >&2; exit 2 ;;
esac
[ -n "$version" ] || { echo "usage: tools/dist.sh ARCH VERSION" >&2; exit 2; }
git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "make dist: needs a git work tree (the commit, and which files are sources)" >&2; exit 2; }
triplet=$(dpkg-architecture -a"$deb" -qDEB_HOST_MULTIARCH)

# the compiler and the target's libraries (nothing to fetch on the host's own architecture)
sysroot=$("$top/tools/sysroot.sh" "$deb")
make -C "$top" --no-print-directory -s cross CROSS_COMPILE="$triplet-" CROSS_SYSROOT="$sysroot" \
	WERROR=-Werror
bin="$top/build/cross-$triplet/dmabench"

what=$(file -b "$bin")
case "$what" in
*"statically linked"*) ;;
*) echo "make dist: $bin is not static: $what" >&2; exit 1 ;;
esac
case "$what" in
*"$file_machine"*) ;;
*) echo "make dist: $bin is not for $arch ($file_machine): $what" >&2; exit 1 ;;
esac
runner=()
if [ "$deb" = "$(dpkg --print-architecture)" ]; then
	ran="run here"
elif command -v "$qemu" >/dev/null; then
	runner=("$qemu")
	ran="run under $qemu (qemu-user)"
else
	ran=''
fi
if [ -n "$ran" ]; then
	fixture="$top/tests/fixtures/base.json"
	"${runner[@]}" "$bin" help >/dev/null ||
		{ echo "make dist: $bin help failed ($ran)" >&2; exit 1; }
	"${runner[@]}" "$bin" export "$fixture" --format console | sed '1d;$d' | base64 -d | gunzip |
		cmp -s - "$fixture" ||
		{ echo "make dist: $bin export --format console did not give $fixture back ($ran)" >&2; exit 1; }
	ran="$ran: help, and export --format console of a result file back to its bytes"
else
	ran="not run: no $qemu (qemu-user) here"
	echo "make dist: $ran" >&2
fi

name="dmabench-$version-$arch"
mkdir -p "$top/build" "$top/dist"
stage=$(mktemp -d "$top/build/dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root"
cp "$bin" "$root/dmabench"
# the sources as git sees them (tracked, or new and not ignored): kbuild's output is ignored
(cd "$top" && git ls-files -co --exclude-standard kmod plots) | while read -r f; do
	case "${f##*/}" in .*) continue ;; esac
	[ -f "$top/$f" ] || continue	# deleted in the work tree
	mkdir -p "$root/$(dirname "$f")"
	cp "$top/$f" "$root/$f"
done
[ -f "$root/kmod/Kbuild" ] && [ -f "$root/kmod/include/uapi/dmabench.h" ] ||
	{ echo "make dist: kmod/ has no Kbuild or uapi header" >&2; exit 1; }
# dkms registers the module under dkms.conf's version: the release's
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$version\"/" "$root/kmod/dkms.conf"
cp "$top/README.md" "$root/README.md"
# the README's links: docs/ beside it (the figures too)
(cd "$top" && git ls-files -co --exclude-standard docs) | while read -r f; do
	[ -f "$top/$f" ] || continue
	mkdir -p "$root/$(dirname "$f")"
	cp "$top/$f" "$root/$f"
done
man=''
for m in dmabench.1 man/dmabench.1 docs/dmabench.1; do
	if [ -f "$top/$m" ]; then man=$m; break; fi
done
if [ -n "$man" ]; then
	cp "$top/$man" "$root/dmabench.1"
	man_note="dmabench.1 (from $man)"
else
	man_note="none: the tree has no dmabench.1 yet"
	echo "make dist: no man page (dmabench.1) in the tree: the tarball has none" >&2
fi

# what was linked in: the versions of the -dev packages
if [ -n "$sysroot" ]; then
	libs=$(sed 's|.*/||; s/%3a/:/g; s/\.deb$//' "$sysroot/.debs" | awk -F_ '{printf "%s%s %s", sep, $1, $2; sep=", "}')
else
	libs=$(dpkg-query -W -f='${Package} ${Version}\n' libjansson-dev zlib1g-dev libpfm4-dev |
		paste -sd, | sed 's/,/, /g')
fi
commit=$(git -C "$top" rev-parse HEAD)
describe=$(git -C "$top" describe --always --dirty)
cat >"$root/BUILD-INFO" <<EOF
dmabench $version for $arch ($triplet)
version: $version
commit: $commit ($describe)
arch: $arch
built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(. /etc/os-release && echo "$PRETTY_NAME") $(dpkg --print-architecture)
how: make dist ARCH=$arch: make cross CROSS_COMPILE=$triplet-${sysroot:+ CROSS_SYSROOT=build/sysroot/$deb} (gcc -static)
compiler: $("$triplet-gcc" --version | head -1)
linked in (Debian $deb): $libs
binary: $what
checked: $ran
module: kmod/ holds sources only: make -C kmod (KDIR=/lib/modules/\$(uname -r)/build), or dkms add ./kmod
man page: $man_note
EOF

out="$top/dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -czf "$out.tmp.$$" "$name"
mv "$out.tmp.$$" "$out"
echo "make dist: $out ($(du -k "$out" | cut -f1) KiB): dmabench $what; $ran"
