#!/usr/bin/env bash
# Issue 12's crash tests in a guest: boots the kernel tests/guests/run.sh GUEST
# last used, with the module and the static harness it built for that kernel,
# and tests/guests/crash.sh as /init (it says what runs inside), then checks
# what the guest left.
# usage: tests/guests/crash-host.sh GUEST [--no-panic]
#   GUEST: x86_64 (kill -9 x100 and the panic) or arm64 (kill -9 x100 only: its
#   Debian kernel has no NVMe or ext4 built in, and the initramfs has no modules)
#   Run tests/guests/run.sh GUEST first: it downloads the kernel and builds
#   build/guests/GUEST/root, which this reuses.
#   DMAB_CRASH_SEED (1), DMAB_CRASH_KILLS (100), DMAB_CRASH_SPAN_MS: the kills' delays
#   are drawn from the seed, uniform in [0, span) (span: what a run left alone took
#   in the guest, unless given); the guest prints them, and the span, for replay.
# The x86_64 guest gets a 64 MiB ext4 image (made here with mkfs.ext4) as an NVMe
# disk (Debian's cloud kernel has NVMe and ext4 built in; virtio-blk is a module,
# and the initramfs holds none). The runs write their journals there. After the
# boot (the panic ends it) the image is checked like a board's card after a power
# cut: e2fsck replays the file system's journal as the next mount would, then
# debugfs copies the files out without mounting anything, and this machine's
# ./dmabench recovers the journal of the run the panic stopped. The host also
# validates every file the kill test recovered (and every result file of a run
# that ended first) against results/schema.json, reads each back with ./dmabench
# compare F F, and checks that no finished repetition of a journal is missing from
# its file and that exactly the set in flight says crashed. (arm64, without a
# disk: the guest runs compare itself, and the host sees only its verdicts.)
# Ends with "crash-GUEST: N passed, N failed".
set -euo pipefail
arch=${1:-x86_64}
panic=1
case "${2:-}" in
'') ;;
--no-panic) panic=0 ;;
*) echo "usage: tests/guests/crash-host.sh GUEST [--no-panic]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
src="$top/build/guests/$arch" out="$top/build/guests/crash-$arch"
seed=${DMAB_CRASH_SEED:-1} kills=${DMAB_CRASH_KILLS:-100}
case "$arch" in
x86_64)
	triplet=x86_64-linux-gnu console=ttyS0
	# As run.sh boots it (one TCG thread: see there), in 160 MiB: a quarter of what
	# is available is then less than twice the L3 QEMU's CPU reports (16 MiB), so
	# the harness skips its peak-bandwidth measurement (0.85 s of every run's start
	# in 512 MiB) and a run has its journal after about 0.1 s, not 1.2.
	qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max,-cx16 -m 160 -smp 2)
	;;
arm64)
	# No cache in sysfs there: the peak is measured whatever the memory (0.5-1 s of
	# every run's start, before its journal exists, where two thirds of the kills
	# land); 2-2.5 minutes in all, so in make test-long, not make test.
	triplet=aarch64-linux-gnu console=ttyAMA0 panic=0
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256 -smp 2)
	;;
*) echo "crash: no crash tests for guest '$arch' (x86_64, arm64)" >&2; exit 2 ;;
esac
for f in dmabench dmabench.ko bin/busybox; do
	[ -f "$src/root/$f" ] || { echo "crash: no $src/root/$f: run tests/guests/run.sh $arch first" >&2; exit 3; }
done
# the kernel the module was built for
kver=$(grep -a -o -m1 'vermagic=[^ ]*' "$src/root/dmabench.ko" | cut -d= -f2)
[ -f "$src/vmlinuz-$kver" ] || { echo "crash: no $src/vmlinuz-$kver: run tests/guests/run.sh $arch" >&2; exit 3; }

rm -rf "$out"
mkdir -p "$out/root/bin"
cp "$src/root/dmabench" "$src/root/dmabench.ko" "$out/root/"
cp "$src/root/bin/busybox" "$out/root/bin/"
"$triplet-gcc" -std=gnu11 -O2 -Wall -Wextra -Werror -static -I"$top/kmod/include/uapi" \
	-o "$out/root/kmod-usage" "$top/tests/guests/kmod-usage.c"
