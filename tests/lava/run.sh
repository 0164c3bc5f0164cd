#!/usr/bin/env bash
# lava/dmabench-lava.sh off a farm, on this machine's user backend (MODULE=no), from
# the tarball of make dist: as LAVA's test shell runs it (run.sh written from
# lava/dmabench.yaml the way the dispatcher writes it, LAVA's helpers stood in for by
# tests/lava/bin), then under busybox sh with nothing but busybox's applets on PATH
# and no helpers (the signal lines themselves), then its failure paths. Each log is
# read the way the dispatcher reads it (tests/lava/parse-log.py). Also the YAML
# check (tests/lava/check-definition.py), and that it catches what it should.
# usage: tests/lava/run.sh [TARBALL]   (default: make dist for this machine)
# Ends with "lava: N passed, N failed"; about 40 s here (the tarball built once more
# than that).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
lava=$top/tests/lava
# the tiny matrix: two strategies (uncached is skipped without the module), 64K, 2 repetitions
tiny=(STRATEGIES=cached-sync,uncached SIZES=64K REPEAT=2 BUDGET=1 MODULE=no)

# --- the definition and the job, by LAVA's schemas ---
"$lava/check-definition.py" "$top/lava/dmabench.yaml" "$top/lava/job-example.yaml" "$top" >"$work/check.out"
rc=$?
if [ "$rc" = 0 ]; then
	ok "lava/dmabench.yaml and lava/job-example.yaml as LAVA requires: $(tail -1 "$work/check.out")"
else
	bad "lava/dmabench.yaml or lava/job-example.yaml:"; grep -v '^ok' "$work/check.out" | sed 's/^/     /'
fi
# ... and what it must refuse: each mutation one fault LAVA (or the shell) would trip on
mutate() { # mutate WHAT FILE PYTHON: the check must fail on FILE changed by PYTHON (d: the YAML)
	local what=$1 which=$2 code=$3
	mkdir -p "$work/m/lava"
	cp "$top/lava/dmabench.yaml" "$top/lava/job-example.yaml" "$work/m/lava/"
	cp -p "$top/lava/dmabench-lava.sh" "$work/m/lava/"
	/usr/bin/python3 -c "
import sys, yaml
p = sys.argv[1]
d = yaml.safe_load(open(p))
$code
yaml.safe_dump(d, open(p, 'w'))" "$work/m/lava/$which" || { bad "mutate $what: the mutation failed"; return; }
	if "$lava/check-definition.py" "$work/m/lava/dmabench.yaml" "$work/m/lava/job-example.yaml" \
		"$work/m" >"$work/m.out" 2>&1; then
		bad "check-definition.py passes a definition or job with $what"
	else
		ok "check-definition.py refuses $what: $(grep -m1 '^FAIL' "$work/m.out" | cut -c6-200)"
	fi
	rm -rf "$work/m"
}
mutate "a param that is not a string (false arrives as 'False')" dmabench.yaml "d['params']['SKIP_INSTALL'] = False"
mutate "another metadata format" dmabench.yaml "d['metadata']['format'] = 'Lava-Test Test Definition 2.0'"
mutate "run.steps not a list of strings" dmabench.yaml "d['run']['steps'] = [{'sh': 'x'}]"
mutate "a param the steps never use" dmabench.yaml "d['params']['UNUSED'] = 'x'"
mutate "a job param the definition does not declare" job-example.yaml \
	"d['actions'][2]['test']['definitions'][0]['params']['SIZE'] = '4K'"
mutate "a job without visibility" job-example.yaml "del d['visibility']"
mutate "a key the job schema does not know" job-example.yaml "d['timeout'] = {'minutes': 5}"
mutate "a test timeout longer than the job's" job-example.yaml "d['actions'][2]['test']['timeout'] = {'minutes': 90}"
mutate "a definition not from git" job-example.yaml "d['actions'][2]['test']['definitions'][0]['from'] = 'svn'"
mutate "a boot without commands" job-example.yaml "del d['actions'][1]['boot']['commands']"

