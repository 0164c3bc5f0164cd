# tests/cli/part-alloc.sh, sourced by run.sh (bin, asan, work, validate, check, ok, bad):
# the alloc workload (docs/alloc.md). A buffer's life per frame on the user backend:
# its phases with percentiles, cpu_cost their sum frame by frame, the first touch read
# back; frames that get no buffer counted by errno without stopping the run (a size
# over RLIMIT_AS, set with ulimit -v, which the plain binary runs under: ASan reserves
# terabytes of address space); and what is not measured yet, said where a user looks.

al="$work/alloc"
mkdir -p "$al"
albin=${asan:-$bin}

# --- two sizes, two strategies, two repetitions: schema-valid, every phase, no failure ---
(cd "$al" && "$albin" run -q -w alloc -s cached-sync,uncached -z 4K,1M -R 2 -t 0.5 -e none \
	-o "$al/ok.json" >"$al/ok.out" 2>"$al/ok.err")
rc=$?
check "alloc: run -w alloc -s cached-sync,uncached -z 4K,1M -R 2 -t 0.5 exits 0 and writes a schema-valid file" \
	bash -c "[ $rc = 0 ] || { echo 'exit $rc'; cat '$al/ok.err'; exit 1; }; ${validate[*]} '$al/ok.json'"
check "alloc: user cached-sync at 4 KiB and 1 MiB has the buffer's phases with percentiles, two repetitions, integrity ok and no failure" \
	"${pyjson[@]}" "
import json
d = json.load(open('$al/ok.json'))
life = ['alloc_map', 'first_touch', 'sync_for_device', 'sync_for_cpu', 'unmap_free']
rs = {r['size_bytes']: r for r in d['results']
      if r['workload'] == 'alloc' and r['strategy'] == 'cached-sync' and r['backend'] == 'user'}
assert sorted(rs) == [4096, 1048576], sorted(rs)
for size, r in rs.items():
    assert r['skipped'] is None, r['skipped']
    assert r['pattern'] is None and r['ring'] == 1, (r['pattern'], r['ring'])
    assert r['cost_phases'] == life, r['cost_phases']
    assert set(r['phases']) == set(life) | {'cpu_cost', 'frame'}, sorted(r['phases'])
    for p in life + ['cpu_cost']:
        s = r['phases'][p]
        assert s['n'] == r['frames'] > 0, (size, p, s['n'], r['frames'])
        assert s['min_ns'] <= s['p50_ns'] <= s['p99_ns'] <= s['max_ns'], (size, p, s)
    assert len(r['repetitions']) == 2, r['repetitions']
    assert r['alloc_failures'] == {}, r['alloc_failures']
    i = r['integrity']
    pages = size // 4096
    assert i['checked_by'] == 'first-touch' and i['verdict'] == 'ok', i
    assert i['line_bytes'] == 4096, i
    assert i['frames_checked'] == r['frames'] and i['lines_checked'] == r['frames'] * pages, (i, r['frames'])
    # interrupts off is measured now, by its own workload (alloc-atomic)
    assert r.get('not_measured') is None, r.get('not_measured')
    # the headline is the buffer's whole life, frame by frame
    ph = r['samples']['phases']
    if r['samples']['method'] == 'all':
        for k in range(r['frames']):
            assert ph['cpu_cost']['ns'][k] == sum(ph[p]['ns'][k] for p in life), k
# 256 first touches fault 256 pages: the 1 MiB buffer's first touch is not the 4 KiB one's
t4, t1 = rs[4096]['phases']['first_touch']['p50_ns'], rs[1048576]['phases']['first_touch']['p50_ns']
assert t1 > 4 * t4, (t4, t1)
un = [r for r in d['results'] if r['strategy'] == 'uncached']
assert len(un) == 2, len(un)
for r in un:
    if r['skipped'] is not None:
        assert not r['failed'] and r['phases'] == {}, r
    else:
        assert 'alloc_map' in r['phases'] and r['integrity']['verdict'] == 'ok', r
