#!/bin/busybox sh
# /init of the crash-test guest (tests/guests/crash-host.sh builds it): issue 12's
# crash tests, with dmabench.ko loaded. Reports as init.sh does ("DMAB-TEST
# ok|fail NAME: detail", "DMAB-TIME NAME START END"), and:
#   DMAB-KILL I DELAY_MS EXIT CLASS DETAIL   one line per kill
#   DMAB-PANIC RECORDS LAST_RECORD           the journal as the crash finds it (in
#                                            the kernel's log: after "[ TIME] ")
# 1. kill -9 x N (dmab.crash_kills, 100): dmabench run in the background, killed
#    after a delay drawn from a seed (dmab.crash_seed, 1), uniform in [0, span):
#    span is dmab.crash_span_ms, else what a run left alone took here (measured
#    first, twice). The seed, span and delays are printed for replay. After each
#    kill: INFO says no byte and no buffer left; the journal, if any, recovers
#    (recover exits 0, or 2 saying the run stopped before its header was whole);
#    the harness reads the file back (compare F F exits 0, or 2 saying no
#    configuration ran when none had finished a repetition: here without a disk,
#    on the host with one); the file is marked interrupted and says crashed
#    exactly when recover names a set in flight.
#    Then rmmod, nothing of the module left, a clean kernel log. Each kill is
#    one of: before-journal (killed before the journal existed: nothing ran),
#    before-header (recover: "before any configuration ran"), nothing-finished (a
#    whole header, no repetition finished yet), recovered (repetitions finished,
#    the set in flight crashed), after-done (the engine had finished, its result
#    not yet written or its journal not yet removed: recovered whole), finished
#    (the result written before the kill), late (INFO said 0 only a while after
#    the exit: said, not failed); or fail, leak (INFO not 0 a second after).
# 2. Panic (dmab.crash_panic=1, with a disk): a longer run writes its journal to
#    the disk; once a set is in flight after one that finished (its begin record
#    synced, which live buffers in INFO prove: the begin is synced before the
#    first buffer is allocated), the kernel is crashed (sysrq c). panic=-1 and
#    QEMU's -no-reboot end the boot there; the host reads the journal out of the
#    disk image and recovers it.
# Every run writes to /mnt: the disk when there is one (ext4, made on the host:
# busybox has only mke2fs, ext2), else a tmpfs (no panic test then).
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp /mnt
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
cd /tmp

. /lib.sh	# t, arg, log_clean, gone ... (tests/guests/lib.sh)
done_() { echo "DMAB-DONE"; poweroff -f; }

echo "DMAB-GUEST $(uname -m) $(uname -r)"
disk=''
for d in /dev/nvme0n1 /dev/vda; do [ -b "$d" ] && disk=$d && break; done
if [ -n "$disk" ]; then
	t mount-disk mount -t ext4 "$disk" /mnt
else
	mount -t tmpfs mnt /mnt
	echo "DMAB-NOTE no disk: the runs write to a tmpfs, and there is no panic test"
fi

seed=$(arg crash_seed 1) kills=$(arg crash_kills 100) span=$(arg crash_span_ms '')
run_args='-s cached-sync,coherent -z 64K -R 2 -n 8 -e none'
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
t insmod insmod /dmabench.ko
usage() { # usage: INFO says nothing allocated; $late: the tenths of a second that took
	late=0
	until /kmod-usage >/tmp/usage.out 2>&1; do
		late=$((late + 1))
		[ "$late" -ge 10 ] && return 1
		usleep 100000
	done
}