# --- the tarball ---
tarball=${1:-}
if [ -z "$tarball" ]; then
	if make -C "$top" --no-print-directory dist >"$work/dist.out" 2>&1; then
		tarball=$(sed -n 's/^make dist: \(.*\.tar\.gz\) (.*/\1/p' "$work/dist.out")
		ok "make dist: $(basename "$tarball")"
	else
		bad "make dist failed:"; tail -20 "$work/dist.out" | sed 's/^/     /'
		echo "lava: $passed passed, $failed failed"
		exit 1
	fi
fi
tarball=$(readlink -f "$tarball")

# --- as LAVA's test shell runs it ---
# The runner's copy of the repository (LAVA clones it), and run.sh as the dispatcher
# writes it (write-runner.py). lava-test-runner runs it with "$SHELL -e"; here POSIX
# sh (dash).
lava_run() { # lava_run LOG NAME=VALUE...: the definition's steps with these job params
	local log=$1 runner=$work/runner
	shift
	rm -rf "$runner"
	mkdir -p "$runner/lava" "$work/results"
	cp -p "$top/lava/dmabench-lava.sh" "$top/lava/dmabench.yaml" "$runner/lava/"
	echo "00000000-dmab-0000-0000-000000000000" >"$runner/uuid"
	/usr/bin/python3 "$lava/write-runner.py" "$top/lava/dmabench.yaml" "$runner" "$@" \
		>"$runner/run.sh" || return 1
	PATH="$lava/bin:$PATH" LAVA_RESULT_DIR="$work/results" sh -e "$runner/run.sh" >"$log" 2>&1
}

start=$(date +%s)
lava_run "$work/lava.log" TARBALL_URL="file://$tarball" "${tiny[@]}"
rc=$?
if [ "$rc" = 0 ] && "$lava/parse-log.py" "$work/lava.log" --expect module-load=skip --expect run=pass \
	--expect cached-sync_user_capture_read_64KiB=pass --expect uncached_kmod_capture_read_64KiB=skip \
	>"$work/parse.out"; then
	ok "LAVA's test shell (dash, lava-test-case): $(cut -c6- "$work/parse.out") ($(($(date +%s) - start)) s)"
else
	bad "LAVA's test shell (dash, lava-test-case): run.sh exited $rc; $(cat "$work/parse.out")"
	tail -30 "$work/lava.log" | sed 's/^/     | /'
fi
# lava-test-case (not the script's own lines) carried the cases, and wrote LAVA's files
id=cached-sync_user_capture_read_64KiB
if grep -q "TEST_CASE_ID=$id RESULT=pass UNITS=us MEASUREMENT=[0-9.]*>" "$work/lava.log" &&
	[ "$(cat "$work/results/results/$id/units" 2>/dev/null)" = us ] &&
	[ "$(cat "$work/results/results/run/result" 2>/dev/null)" = pass ]; then
	ok "with LAVA's helpers on PATH the cases go through lava-test-case (UNITS before MEASUREMENT, results/$id/units)"
else
	bad "with LAVA's helpers on PATH the cases did not go through lava-test-case"
fi