"
check "alloc: the table has a line per configuration with alloc_map, first_touch and unmap_free, says every attempt got its buffer, and no longer says anything is not measured" bash -c "
	grep -E '^alloc cached-sync user 4KiB: alloc_map [0-9.]+ us \(p99 [0-9.]+\), first_touch [0-9.]+ us \(p99 [0-9.]+\), unmap_free [0-9.]+ us \(p99 [0-9.]+\), all [0-9]+ attempts got their buffer$' '$al/ok.out' &&
	grep -q '^alloc cached-sync user 1MiB: ' '$al/ok.out' &&
	! grep -q 'not measured yet' '$al/ok.out' &&
	grep -q 'alloc, alloc-atomic: the whole get-and-give-back' '$al/ok.out' || { cat '$al/ok.out'; exit 1; }"

# --- a size over RLIMIT_AS: every attempt fails with ENOMEM, counted; the run goes on ---
(ulimit -v 400000 && cd "$al" && "$bin" run -q -w alloc -s cached-sync -z 4K,768M -R 2 -t 0.3 \
	-e none -o "$al/fail.json" >"$al/fail.out" 2>"$al/fail.err")
rc=$?
check "alloc: under ulimit -v 400000 a 768 MiB buffer is never had, yet the run exits 0 with a schema-valid file" \
	bash -c "[ $rc = 0 ] || { echo 'exit $rc'; cat '$al/fail.err'; exit 1; }; ${validate[*]} '$al/fail.json'"
check "alloc: the 768 MiB configuration is skipped (not failed) naming the count and ENOMEM, alloc_failures says the same; 4 KiB beside it ran without a failure" \
	"${pyjson[@]}" "
import json, re
d = json.load(open('$al/fail.json'))
rs = {r['size_bytes']: r for r in d['results']}
big, small = rs[768 << 20], rs[4096]
m = re.fullmatch(r'no buffer could be had: all (\d+) attempts failed \(ENOMEM (\d+)\)', big['skipped'] or '')
assert m and m.group(1) == m.group(2), big['skipped']
assert big['failed'] is False and big['frames'] == 0 and big['phases'] == {}, big
assert big['alloc_failures'] == {'ENOMEM': int(m.group(1))} and int(m.group(1)) > 0, big['alloc_failures']
assert small['skipped'] is None and small['frames'] > 0 and small['alloc_failures'] == {}, small
"
check "alloc: the table's line for 768 MiB counts the attempts that got no buffer by errno" bash -c "
	grep -Eq '^alloc cached-sync user 768MiB: no buffer in ([0-9]+) of \1 attempts \(ENOMEM \1\)$' '$al/fail.out' ||
	{ cat '$al/fail.out'; exit 1; }"

# -n alone has no time budget: attempts that fail count as frames, or this never ends
(ulimit -v 400000 && cd "$al" && timeout 60 "$bin" run -q -w alloc -s cached-sync -z 768M,4K -n 6 -R 2 \
	-e none -o "$al/n.json" >"$al/n.out" 2>"$al/n.err")
rc=$?
check "alloc: -n 6 -R 2 where every attempt fails ends (6 attempts: ENOMEM 6), and 4 KiB beside it records exactly 6 frames" \
	"${pyjson[@]}" "
import json
assert $rc == 0, 'exit $rc (124: it did not end)'
d = json.load(open('$al/n.json'))
rs = {r['size_bytes']: r for r in d['results']}
assert rs[768 << 20]['alloc_failures'] == {'ENOMEM': 6}, rs[768 << 20]['alloc_failures']
assert rs[4096]['frames'] == 6 and rs[4096]['alloc_failures'] == {}, (rs[4096]['frames'], rs[4096]['alloc_failures'])
"

# --- list names alloc and alloc-atomic; neither says it does not measure something ---
"$bin" list >"$al/list.out" 2>&1
"$bin" list --json >"$al/list.json" 2>&1
check "alloc: list names alloc and alloc-atomic (interrupts off, the atomic pool), and says nothing is not measured; list --json has not_measured null" bash -c "
	grep -Eq '^  alloc +a buffer.s life per frame' '$al/list.out' &&
	grep -Eq '^  alloc-atomic +alloc.s life with the allocation made with interrupts off .*atomic pool' '$al/list.out' &&
	grep -Eq '^  alloc-fragmented +alloc.s life in a fragmented pool: .*every other one given back' '$al/list.out' &&
	! grep -q 'not measured yet' '$al/list.out' &&
	${pyjson[*]} \"
