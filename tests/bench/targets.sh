#!/bin/bash
# The measurement targets of compare (issue 11), measured on this machine: a
# benchmark, not a test (its figures depend on the machine; it fails nothing).
#
#   tests/bench/targets.sh [./dmabench] [PAIRS] [OUTDIR]     (make bench-targets)
#
# - A/A: PAIRS (default 20) pairs of back-to-back `run --quick` of one build;
#   how often compare exits 0.
# - Planted slowdown: PAIRS pairs where the second run has --inject delay equal
#   to 10% of the smallest 64 KiB cpu_cost median of the first (so every 64 KiB
#   configuration is at least 10% slower); how often compare flags it (exit 1).
# - Stability: over the first 5 A/A runs, the run-to-run CV of each 64 KiB
#   capture/read cpu_cost median.
# - Speed: the wall time of every --quick run, and of one default matrix.
# Every result file and compare output stays in OUTDIR (default: a new folder
# under /tmp), and a summary is printed at the end. RUN_ARGS (e.g. "-R 10") is
# added to every run.
set -u
bin=$(readlink -f "${1:-./dmabench}")
pairs=${2:-20}
out=${3:-$(mktemp -d /tmp/dmabench-targets.XXXXXX)}
mkdir -p "$out"
[ -x "$bin" ] || { echo "targets.sh: no dmabench at $bin (make dmabench)" >&2; exit 2; }

now() { date +%s.%N; }

# run NAME ARGS...: a run into $out/NAME.json; its wall time appended to $out/NAME.wall
run() {
	local name=$1 t0 t1
	shift
	t0=$(now)
	# shellcheck disable=SC2086 # RUN_ARGS is a list of words
	"$bin" run -q ${RUN_ARGS:-} "$@" -o "$out/$name.json" >"$out/$name.table" 2>"$out/$name.err"
	local rc=$?
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }' >"$out/$name.wall"
	if [ $rc != 0 ]; then
		echo "targets.sh: run $name exited $rc (see $out/$name.err)" >&2
	fi
	return 0
}

# compare_pair NAME BASE NEW: compare's exit code in $out/NAME.rc
compare_pair() {
	"$bin" compare "$out/$2.json" "$out/$3.json" >"$out/$1.cmp" 2>&1
	echo $? >"$out/$1.rc"
}

echo "targets.sh: $pairs pairs, results in $out" >&2
for i in $(seq 1 "$pairs"); do
	run "aa$i-a" --quick
	run "aa$i-b" --quick
	compare_pair "aa$i" "aa$i-a" "aa$i-b"
	echo "targets.sh: A/A pair $i: compare exit $(cat "$out/aa$i.rc")" >&2
done

for i in $(seq 1 "$pairs"); do
	run "slow$i-a" --quick
	delay=$(python3 - "$out/slow$i-a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [r['phases']['cpu_cost']['p50_ns'] for r in d['results']
     if not r['skipped'] and r['size_bytes'] == 65536 and 'cpu_cost' in r['phases']]
print(max(1, round(0.1 * min(c))))
PY
)
	echo "$delay" >"$out/slow$i.delay"
	run "slow$i-b" --quick --inject "delay=$delay"
	compare_pair "slow$i" "slow$i-a" "slow$i-b"
	echo "targets.sh: planted pair $i (delay $delay ns): compare exit $(cat "$out/slow$i.rc")" >&2
done

run default
python3 - "$out" "$pairs" <<'PY'
import glob, json, math, os, statistics, sys
out, pairs = sys.argv[1], int(sys.argv[2])
rc = lambda n: int(open(os.path.join(out, n + '.rc')).read())
wall = lambda n: float(open(os.path.join(out, n + '.wall')).read())
aa = [rc('aa%d' % i) for i in range(1, pairs + 1)]
slow = [rc('slow%d' % i) for i in range(1, pairs + 1)]
delays = [int(open(os.path.join(out, 'slow%d.delay' % i)).read()) for i in range(1, pairs + 1)]
print('A/A: compare exit 0 on %d of %d pairs (target: at least %d)' %
      (aa.count(0), pairs, pairs - max(1, pairs // 20)))
print('planted 10%% slowdown (delay %d-%d ns): flagged (exit 1) on %d of %d pairs (target: at least %d)' %
      (min(delays), max(delays), slow.count(1), pairs, pairs - max(1, pairs // 20)))
runs = ['aa%d-a' % i for i in range(1, min(pairs, 5) + 1)]
by = {}
for n in runs:
    d = json.load(open(os.path.join(out, n + '.json')))
    for r in d['results']:
        if r['skipped'] or r['size_bytes'] != 65536 or r['workload'] != 'capture' or r['pattern'] != 'read':
            continue
        by.setdefault((r['strategy'], r['backend']), []).append(r['phases']['cpu_cost']['p50_ns'])
for k, v in sorted(by.items()):
    cv = 100 * statistics.stdev(v) / statistics.mean(v) if len(v) > 1 else float('nan')
    print('stability: 64KiB capture/read cpu_cost median of %s %s over %d runs: %s ns, CV %.1f%% (target: at most 3%%)' %
          (k[0], k[1], len(v), ' '.join(str(x) for x in v), cv))
floors = []
for n in ['aa%d-%s' % (i, s) for i in range(1, pairs + 1) for s in 'ab']:
    nf = json.load(open(os.path.join(out, n + '.json'))).get('noise_floor')
    if nf:
        floors.append(nf['worst_pct'])
if floors:
    print('noise floor (worst per run) over %d --quick runs: median %.1f%%, max %.1f%%' %
          (len(floors), statistics.median(floors), max(floors)))
q = [wall(n) for n in glob.glob(os.path.join(out, '*-[ab].wall')) for n in [os.path.basename(n)[:-5]]]
print('speed: --quick wall time median %.1f s, max %.1f s over %d runs (target: under 15 s)' %
      (statistics.median(q), max(q), len(q)))
print('speed: the default matrix took %.1f s (target: under 180 s)' % wall('default'))
PY
