#!/usr/bin/env bash
# Runs one libFuzzer target for a set time, as make fuzz and make fuzz-short do.
# usage: tests/fuzz/run.sh TARGET SECONDS [DMABENCH]
#
# TARGET is build/fuzz-TARGET (tests/fuzz/fuzz-TARGET.c). First every input in
# tests/fuzz/regressions/TARGET/ (what fuzzing found once) is replayed; then the
# fuzzer runs for SECONDS on its corpus, build/fuzz/corpus-TARGET (kept between
# runs, so a later run starts where the last one stopped), seeded from:
#   result  tests/fixtures/*.json and not-json.txt, and one real result written
#           now by DMABENCH (run --quick -R 2 -t 0.2), so the seeds follow the schema
#   console the fixtures as DMABENCH export --format console prints them, and
#           each as captures damage it: CRLF and printk timestamps, a LAVA job log,
#           other programs' lines in between, cut short, a line lost, a character
#           changed, two files in one log (tests/fuzz/console-seeds.py)
# A crash, a leak, a sanitizer report, an input slower than 10 s or a process
# over 2 GB fails the run; the input is kept in build/fuzz/artifacts-TARGET/ and
# its path printed. The log is build/fuzz/TARGET.log.
# A new target: add tests/fuzz/fuzz-NAME.c, NAME to FUZZ_TARGETS in the
# Makefile, its seeds below and, if it helps, tests/fuzz/NAME.dict.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
target=$1 seconds=$2 dmabench=${3:+$(readlink -f "$3")}
out="$here/build/fuzz"
bin="$here/build/fuzz-$target"
seeds="$out/seeds-$target" corpus="$out/corpus-$target" artifacts="$out/artifacts-$target"
regressions="$here/tests/fuzz/regressions/$target"
log="$out/$target.log"

[ -x "$bin" ] || { echo "fuzz: $bin is not built (make $bin)" >&2; exit 2; }
mkdir -p "$seeds" "$corpus" "$artifacts" "$regressions"

case $target in
result)
	cp "$here"/tests/fixtures/*.json "$here/tests/fixtures/not-json.txt" "$seeds/"
	if [ -n "$dmabench" ] && { [ ! -s "$seeds/quick-run.json" ] ||
	   [ "$dmabench" -nt "$seeds/quick-run.json" ]; }; then
		tmp=$(mktemp -d)
		(cd "$tmp" && "$dmabench" run -q --quick -R 2 -t 0.2 -o "$seeds/quick-run.json" \
			>/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; rm -rf "$tmp"; exit 1; }
		rm -rf "$tmp"
	fi
	# and each cut down (two results, three repetitions, eight samples a phase): a
	# fixture takes 0.3 s through compare and plot, mostly the bootstrap's 10000
	# resamples per phase; small inputs give the fuzzer many times the runs
	/usr/bin/python3 - "$seeds" <<'EOF'
import glob, json, os, sys
for path in glob.glob(os.path.join(sys.argv[1], '*.json')):
    if path.endswith('-small.json'):
        continue
    try:
        d = json.load(open(path))
        results = d['results']
        d['results'] = [r for r in results if not r.get('skipped')][:2] + \
            [r for r in results if r.get('skipped')][:1]
    except (ValueError, KeyError, TypeError, AttributeError):
        continue
    for r in d['results']:
        if isinstance(r.get('repetitions'), list):
            r['repetitions'] = r['repetitions'][:3]
        for ph in ((r.get('samples') or {}).get('phases') or {}).values():
            ph['ns'] = ph['ns'][:8]
    with open(path[:-5] + '-small.json', 'w') as f:
        json.dump(d, f, separators=(',', ':'))
EOF
	;;
console)
	[ -n "$dmabench" ] || { echo "fuzz console: the seeds need DMABENCH (export)" >&2; exit 2; }
	if [ ! -s "$seeds/base.log" ] || [ "$dmabench" -nt "$seeds/base.log" ] ||
	   [ "$here/tests/fuzz/console-seeds.py" -nt "$seeds/base.log" ]; then
		rm -f "$seeds"/*.log
		/usr/bin/python3 "$here/tests/fuzz/console-seeds.py" "$dmabench" "$seeds" \
			"$here"/tests/fixtures/*.json || exit 1
	fi
	;;
*)
	echo "fuzz: no seeds for target '$target' (tests/fuzz/run.sh)" >&2
	exit 2
	;;
esac
dict=()
[ -f "$here/tests/fuzz/$target.dict" ] && dict=(-dict="$here/tests/fuzz/$target.dict")

# what fuzzing found before must stay fixed
found=("$regressions"/*)
if [ -e "${found[0]}" ]; then
	if ! "$bin" -runs=1 "${found[@]}" >"$log" 2>&1; then
		echo "fuzz $target: a regression input fails again (log: $log):" >&2
		grep -E 'ERROR|SUMMARY|Running:' "$log" | tail -5 >&2
		exit 1
	fi
fi

echo "fuzz $target: ${seconds} s under ASan/UBSan (corpus $corpus, log $log)"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "${dict[@]}" "$corpus" "$seeds" "$regressions" \
	>"$log" 2>&1
rc=$?
stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
	sed 's/^stat:://; s/: */ /' | tr '\n' ' ')
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' "$log" | tail -1)
if [ "$rc" != 0 ]; then
	echo "fuzz $target: FAILED after $stats" >&2
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -10 >&2
	exit 1
fi
echo "fuzz $target: no failure; $cov; $stats"
