#!/usr/bin/env bash
# Boots one of Debian's own kernels under QEMU (TCG) with an initramfs that
# holds a static dmabench and dmabench.ko built for that very kernel, runs
# tests/guests/init.sh inside, and checks what the guest reports.
# usage: tests/guests/run.sh GUEST [--bench | --fuzz | --no-fuzz]
#   GUEST: x86_64, arm64, armhf (Debian stable's 6.1 kernels), x86_64-bpo (the
#   cloud kernel of stable's backports, 6.12: dma-heaps and udmabuf built in),
#   armv7-a9 (the armmp kernel on QEMU's Exynos4210 board: two Cortex-A9, an
#   L2C-310 outer cache, PL330 DMA controllers), x86_64-swiotlb (the x86_64
#   guest booted with swiotlb=force: streaming mappings bounce)
#   --bench: no tests; the default matrix (dmabench run, module loaded) in the
#   guest, its JSON kept in results/vm-bench/GUEST-KERNELRELEASE-UTC.json (make vm-bench)
#   --fuzz: only the fuzzer's boot (kmod-fuzz: its load, its run, rmmod, the kernel
#   log), with 10^5 operations in every guest, however long that takes (make
#   test-long: 31-64 s a boot here, 517 s for the six); the default run boots for it
#   too after the tests, with as many operations as take 6-10 s there (fuzz_ops below)
#   --no-fuzz: the tests' boot only (make test boots the fuzzer in three guests,
#   one per architecture: the Makefile's FUZZ_BOOT_ARCHES)
#   DMAB_FUZZ_SEED, DMAB_FUZZ_OPS: kmod-fuzz's seed (1) and operations, to replay;
#   DMAB_FUZZ_INSMOD: the module's parameters for it (max_total_mb=16; its carveout=
#   comes apart, fuzz_carveout below)
# Downloads go to build/guests/GUEST and are reused. Ends with "N passed, N failed".
set -euo pipefail
arch=${1:-x86_64}
fuzz_only=0 fuzz_after=1
case "${2:-}" in
'') bench=0 ;;
--bench) bench=1 ;;
--fuzz) bench=0 fuzz_only=1 ;;
--no-fuzz) bench=0 fuzz_after=0 ;;
*) echo "usage: tests/guests/run.sh GUEST [--bench | --fuzz | --no-fuzz]" >&2; exit 2 ;;
esac
# the make calls below take only what is given to them (make vm-bench ARCH=... sets ARCH)
unset ARCH CROSS_COMPILE MAKEFLAGS MAKEOVERRIDES MFLAGS
mem=512 timeout=300
if [ "$bench" = 1 ]; then
	# The harness runs at once as many configurations of a size as half the free
	# memory holds (4 frames of 16 MiB each at the largest): room for a dozen.
	mem=2048 timeout=1800
	# On 32-bit ARM each kmod buffer is also mapped in the kernel's 1 GiB (a vmap),
	# so fewer at once: less memory makes the harness run fewer together.
	case "$arch" in armhf | armv7-a9) mem=1024 ;; esac
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/guests/$arch"
mkdir -p "$out"
validate=(/usr/bin/python3 "$top/tests/validate-json.py" "$top/results/schema.json")
apt_opts=()	# the system's apt configuration; backports() sets a private one

# need PACKAGE... (install what is missing) and foreign DEBARCH (apt may fetch its
# packages): shared with tools/sysroot.sh, which make dist uses too
apt_prefix=guests
. "$top/tools/apt.sh"

show() { # show PACKAGE: its candidate's apt record, empty if apt does not know it
	apt-cache "${apt_opts[@]}" show --no-all-versions "$1" 2>/dev/null || true
}

system_mirror() { # the system's Debian mirror (the archive, not -security), from its apt sources
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -n 's/^URIs://p; s/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' "$f"
	done | tr ' \t' '\n\n' | grep -m1 -E '^[a-z]+://.*/debian/?$' || true
}

backports() { # a private apt configuration in $out/apt: the system's mirror, suite CODENAME-backports
	local dir="$out/apt" mirror codename lists
	mirror=${DEBIAN_MIRROR:-$(system_mirror)}
	[ -n "$mirror" ] || { echo "guests: no Debian mirror in /etc/apt/sources*; set DEBIAN_MIRROR" >&2; exit 3; }
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $codename-backports main" \
		>"$dir/sources.list"
	# the system's sources, lists and caches stay untouched; only this architecture's index
	apt_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
		-o "APT::Architectures=$(dpkg --print-architecture)")
	lists=$(find "$dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 | head -1)
	if [ -z "$lists" ] || [ "${1:-}" = update ]; then # a day old, or asked (a download failed)
		apt-get "${apt_opts[@]}" -q update >/dev/null 2>&1 ||
			echo "guests: apt-get update of $codename-backports failed; using the lists there are" >&2
	fi
}

depends() { # depends PREFIX <RECORD: the first dependency in an apt record named PREFIX*
	sed -n 's/^Depends: //p' | tr ',|' '\n' | sed 's/^ *//; s/[ :].*//' | grep -m1 "^$1" || true
}

unpack() { # unpack KBUILD_LIB PACKAGE...: the kernel image (and $dtb) into $out, the rest into $out/sysroot
	local kbuild_lib=$1 tree="$out/sysroot" want f d l
	shift
	# the .deb file names carry the versions: unpack again only when one changes
	want=$(cd "$out" && apt-get "${apt_opts[@]}" download --print-uris "$@" | awk '{print $2}' | sort)
	[ -n "$want" ] || { echo "guests: apt-get download --print-uris $* failed" >&2; exit 3; }
	[ "$(cat "$out/unpacked" 2>/dev/null)" = "$want" ] && [ -f "$out/vmlinuz-$kver" ] &&
		{ [ -z "$dtb" ] || [ -f "$out/$dtb" ]; } && return 0
	rm -rf "$out/debs" "$tree" "$out/unpacked" "$out"/vmlinuz-* ${dtb:+"$out/$dtb"}
	mkdir -p "$out/debs" "$tree"
	(cd "$out/debs" && apt-get "${apt_opts[@]}" download -q "$@" >/dev/null 2>&1) || return 1
	for f in "$out"/debs/*.deb; do
		case "$f" in
		*/linux-image-*) # only the image (and the board's device tree): no modules
			dpkg-deb --fsys-tarfile "$f" | tar -x -C "$out" --transform 's|.*/||' \
				"./boot/vmlinuz-$kver" ${dtb:+"./usr/lib/linux-image-$kver/$dtb"} ;;
		*) dpkg -x "$f" "$tree" ;;
		esac
	done
	rm -rf "$out/debs"
	# the headers include the common part by absolute path, and take
	# kbuild's scripts and tools from KBUILD_LIB
	for d in "$tree"/usr/src/linux-headers-*; do
		sed -i "s|^include /usr/src/|include $tree/usr/src/|" "$d/Makefile"
		for l in scripts tools; do
			if [ -L "$d/$l" ]; then ln -sfn "$kbuild_lib/$l" "$d/$l"; fi
		done
	done
	echo "$want" >"$out/unpacked"
}

headers_deps() { # headers_deps PACKAGE: $headers (its record), $common and $kbuild (what it depends on)
	headers=$(show "$1")	# each apt call takes seconds here: one
	common=$(depends linux-headers- <<<"$headers")
	kbuild=$(depends linux-kbuild- <<<"$headers")
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		echo "guests: cannot read what $1 depends on" >&2
		exit 3
	fi
}

# Per guest: how to get the kernel and build for it, and what the guest must
# show that differs between them: the timer, the read loop, whether user
# space can do cache maintenance (cached-sync on the user backend), and
# whether the kernel has dma-heaps and udmabuf.
deb='' triplet='' cmdline='' dmabuf=0 from_backports=0 boot=() dtb='' swiotlb=0 a9=0
# kmod-fuzz's operations in the default run: 6-10 s of it in each guest, at the
# rates measured here on a busy 2-core host, by the guest's clock (x86_64 2950-7000
# a second, its swiotlb twin 3100-6550, x86_64-bpo 2100-7250, arm64 2450-4700, armhf
# 2100-3000, armv7-a9 610-1300, whose clock runs 1.3-1.9 times the host's: 5000
# there, whose boot alone takes 12-26 s); its boot adds 12-28 s per guest in all.
# --fuzz (make test-long) runs 10^5 in each.
fuzz_ops=40000
kernel_dir=$out	# where the kernel image is kept (x86_64-swiotlb shares x86_64's)
case "$arch" in
x86_64 | x86_64-swiotlb)
	need qemu-system-x86 busybox-static cpio
	# the cloud flavour boots fastest; the version comes from the metapackage
	kver=$(show linux-image-cloud-amd64 | depends linux-image-)
	kver=${kver#linux-image-}
	[ -n "$kver" ] || { echo "guests: cannot find the cloud kernel's version (apt-get update?)" >&2; exit 3; }
	# a module must be built for the very flavour it loads into
	need "linux-headers-$kver"
	kdir=/usr/src/linux-headers-$kver
	if [ "$arch" = x86_64-swiotlb ]; then
		# every streaming mapping bounces through swiotlb, as in a confidential VM
		swiotlb=1 cmdline=swiotlb=force
		kernel_dir=$top/build/guests/x86_64
		mkdir -p "$kernel_dir"
	fi
	;;
x86_64-bpo)
	# the cloud kernel of the backports suite, through a private apt
	# configuration; its headers and kbuild are unpacked, not installed
	need qemu-system-x86 busybox-static cpio gcc-12
	from_backports=1 dmabuf=1 fuzz_ops=50000
	;;