kills_start=$(uptime)
alone() { # alone N: a run left alone in /mnt/kill/N: exit 0, its file, no journal, INFO 0; $took ms
	mkdir -p "/mnt/kill/$1"
	c0=$(ms)
	/dmabench run -q $run_args -o "/mnt/kill/$1/r.json" >/dev/null 2>"/mnt/kill/$1/run.err"
	rc=$? took=$(($(ms) - c0))
	[ "$rc" = 0 ] && [ -f "/mnt/kill/$1/r.json" ] && [ ! -e "/mnt/kill/$1/r.json.partial" ] && usage
}
if [ -z "$span" ]; then
	# How long a run takes here (a loaded host slows TCG down), the second of two
	# (the first is slower: the binary's first start): the kills spread over that.
	if alone 0a && alone 0b; then
		span=$took
		echo "DMAB-TEST ok two runs left alone: exit 0, their files written, their journals removed, INFO 0 after each; the second took $took ms"
	else
		span=500
		echo "DMAB-TEST fail a run left alone: exit $rc: $(tail -c 300 /mnt/kill/0*/run.err) $(cat /tmp/usage.out)"
	fi
fi
# the delays: a 32-bit LCG (69069 x + 1), exact in awk's doubles, so that any guest
# draws the same fractions of the span from the seed
delays=$(awk -v x="$seed" -v n="$kills" -v span="$span" 'BEGIN {
	for (i = 0; i < n; i++) { x = (x * 69069 + 1) % 4294967296; printf "%d ", int(x / 4294967296 * span) }
}')
echo "DMAB-KILL-PLAN seed $seed kills $kills span ${span}ms run: dmabench run -q $run_args -o DIR/r.json"
echo "DMAB-KILL-PLAN delays(ms): $delays"

# The checks run builtins where they can: under TCG every process started costs
# milliseconds, and there are 100 kills.
kill_one() { # kill_one I DELAY_MS: one run killed; INFO; its journal recovered and read back
	i=$1 delay=$2 dir=/mnt/kill/$1
	mkdir -p "$dir"
	/dmabench run -q $run_args -o "$dir/r.json" >/dev/null 2>"$dir/run.err" &
	pid=$!
	usleep $((delay * 1000))
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	class='' detail=''
	if ! usage; then
		class=leak detail="INFO after the kill: $(cat /tmp/usage.out)"
	elif [ -f "$dir/r.json.partial" ]; then
		/dmabench recover "$dir/r.json.partial" --keep -o "$dir/recovered.json" 2>"$dir/recover.err"
		rc=$?
		said=''
		read -r said <"$dir/recover.err"
		case "$rc $said" in
		*'before any configuration ran'*)
			[ "$rc" = 2 ] && class=before-header detail=${said#dmabench recover: } ;;
		'0 '*'configurations have repetitions that finished'*)
			[ -f "$dir/recovered.json" ] && read_back "$dir" "$said" ;;
		esac
		[ -n "$class" ] || class=fail detail="recover exited $rc: $(head -c 300 "$dir/recover.err")"
	elif [ -f "$dir/r.json" ]; then
		# written whole (a temporary file renamed) and the journal removed: the kill,
		# if it came, came while the run printed its table (the host validates the file)
		class=finished detail="the result was written before the kill (exit $status)"
	elif [ "$status" = 137 ]; then
		class=before-journal detail='killed before the journal was created'
	else
		class=fail detail="exit $status, files: $(ls "$dir" | tr '\n' ' ')"
	fi
	# the killed process's files and mappings are released before it becomes a
	# zombie, so the count should be 0 once wait returns; later is no leak, but said
	[ "$late" = 0 ] || [ "$class" = leak ] ||
		class=late detail="INFO said 0 only ${late}00 ms after the exit; $detail"
	echo "$class" >"$dir/class"
	echo "DMAB-KILL $i $delay $status $class $detail"
}