import json
w = {x['name']: x for x in json.load(open('$al/list.json'))['workloads']}
assert w['alloc']['not_measured'] is None and w['alloc-atomic']['not_measured'] is None, w
assert w['capture']['not_measured'] is None, w['capture']
\" || { cat '$al/list.out'; exit 1; }"

# --- alloc-atomic without the module: every configuration skipped, saying why; exit 4 ---
(cd "$al" && "$bin" run -q -w alloc-atomic -s coherent,cached-sync -z 4K -n 4 -R 2 -e none \
	-o "$al/atomic.json" >"$al/atomic.out" 2>"$al/atomic.err")
rc=$?
check "alloc-atomic: without dmabench.ko nothing can run (exit 4); cached-sync is skipped because only the module's coherent allocates with interrupts off, and the file says so" \
	"${pyjson[@]}" "
import json
assert $rc == 4, 'exit $rc'
d = json.load(open('$al/atomic.json'))
rs = {r['strategy']: r for r in d['results']}
assert set(rs) == {'coherent', 'cached-sync'}, sorted(rs)
for r in rs.values():
    assert r['workload'] == 'alloc-atomic' and r['frames'] == 0 and not r['failed'], r
assert 'only dmabench.ko' in rs['cached-sync']['skipped'] and '-b kmod -s coherent' in rs['cached-sync']['skipped'], rs['cached-sync']['skipped']
" 
check "alloc-atomic: the skipped lines say why on stderr's table too" bash -c "
	grep -Eq '^skipped cached-sync +allocating with interrupts off is dma_alloc_coherent with GFP_ATOMIC' '$al/atomic.out' ||
	{ cat '$al/atomic.out'; exit 1; }"

# --- alloc-fragmented: the pool in holes before each repetition, what stopped the fill said ---
# Under ulimit -v 200000 the user backend's fill of 1 MiB buffers runs out of address space
# (ENOMEM) before its 256 MiB cap; half given back, the 2 MiB frames still get theirs.
(ulimit -v 200000 && cd "$al" && "$bin" run -q -w alloc-fragmented -s cached-sync -z 2M -R 2 -n 5 \
	-e none -o "$al/frag.json" >"$al/frag.out" 2>"$al/frag.err")
rc=$?
check "alloc-fragmented: run -w alloc-fragmented under ulimit -v 200000 exits 0 and writes a schema-valid file" \
	bash -c "[ $rc = 0 ] || { echo 'exit $rc'; cat '$al/frag.err'; exit 1; }; ${validate[*]} '$al/frag.json'"
check "alloc-fragmented: the fill stops on ENOMEM in each repetition, every other buffer given back, and the 2 MiB frames all get theirs" \
	"${pyjson[@]}" "
import json
r, = json.load(open('$al/frag.json'))['results']
f = r['fragmented']
assert r['workload'] == 'alloc-fragmented' and r['skipped'] is None and r['alloc_failures'] == {}, r['skipped']
assert f['hold_bytes'] == 1 << 20 and f['repetitions'] == 2 and f['stopped_by'] == {'ENOMEM': 2}, f
assert 16 <= f['held_min'] <= f['held_max'] < 200 and f['kept_max'] == (f['held_max'] + 1) // 2, f
assert r['frames'] == 5 and r['integrity']['verdict'] == 'ok', (r['frames'], r['integrity'])
"
check "alloc-fragmented: the table says what the fill got, what stopped it and what stayed held" bash -c "
	grep -Eq '^  in holes: before each of 2 repetitions, [0-9-]+ buffers of 1MiB got \(stopped by ENOMEM 2\), every other given back: [0-9-]+ held through the frames$' '$al/frag.out' ||
	{ cat '$al/frag.out'; exit 1; }"