cp "$top/tests/guests/crash.sh" "$out/root/init"
cp "$top/tests/guests/lib.sh" "$out/root/lib.sh"
chmod +x "$out/root/init"
(cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

cmdline="dmab.crash_seed=$seed dmab.crash_kills=$kills${DMAB_CRASH_SPAN_MS:+ dmab.crash_span_ms=$DMAB_CRASH_SPAN_MS}"
drive=()
if [ "$arch" = x86_64 ]; then
	# cache=writethrough: QEMU writes through to the image (O_DSYNC) and the guest
	# sees a disk without a volatile write cache, so each write the guest was told
	# is done is on this machine's disk, as on a card after a power cut. (cache=none
	# also honours the guest's flushes; unsafe drops them: then only this machine's
	# page cache would hold what fdatasync asked for.)
	truncate -s 64M "$out/disk.img"
	mkfs.ext4 -q -F -L dmab-crash "$out/disk.img"
	drive=(-drive "file=$out/disk.img,if=none,id=disk,format=raw,cache=writethrough"
		-device "nvme,drive=disk,serial=dmab-crash")
	cmdline+=" dmab.crash_panic=$panic"
fi
log="$out/console.log"
start=$(date +%s)
timeout 600 "${qemu[@]}" "${drive[@]}" -kernel "$src/vmlinuz-$kver" -initrd "$out/initrd.gz" \
	-append "console=$console quiet panic=-1 $cmdline" -nographic -no-reboot </dev/null >"$log" 2>&1 || true
echo "crash: $arch $kver: the guest ran $(( $(date +%s) - start )) s ($log)" >&2

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   crash-$arch: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL crash-$arch: $*"; }
tr -d '\r' <"$log" >"$out/console.txt"
while read -r _ verdict rest; do
	if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
done < <(grep -a '^DMAB-TEST ' "$out/console.txt")
grep -a '^DMAB-KILL-PLAN' "$out/console.txt" | sed 's/^DMAB-KILL-PLAN/     /'
# what each phase took, in the guest's seconds
awk '/^DMAB-TIME kill-x/ { printf "     kill -9 x%s: %.1f s in the guest\n", substr($2, 7), $4 - $3 }' \
	"$out/console.txt"
grep -a -q '^DMAB-TEST [a-z]* kill-9' "$out/console.txt" || fail "no verdict on the kill test (see $log)"

if [ "$panic" = 0 ]; then
	grep -a -q '^DMAB-DONE' "$out/console.txt" || fail "the guest did not finish (see $log)"
fi
if [ "$arch" != x86_64 ]; then
	echo "crash-$arch: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

# The disk as the next boot would find it: the file system's own journal replayed.
cp "$out/disk.img" "$out/after.img"
fsck_rc=0
e2fsck -f -y "$out/after.img" >"$out/e2fsck.out" 2>&1 || fsck_rc=$?
if [ "$fsck_rc" -le 1 ]; then
	pass "the disk's file system is sound after the boot (e2fsck exit $fsck_rc: $(grep -c -i 'recovering journal' "$out/e2fsck.out") journal replay)"
else
	fail "e2fsck exit $fsck_rc on the disk after the crash: $(tail -3 "$out/e2fsck.out" | tr '\n' ' ')"
fi
mkdir -p "$out/disk"
debugfs -R "rdump / $out/disk" "$out/after.img" >/dev/null 2>"$out/debugfs.err" ||
	fail "debugfs could not copy the disk's files: $(tail -2 "$out/debugfs.err")"

# The kill test's files: every recovered file valid, no finished repetition missing.
while read -r verdict rest; do
	case "$verdict" in
	ok) pass "$rest" ;;
	note) echo "note crash-$arch: $rest" ;;
	*) fail "$rest" ;;
	esac
