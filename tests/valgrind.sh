#!/usr/bin/env bash
# Valgrind's memcheck over what a user runs: a short run (the user backend's
# emulated device thread and its futexes included; valgrind runs one thread at a
# time, so the run is --quick -R 2 -t 0.2, 9 s here instead of --quick's 28 s), then
# compare, plot and report on its result and on the fixtures, the readers' error
# paths, and import of a console log.
# Any memcheck error or definitely lost block fails; gnuplot, which plot starts, is
# not traced (it is not ours).
# usage: tests/valgrind.sh DMABENCH
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(readlink -f "$1")
fx="$here/tests/fixtures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

command -v valgrind >/dev/null || { echo "valgrind: not installed (make deps)" >&2; exit 3; }

# memcheck WANT ARGS...: dmabench ARGS under memcheck must exit WANT. A memcheck
# error exits 1 (--error-exitcode=1); where the command itself exits 1 (compare
# finding a regression), 125 stands for it instead.
memcheck() {
	local want=$1 vgexit=1 rc; shift
	[ "$want" = 1 ] && vgexit=125
	(cd "$work" && valgrind -q --error-exitcode=$vgexit --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--log-file="$work/vg.log" "$bin" "$@" >"$work/out" 2>"$work/err")
	rc=$?
	if [ "$rc" = "$want" ] && [ ! -s "$work/vg.log" ]; then
		passed=$((passed + 1)); echo "ok   valgrind: dmabench $* -> exit $want, clean"
	else
		failed=$((failed + 1)); echo "FAIL valgrind: dmabench $*: exit $rc (want $want)"
		sed 's/^/     /' "$work/vg.log" | head -40
		tail -3 "$work/err" | sed 's/^/     /'
	fi
}

# each command costs 1.3 s of valgrind's start-up at least: one of each kind (the
# fuzzer covers every branch of the reader under ASan/UBSan)
memcheck 0 run --quick -R 2 -t 0.2 -o "$work/quick.json"
memcheck 0 compare "$work/quick.json" "$work/quick.json"
memcheck 1 compare "$fx/base.json" "$fx/slow20.json" --format markdown
memcheck 1 compare "$fx/v1.json" "$fx/nosamples.json" --format json
memcheck 2 compare "$fx/base.json" "$fx/nomatch.json"
memcheck 2 compare "$fx/base.json" "$fx/corrupt.json"
memcheck 2 compare "$fx/truncated.json" "$fx/base.json"
DMABENCH_MAX_RESULT_MB=1 memcheck 2 compare "$fx/base.json" <(head -c 2000000 /dev/zero)
DMABENCH_PLOTS="$here/plots" memcheck 0 plot "$fx/base.json" "$fx/slow20.json" \
	"$work/quick.json" "$fx/v1.json" -o "$work/plots" --format svg --report
# the fleet report, and import of a console log with a result among other lines
# and another cut short
DMABENCH_PLOTS="$here/plots" memcheck 0 report "$fx/base.json" "$fx/slow20.json" \
	"$work/quick.json" -o "$work/report" --format html
"$bin" export "$work/quick.json" --format console >"$work/console.txt" 2>/dev/null
{ echo "[    1.000000] booting"; cat "$work/console.txt"; echo "other output"
  head -n 4 "$work/console.txt"; } >"$work/console.log"
memcheck 1 import "$work/console.log" -o "$work/imported"

echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