arm64)
	deb=arm64 triplet=aarch64-linux-gnu flavour=arm64 fuzz_ops=30000
	kmake=(ARCH=arm64 "CROSS_COMPILE=$triplet-")
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -m "$mem" -smp 2)
	console=ttyAMA0
	# dc cvac/civac are allowed at EL0 on Linux arm64 (SCTLR_EL1.UCI)
	expect_machine=aarch64 expect_timer=cntvct_el0 expect_read=neon user_maintenance=1
	;;
armhf)
	deb=armhf triplet=arm-linux-gnueabihf flavour=armmp-lpae fuzz_ops=25000
	kmake=(ARCH=arm "CROSS_COMPILE=$triplet-")
	qemu=(qemu-system-arm -M virt -cpu cortex-a15 -m "$mem" -smp 2)
	console=ttyAMA0
	# armmp-lpae reserves 16 MiB of CMA (arm64: 64): too little for a 16 MiB coherent or wc buffer.
	# A small atomic pool (ARM's default: 256 KiB): alloc-atomic must fail above it, not crash
	cmdline='cma=64M coherent_pool=128K'
	# ARMv7 has no cache maintenance user space may issue: the user backend must
	# decline cached-sync (list says why) and never run it; dmabench.ko runs it
	expect_machine=armv7l expect_timer=clock_monotonic_raw expect_read=neon user_maintenance=0
	;;
armv7-a9)
	# QEMU's Exynos4210 (smdkc210): two Cortex-A9, an L2C-310 outer cache, three
	# PL330 DMA controllers (DMA_MEMCPY channels), an A9 PMU. It needs the non-LPAE
	# kernel and the board's device tree from the same package; it always has 1 GiB.
	deb=armhf triplet=arm-linux-gnueabihf flavour=armmp fuzz_ops=5000
	kmake=(ARCH=arm "CROSS_COMPILE=$triplet-")
	qemu=(qemu-system-arm -M smdkc210 -m 1024 -smp 2)
	dtb=exynos4210-smdkv310.dtb
	console=ttySAC0,115200n8
	boot=(earlycon=exynos4210,0x13800000 rdinit=/init cpuidle.off=1)
	# armmp reserves 16 MiB of CMA: too little for a 16 MiB coherent or wc buffer
	cmdline=cma=64M a9=1
	# dtc and fdtget: the tests' boot reserves its carveout in the device tree (dt-reserve.sh)
	need device-tree-compiler
	# /init after about 6 s, power-off after about 2 minutes (TCG, two A9s)
	[ "$bench" = 1 ] || timeout=400
	expect_machine=armv7l expect_timer=clock_monotonic_raw expect_read=neon user_maintenance=0
	;;
*)
	echo "guests: unknown guest '$arch' (x86_64, x86_64-bpo, x86_64-swiotlb, arm64, armhf, armv7-a9)" >&2
	exit 2
	;;
esac
case "$arch" in
x86_64*)
	kmake=()
	# QEMU 7.2's TCG crashes a 6.12 kernel on cmpxchg16b: without it.
	# One TCG thread for both vCPUs: with one thread per vCPU, a vCPU can still run
	# code the other just patched (the kernel's int3-based text_poke_bp, e.g. when
	# opening perf events flips the perf_sched_events static key in __schedule)
	# and the 6.12 guest died once of "Oops: int3" in __schedule.
	qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max,-cx16 -m "$mem" -smp 2)
	console=ttyS0
	triplet=x86_64-linux-gnu	# the host's own compiler and libraries (sysroot /)
	sysroot=''
	busybox=/bin/busybox
	expect_machine=x86_64 expect_timer=tsc expect_read='' user_maintenance=1
	;;
esac