# compare: failures judged as ever; where the two fills differed, the line says so
"${pyjson[@]}" "
import json
d = json.load(open('$al/frag.json'))
r = d['results'][0]
r['alloc_failures'] = {'ENOMEM': 4}
json.dump(d, open('$al/frag-same.json', 'w'))
r['fragmented'].update(held_min=250, held_max=256, kept_min=125, kept_max=128, stopped_by={'cap': 2})
json.dump(d, open('$al/frag-other.json', 'w'))
"
"$bin" compare "$al/frag.json" "$al/frag-same.json" >"$al/frag-cmp-same.out" 2>&1
"$bin" compare "$al/frag.json" "$al/frag-other.json" >"$al/frag-cmp-other.out" 2>&1
rc=$?
check "alloc-fragmented compare: more failures are a regression (exit 1); where the fills differed (ENOMEM against the cap) the line says both pools, where they did not it says nothing of them" bash -c "
	[ $rc = 1 ] &&
	grep -Eq '^ALLOC FAILURES REGRESSION cached-sync user alloc-fragmented - 2MiB: .*failures where base had none; the pools differed: base.s fill held [0-9-]+ buffers of 1048576 bytes, stopped by ENOMEM; new.s 250-256 of 1048576, stopped by cap$' '$al/frag-cmp-other.out' &&
	grep -q '^ALLOC FAILURES REGRESSION cached-sync user alloc-fragmented - 2MiB: ' '$al/frag-cmp-same.out' &&
	! grep -q 'pools differed' '$al/frag-cmp-same.out' || { cat '$al/frag-cmp-other.out'; exit 1; }"
(cd "$al" && "$albin" run -q -w alloc-fragmented -s cached-sync -z 64K -R 2 -n 5 -e none \
	-o "$al/frag-cap.json" >"$al/frag-cap.out" 2>"$al/frag-cap.err")
rc=$?
check "alloc-fragmented: where nothing refuses a buffer the fill stops at its cap (4096 buffers of 32 KiB), said as cap, not as the pool's end" \
	"${pyjson[@]}" "
import json
assert $rc == 0, 'exit $rc: ' + open('$al/frag-cap.err').read()
r, = json.load(open('$al/frag-cap.json'))['results']
f = r['fragmented']
assert f['hold_bytes'] == 32768 and f['stopped_by'] == {'cap': 2} and f['held_min'] == f['held_max'] == 4096, f
assert f['cap_bytes'] == 4096 * 32768 and f['kept_min'] == 2048 and r['frames'] == 5, (f, r['frames'])
"

# --- plot: the phases figure stacks the buffer's life, not the capture phases ---
"$bin" plot "$al/ok.json" -o "$al/plots" >"$al/plot.out" 2>&1
check "alloc: plot's phases figure stacks alloc_map, first_touch, the syncs and unmap_free (no capture column), its bars the buffer's life" \
	"${pyjson[@]}" "
import json
head = open('$al/plots/ok-phases.dat').readline().split()
want = ['\"configuration\"', '\"alloc_map\"', '\"first_touch\"', '\"sync_for_device\"', '\"sync_for_cpu\"', '\"unmap_free\"']
assert head == want, head
d = json.load(open('$al/ok.json'))
r = [x for x in d['results'] if x['size_bytes'] == 1048576 and x['skipped'] is None][0]
row = [l for l in open('$al/plots/ok-phases.dat') if l.startswith('\"cached-sync')][1].split()
assert abs(float(row[-1]) - r['phases']['unmap_free']['p50_ns'] / 1e3) < 0.001, (row, r['phases']['unmap_free'])
import os
assert os.path.getsize('$al/plots/ok-phases.png') > 0
"

# --- compare: attempts that got no buffer (fixtures from a real alloc run, failures edited
# in: tests/fixtures/make-alloc-fixtures.py; the timings are the same in all three) ---
acmp() { # acmp NAME BASE NEW [ARGS...]: output in $al/cmp-NAME.out, exit code in .rc
	local name=$1 b=$2 n=$3; shift 3
	"${asan:-$bin}" compare "$fx/$b" "$fx/$n" "$@" >"$al/cmp-$name.out" 2>"$al/cmp-$name.err"
	echo $? >"$al/cmp-$name.rc"
}
acmp worse alloc-base.json alloc-worse.json
acmp better alloc-base.json alloc-better.json
acmp worsejson alloc-base.json alloc-worse.json --json
acmp capture base.json same.json
check "alloc compare: the fixtures are valid against results/schema.json" \
	"${validate[@]}" "$fx/alloc-base.json" "$fx/alloc-worse.json" "$fx/alloc-better.json"
