# tests/cli/part-crossover.sh, sourced by run.sh (bin, asan, work, fx, validate, pyjson,
# check, ok, bad): crossover sizes (docs/method.md#crossover-sizes). A run of two
# strategies at three sizes on the user backend stores its crossovers (schema-valid),
# prints the pairs that cross and one line for the rest; dmabench crossover prints
# every finding, and with --json the records run stored. Each record is checked
# against the file's own medians and noise floors by the rule done again here, and
# the lines against the records; the emulated device is said. About 6-8 s.

xo="$work/crossover"
mkdir -p "$xo"
xobin=${asan:-$bin}

(cd "$xo" && "$xobin" run -q -w capture -p read -s cached-sync,coherent -z 4K,64K,1M -R 3 -t 0.5 \
	-o "$xo/run.json" >"$xo/run.out" 2>"$xo/run.err")
rc=$?
check "crossover: run -w capture -p read -s cached-sync,coherent -z 4K,64K,1M -R 3 exits 0 and writes a schema-valid file with crossovers" \
	bash -c "[ $rc = 0 ] || { echo 'exit $rc'; cat '$xo/run.err'; exit 1; }; ${validate[*]} '$xo/run.json' &&
		grep -q '\"crossovers\"' '$xo/run.json'"
"$xobin" crossover "$xo/run.json" >"$xo/text.out" 2>"$xo/text.err"
rc_text=$?
"$xobin" crossover "$xo/run.json" --json >"$xo/json.out" 2>"$xo/json.err"
rc_json=$?
check "crossover: dmabench crossover FILE and --json exit 0, nothing on stderr; --json holds the records run stored" \
	"${pyjson[@]}" "
import json
assert $rc_text == 0 and $rc_json == 0, ($rc_text, $rc_json)
assert open('$xo/text.err').read() == '' and open('$xo/json.err').read() == ''
d = json.load(open('$xo/run.json'))
c = json.load(open('$xo/json.out'))
assert c['file'] == '$xo/run.json' and c['metric'] == 'cpu_cost', c
assert c['crossovers'] == d['crossovers'], 'run stored other records than crossover computes'
"
# the rule, done again from the file's medians, noise floors and timestamp cost
check "crossover: the pair's sizes, classes and finding are what the file's repetition medians and noise floors give" \
	"${pyjson[@]}" "
import json, statistics
d = json.load(open('$xo/run.json'))
res = {(r['strategy'], r['backend'], r['size_bytes']): r for r in d['results']}
def value(r):
    return statistics.median(x['p50_ns']['cpu_cost'] for x in r['repetitions']
                             if x['n'] > 0 and 'cpu_cost' in x['p50_ns'])
floors = {g['size_bytes']: g['floor_pct'] for g in d['noise_floor']['groups']
          if g['workload'] == 'capture'}
overhead = d['environment']['timer']['overhead_ns']
pairs = [p for p in d['crossovers'] if p['finding'] != 'left_out']
assert len(pairs) == 1 and len(d['crossovers']) == 1, d['crossovers']
p = pairs[0]
s, r = (p['strategy'], p['backend']), (p['reference']['strategy'], p['reference']['backend'])
assert {s, r} == {('cached-sync', 'user'), ('coherent', 'user')}, (s, r)
assert (p['workload'], p['pattern']) == ('capture', 'read'), p
assert [e['size_bytes'] for e in p['sizes']] == [4096, 65536, 1048576], p['sizes']
classes = []
for e in p['sizes']:
    v, rv = value(res[s + (e['size_bytes'],)]), value(res[r + (e['size_bytes'],)])
    assert abs(e['value_ns'] - v) < 1e-6 and abs(e['reference_ns'] - rv) < 1e-6, (e, v, rv)
    assert e['values'] == 'repetition medians', e
    f = floors[e['size_bytes']]
    assert abs(e['floor_pct'] - f) < 1e-6 and e['floor_source'] == 'group', (e, f)
    if abs(v - rv) <= overhead: want = 'within_noise'
    elif rv / v - 1 > f / 100: want = 'cheaper'
    elif v / rv - 1 > f / 100: want = 'dearer'
    else: want = 'within_noise'
    assert e['class'] == want, (e, want)
    classes.append(want)
told = [k for k in classes if k != 'within_noise']
assert not told or told[-1] == 'cheaper', ('not named by the cheaper at the top', classes)
changes = sum(a != b for a, b in zip(told, told[1:]))
frm = dearer = None
if not told: want = 'within_noise'
elif changes > 1: want = 'flips'
elif not changes: want = 'cheaper_everywhere' if len(told) == len(classes) else 'cheaper_or_within_noise'
else:
    last = max(i for i, k in enumerate(classes) if k == 'dearer')
    first = min(i for i, k in enumerate(classes) if k == 'cheaper' and i > last)
    clean = first == last + 1 and all(k == 'cheaper' for k in classes[first:])
    want = 'crossover' if clean else 'crossover_within_noise'
    frm, dearer = p['sizes'][first]['size_bytes'], p['sizes'][last]['size_bytes']