read_back() { # read_back DIR SAID: the recovered file as the harness reads it, and what it says
	dir=$1 said=$2
	reps=${said##*finished (} reps=${reps%% in all*}
	flight=${said##*in flight when the run stopped: }
	if [ "$reps" = 0 ]; then
		class=nothing-finished	# a whole header, no repetition finished yet
	else
		class=recovered
	fi
	if [ -z "$disk" ]; then # with a disk the host reads every file back (0.1-0.25 s each here)
		/dmabench compare "$dir/recovered.json" "$dir/recovered.json" >/dev/null 2>"$dir/compare.err"
		rc=$?
		# exit 0; or 2 saying why, when no configuration had finished a repetition
		good=0
		case "$rc $class" in
		'0 recovered') good=1 ;;
		'2 nothing-finished') grep -q 'no configuration ran in both' "$dir/compare.err" && good=1 ;;
		esac
		if [ "$good" = 0 ]; then
			class=fail detail="compare exited $rc with $reps repetitions: $(head -c 300 "$dir/compare.err")"
			return
		fi
	fi
	case "$said" in
	*'the run itself had finished'*)
		class=after-done ;;	# the engine had finished; killed before the journal was removed
	*)
		grep -q '"interrupted": true' "$dir/recovered.json" ||
			{ class=fail detail='the recovered file is not marked interrupted'; return; } ;;
	esac
	if grep -q '"stop_reason": "crashed"' "$dir/recovered.json"; then
		crashed=1
	else
		crashed=0
	fi
	case "$flight $crashed" in
	'none 1') class=fail detail="nothing in flight, but a result says crashed"; return ;;
	'none 0') ;;
	*' 0') class=fail detail="in flight: $flight; but no result says stop_reason crashed"; return ;;
	esac
	detail="$reps repetitions; in flight: $flight"
}

i=0
for delay in $delays; do
	i=$((i + 1))
	kill_one "$i" "$delay"
done
echo "DMAB-TIME kill-x$kills $kills_start $(uptime)"
summary=$(cat /mnt/kill/*/class 2>/dev/null | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
if grep -q -x -e fail -e leak /mnt/kill/*/class 2>/dev/null; then
	echo "DMAB-TEST fail kill-9 x$kills: $summary (DMAB-KILL lines above)"
else
	echo "DMAB-TEST ok kill-9 x$kills, seed $seed, span ${span} ms: $summary; INFO: 0 bytes and 0 buffers after each"
fi
t kmod-nothing-allocated /kmod-usage
t rmmod rmmod dmabench
t module-gone gone
t kernel-log-clean-after-kills log_clean
sync

if [ -z "$disk" ] || [ "$(arg crash_panic 0)" != 1 ]; then
	done_
fi

# The panic: the run's journal on the disk, the kernel crashed while a set is in flight.
t insmod-panic insmod /dmabench.ko
panic_args='-s cached-sync,coherent -z 64K,256K -R 3 -t 1 -e none'
mkdir -p /mnt/panic
sync
journal=/mnt/panic/r.json.partial
echo "DMAB-PANIC-PLAN dmabench run -q $panic_args -o /mnt/panic/r.json"
/dmabench run -q $panic_args -o /mnt/panic/r.json >/dev/null 2>/tmp/panic-run.err &
pid=$!
waited=0
while :; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "DMAB-TEST fail panic: the run ended before a set was in flight after one that finished: $(tail -c 300 /tmp/panic-run.err)"
		done_
	fi
	if [ -f "$journal" ] && grep -q '^{"type":"end"' "$journal"; then
		last=$(tail -n 1 "$journal")
		# its begin is synced before the set's first buffer is allocated: buffers
		# live, and still that begin last, means it is on the disk
		case "$last" in
		'{"type":"begin"'*)
			if /kmod-usage --busy >/dev/null && [ "$(tail -n 1 "$journal")" = "$last" ]; then
				records=$(wc -l <"$journal")
				# through the kernel's log too: the panic flushes that to the
				# console, where what a process wrote may still be queued
				echo "<2>DMAB-PANIC $records $last" >/dev/kmsg
				echo c >/proc/sysrq-trigger
			fi
			;;
		esac
	fi
	waited=$((waited + 1))
	if [ "$waited" -gt 1200 ]; then
		echo "DMAB-TEST fail panic: no set in flight after one that finished within 120 s"
		done_
	fi
	usleep 100000
done