check "alloc compare: failures where base had none, a higher rate (2 of 22 -> 14 of 34) and no buffer at all in new: exit 1, a line each naming the configuration and both files' errnos, 3 regressions" bash -c "
	[ \$(cat '$al/cmp-worse.rc') = 1 ] &&
	grep -Fxq 'ALLOC FAILURES REGRESSION cached-sync user alloc - 4KiB: attempts that got no buffer: base 0 of 20 (none), new 3 of 23 (ENOMEM 3): failures where base had none' '$al/cmp-worse.out' &&
	grep -Fxq 'ALLOC FAILURES REGRESSION cached-sync user alloc - 64KiB: attempts that got no buffer: base 2 of 22 (EDQUOT 2), new 14 of 34 (EDQUOT 2, ENOMEM 12): a higher rate, 9.1% -> 41.2%: one-sided Fisher exact p = 0.0088 < 0.05' '$al/cmp-worse.out' &&
	grep -Fxq 'ALLOC FAILURES REGRESSION cached-nosync user alloc - 64KiB: attempts that got no buffer: base 0 of 20 (none), new 20 of 20 (ENOMEM 20): failures where base had none' '$al/cmp-worse.out' &&
	grep -Fxq 'ALLOC FAILURES same rate cached-nosync user alloc - 4KiB: attempts that got no buffer: base 6 of 26 (ENOMEM 6), new 6 of 26 (ENOMEM 6): the same rate, 23.1%' '$al/cmp-worse.out' &&
	grep -xq '3 regressions' '$al/cmp-worse.out' && [ ! -s '$al/cmp-worse.err' ] ||
	{ cat '$al/cmp-worse.rc' '$al/cmp-worse.out' '$al/cmp-worse.err'; exit 1; }"
check "alloc compare: none where base had some is an improvement, a higher rate within chance (2 of 22 -> 3 of 23) the same rate: exit 0, 0 regressions" bash -c "
	[ \$(cat '$al/cmp-better.rc') = 0 ] &&
	grep -Fxq 'ALLOC FAILURES improvement cached-nosync user alloc - 4KiB: attempts that got no buffer: base 6 of 26 (ENOMEM 6), new 0 of 20 (none): none where base had some' '$al/cmp-better.out' &&
	grep -Fxq 'ALLOC FAILURES same rate cached-sync user alloc - 64KiB: attempts that got no buffer: base 2 of 22 (EDQUOT 2), new 3 of 23 (EDQUOT 3): 9.1% -> 13.0%, one-sided Fisher exact p = 0.52: within what 22 and 23 attempts make plausible' '$al/cmp-better.out' &&
	[ \$(grep -c '^ALLOC FAILURES' '$al/cmp-better.out') = 2 ] &&
	grep -xq '0 regressions' '$al/cmp-better.out' ||
	{ cat '$al/cmp-better.rc' '$al/cmp-better.out'; exit 1; }"
check "alloc compare: the header says the rule (where base had none, a higher rate by a one-sided Fisher exact test at p < 0.05, fewer an improvement); --json has it and the verdicts" bash -c "
	grep -Fq 'gate (exit 1): cpu_cost slower, integrity worse or alloc failures worse;' '$al/cmp-worse.out' &&
	grep -Fxq 'alloc failures (attempts that got no buffer, where both files count them) are worse when new has' '$al/cmp-worse.out' &&
	grep -Fq 'by a one-sided Fisher exact test at p < 0.05; an improvement when new has none where base had some,' '$al/cmp-worse.out' &&
	[ \$(cat '$al/cmp-worsejson.rc') = 1 ] && ${pyjson[*]} \"
import json
d = json.load(open('$al/cmp-worsejson.out'))
assert d['regressions'] == 3 and 'Fisher exact' in d['alloc_failures_rule'], d['regressions']
v = {(c['strategy'], c['size_bytes']): c['alloc_failures']['verdict'] for c in d['configurations'] + d['unmatched']}
assert v == {('cached-sync', 4096): 'worse', ('cached-nosync', 4096): 'same', ('cached-sync', 65536): 'worse', ('cached-nosync', 65536): 'worse'}, v
\" || { cat '$al/cmp-worse.out'; exit 1; }"
check "alloc compare: files without alloc_failures (the capture fixtures) say nothing of it" bash -c "
	[ \$(cat '$al/cmp-capture.rc') = 0 ] && ! grep -qi 'alloc.failures' '$al/cmp-capture.out' &&
	grep -Fq 'gate (exit 1): cpu_cost slower or integrity worse; the other phases' '$al/cmp-capture.out'"