done < <(/usr/bin/python3 - "$top" "$out/disk/kill" <<'PY'
import glob, json, os, subprocess, sys

top, kill = sys.argv[1:]


def records(path):
    """The journal's whole records, as the harness reads them: up to the first line that is not one."""
    out = []
    with open(path, 'rb') as f:
        for line in f.read().split(b'\n')[:-1]:  # the last piece has no newline: cut short
            try:
                out.append(json.loads(line))
            except ValueError:
                break
    return out


def finished(recs):
    """Per cell index: the repetitions its last end record holds; the cells of a set in flight."""
    reps, flight = {}, set()
    for r in recs[1:]:
        for u in r.get('updates') or []:
            reps[u['index']] = len(u['result']['repetitions'] or [])
        if r['type'] == 'begin':
            flight = set(r['cells'])
        elif r['type'] in ('end', 'done'):
            flight = set()
    return reps, flight


recovered = sorted(glob.glob(os.path.join(kill, '*', 'recovered.json')))
# the result files of the runs that ended before their kill (and of the run left alone)
written = sorted(f for f in glob.glob(os.path.join(kill, '*', 'r.json'))
                 if not os.path.exists(f + '.partial'))
if not recovered:
    print('fail the kill test left no recovered file on the disk')
    sys.exit()
v = subprocess.run(['/usr/bin/python3', os.path.join(top, 'tests/validate-json.py'),
                    os.path.join(top, 'results/schema.json')] + recovered + written,
                   capture_output=True, text=True)
bad = [l for l in v.stderr.splitlines()][:5]
print('%s the kill test\'s %d recovered files and the %d result files of runs that ended first '
      'are schema-valid%s' % ('ok' if v.returncode == 0 else 'fail', len(recovered), len(written),
                              '' if not bad else ': ' + '; '.join(bad)))
lost, checked, reps_total = [], 0, 0
for path in recovered:
    d = os.path.dirname(path)
    recs = records(os.path.join(d, 'r.json.partial'))
    reps, flight = finished(recs)
    cells = recs[0]['cells']
    doc = json.load(open(path))
    # the result file lists the configurations that are not A/A twins, in the journal's order
    mine = [i for i, c in enumerate(cells) if not c['aa_twin']]
    if len(mine) != len(doc['results']):
        lost.append('%s: %d results for %d configurations' % (d, len(doc['results']), len(mine)))
        continue
    for i, res in zip(mine, doc['results']):
        want, got = reps.get(i, 0), len(res['repetitions'] or [])
        reps_total += got
        if got != want:
            lost.append('%s: %s %s %s: %d repetitions in the journal, %d recovered' % (
                d, res['strategy'], res['backend'], res['pattern'], want, got))
        if (i in flight) != (res['stop_reason'] == 'crashed'):
            lost.append('%s: %s %s %s: in flight %s, stop_reason %s' % (
                d, res['strategy'], res['backend'], res['pattern'], i in flight, res['stop_reason']))
    checked += 1
print('%s every finished repetition of %d journals is in its recovered file (%d repetitions), '
      'the set in flight says crashed%s' % ('fail' if lost else 'ok', checked, reps_total,
                                           ': ' + '; '.join(lost[:5]) if lost else ''))
# the harness reads each back: compare F F exits 0, or 2 saying why when nothing finished
wrong, counts = [], {0: 0, 2: 0}
for path in recovered:
    reps = sum(len(r['repetitions'] or []) for r in json.load(open(path))['results'])
    c = subprocess.run([os.path.join(top, 'dmabench'), 'compare', path, path], capture_output=True,
                       text=True)
    if (c.returncode, reps > 0) == (0, True) or (
            c.returncode == 2 and not reps and 'no configuration ran in both' in c.stderr):
        counts[c.returncode] += 1
    else:
        wrong.append('%s: %d repetitions, compare exit %d: %s' % (path, reps, c.returncode, c.stderr[:200]))
print('%s dmabench compare F F reads every recovered file: exit 0 for %d, exit 2 "no configuration '
      'ran in both" for the %d where none had finished a repetition%s' % (
          'fail' if wrong else 'ok', counts[0], counts[2], ': ' + '; '.join(wrong[:3]) if wrong else ''))
# a kill during the result's write leaves its temporary file (RESULT.tmp.PID): not read by
# anything, and not removed by recover or the next run either
left = sorted(glob.glob(os.path.join(kill, '*', '*.tmp.*')))
if left:
    print('note %d kills came during the final write and left its temporary file beside the '
          'journal (%s): nothing reads or removes it' % (len(left), ', '.join(
              os.path.relpath(f, kill) for f in left[:3])))
PY
)