if [ "$from_backports" = 1 ]; then
	resolve() {
		kver=$(show linux-image-cloud-amd64 | depends linux-image-)
		kver=${kver#linux-image-}
		[ -n "$kver" ] || { echo "guests: cannot find the backports cloud kernel's version" >&2; exit 3; }
		headers_deps "linux-headers-$kver"
	}
	backports
	resolve
	# the headers' kbuild (fixdep, modpost) is the one unpacked beside them
	until unpack "$out/sysroot/usr/lib/$kbuild" "linux-image-$kver" "linux-headers-$kver" "$common" \
		"$kbuild"; do
		# backports moved on since the lists were fetched: fetch them again, once
		[ "${retried:-}" ] && { echo "guests: apt-get download of the backports kernel failed" >&2; exit 3; }
		retried=1
		backports update
		resolve
	done
	kdir=$out/sysroot/usr/src/linux-headers-$kver
fi

if [ -n "$deb" ]; then
	# Nothing of the target architecture is installed: its kernel, headers and
	# busybox are downloaded and unpacked into $sysroot; the cross compiler and the
	# static libraries the harness links come by tools/sysroot.sh, as for make dist
	need qemu-system-arm cpio
	libroot=$("$top/tools/sysroot.sh" "$deb")
	foreign "$deb"
	kver=$(show "linux-image-$flavour:$deb" | depends linux-image-)
	if [ -z "$kver" ] && [ "$(id -u)" = 0 ]; then # lists older than the architecture
		apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null 2>&1 || true
		kver=$(show "linux-image-$flavour:$deb" | depends linux-image-)
	fi
	kver=${kver#linux-image-}
	[ -n "$kver" ] || { echo "guests: cannot find the $flavour kernel's version (apt-get update?)" >&2; exit 3; }
	headers_deps "linux-headers-$kver:$deb"
	# the headers use the host's kbuild (fixdep, modpost): it must be as new as they are
	need "$kbuild"
	kbuild_min=$(sed -n "s/^Depends: .*$kbuild (>= \([^)]*\)).*/\1/p" <<<"$headers")
	if [ -n "$kbuild_min" ] && ! dpkg --compare-versions \
		"$(dpkg-query -W -f='${Version}' "$kbuild")" ge "$kbuild_min"; then
		[ "$(id -u)" = 0 ] || { echo "guests: as root run: apt-get install -y $kbuild" >&2; exit 3; }
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$kbuild" >&2
	fi
	unpack "/usr/lib/$kbuild" "linux-image-$kver:$deb" "linux-headers-$kver:$deb" "$common" \
		"busybox-static:$deb" ||
		{ echo "guests: apt-get download of the $deb kernel and busybox failed" >&2; exit 3; }
	sysroot="$out/sysroot"
	kdir=$sysroot/usr/src/linux-headers-$kver
	busybox=$sysroot/bin/busybox
fi

# the kernel image, unpacked without installing it (that would pull in udev)
if [ ! -f "$kernel_dir/vmlinuz-$kver" ]; then
	(cd "$kernel_dir" && apt-get download "linux-image-$kver" >/dev/null 2>&1) ||
		{ echo "guests: apt-get download linux-image-$kver failed" >&2; exit 3; }
	dpkg-deb --fsys-tarfile "$kernel_dir"/linux-image-"$kver"_*.deb |
		tar -x -C "$kernel_dir" --strip-components=2 "./boot/vmlinuz-$kver"
	rm -f "$kernel_dir"/linux-image-"$kver"_*.deb
fi

# a static harness, by the Makefile's cross rule (its source list, its libraries)
root="$out/root"
rm -rf "$root"
mkdir -p "$root/bin"
make -C "$top" --no-print-directory -s cross CROSS_COMPILE="$triplet-" CROSS_SYSROOT="${libroot:-}" \
	WERROR=-Werror >&2
cp "$top/build/cross-$triplet/dmabench" "$root/dmabench"
for t in kmod-test kmod-fuzz; do
	"$triplet-gcc" -std=gnu11 -O2 -Wall -Wextra -Werror -static -I"$top/kmod/include/uapi" \
		-o "$root/$t" "$top/tests/guests/$t.c"
done
cp "$busybox" "$root/bin/busybox"
kbuild_dir="$out/kmod"
rm -rf "$kbuild_dir"
cp -r "$top/kmod" "$kbuild_dir"
make -C "$kbuild_dir" -s KDIR="$kdir" "${kmake[@]}" clean >/dev/null 2>&1 || true
make -C "$kbuild_dir" -s KDIR="$kdir" "${kmake[@]}" >&2
cp "$kbuild_dir/dmabench.ko" "$root/dmabench.ko"
cp "$top/tests/guests/init.sh" "$root/init"
cp "$top/tests/guests/lib.sh" "$root/lib.sh"
chmod +x "$root/init"
# lava/dmabench.yaml's run steps as LAVA's test shell runs them (init.sh, dmab.lava):
# the arm64 tarball of make dist, run.sh written from the YAML as the dispatcher
# writes it, LAVA's helpers stood in for by tests/lava/bin; about 15 s in the guest
lava=0
if [ "$arch" = arm64 ] && [ "$bench" = 0 ] && [ "$fuzz_only" = 0 ]; then
	lava=1
	rm -f "$top"/dist/dmabench-*-arm64.tar.gz
	make -C "$top" --no-print-directory -s dist ARCH=arm64 >"$out/dist.log" 2>&1 ||
		{ echo "guests: make dist ARCH=arm64 failed:" >&2; tail -20 "$out/dist.log" >&2; exit 1; }
	cp "$top"/dist/dmabench-*-arm64.tar.gz "$root/dmabench-arm64.tar.gz"
	mkdir -p "$root/lava-runner/lava" "$root/lava-bin"
	cp -p "$top/lava/dmabench-lava.sh" "$top/lava/dmabench.yaml" "$root/lava-runner/lava/"
	cp -p "$top"/tests/lava/bin/* "$root/lava-bin/"
	echo "00000000-dmab-0000-0000-000000000000" >"$root/lava-runner/uuid"
	/usr/bin/python3 "$top/tests/lava/write-runner.py" "$top/lava/dmabench.yaml" /lava-runner \
		TARBALL_URL=/dmabench-arm64.tar.gz MODULE=/dmabench.ko MODULE_PARAMS=max_total_mb=64 \
		STRATEGIES=cached-sync,uncached,cached-nosync WORKLOADS=capture PATTERNS=read \
		SIZES=64K REPEAT=2 BUDGET=1 SKIP_INSTALL=true >"$root/lava-runner/run.sh"
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

# what init.sh reads from the kernel command line: the devices this kernel must have, the mode
[ "$dmabuf" = 1 ] && cmdline="${cmdline:+$cmdline }dmab.dmabuf=1"
[ "$swiotlb" = 1 ] && cmdline+=" dmab.swiotlb=1"
[ "$lava" = 1 ] && cmdline+=" dmab.lava=1"
# two dmabench runs at once on the module's bound: in one guest, x86_64 (about 10 s)
[ "$arch" = x86_64 ] && cmdline+=" dmab.concurrent=1"
# alloc-fragmented's coherent run: 32-bit ARM's CMA allocator against dma-direct's
case "$arch" in x86_64 | armhf | arm64) cmdline+=" dmab.fragment=1" ;; esac
# the board's outer cache and DMA controllers, named in the kernel log; its PL330s
# offer DMA_MEMCPY channels, so dmaengine=on must load there
[ "$a9" = 1 ] && cmdline+=" dmab.l2c310=1 dmab.pl330=1 dmab.dmaengine=1"
log="$out/console.log"
# kmod-fuzz (tests/guests/kmod-fuzz.c) has a boot of its own, after the tests' boot,
# with the kernel checking itself: slab sanity checks, red zones, poison and owner
# tracking, freed pages poisoned (page_poison takes precedence over init_on_free
# where both are built in, and the kernel says so). On the tests' boot they cost
# x86_64 95 s instead of 37, x86_64-bpo 142 instead of 54, armv7-a9 261 instead of
# 183 (measured here, the same hour), so only the fuzzer's boot has them, with 256
# MiB (page_poison writes all of memory at boot): there they cost 1-3 s.
# DMAB_FUZZ_KERNEL_ARGS replaces them (empty: none), to measure what they cost.
fuzz_log="$out/fuzz.log" fuzz_mem=256 fuzz_timeout=120 fuzz_limit=$timeout
[ "$fuzz_only" = 1 ] && fuzz_ops=100000 fuzz_timeout=1500 fuzz_limit=1800
fuzz_cmdline="$cmdline dmab.fuzz=1 dmab.fuzz_seed=${DMAB_FUZZ_SEED:-1}"
fuzz_cmdline+=" dmab.fuzz_ops=${DMAB_FUZZ_OPS:-$fuzz_ops} dmab.fuzz_timeout=$fuzz_timeout"
fuzz_insmod=${DMAB_FUZZ_INSMOD:-max_total_mb=16}
fuzz_cmdline+=" dmab.fuzz_insmod=${fuzz_insmod// /,}"
fuzz_cmdline+=" ${DMAB_FUZZ_KERNEL_ARGS-slub_debug=FZPU page_poison=1 init_on_free=1}"
# smdkc210 has 1 GiB whatever -m says: the kernel is told to use less
[ "$a9" = 1 ] && fuzz_cmdline+=" mem=${fuzz_mem}M"
# A carveout for kmod-fuzz's carveout ALLOCs (init.sh loads the module with it): 1 MiB,
# which its buffers (up to 256 KiB, a dozen or two alive) run out of often (ENOMEM).
# It lies outside the fuzz_mem MiB the kernel keeps, in memory QEMU backs: fuzz_ram
# (-m) is one MiB more; x86's memmap= takes it at 128 MiB (the top of low RAM holds
# the firmware's tables and the initrd); ARM's mem= ends RAM right below it (virt's
# RAM, and smdkc210's 1 GiB, start at 1 GiB).
fuzz_ram=$((fuzz_mem + 1)) fuzz_carveout=''
case "$arch" in
x86_64*) fuzz_carveout=1M@0x08000000 fuzz_cmdline+=' memmap=1M$0x08000000' ;;
arm64 | armhf | armv7-a9)
	fuzz_carveout=1M@$(printf '%#x' $((0x40000000 + fuzz_mem * 1048576)))
	# smdkc210's -m stays (mem= is given above)
	if [ "$a9" = 1 ]; then fuzz_ram=$fuzz_mem; else fuzz_cmdline+=" mem=${fuzz_mem}M"; fi
	;;
esac
[ -n "$fuzz_carveout" ] && fuzz_cmdline+=" dmab.fuzz_carveout=$fuzz_carveout"
# The carveout (issue 14): memory the kernel does not manage, for dmabench.ko's
# carveout= and the devmem backend (init.sh's carveout block), on the tests' boot only:
# x86 memmap=SIZE$ADDR reserves it inside RAM (the '$' is literal here; in GRUB's
# config it must be written \$), arm64 and armhf mem= end RAM below it. 64 MiB.
# armv7-a9 boots a copy of its device tree with a no-map reserved-memory node inside
# RAM (tests/guests/dt-reserve.sh; about 0.5 s when made, kept as $tests_dtb): a hole
# in System RAM whose pages have a struct page (docs/carveout.md), taken by name
# (dmab.carveout_node) and with dmaengine=on; a second node without no-map is for
# the module to refuse (dmab.carveout_map_node).
carveout='' tests_dtb=''
if [ "$bench" = 0 ]; then
	case "$arch" in
	x86_64) carveout=64M@0x10000000 cmdline+=' memmap=64M$0x10000000' ;;
	arm64 | armhf) carveout=64M@0x5c000000 cmdline+=' mem=448M' ;;	# RAM at 1 GiB, 512 MiB
	armv7-a9) # smdkc210: 1 GiB at 1 GiB; the region inside it, in lowmem
		carveout=64M@0x60000000
		tests_dtb="$out/${dtb%.dtb}-dmabench.dtb"
		"$top/tests/guests/dt-reserve.sh" "$out/$dtb" "$tests_dtb" dmabench@60000000:64M \
			dmabench-mapped@5f000000:1M:map || { echo "guests: dt-reserve.sh failed" >&2; exit 3; }
		cmdline+=' dmab.carveout_node=dmabench@60000000 dmab.carveout_map_node=dmabench-mapped' ;;
	esac
	[ -n "$carveout" ] && cmdline+=" dmab.carveout=$carveout"
fi
tcg="QEMU software emulation (TCG) models no caches: these timings say nothing about
what caches cost (uncached, write-combined or cached, synced or not, all look
alike); they show every strategy working end to end, not how fast it is."
if [ "$bench" = 1 ]; then
	# The harness sizes what it runs at once by free memory, not by the module's
	# quota (256 MiB by default: a dozen kmod configurations of 4 frames of 16 MiB
	# exceed it): the quota is half the guest's memory.
	insmod_params="max_total_mb=$((mem / 2))"
	case "$arch" in # coherent and wc buffers are one CMA block each
	arm64) cmdline+=" cma=512M" ;;
	armhf | armv7-a9) cmdline="${cmdline/cma=64M/cma=192M} vmalloc=512M" ;;
	esac
	cmdline+=" dmab.bench=1 dmab.insmod=$insmod_params"
	log="$out/bench.log"
	echo "vm-bench: the default matrix (dmabench run) in the $arch guest ($kver, $mem MiB),"
	echo "dmabench.ko loaded with $insmod_params; at most $timeout s."
	echo "$tcg"
fi
boot_guest() { # boot_guest LOG MEM_MIB TIMEOUT CMDLINE: one boot to power-off, its console in LOG
	local log=$1 mem=$2 limit=$3 append=$4 q=("${qemu[@]}") i start
	for i in "${!q[@]}"; do # -m as the guest's case above has it, or the fuzz boot's
		[ "${q[i]}" = -m ] && q[i + 1]=$mem
	done
	[ -n "$dtb" ] && q+=(-dtb "${boot_dtb:-$out/$dtb}")	# the tests' boot: tests_dtb
	start=$(date +%s)
	# armmp has no driver for smdkc210's RTC (RTC_DRV_S3C): the guest takes the host's time
	[ "$a9" = 1 ] && append+=" dmab.epoch=$start"
	rm -f "$out/qemu.pid"
	# The harness's progress lines as they come (the default matrix takes minutes). A
	# board that cannot restart (smdkc210) halts after a panic instead of leaving QEMU
	# (panic=-1, -no-reboot): it is stopped then, not at the timeout.
	timeout "$limit" "${q[@]}" -kernel "$kernel_dir/vmlinuz-$kver" -initrd "$out/initrd.gz" \
		-append "console=$console${boot[*]:+ ${boot[*]}} quiet panic=-1${append:+ $append}" \
		-nographic -no-reboot -pidfile "$out/qemu.pid" </dev/null 2>&1 |
		tee "$log" | grep --line-buffered -a -e '^dmabench: \[' -e 'Reboot failed -- System halted' |
		while IFS= read -r line; do
			case "$line" in
			*'System halted'*) kill "$(cat "$out/qemu.pid")" 2>/dev/null || true ;;
			*) line=${line%$'\r'}; echo "vm-bench: ${line#dmabench: }" ;;
			esac
		done >&2 || true
	if grep -q 'System halted' "$log"; then
		echo "guests: $arch $kver halted, stopped after $(( $(date +%s) - start )) s ($log)" >&2
	else
		echo "guests: $arch $kver booted and powered off in $(( $(date +%s) - start )) s ($log)" >&2
	fi
}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $arch: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $arch: $*"; }
kept() { # kept NAME [WHAT]: the guest handed over NAME.json; kept under results/guests/
	# as ARCH-KVER-NAME.json, and schema-valid. A pass or a fail; true when both hold.
	local f="$out/$1.json" what="$1.json${2:+ ($2)}"
	if [ ! -f "$f" ]; then
		fail "the guest handed over no $what (see $log)"
		return 1
	fi
	mkdir -p "$top/results/guests"
	cp "$f" "$top/results/guests/$arch-$kver-$1.json"
	if ! "${validate[@]}" "$f" >/dev/null; then
		fail "$what is not schema-valid JSON"
		return 1
	fi
	pass "$what: handed over, schema-valid, kept"
}
judge_tests() { # judge_tests LOG: a pass or a fail per DMAB-TEST line; a fail if the guest died
	local log=$1 verdict rest
	if ! grep -q '^DMAB-DONE' "$log"; then
		fail "the guest did not finish (see $log)"
		# the kernel's last words, when it died
		grep -a -m8 -E 'Unable to handle|Internal error|Oops|BUG:|WARNING:|Kernel panic|PC is at|LR is at|lockup|blocked for more' \
			"$log" | tr -d '\r' | sed 's/^/     | /' || true
	fi
	while read -r _ verdict rest; do
		if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
	done < <(grep -a '^DMAB-TEST ' "$log" | tr -d '\r')
}

fuzz_boot() { # the fuzzer's boot (see fuzz_cmdline), judged like the tests' boot
	local line
	boot_guest "$fuzz_log" "$fuzz_ram" "$fuzz_limit" "$fuzz_cmdline"
	judge_tests "$fuzz_log"
	# with a carveout, kmod-fuzz made buffers of it and worked on them (its line says)
	[ -n "$fuzz_carveout" ] || return 0
	line=$(grep -a -m1 '^kmod-fuzz: carveout of ' "$fuzz_log" | tr -d '\r')
	if [[ $line =~ ALLOCs,\ ([0-9]+)\ made.*\;\ ([0-9]+)\ operations\ on ]] &&
		[ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[2]}" -gt 0 ]; then
		pass "kmod-fuzz used the carveout ($fuzz_carveout): ${line#kmod-fuzz: carveout of }"
	else
		fail "kmod-fuzz made no carveout buffer or used none ($fuzz_carveout): ${line:-no carveout line in $fuzz_log}"
	fi
}

if [ "$fuzz_only" = 1 ]; then
	fuzz_boot
	echo "guests-fuzz-$arch: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi
rm -f "$out"/*.json	# what the last boot handed over
boot_dtb=$tests_dtb boot_guest "$log" "$mem" "$timeout" "$cmdline"
judge_tests "$log"

# JSON the guest handed over: kept under results/, and validated. Result files came
# as export --format console printed them: this tree's dmabench import reads them out
# of the console log into $out as NAME.json (the markers, base64, the gzip CRC, the
# size and the result reader checked; a damaged one is a failure, named). The list
# --json documents, not result files, came between DMAB-JSON markers.
make -C "$top" --no-print-directory -s dmabench >&2 || true	# else the last one built
if "$top/dmabench" import "$log" -o "$out" >"$out/import.out" 2>"$out/import.err"; then
	n=$(grep -c '^written ' "$out/import.out" || true)
	pass "dmabench import read $n result file$([ "$n" = 1 ] || echo s) out of the console log, each whole"
else
	grep -q '^dmabench import: no dmabench result in' "$out/import.err" ||
		fail "dmabench import: $(tr '\n' ' ' <"$out/import.err" | head -c 600)"
fi
awk '/^DMAB-JSON-BEGIN/{name=$2; f=1; next} /^DMAB-JSON-END/{f=0} f{print > (dir "/" name ".json")}' \
	dir="$out" <(tr -d '\r' <"$log")

if [ "$bench" = 1 ]; then
	# the harness's table, without the progress lines shown already
	awk '/^DMAB-TABLE-END/{f=0} f && !/^dmabench: \[/{print} /^DMAB-TABLE-BEGIN/{f=1}' <(tr -d '\r' <"$log")
	status=$(tr -d '\r' <"$log" | sed -n 's/^DMAB-TABLE-END //p')
	if [ -f "$out/bench.json" ]; then
		utc=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["started_utc"])' \
			"$out/bench.json" 2>/dev/null | tr -d ':-') || utc=''
		kept="$top/results/vm-bench/$arch-$kver-${utc:-$(date -u +%Y%m%dT%H%M%SZ)}.json"
		mkdir -p "$top/results/vm-bench"
		cp "$out/bench.json" "$kept"
		if "${validate[@]}" "$kept" >/dev/null; then
			pass "the default matrix's JSON is schema-valid: $kept"
		else
			fail "the default matrix's JSON is not valid: $kept"
		fi
		# every strategy and backend offered here ran end to end and saw every line
		# right; a failed configuration passes only as a known limit of this kernel
		while read -r verdict rest; do
			case "$verdict" in
			ok) pass "$rest" ;;
			known) echo "known $arch: $rest" ;;
			*) fail "$rest" ;;
			esac
		done < <(/usr/bin/python3 - "$kept" "${status:-none}" <<'PY'
import json, sys


def check(path, status):
    d = json.load(open(path))
    kmod = d['environment']['kmod']
    yield '%s the module was loaded for the run (max_total_mb=%s)' % (
        'ok' if kmod['loaded'] else 'fail', (kmod.get('params') or {}).get('max_total_mb'))
    ran = [x for x in d['results'] if x['skipped'] is None]
    failed = [x for x in d['results'] if x['skipped'] and x['failed']]
    bad = ['%s %s %s %d: %s' % (x['strategy'], x['backend'], x['pattern'], x['size_bytes'],
                                x['integrity']['verdict']) for x in ran if x['integrity']['verdict'] != 'ok']
    yield '%s %d configurations ran in %.0f s, integrity ok in each%s' % (
        'fail' if bad or not ran else 'ok', len(ran), d['duration_s'],
        '' if not bad else ', not in ' + '; '.join(bad))
    offered = sorted({(x['strategy'], x['backend']) for x in ran + failed})
    done = {(x['strategy'], x['backend']) for x in ran}
    missing = ['%s/%s' % p for p in offered if p not in done]
    yield '%s every strategy offered here ran: %s%s' % (
        'fail' if missing else 'ok', ', '.join('%s/%s' % p for p in offered),
        '' if not missing else '; never: ' + ', '.join(missing))
    # The DMA API's coherent (and on ARM wc) buffers are one physically contiguous
    # block: without CMA, as in Debian's cloud kernels, no more than 4 MiB.
    for x in failed:
        what = '%s %s %s %d MiB failed: %s' % (x['strategy'], x['backend'], x['pattern'],
                                               x['size_bytes'] >> 20, x['skipped'])
        if (x['backend'] == 'kmod' and x['strategy'] in ('coherent', 'wc')
                and x['size_bytes'] > 4 << 20 and 'Cannot allocate memory' in x['skipped']):
            yield 'known %s (a contiguous block from the DMA API; this kernel has no CMA or too little)' % what
        else:
            yield 'fail ' + what
    expected = '1' if failed else '0'
    yield '%s dmabench run exited %s%s' % ('ok' if status == expected else 'fail', status,
                                          ' (a configuration failed)' if status == '1' else '')


try:
    for line in check(*sys.argv[1:]):
        print(line)
except (KeyError, TypeError, ValueError, OSError) as e:
    print('fail checking the JSON: %s: %s' % (type(e).__name__, e))
PY
		)
	else
		fail "the guest handed over no JSON (see $log)"
	fi
	echo "$tcg"
	echo "vm-bench-$arch: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

if kept quick "the quick run"; then
	if detail=$(/usr/bin/python3 - "$out" "$kver" "$expect_machine" "$expect_timer" \
		"$expect_read" "$user_maintenance" "$dmabuf" <<'PY'
import json, sys


def check(out, kver, machine, timer, read, maintenance, dmabuf):
    d = json.load(open(out + '/quick.json'))
    env = d['environment']
    assert env['kernel']['release'] == kver, 'kernel ' + env['kernel']['release']
    assert env['arch'] == machine, 'arch ' + env['arch']
    assert env['timer']['source'] == timer, 'timer ' + env['timer']['source']
    assert not read or env['cpu']['read_isa'] == read, 'read loop ' + env['cpu']['read_isa']
    # cached-sync: every run of it, whichever backend, must see every line right
    ran = [x for x in d['results'] if x['strategy'] == 'cached-sync' and not x['skipped']]
    assert all(x['integrity']['verdict'] == 'ok' for x in ran), 'cached-sync integrity not ok'
    backends = sorted({x['backend'] for x in ran})
    assert 'kmod' in backends, 'cached-sync never ran through dmabench.ko'
    # dma-buf backends: with the devices, both strategies of each ran and saw every line
    # right; without, list says why and nothing ran through them
    listed = json.load(open(out + '/list.json'))['strategies']
    dmabufs = ('dma-heap', 'udmabuf')
    for b in dmabufs:
        offered = [s for s in listed if s['backend'] == b]
        assert sorted(s['name'] for s in offered) == ['cached-nosync', 'cached-sync'], \
            'list: %s offers %s' % (b, [s['name'] for s in offered])
        if dmabuf == '1':
            assert all(s['available'] for s in offered), 'list: %s unavailable: %s' % (b, offered[0]['reason'])
        else:
            assert not any(s['available'] for s in offered) and all(s['reason'] for s in offered), \
                'list: %s available on a kernel without it' % b
        for name in ('cached-sync', 'cached-nosync'):
            got = [x for x in d['results'] if x['backend'] == b and x['strategy'] == name]
            if dmabuf != '1':
                assert all(x['skipped'] for x in got), '%s %s ran on a kernel without it' % (b, name)
                continue
            assert got and all(x['skipped'] is None for x in got), '%s %s: %s' % (
                b, name, [x['skipped'] for x in got] or 'not in the results')
            bad = [x['integrity']['verdict'] for x in got if x['integrity']['verdict'] != 'ok']
            assert not bad, '%s %s integrity %s' % (b, name, bad)
    if dmabuf == '1':
        dmabuf_note = '; dma-heap and udmabuf ran cached-sync and cached-nosync, integrity ok'
    else:
        dmabuf_note = '; no dma-heap or udmabuf here, list says why'
    # counters: the software events everywhere; on arm64 QEMU's emulated PMUv3 cycle
    # counter, counted in every run, and read with mrs from user space when allowed
    events = {e['event']: e for e in json.load(open(out + '/list.json'))['events']}
    assert events['page-faults']['status'] == 'ok', 'page-faults: %s' % events['page-faults']
    counters_note = '; page-faults counted'
    if machine == 'aarch64':
        cy = events['cycles']
        assert cy['status'] == 'ok' and cy['probe_count'] > 0, 'cycles: %s' % cy
        for x in ran:
            c = {e['event']: e for e in x['counters']}['cycles']
            assert c['status'] == 'ok' and c['value'] > 0, 'cycles in %s %s: %s' % (
                x['strategy'], x['backend'], c)
        try:
            ua = {e['event']: e for e in json.load(open(out + '/list-ua.json'))['events']}['cycles']
        except OSError:
            ua = None
        assert ua is None or (ua['probe_count'] > 0 and ua['method'] == 'rdpmc'), 'user access: %s' % ua
        counters_note += ', cycles in every cached-sync run (%s)%s' % (
            cy['method'], ', read from user space with perf_user_access=1' if ua else '')
        if ua:
            # a run with user-space reads: cycles per phase by mrs, the software events
            # over the frames; its overhead is stated (TCG times, not a board's)
            rs = [x for x in json.load(open(out + '/ua-run.json'))['results'] if not x['skipped']]
            assert rs, 'the perf_user_access=1 run ran nothing'
            for x in rs:
                c = {e['event']: e for e in x['counters']}
                cy, pf = c['cycles'], c['page-faults']
                assert cy['method'] == 'rdpmc' and cy['scope'] == 'phase', cy
                assert cy['phases']['cpu_process']['total'] > 0, cy['phases']
                assert pf['scope'] == 'frames' and pf['phases'] == {}, pf
                assert x['counter_overhead_pct'] is not None, x
                by = x['counter_overhead_by_scope']
                assert by['phase'] > 0 and by['frames'] > 0, by
            x = rs[0]
            by = x['counter_overhead_by_scope']
            counters_note += ('; with it, counter reads %.2f us a 64KiB frame (%.2f by mrs at the phase '
                              'boundaries, median; %.2f by read() around the frames), %.1f%% of '
                              'cpu_process %.1f us (TCG)') % (
                x['counter_overhead_ns'] / 1e3, by['phase'] / 1e3, by['frames'] / 1e3,
                x['counter_overhead_pct'], x['phases']['cpu_process']['p50_ns'] / 1e3)
    dmabuf_note += counters_note
    # the user backend: cache maintenance from user space where the architecture allows it
    user = [s for s in listed if s['name'] == 'cached-sync' and s['backend'] == 'user']
    assert len(user) == 1, 'dmabench list has no user-backend cached-sync'
    if maintenance == '1':
        assert user[0]['available'], 'user-backend cached-sync unavailable: %s' % user[0]['reason']
        assert 'user' in backends, "the user backend's cached-sync never ran"
        return 'cached-sync ran %d times (%s backends), integrity ok%s' % (
            len(ran), ', '.join(backends), dmabuf_note)
    assert not user[0]['available'] and user[0]['reason'], 'user-backend cached-sync offered here'
    assert 'user' not in backends, 'the user backend ran cached-sync with no cache maintenance'
    return 'cached-sync ran %d times (%s backend), integrity ok; the user backend declines it ("%s")%s' % (
        len(ran), ', '.join(backends), user[0]['reason'], dmabuf_note)


try:
    print(check(*sys.argv[1:]))
except (AssertionError, KeyError, TypeError, ValueError, OSError) as e:
    print('%s: %s' % (type(e).__name__, e))
    sys.exit(1)
PY
	); then
		pass "the quick run ran on $kver ($expect_machine, $expect_timer), $detail"
	else
		fail "the quick run on $kver: $detail"
	fi
fi

# two runs at once on the module's bound (init.sh, dmab.concurrent): both complete,
# neither's results touched by the other's, and the bound shared by taking turns
if [[ "$cmdline" == *dmab.concurrent=1* ]]; then
	if detail=$(/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out, docs = sys.argv[1], []
for i in (1, 2):
    path = os.path.join(out, 'concurrent%d.json' % i)
    if not os.path.exists(path):
        sys.exit('run %d handed over no JSON' % i)
    docs.append(json.load(open(path)))
bad, waited = [], []
for i, d in enumerate(docs, 1):
    xs = [x for x in d['results'] if x['backend'] == 'kmod']
    if sorted(x['strategy'] for x in xs) != ['cached-sync', 'coherent', 'uncached']:
        bad.append('run %d: configurations %s' % (i, [x['strategy'] for x in xs]))
    for x in xs:
        if x['skipped'] or not x['complete'] or x['integrity']['verdict'] != 'ok' \
                or len(x['repetitions']) != 2:
            bad.append('run %d %s: skipped %s, complete %s, integrity %s, %d repetitions' % (
                i, x['strategy'], x['skipped'], x['complete'], x['integrity']['verdict'],
                len(x['repetitions'])))
    waited.append(d.get('quota_wait_s', 0))
if not any(waited):
    bad.append('neither run waited for the bound (quota_wait_s %s): they never met' % waited)
if bad:
    sys.exit('; '.join(bad))
print('each 3 kmod configurations x 2 repetitions, integrity ok; waited %s s' % (
    ' and '.join('%.1f' % w for w in waited)))
PY
	); then
		pass "two runs at once on a 16 MiB bound took turns and both finished: $detail"
	else
		fail "two runs at once on a 16 MiB bound: $detail"
	fi
	for i in 1 2; do
		kept "concurrent$i" "concurrent run $i" || true
	done
fi

# the alloc run (init.sh): every strategy that ran got and gave back its 64 KiB
# buffers with the five phases timed, no attempt without a buffer, integrity ok; with
# the module loaded, every kmod strategy it offers among them. Kept, and validated.
if kept alloc "the alloc run"; then
	if detail=$(/usr/bin/python3 - "$out/alloc.json" 2>&1 <<'PY'
import json, sys

d = json.load(open(sys.argv[1]))
life = {'alloc_map', 'first_touch', 'sync_for_device', 'sync_for_cpu', 'unmap_free'}
# the module's buffers: ALLOC and mmap apart, the allocator's own time; a streaming
# mapping (every page-backed strategy) also given up and made again
split = {'alloc', 'mmap', 'kernel_alloc', 'munmap', 'free'}
remap = {'dma_unmap', 'dma_map'}
def want(x):
    if x['backend'] not in ('kmod', 'carveout'):
        return life
    if x['backend'] == 'kmod' and x['strategy'] not in ('coherent', 'wc') or \
            (x['strategy'] == 'wc' and d['environment']['kmod'].get('arch') == 'x86_64'):
        return life | split | remap
    return life | split
# where streaming mappings bounce, dma_unmap copies the negative control's untouched
# bounce slot back over the CPU's stores: stale, and the check must see it
def verdict(x):
    bounce = d['environment']['kmod'].get('mappings_bounce')
    return 'stale' if bounce and (x['strategy'], x['backend']) == ('cached-nosync', 'kmod') else 'ok'
ran = [x for x in d['results'] if x['skipped'] is None]
bad = ['%s/%s: %s' % (x['strategy'], x['backend'], why) for x in ran for why in (
    'phases ' + ','.join(sorted(x['phases'])) if not want(x) <= set(x['phases']) else None,
    'dma_unmap without a streaming mapping' if 'dma_unmap' in x['phases'] and not remap <= want(x) else None,
    'integrity ' + x['integrity']['verdict'] if x['integrity']['verdict'] != verdict(x) else None,
    'no buffer: %s' % x['alloc_failures'] if x['alloc_failures'] else None) if why]
bad += ['%s/%s failed: %s' % (x['strategy'], x['backend'], x['skipped'])
        for x in d['results'] if x['skipped'] and x['failed']]
kmod = d['environment']['kmod']
done = {x['strategy'] for x in ran if x['backend'] == 'kmod'}
missing = [s for s in kmod.get('strategies') or [] if s not in done] if kmod['loaded'] else []
assert ran and not bad and not missing, '; '.join(bad + ['kmod %s never ran' % s for s in missing])
print('%d configurations (%s) got and gave back %d buffers of 64 KiB, every phase timed, '
      'integrity as expected, none failed' % (len(ran), ', '.join(sorted({'%s/%s' % (x['strategy'], x['backend'])
                                                               for x in ran})),
                                     sum(x['frames'] for x in ran)))
PY
	); then
		pass "alloc: $detail"
	else
		fail "alloc: $(tail -1 <<<"$detail")"
	fi
fi

# alloc-atomic (init.sh): 4 KiB coherent buffers allocated with interrupts off come, with
# the allocator's own time; where the atomic pool serves them (INFO: ARM, arm64), 1 MiB
# never does (ENOMEM, counted, the run goes on), nor 256 KiB on armhf, which boots with
# coherent_pool=128K; x86 takes them from the page allocator and gets every size.
if kept alloc-atomic "the alloc-atomic run"; then
	if detail=$(/usr/bin/python3 - "$out/alloc-atomic.json" "$arch" 2>&1 <<'PY'
import json, sys

d, arch = json.load(open(sys.argv[1])), sys.argv[2]
pool = d['environment']['kmod']['atomic_pool']
assert pool == (not arch.startswith('x86_64')), 'atomic_pool %s on %s' % (pool, arch)
by = {x['size_bytes']: x for x in d['results']
      if x['strategy'] == 'coherent' and x['backend'] == 'kmod' and not x.get('aa_twin')}
assert set(by) == {4096, 262144, 1 << 20}, 'sizes %s' % sorted(by)
# None: either (arm64's pool starts at 128 KiB and grows in the background)
fails = {4096: False, 262144: True if arch == 'armhf' else None if pool else False,
         1 << 20: pool}
said = []
for size, x in sorted(by.items()):
    f = x['alloc_failures'] or {}
    if fails[size] is None and x['skipped']:
        said.append('%d KiB: %s' % (size >> 10, x['skipped']))
    elif fails[size]:
        assert x['skipped'] and x['skipped'].startswith('no buffer could be had') and \
            set(f) == {'ENOMEM'}, '%d: expected every attempt to fail with ENOMEM: %s %s' % (
                size, x['skipped'], f)
        said.append('%d KiB: ENOMEM x%d' % (size >> 10, f['ENOMEM']))
    else:
        assert x['skipped'] is None and not f and x['integrity']['verdict'] == 'ok' and \
            'kernel_alloc' in x['phases'], '%d: %s %s %s %s' % (
                size, x['skipped'], f, x['integrity']['verdict'], sorted(x['phases']))
        said.append('%d KiB: %d buffers, kernel_alloc p50 %.1f us' % (
            size >> 10, x['frames'], x['phases']['kernel_alloc']['p50_ns'] / 1e3))
print('from the %s: %s' % ('atomic pool' if pool else 'page allocator', '; '.join(said)))
PY
	); then
		pass "alloc-atomic: $detail"
	else
		fail "alloc-atomic: $(tail -1 <<<"$detail")"
	fi
fi

# alloc-fragmented (init.sh): the fill took the module's coherent buffers of 1 MiB until
# the pool refused one, then gave back every other; a 2 MiB buffer then needs two free
# neighbours. armhf (cma=64M): 32-bit ARM's dma_alloc_coherent takes every size from CMA
# (arch/arm/mm/dma-mapping.c, __dma_alloc) at 1 MiB alignment at most
# (CONFIG_CMA_ALIGNMENT=8, kernel/dma/contiguous.c) with no fallback: the fill stops on
# ENOMEM at CMA's size and every 2 MiB attempt fails with ENOMEM, counted, not a crash.
# x86_64 and arm64 (dma-direct, kernel/dma/direct.c __dma_direct_alloc_pages): CMA
# first where there is one (arm64: 64 MiB), then the page allocator, which has 2 MiB
# elsewhere: the fill stops at max_total_mb or the cap, and every attempt gets its buffer.
if [[ "$cmdline" == *dmab.fragment=1* ]] && kept alloc-fragmented "the alloc-fragmented run"; then
	if detail=$(/usr/bin/python3 - "$out/alloc-fragmented.json" "$arch" 2>&1 <<'PY'
import json, sys

d, arch = json.load(open(sys.argv[1])), sys.argv[2]
x, = [x for x in d['results'] if not x.get('aa_twin')]
assert (x['strategy'], x['backend'], x['size_bytes']) == ('coherent', 'kmod', 2 << 20), x['strategy']
f, fails = x['fragmented'], x['alloc_failures']
assert f['hold_bytes'] == 1 << 20 and f['repetitions'] == 1, f
assert f['kept_max'] == (f['held_max'] + 1) // 2, f
got = '%d x 1 MiB held, stopped by %s, %d kept' % (
    f['held_max'], ', '.join(sorted(f['stopped_by'])), f['kept_max'])
if arch == 'armhf':
    assert f['stopped_by'] == {'ENOMEM': 1} and 32 <= f['held_max'] <= 64, f
    assert x['skipped'] and x['skipped'].startswith('no buffer could be had') and \
        set(fails) == {'ENOMEM'}, (x['skipped'], fails)
    print('CMA in 1 MiB holes (%s): 2 MiB ENOMEM x%d' % (got, fails['ENOMEM']))
else:
    assert set(f['stopped_by']) <= {'EDQUOT', 'cap'} and f['held_max'] >= 64, f
    assert x['skipped'] is None and not fails and x['integrity']['verdict'] == 'ok', \
        (x['skipped'], fails, x['integrity'])
    print('%s (%s): 2 MiB got %d times, integrity ok, kernel_alloc p50 %.0f us' % (
        'CMA, then the page allocator' if arch == 'arm64' else 'the page allocator',
        got, x['frames'], x['phases']['kernel_alloc']['p50_ns'] / 1e3))
PY
	); then
		pass "alloc-fragmented: $detail"
	else
		fail "alloc-fragmented: $(tail -1 <<<"$detail")"
	fi
fi

# the dmaengine run (a board with a DMA_MEMCPY channel): kept too, and validated
if [ "$a9" = 1 ]; then
	kept quick-dmaengine "the quick run through the DMA controller, dmaengine=on" || true
fi

# What this guest's hardware or kernel command line must show beyond the others:
# the A9 board's outer cache, PL330 channel and PMU; swiotlb=force's bounce buffers.
if [ "$a9" = 1 ] || [ "$swiotlb" = 1 ]; then
	while read -r verdict rest; do
		if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
	done < <(/usr/bin/python3 - "$out" "$a9" "$swiotlb" <<'PY'
import json, os, sys


def load(out, name):
    path = os.path.join(out, name + '.json')
    return json.load(open(path)) if os.path.exists(path) else None


def ran(d, backend='kmod'):
    return [x for x in d['results'] if x['backend'] == backend and x['skipped'] is None]


def name(x):
    return '%s %s %s %s %d' % (x['strategy'], x['backend'], x['workload'], x['pattern'] or '-',
                               x['size_bytes'])


def not_ok(xs, allowed=()):
    return ['%s: %s' % (name(x), x['integrity']['verdict']) for x in xs
            if x['integrity']['verdict'] not in ('ok',) + allowed]


def a9(out):
    d = load(out, 'quick')
    kmod, cpu = d['environment']['kmod'], d['environment']['cpu']
    yield '%s the module sees the outer cache (outer_cache %s; FULL_FLUSH without a buffer refused: %s)' % (
        'ok' if kmod['outer_cache'] and kmod['full_flush_refused'] else 'fail', kmod['outer_cache'],
        kmod['full_flush_refused'])
    # the Cortex-A9's L1 line, from CTR in the module and from the harness's own probe
    yield '%s the module reads the CPU\'s cache line: %s bytes (32 on a Cortex-A9)' % (
        'ok' if kmod['cache_line'] == 32 else 'fail', kmod['cache_line'])
    yield '%s the harness finds the CPU\'s cache line: %s bytes from %s (32 on a Cortex-A9)' % (
        'ok' if cpu['cache_line'] == 32 else 'fail', cpu['cache_line'], cpu.get('cache_line_source'))
    # full-flush: L1 on every CPU, then the L2C-310 by range (never outer_flush_all)
    ff = [x for x in ran(d) if x['strategy'] == 'full-flush']
    done = sorted({v for x in ff for v in (x['handover_done'] or {}).values() if v})
    bad = not_ok(ff) + ['%s: handover_done %s' % (name(x), x['handover_done']) for x in ff
                        if not x['handover_done'] or not all(
                            'outer cache' in v for v in x['handover_done'].values() if v)]
    yield '%s full-flush ran %d times through dmabench.ko, integrity ok, the outer cache by range ("%s")%s' % (
        'ok' if ff and not bad else 'fail', len(ff), '; '.join(done), '' if not bad else ': ' + '; '.join(bad))
    bad = not_ok(ran(d))
    yield '%s every kmod configuration of the quick run saw every line right%s' % (
        'fail' if bad else 'ok', ': ' + '; '.join(bad) if bad else '')
    # the A9 PMU's events open under QEMU but count nothing: never "ok" with a zero count
    events = {e['event']: e for e in load(out, 'list')['events']}
    cy = events['cycles']
    good = (cy['status'] == 'ok' and (cy['probe_count'] or 0) > 0) or (cy['status'] != 'ok' and cy['reason'])
    yield '%s cycles: %s%s' % ('ok' if good else 'fail', cy['status'], ', counted %s over the probe loop' % (
        cy['probe_count']) if cy['status'] == 'ok' else ' (%s)' % cy['reason'])
    # dmaengine=on: the PL330 channel plays the device in every kmod configuration
    e = load(out, 'quick-dmaengine')
    if e is None:
        yield 'fail no JSON of the dmaengine=on run'
        return
    chan = e['environment']['kmod'].get('dma_channel')
    ctl = e['environment']['kmod'].get('dma_controller')
    yield '%s dmaengine=on: the module holds channel %s on %s' % ('ok' if chan else 'fail', chan, ctl)
    xs = ran(e)
    wrong = ['%s: %s' % (name(x), x['device']) for x in xs
             if x['device']['emulated'] or not all(w in x['device']['description']
                                                   for w in (chan or '?', 'dma-controller', 'pl330'))]
    yield '%s dmaengine=on: %d kmod configurations, each through %s%s' % (
        'ok' if xs and not wrong else 'fail', len(xs), xs[0]['device']['name'] if xs else 'nothing',
        '' if not wrong else '; not: ' + '; '.join(wrong))
    bad = not_ok(xs)
    yield '%s dmaengine=on: integrity ok in every kmod configuration%s' % (
        'fail' if bad else 'ok', ': ' + '; '.join(bad) if bad else '')
    # every strategy and both workloads, as with the emulated device
    want = {(x['strategy'], w) for x in ran(d) for w in ('capture', 'playback')}
    have = {(x['strategy'], x['workload']) for x in xs}
    missing = sorted('%s/%s' % p for p in want - have)
    yield '%s dmaengine=on: %s ran under capture and playback%s' % (
        'fail' if missing or not want else 'ok', ', '.join(sorted({s for s, _ in want})),
        '; never: ' + ', '.join(missing) if missing else '')


def swiotlb(out):
    d = load(out, 'quick')
    kmod = d['environment']['kmod']
    yield '%s the module says streaming mappings bounce (mappings_bounce %s)' % (
        'ok' if kmod['mappings_bounce'] else 'fail', kmod['mappings_bounce'])
    cs = [x for x in ran(d) if x['strategy'] == 'cached-sync']
    done = sorted({v for x in cs for v in (x['handover_done'] or {}).values() if v})
    bad = not_ok(cs) + ['%s: handover_done %s' % (name(x), x['handover_done']) for x in cs
                        if not any('swiotlb' in v for v in (x['handover_done'] or {}).values() if v)]
    yield '%s cached-sync ran %d times through dmabench.ko, integrity ok, through the bounce buffer ("%s")%s' % (
        'ok' if cs and not bad else 'fail', len(cs), '; '.join(done), '' if not bad else ': ' + '; '.join(bad))
    # strategies that never call dma_sync cannot see the device's data: refused, and said why
    listed = load(out, 'list-kmod')
    if listed is None:
        yield 'fail no dmabench list of the loaded module'
    else:
        for s in ('uncached', 'wc', 'full-flush'):
            got = [x for x in listed['strategies'] if x['name'] == s and x['backend'] == 'kmod']
            good = got and not got[0]['available'] and 'swiotlb' in (got[0]['reason'] or '')
            yield '%s list: %s kmod %s' % ('ok' if good else 'fail', s, (
                'unavailable: ' + got[0]['reason']) if got and not got[0]['available'] else
                'available' if got else 'not listed')
            ran_anyway = [name(x) for x in ran(d) if x['strategy'] == s]
            if ran_anyway:
                yield 'fail %s ran although refused: %s' % (s, ', '.join(ran_anyway))
    # stale lines are real under bounce only where nothing syncs: cached-nosync
    everything = [x for x in d['results'] if x['skipped'] is None]
    bad = not_ok([x for x in everything if x['strategy'] != 'cached-nosync'])
    yield '%s every result but cached-nosync saw every line right%s' % (
        'fail' if bad else 'ok', ': ' + '; '.join(bad) if bad else '')
    nosync = [x for x in everything if x['strategy'] == 'cached-nosync']
    bad = not_ok(nosync, ('stale',))
    yield '%s cached-nosync (the negative control, no sync): %s' % (
        'fail' if bad or not nosync else 'ok', ', '.join('%s %s' % (name(x), x['integrity']['verdict'])
                                                         for x in nosync) or 'never ran')


try:
    out, is_a9, is_swiotlb = sys.argv[1:]
    for line in (a9(out) if is_a9 == '1' else swiotlb(out)):
        print(line)
except (KeyError, TypeError, ValueError, OSError, AttributeError) as e:
    print('fail checking the JSON: %s: %s' % (type(e).__name__, e))
PY
	)
fi
# the LAVA run (init.sh, dmab.lava): read as the dispatcher reads it, every
# configuration with result, measurement and units; its result file brought back
# by dmabench import, byte for byte what the guest wrote
if [ "$lava" = 1 ]; then
	tr -d '\r' <"$log" | sed -n '/^DMAB-LAVA-BEGIN/,/^DMAB-LAVA-END/p' >"$out/lava.log"
	if [ ! -s "$out/lava.log" ]; then
		fail "the LAVA run: nothing between DMAB-LAVA-BEGIN and DMAB-LAVA-END"
	else
		lava_rc=$(sed -n 's/^DMAB-LAVA-END //p' "$out/lava.log")
		if [ "$lava_rc" = 0 ] && detail=$(/usr/bin/python3 "$top/tests/lava/parse-log.py" "$out/lava.log" \
			--expect module-load=pass --expect run=pass --expect module-unload=pass \
			--expect kernel-log=pass --expect cached-sync_kmod_capture_read_64KiB=pass \
			--expect uncached_kmod_capture_read_64KiB=pass 2>&1); then
			pass "lava/dmabench.yaml's steps in the guest, read as LAVA's dispatcher reads them: ${detail#ok }"
		else
			fail "lava/dmabench.yaml's steps in the guest: run.sh exited ${lava_rc:-?}; $detail"
		fi
		rm -rf "$out/lava-import"
		want=$(sed -n 's/^DMAB-LAVA-SHA \([0-9a-f]*\) .*/\1/p' "$out/lava.log")
		if "$top/dmabench" import "$out/lava.log" -o "$out/lava-import" >"$out/lava-import.out" 2>&1 &&
			got=$(sha256sum "$out"/lava-import/*.json | cut -d' ' -f1) && [ -n "$want" ] &&
			[ "$got" = "$want" ] && "${validate[@]}" "$out"/lava-import/*.json >/dev/null; then
			pass "dmabench import took the result file out of the LAVA log: schema-valid, sha256 ${want:0:12} as written in the guest"
		else
			fail "dmabench import of the LAVA log: want sha256 ${want:-none}, got ${got:-none}: $(tail -3 "$out/lava-import.out" | tr '\n' ' ')"
		fi
	fi
fi
# The carveout (init.sh's carveout block): the carveout and devmem backends with the
# module (devmem through its buffers and device), devmem alone without it; every
# strategy offered ran with integrity ok, the memory types read back are the ones
# each architecture gives (x86 /dev/mem with O_SYNC: UC-; ARMv7 inside a memory
# bank: Normal-NC, and write-back without O_SYNC), cached-sync says which
# maintenance it did, and what cannot be had says why. With a reserved-memory node
# on the A9 board, the carveout through its PL330 channel (dmaengine=on) too.
if [ -n "$carveout" ]; then
	carveout_files=(carveout devmem)
	[ "$a9" = 1 ] && carveout_files+=(carveout-dmaengine)
	for f in "${carveout_files[@]}"; do
		kept "$f" || true
	done
	while read -r verdict rest; do
		if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
	done < <(/usr/bin/python3 - "$out" "$expect_machine" "$carveout" "$a9" <<'PY'
import json, os, sys

out, machine, carveout, a9 = sys.argv[1:]
size, base = carveout.split('@')
size = int(size[:-1]) << {'K': 10, 'M': 20, 'G': 30}[size[-1]]
base = int(base, 0)
x86 = machine == 'x86_64'
# the A9 board's region is a no-map reserved-memory node inside RAM, with struct pages:
# ARMv7's /dev/mem maps such a pfn (pfn_valid) Normal-NC with O_SYNC and write-back
# without (arch/arm/mm/mmu.c, phys_mem_access_prot); above mem= it would be strongly ordered
in_bank = a9 == '1'
# what each (backend, strategy) must read back here, and what its cached-sync does
uncached = 'PAT UC-' if x86 else 'Device-nGnRnE' if machine == 'aarch64' else 'strongly ordered'
types = {
    ('carveout', 'uncached'): uncached,
    ('carveout', 'wc'): 'PAT WC' if x86 else 'Normal-NC',
    ('carveout', 'cached-sync'): 'write-back',
    ('carveout', 'cached-nosync'): 'write-back',
    ('devmem', 'uncached'): 'Normal-NC' if in_bank else uncached,
}
if x86:
    types[('devmem', 'cached-sync')] = types[('devmem', 'cached-nosync')] = 'write-back'
# the pmem API on x86 and arm64 (Debian's kernels have it), the L1 and the L2C-310 on the A9
maintenance = ('arch_wb_cache_pmem' if x86 or machine == 'aarch64' else
               'outer cache' if a9 == '1' else 'v7_flush_kern_dcache_area')


def load(name):
    path = os.path.join(out, name + '.json')
    return json.load(open(path)) if os.path.exists(path) else None


def check(name, backends, module):
    d = load(name)
    if d is None:
        return
    rs = [x for x in d['results'] if x['backend'] in backends]
    want_types = dict(types)
    if in_bank and module:
        # devmem's cached-nosync only where the module reads the mapping back as write-back;
        # cached-sync never on ARMv7 (no cache maintenance user space may issue)
        want_types[('devmem', 'cached-nosync')] = 'write-back'
    if module:
        c = d['environment']['kmod'].get('carveout') or {}
        yield '%s %s: the module reports its carveout %#x, %d MiB (loaded with %s)' % (
            'ok' if (c.get('base'), c.get('size_bytes')) == (base, size) else 'fail', name,
            c.get('base') or 0, (c.get('size_bytes') or 0) >> 20, carveout)
    dm = d['environment'].get('devmem') or {}
    yield '%s %s: devmem found the range (%s) %s' % (
        'ok' if (dm.get('base'), dm.get('size_bytes'), dm.get('module_device')) == (base, size, module)
        else 'fail', name, dm.get('source'),
        'and goes through the module' if dm.get('module_device') else 'and plays the device itself')
    for (b, s), want in sorted(want_types.items()):
        if b not in backends:
            continue
        if not module and not x86:
            want = 'not read back'	# no module, no PAT list: the result says so
        xs = [x for x in rs if (x['backend'], x['strategy']) == (b, s)]
        ran = [x for x in xs if not x['skipped']]
        bad = ['%s: %s' % (x['workload'], x['integrity']['verdict']) for x in ran
               if x['integrity']['verdict'] != 'ok' and not (s == 'cached-nosync' and
                                                             x['integrity']['verdict'] == 'stale')]
        eff = sorted({x['mapping']['effective'] or 'not read back' for x in ran})
        wrong = [e for e in eff if (e != want if want == 'write-back' else want not in e)]
        good = {x['workload'] for x in ran} == {'capture', 'playback'} and not bad and not wrong
        yield '%s %s: %s %s ran capture and playback, integrity %s, mapping %s' % (
            'ok' if good else 'fail', name, b, s, ', '.join(bad) or 'ok', '; '.join(eff) or
            'none: ' + '; '.join(sorted({x['skipped'] or '' for x in xs})))
        if s == 'cached-sync':
            done = sorted({v for x in ran for v in (x['handover_done'] or {}).values() if v})
            good = b != 'carveout' or any(maintenance in v for v in done)
            yield '%s %s: %s cached-sync did "%s"' % ('ok' if good and done else 'fail', name, b,
                                                       '; '.join(done))
    # what this architecture cannot have: skipped, with the reason (in the devmem-only
    # run: where another backend offers the strategy, a skipped one is not listed)
    for b, s in (('devmem', 'wc'), ('devmem', 'cached-sync'), ('devmem', 'cached-nosync')):
        if backends != ('devmem',) or (b, s) in want_types:
            continue
        xs = [x for x in rs if (x['backend'], x['strategy']) == (b, s)]
        good = xs and all(x['skipped'] and not x['failed'] for x in xs)
        yield '%s %s: %s %s not offered here: %s' % ('ok' if good else 'fail', name, b, s,
                                                     xs[0]['skipped'] if xs else 'not in the results')
    dev = {x['device']['description'] for x in rs if not x['skipped'] and x['backend'] == 'devmem'}
    want = "dmabench.ko's device" if module else 'emulated: no dmabench.ko'
    yield '%s %s: the devmem device is %s' % ('ok' if dev and all(want in v for v in dev) else 'fail',
                                               name, want)


def check_dmaengine(name):
    """dmaengine=on with the carveout: every strategy it offers, through the PL330's channel"""
    d = load(name)
    if d is None:
        return
    kmod = d['environment']['kmod']
    c, chan = kmod.get('carveout') or {}, kmod.get('dma_channel')
    yield '%s %s: the module holds channel %s on %s and its carveout %#x, %d MiB (%s)' % (
        'ok' if chan and (c.get('base'), c.get('size_bytes')) == (base, size) else 'fail', name,
        chan, kmod.get('dma_controller'), c.get('base') or 0, (c.get('size_bytes') or 0) >> 20, carveout)
    xs = [x for x in d['results'] if x['backend'] == 'carveout' and not x['skipped']]
    offered = sorted(c.get('strategies') or [])
    missing = sorted(set(offered) - {x['strategy'] for x in xs})
    wrong = ['%s: %s' % (x['strategy'], x['device']['description']) for x in xs
             if x['device']['emulated'] or not all(w in x['device']['description']
                                                   for w in (chan or '?', 'pl330'))]
    bad = ['%s: %s' % (x['strategy'], x['integrity']['verdict']) for x in xs
           if x['integrity']['verdict'] != 'ok']
    yield '%s %s: %s ran through %s, integrity %s%s%s' % (
        'ok' if xs and offered and not missing and not wrong and not bad else 'fail', name,
        ', '.join(sorted({x['strategy'] for x in xs})) or 'nothing', chan, ', '.join(bad) or 'ok',
        '; never: ' + ', '.join(missing) if missing else '', '; not the channel: ' + '; '.join(wrong)
        if wrong else '')


try:
    for line in list(check('carveout', ('carveout', 'devmem'), True)) + list(
            check('devmem', ('devmem',), False)) + list(check_dmaengine('carveout-dmaengine')):
        print(line)
except (KeyError, TypeError, ValueError, OSError, AttributeError) as e:
    print('fail checking the carveout JSON: %s: %s' % (type(e).__name__, e))
PY
	)
fi
[ "$fuzz_after" = 1 ] && fuzz_boot
echo "guests-$arch: $passed passed, $failed failed"
[ "$failed" = 0 ]
