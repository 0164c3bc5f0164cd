#!/usr/bin/env bash
# Boots one of Debian's own kernels under QEMU (TCG) with an initramfs that
# holds a static dmabench (and dmabench.ko when it is built), runs
# tests/guests/init.sh inside, and checks what the guest reports.
# usage: tests/guests/run.sh ARCH       (ARCH: x86_64)
# Downloads go to build/guests/ARCH and are reused. Ends with "N passed, N failed".
set -euo pipefail
arch=${1:-x86_64}
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/guests/$arch"
mkdir -p "$out"
validate=(/usr/bin/python3 "$top/tests/validate-json.py" "$top/results/schema.json")

need() { # need PACKAGE...: install what is missing (we are root in CI)
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "guests: missing Debian packages; as root run: apt-get install -y ${missing[*]}" >&2
		exit 3
	fi
	apt-get update -q >/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

case "$arch" in
x86_64)
	need qemu-system-x86 busybox-static cpio
	# the cloud flavour boots fastest; the version comes from the metapackage
	kver=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -1)
	[ -n "$kver" ] || { echo "guests: cannot find the cloud kernel's version (apt-get update?)" >&2; exit 3; }
	# a module must be built for the very flavour it loads into
	need "linux-headers-$kver"
	kdir=/usr/src/linux-headers-$kver
	kmake=()
	qemu=(qemu-system-x86_64 -accel tcg -cpu max,-cx16 -m 512 -smp 2)
	console=ttyS0
	cc=gcc
	busybox=/bin/busybox
	;;
*)
	echo "guests: unknown architecture '$arch' (x86_64)" >&2
	exit 2
	;;
esac

# the kernel image, unpacked without installing it (that would pull in udev)
if [ ! -f "$out/vmlinuz-$kver" ]; then
	(cd "$out" && apt-get download "linux-image-$kver" >/dev/null 2>&1) ||
		{ echo "guests: apt-get download linux-image-$kver failed" >&2; exit 3; }
	dpkg-deb --fsys-tarfile "$out"/linux-image-"$kver"_*.deb |
		tar -x -C "$out" --strip-components=2 "./boot/vmlinuz-$kver"
	rm -f "$out"/linux-image-"$kver"_*.deb
fi

# a static harness, from the objects `make` built
make -C "$top" --no-print-directory -s dmabench >&2
root="$out/root"
rm -rf "$root"
mkdir -p "$root/bin"
$cc -static -o "$root/dmabench" "$top"/build/plain/harness/*.o "$top"/build/plain/strategies/*.o \
	-ljansson -lz -lpthread -lm
$cc -std=gnu11 -O2 -Wall -Wextra -static -I"$top/kmod/include/uapi" -o "$root/kmod-test" \
	"$top/tests/guests/kmod-test.c"
cp "$busybox" "$root/bin/busybox"
kbuild="$out/kmod"
rm -rf "$kbuild"
cp -r "$top/kmod" "$kbuild"
make -C "$kbuild" -s KDIR="$kdir" "${kmake[@]}" clean >/dev/null 2>&1 || true
make -C "$kbuild" -s KDIR="$kdir" "${kmake[@]}" >&2
cp "$kbuild/dmabench.ko" "$root/dmabench.ko"
cp "$top/tests/guests/init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

log="$out/console.log"
start=$(date +%s)
timeout 300 "${qemu[@]}" -kernel "$out/vmlinuz-$kver" -initrd "$out/initrd.gz" \
	-append "console=$console quiet panic=-1" -nographic -no-reboot </dev/null >"$log" 2>&1 || true
echo "guests: $arch $kver booted and powered off in $(( $(date +%s) - start )) s" >&2

passed=0 failed=0
grep -q '^DMAB-DONE' "$log" || { echo "FAIL the guest did not finish (see $log)"; failed=$((failed + 1)); }
while read -r _ verdict rest; do
	if [ "$verdict" = ok ]; then passed=$((passed + 1)); echo "ok   $arch: $rest"; else failed=$((failed + 1)); echo "FAIL $arch: $rest"; fi
done < <(grep -a '^DMAB-TEST ' "$log" | tr -d '\r')

# JSON the guest handed over: kept under results/, and validated
awk '/^DMAB-JSON-BEGIN/{name=$2; f=1; next} /^DMAB-JSON-END/{f=0} f{print > (dir "/" name ".json")}' \
	dir="$out" <(tr -d '\r' <"$log")
if [ -f "$out/quick.json" ]; then
	mkdir -p "$top/results/guests"
	cp "$out/quick.json" "$top/results/guests/$arch-$kver-quick.json"
	if "${validate[@]}" "$out/quick.json" >/dev/null; then
		passed=$((passed + 1)); echo "ok   $arch: the guest's quick run is schema-valid JSON"
	else
		failed=$((failed + 1)); echo "FAIL $arch: the guest's quick run JSON is not valid"
	fi
	if /usr/bin/python3 -c "
import json, sys
d = json.load(open('$out/quick.json'))
assert d['environment']['kernel']['release'] == '$kver', d['environment']['kernel']['release']
r = [x for x in d['results'] if x['strategy'] == 'cached-sync' and not x['skipped']]
assert r and all(x['integrity']['verdict'] == 'ok' for x in r)
"; then
		passed=$((passed + 1)); echo "ok   $arch: the quick run ran on $kver, cached-sync integrity ok"
	else
		failed=$((failed + 1)); echo "FAIL $arch: the quick run did not run cached-sync on $kver"
	fi
else
	failed=$((failed + 1)); echo "FAIL $arch: the guest handed over no JSON"
fi
echo "guests-$arch: $passed passed, $failed failed"
[ "$failed" = 0 ]