assert p['finding'] == want, (p['finding'], want, classes)
assert (p['from_bytes'], p['dearer_to_bytes']) == (frm, dearer), p
assert p['left_out'] == [], p['left_out']
print(p['text'])
"
check "crossover: its lines are the records' text, each naming both, the ratio at 4 KiB and the noise floor; the emulated device is said once" \
	"${pyjson[@]}" "
import json
recs = json.load(open('$xo/run.json'))['crossovers']
lines = open('$xo/text.out').read().splitlines()
assert lines[:-1] == [r['text'] for r in recs], lines
assert lines[-1].startswith('crossover note: these crossovers are of this machine\'s CPU costs only: the device is emulated'), lines[-1]
assert all(r['caveat'] and 'the device is emulated' in r['caveat'] for r in recs), recs
for r in recs:
    t = r['text']
    assert t.startswith('crossover capture read 4KiB..1MiB: '), t
    for name in ('cached-sync user', 'coherent user'):
        assert name in t, (name, t)
    assert 'x%.2f at 4KiB' % r['sizes'][0]['ratio'] in t, t
    assert ('noise floor +-' in t), t
"
check "crossover: run prints the pairs that cross under its table and one line counting the rest, with the file to list them all from" \
	"${pyjson[@]}" "
import json
recs = json.load(open('$xo/run.json'))['crossovers']
out = open('$xo/run.out').read().splitlines()
crossing = [r['text'] for r in recs if r['finding'] in ('crossover', 'crossover_within_noise')]
said = [l for l in out if l.startswith('crossover ') and not l.startswith('crossover note: ')]
assert said == crossing, (said, crossing)
words = {'cheaper_everywhere': 'cheaper everywhere', 'cheaper_or_within_noise': 'cheaper or within noise',
         'within_noise': 'within noise everywhere', 'flips': 'flipping more than once'}
tail = '; every line: dmabench crossover $xo/run.json'
if crossing:
    want = 'crossover: 1 of 1 pair crosses (above)' + tail
else:
    want = 'crossover: none of 1 pair crosses; of the rest, 1 ' + words[recs[0]['finding']] + tail
assert want in out, (want, [l for l in out if l.startswith('crossover')])
assert sum(l.startswith('crossover note: ') for l in out) == 1, out
"

# a file of version 1 (no cpu_cost): both left out, each saying why, nothing compared
"$bin" crossover "$fx/nosamples.json" >"$xo/v1.out" 2>&1
rc=$?
check "crossover: a file without cpu_cost exits 0, each configuration left out at its sizes, saying why" bash -c "
	[ $rc = 0 ] && grep -qx 'crossover capture read: cached-sync user left out at 64KiB, 1MiB (no cpu_cost, as in a file of version 1); fewer than 2 sizes left: compared with none' '$xo/v1.out' &&
	grep -q '^crossover capture read: coherent user left out at 64KiB, 1MiB ' '$xo/v1.out' || { cat '$xo/v1.out'; exit 1; }"
"$bin" crossover "$fx/alloc-base.json" >"$xo/one.out" 2>&1
rc=$?
check "crossover: a file of one size per workload says there is nothing to cross, exit 0" bash -c "
	[ $rc = 0 ] && grep -q 'has no workload and pattern measured at 2 sizes or more: nothing to cross' '$xo/one.out' || { cat '$xo/one.out'; exit 1; }"

# --- bad input: exit 2, one line on stderr, nothing on stdout ---
xo_bad() { # xo_bad TEXT ARGS...
	local want=$1; shift
	"$bin" crossover "$@" >"$xo/bad.out" 2>"$xo/bad.err"
	local rc=$?
	[ $rc = 2 ] && [ ! -s "$xo/bad.out" ] && [ "$(wc -l <"$xo/bad.err")" = 1 ] &&
		grep -q -- "$want" "$xo/bad.err" || { echo "exit $rc"; cat "$xo/bad.out" "$xo/bad.err"; return 1; }
}
check "crossover: no file, two files, an unknown option, a missing file and a file that is not a result exit 2 with a clear line" bash -c "
	$(declare -f xo_bad); bin='$bin' xo='$xo'
	xo_bad 'needs a result file; usage: dmabench crossover RESULT.json \[--json\]' &&
	xo_bad \"unexpected argument 'b.json'\" '$fx/base.json' b.json &&
	xo_bad \"unknown option '--bogus'\" --bogus '$fx/base.json' &&
	xo_bad 'cannot read' /nonexistent.json &&
	xo_bad 'size_bytes is missing or not a positive integer' '$fx/corrupt.json' &&
	xo_bad 'not JSON' '$fx/not-json.txt'"
check "crossover: --help says what it compares and how, exit 0" bash -c "
	'$bin' crossover --help >'$xo/help.out' && grep -q '^usage: dmabench crossover RESULT.json \[--json\]' '$xo/help.out' &&
	grep -q 'noise floor' '$xo/help.out' && '$bin' help | grep -q '^  crossover RESULT \[--json\]'"
