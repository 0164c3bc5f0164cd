#!/bin/busybox sh
# /init of the dmabench test guests (busybox). Runs the harness (and the module,
# when the initramfs carries one), reports on the console between markers, and
# powers off. Lines the host reads: "DMAB-TEST ok|fail NAME: detail" and
# "DMAB-JSON-BEGIN NAME" ... "DMAB-JSON-END". With dmab.bench=1 on the kernel
# command line (make vm-bench) it runs the default matrix instead of the tests;
# with dmab.fuzz=1 (run.sh's second boot) kmod-fuzz alone, dmab.fuzz_seed/_ops/
# _timeout its arguments. "DMAB-TIME NAME START END" is what each test took.
# Other dmab.NAME=1 flags say what this machine has: dmabuf (dma-heap, udmabuf),
# swiotlb (swiotlb=force), l2c310 and pl330 (in the kernel log), dmaengine (a
# DMA_MEMCPY channel: dmaengine=on must load, elsewhere it must be refused).
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp	# the initramfs holds only what run.sh put in it
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
cd /tmp
# a board whose RTC the kernel has no driver for starts in 1970: run.sh passes the host's time
epoch=$(sed -n 's/.*dmab\.epoch=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -z "$epoch" ] || date -s "@$epoch" >/dev/null

. /lib.sh	# t, flag, klog, log_clean, gone ... (tests/guests/lib.sh)

json() { # json NAME FILE: hand a file to the host, which keeps it as NAME.json
	# A result file as `dmabench export --format console` prints it (gzip+base64
	# between markers naming NAME.json): run.sh's `dmabench import` reads it back
	# out of the console log and checks it (CRC, size, the result reader).
	local file=$2
	if [ "${2##*/}" != "$1.json" ]; then
		mkdir -p /tmp/export && cp "$2" "/tmp/export/$1.json" && file=/tmp/export/$1.json
	fi
	/dmabench export "$file" --format console 2>/dev/null && return
	# not a result file (list --json): as it is, between DMAB-JSON markers
	echo "DMAB-JSON-BEGIN $1"
	cat "$2"
	echo "DMAB-JSON-END"
}

kernel_checks() { # the kernel's own checks run.sh asked for are on: one test line saying which
	checks=''
	# the smallest kmalloc cache there is (arm64's start at 128 bytes)
	cache=$(ls -d /sys/kernel/slab/kmalloc-[0-9]* | sort -t- -k2 -n | head -1)
	for f in sanity_checks red_zone poison store_user; do
		[ "$(cat "$cache/$f" 2>/dev/null)" = 1 ] && checks="$checks $f"
	done
	poison=$(dmesg | grep -o 'mem auto-init: .*' | head -3 | tr '\n' ' ')
	if [ "$checks" = ' sanity_checks red_zone poison store_user' ] && [ -n "$poison" ]; then
		echo "DMAB-TEST ok kernel self-checks: slab$checks (${cache##*/}); $poison"
	else
		echo "DMAB-TEST fail kernel self-checks: slab:${checks:- none}; ${poison:-no mem auto-init line}"
	fi
}

fuzz() { # the concurrent fuzzer (kmod-fuzz.c), a load of the module of its own, rmmod after it
	# run.sh gives the module's parameters (a small quota: EDQUOT comes up too), a
	# carveout (dmab.fuzz_carveout: kmod-fuzz allocates from it too, where given), the
	# seed and the count of operations. kmod-fuzz checks the count of allocated bytes,
	# its leftovers and the kernel log itself.
	fuzz_carveout=$(arg fuzz_carveout '')
	fuzz_seed=$(sed -n 's/.*dmab\.fuzz_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
	fuzz_ops=$(sed -n 's/.*dmab\.fuzz_ops=\([0-9]*\).*/\1/p' /proc/cmdline)
	fuzz_timeout=$(sed -n 's/.*dmab\.fuzz_timeout=\([0-9]*\).*/\1/p' /proc/cmdline)
	t insmod-fuzz insmod /dmabench.ko $(sed -n 's/.*dmab\.fuzz_insmod=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ') \
		${fuzz_carveout:+carveout=$fuzz_carveout}
	t_start=$(uptime)
	if /kmod-fuzz --seed "${fuzz_seed:-1}" --ops "${fuzz_ops:-100000}" --threads 4 \
		--timeout "${fuzz_timeout:-240}" >/tmp/fuzz.out 2>&1; then
		verdict=ok
	else
		verdict=fail
	fi
	cat /tmp/fuzz.out
	echo "DMAB-TEST $verdict kmod-fuzz: $(grep -m1 '^kmod-fuzz: seed' /tmp/fuzz.out | cut -d';' -f2-);" \
		"$(grep -m1 ' operations in ' /tmp/fuzz.out | sed 's/^kmod-fuzz: //');" \
		"$(grep -m1 ' passed, ' /tmp/fuzz.out | sed 's/^kmod-fuzz: //')"
	echo "DMAB-TIME kmod-fuzz $t_start $(uptime)"
	t rmmod-fuzz rmmod dmabench
	t fuzz-gone gone
}

echo "DMAB-GUEST $(uname -m) $(uname -r)"
if flag fuzz; then # a boot of its own for the fuzzer, the kernel checking itself (run.sh)
	kernel_checks
	fuzz
	t kernel-log-clean-after-fuzz log_clean
	log_clean >/dev/null || log_report
	echo "DMAB-DONE"
	poweroff -f
fi
t mounts sh -c 'for f in proc sysfs devtmpfs tmpfs; do grep -q " $f " /proc/mounts || exit 1; done'
# the board's hardware run.sh says is there, as the kernel found it
flag l2c310 && t kernel-log-l2c310 klog 'L2C-310 cache controller enabled'
flag pl330 && t kernel-log-pl330 klog 'dma-pl330 .*Loaded driver for PL330'
if flag bench; then # the default matrix, module loaded; its table and progress go to the console
	# the module's parameters from dmab.insmod=A=1,B=2 (run.sh sizes the quota to the guest)
	t insmod insmod /dmabench.ko $(sed -n 's/.*dmab\.insmod=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
	echo "DMAB-TABLE-BEGIN"
	# progress through a pipe: not a terminal, so one line per size, not a redrawn one;
	# the table after it, whole
	{ /dmabench run -o /tmp/bench.json >/tmp/bench.table; echo $? >/tmp/bench.status; } 2>&1 | cat
	cat /tmp/bench.table
	echo "DMAB-TABLE-END $(cat /tmp/bench.status)"	# the host judges the status with the JSON
	[ -f /tmp/bench.json ] && json bench /tmp/bench.json
	t rmmod rmmod dmabench
	t kernel-log-clean log_clean
	echo "DMAB-DONE"
	poweroff -f
fi
if flag dmabuf; then # the dma-buf backends' devices, built into this kernel
	t dma-heap-system sh -c '[ -c /dev/dma_heap/system ]'
	t udmabuf sh -c '[ -c /dev/udmabuf ]'
fi
t harness-info /dmabench info
t harness-list /dmabench list
/dmabench list --json >/tmp/list.json 2>/dev/null && json list /tmp/list.json
# counters read from user space (arm64, Linux 5.17+): the default set probed again
if [ -w /proc/sys/kernel/perf_user_access ]; then
	echo 1 >/proc/sys/kernel/perf_user_access
	/dmabench list --json >/tmp/list-ua.json 2>/dev/null && json list-ua /tmp/list-ua.json
	# what the default set costs read from user space: 64 KiB capture frames (user backend)
	/dmabench run -q -s cached-sync -p read -z 64K -n 300 -o /tmp/ua-run.json >/dev/null 2>&1 &&
		json ua-run /tmp/ua-run.json
	echo 0 >/proc/sys/kernel/perf_user_access
fi
if [ -f /dmabench.ko ]; then
	t insmod insmod /dmabench.ko
	t dev-node-0600 sh -c '[ -c /dev/dmabench ] && [ "$(stat -c %a /dev/dmabench)" = 600 ]'
	# what the module offers here, and why not the rest
	/dmabench list --json >/tmp/list-kmod.json 2>/dev/null && json list-kmod /tmp/list-kmod.json
	# swiotlb=force: the module says streaming mappings bounce
	flag swiotlb && t mappings-bounce klog 'dmabench.*streaming mappings bounce'
	if [ -x /kmod-test ]; then
		t kmod-test /kmod-test
		# failures, then what each strategy's mapping is on this architecture
		grep -E '^FAIL' /tmp/t.out | head -40
		grep -E '^(NOTE|INFO abi|INFO full flush|INFO .*: mapping )' /tmp/t.out | head -40
		grep 'kmod-test:' /tmp/t.out
	fi
fi
# 2 repetitions (the fewest with a noise floor): under TCG the timings mean nothing,
# and each repetition is a set-up and a warm-up of every configuration. -t 0.4: what
# it proves (every strategy end to end, integrity over hundreds of frames, the
# environment) needs no more; --quick's 1 s made it the guests' longest step (18-29 s)
t quick-run /dmabench run --quick -R 2 -t 0.4 -q -o /tmp/quick.json
[ -f /tmp/quick.json ] && json quick /tmp/quick.json
# the alloc workload (docs/alloc.md), the module loaded: 64 KiB buffers of every strategy
# offered here got and given back, 20 each (x86_64: 1.4-2.1 s of TCG, most of it the run's
# start-up; -n 40 took 2.2 s, -t 0.3 5.5 s)
t alloc-run /dmabench run -q -w alloc -z 64K -R 2 -n 20 -o /tmp/alloc.json
[ -f /tmp/alloc.json ] && json alloc /tmp/alloc.json
# alloc-atomic: the module's coherent buffers allocated with interrupts off, 10 each of
# 4 KiB, 256 KiB and 1 MiB; where they come from the atomic pool (armhf boots with
# coherent_pool=128K) the larger ones fail, counted by errno, and the run goes on
if [ -e /dev/dmabench ]; then
	t alloc-atomic-run /dmabench run -q -w alloc-atomic -b kmod -s coherent -z 4K,256K,1M \
		-R 2 -n 10 -o /tmp/alloc-atomic.json
	[ -f /tmp/alloc-atomic.json ] && json alloc-atomic /tmp/alloc-atomic.json
fi
# alloc-fragmented (dmab.fragment): 2 MiB coherent buffers after the fill took the module's
# pool in 1 MiB buffers and gave back every other one; 32-bit ARM's CMA allocator has no
# 2 MiB left (every attempt ENOMEM, counted: the one configuration did not run, exit 4),
# dma-direct (x86, arm64) falls back to the page allocator, which has (exit 0); run.sh judges
if flag fragment && [ -e /dev/dmabench ]; then
	t alloc-fragmented-run sh -c '/dmabench run -q -w alloc-fragmented -b kmod -s coherent \
		-z 2M -R 1 -n 5 -o /tmp/alloc-fragmented.json; s=$?; [ $s = 0 ] || [ $s = 4 ]'
	[ -f /tmp/alloc-fragmented.json ] && json alloc-fragmented /tmp/alloc-fragmented.json
fi
if [ -f /dmabench.ko ]; then
	t rmmod rmmod dmabench
	t dev-node-gone sh -c '[ ! -e /dev/dmabench ]'
fi
if flag lava; then
	# lava/dmabench.yaml's run steps as LAVA's test shell runs them (run.sh wrote
	# /lava-runner/run.sh from the YAML; /lava-bin stands in for LAVA's helpers):
	# the script fetches the tarball, loads the module, runs, reports, unloads
	echo "DMAB-LAVA-BEGIN"
	(PATH="/lava-bin:$PATH" LAVA_RESULT_DIR=/tmp/lava-results sh -e /lava-runner/run.sh) 2>&1
	lava_rc=$?
	for f in /lava-runner/output/*.json; do [ -f "$f" ] && echo "DMAB-LAVA-SHA $(sha256sum "$f")"; done
	echo "DMAB-LAVA-END $lava_rc"
	t lava-module-gone gone
fi
chan=''
channel_named() { # the load message names a channel (dma0chan0), and that channel is in use
	dmesg | grep dmabench | tail -1
	chan=$(dmesg | grep dmabench | tail -1 | grep -oE 'dma[0-9]+chan[0-9]+' | head -1)
	[ -n "$chan" ] && [ "$(cat "/sys/class/dma/$chan/in_use")" = 1 ]
}
channel_released() { # nothing of the module left, and its channel free again
	gone && { [ -z "$chan" ] || [ "$(cat "/sys/class/dma/$chan/in_use")" = 0 ]; }
}
refused() { # refused MESSAGE PARAM...: the load fails, says MESSAGE in the log, leaves nothing
	message=$1; shift
	if insmod /dmabench.ko "$@"; then rmmod dmabench; echo "loaded with $*"; return 1; fi
	gone && dmesg | grep -q "$message"
}
if [ -f /dmabench.ko ] && [ -x /kmod-test ]; then
	# the parameters: another node mode, a smaller quota (kmod-test params checks both)
	t insmod-params insmod /dmabench.ko mode=0660 max_total_mb=16
	t kmod-test-params /kmod-test params
	grep -E '^FAIL' /tmp/t.out | head -20
	grep 'kmod-test:' /tmp/t.out
	if flag concurrent; then
		# two runs at once (issue 12): one set of either (three kmod strategies and an
		# A/A twin, 4 frames of 1 MiB each) holds the whole 16 MiB bound, so they must
		# take turns; both must finish, every configuration complete (run.sh checks)
		for i in 1 2; do
			{ /dmabench run -q -R 2 -n 24 -w capture -p read -z 1M \
				-s uncached,coherent,cached-sync -o /tmp/conc$i.json >/dev/null 2>/tmp/conc$i.err
				echo $? >/tmp/conc$i.status; } &
		done
		wait
		t concurrent-runs-exit-0 sh -c 'cat /tmp/conc1.status /tmp/conc2.status; tail -n 3 /tmp/conc1.err /tmp/conc2.err; [ "$(cat /tmp/conc1.status /tmp/conc2.status)" = "$(printf "0\n0")" ]'
		for i in 1 2; do [ -f /tmp/conc$i.json ] && json concurrent$i /tmp/conc$i.json; done
	fi
	t rmmod-params rmmod dmabench
	# the device declared DMA-coherent: on ARM coherent and wc buffers become
	# write-back (kmod-test reads it from INFO); on x86 nothing changes
	t insmod-force-coherent insmod /dmabench.ko force_coherent=1
	t kmod-test-force-coherent /kmod-test
	grep -E '^FAIL' /tmp/t.out | head -40
	grep -E '^INFO (abi|.*: mapping )' /tmp/t.out | head -40
	grep 'kmod-test:' /tmp/t.out
	t rmmod-force-coherent rmmod dmabench
	t force-coherent-gone gone
	if flag dmaengine; then
		# a DMA_MEMCPY channel of the board's DMA controller plays the device: the
		# load names it, kmod-test and a quick run go through it, rmmod gives it back
		t insmod-dmaengine insmod /dmabench.ko dmaengine=on
		t dmaengine-channel-named channel_named
		t kmod-test-dmaengine /kmod-test dmaengine
		grep -E '^FAIL' /tmp/t.out | head -40
		grep 'kmod-test:' /tmp/t.out
		t quick-run-dmaengine /dmabench run --quick -R 2 -t 0.4 -q -w capture,playback -z 64K \
			-o /tmp/quick-dmaengine.json
		t rmmod-dmaengine rmmod dmabench
		t dmaengine-gone channel_released
		# Handed over after rmmod: the console's UART sends long writes by DMA on the
		# same controller (dma0chan16 on smdkc210), so a callback of the module's left
		# on the driver's pooled descriptors runs now, into the unloaded module: an
		# oops that ends the boot, where with the module loaded the console just hangs.
		[ -f /tmp/quick-dmaengine.json ] && json quick-dmaengine /tmp/quick-dmaengine.json
		t dmaengine-force-coherent-refused refused 'force_coherent is for the emulated device' \
			dmaengine=on force_coherent=1
	else
		# no DMA_MEMCPY channel on this machine: dmaengine=on must refuse to load
		t dmaengine-on-refused refused 'dmaengine=on: no DMA_MEMCPY channel' dmaengine=on
	fi
	t dmaengine-bogus-refused refused 'dmaengine=bogus: expected auto, on or off' dmaengine=bogus
fi
# The carveout (issue 14): run.sh reserved a region at boot (x86 memmap=, ARM mem=, or
# on the A9 board a no-map reserved-memory node inside RAM, named in dmab.carveout_node)
# and says where in dmab.carveout=SIZE@ADDR. The module takes it (carveout=SIZE@ADDR,
# or carveout=NAME: kmod-test then reads the range from the device tree), kmod-test
# runs its carveout cases, a short run measures the carveout and devmem backends
# (devmem through the module's buffers and device), then devmem again without the
# module (the CPU plays the device); the loads the module must refuse. About 10 s of TCG.
carveout=$(arg carveout '')
node=$(arg carveout_node '')
region=${node%@*}	# the node by its name alone here, with its unit address below
region=${region:-$carveout}
if [ -n "$carveout" ] && [ -f /dmabench.ko ] && [ -x /kmod-test ]; then
	echo "carveout $carveout${node:+ (reserved-memory node $node)}; /proc/iomem around it:"
	grep -E 'System RAM|[Rr]eserved' /proc/iomem | head -12
	t insmod-carveout insmod /dmabench.ko carveout="$region"
	t carveout-named klog "dmabench.* carveout \\[mem .*${node:+, reserved-memory node $region\\)}"
	t kmod-test-carveout /kmod-test carveout "$region"
	grep -E '^FAIL' /tmp/t.out | head -40
	grep -E '^INFO (carveout|devmem|.*: mapping )' /tmp/t.out | head -20
	grep 'kmod-test:' /tmp/t.out
	/dmabench list --json >/tmp/list-carveout.json 2>/dev/null && json list-carveout /tmp/list-carveout.json
	t carveout-run /dmabench run -q -R 2 -n 16 -z 64K -p read -w capture,playback \
		-b carveout,devmem -o /tmp/carveout.json
	[ -f /tmp/carveout.json ] && json carveout /tmp/carveout.json
	t rmmod-carveout rmmod dmabench
	t carveout-gone gone
	# no module: DMABENCH_DEVMEM names the range; x86 reads PAT's types from debugfs
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	t devmem-run env DMABENCH_DEVMEM="$carveout" /dmabench run -q -R 2 -n 16 -z 64K -p read \
		-w capture,playback -b devmem -o /tmp/devmem.json
	[ -f /tmp/devmem.json ] && json devmem /tmp/devmem.json
	ram=$(grep -m1 'System RAM' /proc/iomem | sed 's/^ *//; s/-.*//')
	t carveout-ram-refused refused 'overlaps System RAM' carveout=4K@0x"$ram"
	t carveout-range-refused refused 'out of range' carveout=4K@0x7ffffffffffff000
	t carveout-unaligned-refused refused 'multiples of the page size' carveout=6K@0x"$ram"
	t carveout-name-refused refused 'carveout=no-such-region: ' carveout=no-such-region
	# a reserved-memory node without no-map is in the linear map and System RAM
	map_node=$(arg carveout_map_node '')
	[ -z "$map_node" ] || t carveout-mapped-node-refused refused \
		"carveout=$map_node: the region is not no-map" carveout="$map_node"
fi
# The carveout with dmaengine=on (the A9 board): a DMA_MEMCPY channel of its PL330 plays
# the device at the address dma_map_resource() gives for the region; kmod-test's carveout
# cases go through it (INFO must name the channel), and a short capture run. Its JSON
# is handed over after rmmod, as the dmaengine block's (the console's UART shares the
# controller). The node by its full name this time.
if [ -n "$carveout" ] && flag dmaengine && [ -f /dmabench.ko ] && [ -x /kmod-test ]; then
	t insmod-carveout-dmaengine insmod /dmabench.ko dmaengine=on carveout="${node:-$carveout}"
	t carveout-dmaengine-channel-named channel_named
	t kmod-test-carveout-dmaengine /kmod-test carveout "${node:-$carveout}" dmaengine
	grep -E '^FAIL' /tmp/t.out | head -40
	grep -E '^INFO (carveout|devmem) ' /tmp/t.out | head -8
	grep 'kmod-test:' /tmp/t.out
	t carveout-run-dmaengine /dmabench run -q -R 2 -n 16 -z 64K -p read -w capture -b carveout \
		-o /tmp/carveout-dmaengine.json
	t rmmod-carveout-dmaengine rmmod dmabench
	t carveout-dmaengine-gone channel_released
	[ -f /tmp/carveout-dmaengine.json ] && json carveout-dmaengine /tmp/carveout-dmaengine.json
fi
t kernel-log-clean log_clean
echo "DMAB-DONE"
poweroff -f