# --- busybox sh with busybox's applets only, no LAVA helpers: what a guest's initramfs has ---
if [ -x /bin/busybox ]; then
	mkdir -p "$work/bb"
	for a in $(/bin/busybox --list); do ln -sf /bin/busybox "$work/bb/$a"; done
	start=$(date +%s)
	(cd "$work" && env -i PATH="$work/bb" /bin/busybox sh "$top/lava/dmabench-lava.sh" \
		-u "$tarball" -m no -s cached-sync,uncached -z 64K -R 2 -t 1 -d "$work/bb-out") \
		>"$work/bb.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && "$lava/parse-log.py" "$work/bb.log" --no-run --expect module-load=skip \
		--expect run=pass >"$work/parse.out"; then
		ok "busybox sh, busybox's applets only, the signal lines printed directly: $(cut -c6- "$work/parse.out") ($(($(date +%s) - start)) s)"
	else
		bad "busybox sh: exit $rc; $(cat "$work/parse.out")"
		tail -30 "$work/bb.log" | sed 's/^/     | /'
	fi
	if grep -q 'RESULT=pass MEASUREMENT=[0-9.]* UNITS=us>' "$work/bb.log" && ! grep -q 'UNITS=us MEASUREMENT' "$work/bb.log"; then
		ok "without lava-test-case on PATH the script prints LAVA's signal lines itself"
	else
		bad "without lava-test-case on PATH: no signal lines of the script's own"
	fi
	# MODULE=yes where no kernel tree is: module-load fails and says why, the run goes on
	(cd "$work" && env -i PATH="$work/bb" KDIR=/nonexistent /bin/busybox sh "$top/lava/dmabench-lava.sh" \
		-u "$tarball" -m yes -i true -s cached-sync -z 4K -R 2 -t 0.2 -d "$work/bb-out2") \
		>"$work/bb2.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && grep -q 'no kernel build tree /nonexistent' "$work/bb2.log" &&
		"$lava/parse-log.py" "$work/bb2.log" --no-run --expect module-load=fail --expect run=pass \
			>"$work/parse.out"; then
		ok "MODULE=yes with no kernel tree: module-load fail, saying why; the user backend still runs: $(cut -c6- "$work/parse.out")"
	else
		bad "MODULE=yes with no kernel tree: exit $rc; $(cat "$work/parse.out")"
		tail -20 "$work/bb2.log" | sed 's/^/     | /'
	fi
else
	bad "no /bin/busybox (busybox-static, in the Makefile's PACKAGES): the script is not tried under busybox sh"
fi

# --- what cannot be a result: the job ends incomplete (TESTRAISE), the script exits 1 ---
lava_run "$work/raise.log" TARBALL_URL="file://$work/nonexistent.tar.gz" MODULE=no
rc=$?
if [ "$rc" = 1 ] && "$lava/parse-log.py" "$work/raise.log" --raised 'cannot fetch' >"$work/parse.out"; then
	ok "a tarball that cannot be fetched: run.sh stops (exit 1), $(cut -c6- "$work/parse.out")"
else
	bad "a tarball that cannot be fetched: exit $rc; $(cat "$work/parse.out")"
fi
lava_run "$work/raise2.log" TARBALL_URL="file://$tarball" MODULE=maybe
rc=$?
if [ "$rc" = 1 ] && "$lava/parse-log.py" "$work/raise2.log" --raised "MODULE must be yes, no or a .ko file, not 'maybe'" \
	>"$work/parse.out"; then
	ok "MODULE=maybe: $(cut -c6- "$work/parse.out")"
else
	bad "MODULE=maybe: exit $rc; $(cat "$work/parse.out")"
fi
# and the parser itself: a log whose case lost its result, or a case before STARTRUN
sed 's/\(TEST_CASE_ID=cached-sync_user_capture_read_64KiB\) RESULT=pass/\1/' "$work/lava.log" >"$work/cut.log"
if ! "$lava/parse-log.py" "$work/cut.log" >"$work/parse.out"; then
	ok "parse-log.py refuses a case without its result: $(head -1 "$work/parse.out" | cut -c6-)"
else
	bad "parse-log.py passes a case without its result"
fi
grep -v 'LAVA_SIGNAL_TESTCASE TEST_CASE_ID=uncached_kmod_capture_memcpy_64KiB' "$work/lava.log" >"$work/cut.log"
if ! "$lava/parse-log.py" "$work/cut.log" >"$work/parse.out"; then
	ok "parse-log.py notices a configuration that never arrived: $(sed -n 2p "$work/parse.out" | sed 's/^ *//')"
else
	bad "parse-log.py passes a log with a configuration missing"
fi
if ! "$lava/parse-log.py" "$work/bb.log" >"$work/parse.out" 2>&1; then
	ok "parse-log.py refuses test cases outside a test run, as the dispatcher does"
else
	bad "parse-log.py passes test cases without a STARTRUN"
fi
echo "lava: $passed passed, $failed failed"
[ "$failed" = 0 ]