# The panic: the journal of the run it stopped, recovered here.
if [ "$panic" = 1 ]; then
	inflight=$(sed -n 's/.*DMAB-PANIC \([0-9]\)/\1/p' "$out/console.txt" | head -1)
	if [ -z "$inflight" ]; then
		fail "the guest never crashed its kernel mid-run (see $log)"
	elif ! grep -a -q 'Kernel panic' "$out/console.txt"; then
		fail "sysrq c did not panic the kernel (see $log)"
	else
		pass "the kernel panicked mid-run ($(grep -a -m1 -o 'Kernel panic.*' "$out/console.txt" | cut -c1-80))"
		journal="$out/disk/panic/r.json.partial"
		if [ ! -f "$journal" ]; then
			fail "no journal on the disk after the panic: $(ls "$out/disk/panic" 2>&1 | tr '\n' ' ')"
		elif "$top/dmabench" recover "$journal" --keep -o "$out/panic-recovered.json" 2>"$out/recover.err"; then
			said=$(grep -m1 'configurations have repetitions' "$out/recover.err")
			pass "dmabench recover (this machine's) on the journal read out of the disk: ${said#dmabench recover: }"
			while read -r verdict rest; do
				if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
			done < <(/usr/bin/python3 - "$top" "$journal" "$out/panic-recovered.json" "$inflight" <<'PY'
import json, subprocess, sys

top, journal, path, inflight = sys.argv[1:]
seen, last = inflight.split(' ', 1)
seen, last = int(seen), json.loads(last)
recs = []
with open(journal, 'rb') as f:
    for line in f.read().split(b'\n')[:-1]:
        try:
            recs.append(json.loads(line))
        except ValueError:
            break
# the guest saw SEEN records, the last a set's begin, synced before its buffers were
# allocated (and they were): every one of them must be on the disk
kept = len(recs) >= seen and recs[seen - 1] == last
print('%s the journal on the disk holds the %d records the guest saw before the crash (%d whole ones, '
      'the last: begin of repetition %d)' % ('ok' if kept else 'fail', seen, len(recs), last['repetition']))
v = subprocess.run(['/usr/bin/python3', top + '/tests/validate-json.py', top + '/results/schema.json', path],
                   capture_output=True, text=True)
print('%s the recovered file is schema-valid%s' % ('ok' if v.returncode == 0 else 'fail',
                                                   '' if v.returncode == 0 else ': ' + v.stderr[:300]))
doc = json.load(open(path))
cells = recs[0]['cells']
mine = [i for i, c in enumerate(cells) if not c['aa_twin']]
crashed = ['%s %s %s %dKiB' % (r['strategy'], r['backend'], r['pattern'], r['size_bytes'] >> 10)
           for r in doc['results'] if r['stop_reason'] == 'crashed']
want = ['%s %s %s %dKiB' % (cells[i]['result']['strategy'], cells[i]['result']['backend'],
                            cells[i]['result']['pattern'], cells[i]['result']['size_bytes'] >> 10)
        for i in last['cells'] if i in mine]
reps = sum(len(r['repetitions'] or []) for r in doc['results'])
good = doc['interrupted'] and sorted(crashed) == sorted(want) and reps > 0
print('%s the recovered file is interrupted, keeps %d finished repetitions, and names the set '
      'running at the crash (stop_reason crashed): %s' % ('ok' if good else 'fail', reps,
                                                          ', '.join(crashed) or 'none'))
if not good:
    print('fail in flight at the crash: %s' % (', '.join(want)))
PY
			)
		else
			fail "dmabench recover on the journal after the panic: $(head -c 300 "$out/recover.err")"
		fi
	fi
fi
echo "crash-$arch: $passed passed, $failed failed"
[ "$failed" = 0 ]
