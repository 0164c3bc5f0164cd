# tests/cli/part-report.sh, sourced by run.sh (bin, asan, work, fx, pyjson, check, ok, bad):
# dmabench report (boards x kernels) and dmabench compare BASE NEW1 NEW2...

# --- a fleet from the fixtures: 2 boards x 3 kernels, and an older second run ---
# Board A: base (6.1.0-9), same (6.1.0-28), slow20 (6.12.9: cached-sync 20% slower);
# an older copy of slow20 as a second 6.1.0-28 run, not shown. Board B: same (6.1.0-9),
# stale (6.1.0-28: stale lines at 64KiB), slow10 (6.12.9: cached-sync's cpu_cost 10% slower).
# As text 6.1.0-28 sorts before 6.1.0-9; as versions after it.
fleet="$work/fleet"
mkdir -p "$fleet"
"${pyjson[@]}" "
import json
def derive(src, out, board, kernel, started=None):
    d = json.load(open('$fx/' + src))
    d['environment']['board'] = board
    d['environment']['kernel']['release'] = kernel
    if started:
        d['started_utc'] = started
    json.dump(d, open('$fleet/' + out, 'w'))
derive('base.json', 'a-9.json', 'Fixture Board rev A', '6.1.0-9-arm64')
derive('same.json', 'a-28.json', 'Fixture Board rev A', '6.1.0-28-arm64')
derive('slow20.json', 'a-28-older.json', 'Fixture Board rev A', '6.1.0-28-arm64', '2025-12-01T00:00:00Z')
derive('slow20.json', 'a-612.json', 'Fixture Board rev A', '6.12.9')
derive('same.json', 'b-9.json', 'Fixture Board rev B', '6.1.0-9-arm64')
derive('stale.json', 'b-28.json', 'Fixture Board rev B', '6.1.0-28-arm64')
derive('slow10.json', 'b-612.json', 'Fixture Board rev B', '6.12.9')
"
fleet_files=("$fleet/b-612.json" "$fleet/a-28.json" "$fleet/a-612.json" "$fleet/b-9.json" "$fleet/a-28-older.json" "$fleet/b-28.json" "$fleet/a-9.json")

"$bin" report "${fleet_files[@]}" -o "$work/rep-md" >"$work/rep-md.out" 2>"$work/rep-md.err"
rc=$?
check "report over 2 boards x 3 kernels exits 0 and lists the four figures and report.md on stdout" bash -c "
	[ $rc = 0 ] && [ \$(grep -c '^$work/rep-md/trend-.*\.png\$' '$work/rep-md.out') = 4 ] && grep -qx '$work/rep-md/report.md' '$work/rep-md.out'"

# The matrix as a reader sees it in report.md: table by table, row by row.
cat >"$work/rep-parse.py" <<'EOF'
import re, sys
def tables(path):
    """{configuration: (header cells, {board: [cells]})} from the ### sections."""
    out, name, rows = {}, None, None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('### '):
            name, rows = line[4:], None
        elif name and line.startswith('| board |'):
            head = [c.strip() for c in line.strip('|').split('|')]
            rows = {}
            out[name] = (head[1:], rows)
        elif name and rows is not None and line.startswith('|') and not line.startswith('|--'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            rows[cells[0]] = cells[1:]
    return out
EOF
check "report.md: per configuration the kernels as columns in version order (6.1.0-9, 6.1.0-28, 6.12.9), a row per board" "${pyjson[@]}" "
import sys; sys.path.insert(0, '$work'); exec(open('$work/rep-parse.py').read())
t = tables('$work/rep-md/report.md')
assert sorted(t) == sorted(['cached-sync user capture read 64KiB', 'coherent user capture read 64KiB', 'cached-sync user capture read 1MiB', 'coherent user capture read 1MiB']), sorted(t)
for name, (head, rows) in t.items():
    assert head == ['6.1.0-9-arm64', '6.1.0-28-arm64', '6.12.9'], (name, head)
    assert sorted(rows) == ['Fixture Board rev A', 'Fixture Board rev B'], (name, rows.keys())
"
check "report.md: each board's oldest kernel is the base; cached-sync slower on 6.12.9 on both boards, coherent unchanged" "${pyjson[@]}" "
exec(open('$work/rep-parse.py').read())
t = tables('$work/rep-md/report.md')
for name, (head, rows) in t.items():
    for board, cells in rows.items():
        assert 'base (oldest kernel)' in cells[0] and 'base' not in cells[1] + cells[2], (name, board, cells)
        if name.startswith('cached-sync'):
            assert '**slower** +' in cells[2] and ', p 0.0079' in cells[2], (name, board, cells[2])
        else:
            assert all('no change' in c for c in cells[1:]), (name, board, cells)
a28 = t['cached-sync user capture read 64KiB'][1]['Fixture Board rev A'][1]
assert 'no change' in a28 and 'newest of 2 runs' in a28, a28
"
check "report.md: the stale run is marked (integrity stale, worse than the base) at 64KiB only, and counted" "${pyjson[@]}" "
exec(open('$work/rep-parse.py').read())
t = tables('$work/rep-md/report.md')
b28 = t['cached-sync user capture read 64KiB'][1]['Fixture Board rev B'][1]
assert 'integrity **stale**' in b28 and '**integrity worse** (ok before)' in b28, b28
assert 'integrity ok' in t['cached-sync user capture read 1MiB'][1]['Fixture Board rev B'][1]
text = open('$work/rep-md/report.md').read()
assert '16 cells: 4 slower, 0 faster, 5 regressions.' in text, text[:400]
"
check "report.md: thresholds and noise floors stated, the older run listed with its median, each figure a PNG beside it" "${pyjson[@]}" "
import os, re
text = open('$work/rep-md/report.md').read()
assert re.search(r'threshold [0-9.]+% = 2 x [0-9.]+% \(noise floor of [ab]-[0-9]+\.json', text), 'no threshold from a noise floor'
assert 'threshold 5% (the default' in text
assert re.search(r'\| \S*b-28\.json \| Fixture Board rev B \| 6\.1\.0-28-arm64 \| 2026-01-02T03:04:05Z \| 2 \| \+-3\.4% \| 4 \|', text), 'files table'
assert re.search(r'not shown: \S*a-28-older\.json \(2025-12-01T00:00:00Z\) 14\.86 µs', text), 'older run'
figs = re.findall(r'!\[[^]]*\]\(([^)]+)\)', text)
assert len(figs) == 4, figs
for f in figs:
    data = open('$work/rep-md/' + f, 'rb').read()
    assert f.endswith('.png') and data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 10000, (f, len(data))
"

# --- the self-contained page ---
"$bin" report "${fleet_files[@]}" -o "$work/rep-html" --format html >"$work/rep-html.out" 2>"$work/rep-html.err"
rc=$?
check "report --format html exits 0: report.html and report.md, SVG figures" bash -c "
	[ $rc = 0 ] && grep -qx '$work/rep-html/report.html' '$work/rep-html.out' && [ -s '$work/rep-html/report.md' ] &&
	[ \$(ls '$work/rep-html'/trend-*.svg | wc -l) = 4 ]"
check "report.html: no external reference (no src/href to http, no link or script), every figure inlined as an SVG data: URI" "${pyjson[@]}" "
import base64, html.parser, re, xml.etree.ElementTree as ET
text = open('$work/rep-html/report.html').read()
assert not re.search(r'(src|href)\s*=\s*[\"\']?\s*(https?:|//|file:)', text, re.I), 'external reference'
assert 'src=\"http' not in text and '<link' not in text and '<script' not in text
imgs = re.findall(r'<img alt=\"[^\"]*\" src=\"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\">', text)
assert len(imgs) == 4 == text.count('<img'), (len(imgs), text.count('<img'))
for b in imgs:
    svg = ET.fromstring(base64.b64decode(b))
    assert svg.tag.endswith('svg'), svg.tag
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.open = []
    def handle_starttag(self, tag, attrs):
        if tag not in ('meta', 'img', 'br'): self.open.append(tag)
    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:]); self.open.pop()
p = P(); p.feed(text); assert not p.open, p.open
assert text.count('<table>') == 6 and 'Fixture Board rev A' in text and '<strong>slower</strong>' in text
"
check "the SVG figures beside it are well-formed SVG, a line (and a key entry) per board" "${pyjson[@]}" "
import glob, xml.etree.ElementTree as ET
for f in glob.glob('$work/rep-html/trend-*.svg'):
    root = ET.parse(f).getroot()
    assert root.tag.endswith('svg'), f
    text = open(f).read()
    assert 'Fixture Board rev A' in text and 'Fixture Board rev B' in text, f
"

# --- grouping without a board model, nothing in common, bad input ---
"${pyjson[@]}" "
import json
d = json.load(open('$fx/same.json'))
d['environment']['board'] = None
d['environment']['hostname'] = 'ci-runner-3'
json.dump(d, open('$fleet/noboard.json', 'w'))
"
"$bin" report "$fx/base.json" "$fleet/noboard.json" -o "$work/rep-host" >/dev/null 2>&1
check "report: a file without a board model is grouped by host name and machine, and the page says so" "${pyjson[@]}" "
exec(open('$work/rep-parse.py').read())
text = open('$work/rep-host/report.md').read()
assert '| ci-runner-3 (x86_64) | host name and machine: no board model recorded |' in text or '| ci-runner-3 (' in text, text[:2000]
rows = tables('$work/rep-host/report.md')['cached-sync user capture read 64KiB'][1]
assert any(b.startswith('ci-runner-3 (') and b.endswith('<br>(host)') for b in rows), rows.keys()
"
"$bin" report "$fx/base.json" "$fx/nomatch.json" -o "$work/rep-none" >"$work/rep-none.out" 2>"$work/rep-none.err"
rc=$?
check "report over files with no configuration in common: exit 0, and the page and stderr say so" bash -c "
	[ $rc = 0 ] && grep -q '^\*\*No configuration in common\*\*' '$work/rep-none/report.md' &&
	grep -q 'no configuration ran on more than one board and kernel' '$work/rep-none.err' &&
	grep -q 'nothing to compare it with' '$work/rep-none/report.md'"
report_bad=$(cat <<TABLE
2	truncated.json: truncated	report	$fleet/a-9.json	$fx/truncated.json	-o	$work/rbad
2	/nonexistent.json: cannot read	report	$fleet/a-9.json	/nonexistent.json	-o	$work/rbad
2	wrong-schema.json: schema_version 99	report	$fx/wrong-schema.json	$fleet/a-9.json	-o	$work/rbad
2	not-json.txt: not JSON	report	$fx/not-json.txt	-o	$work/rbad
2	needs at least one result file	report	-o	$work/rbad
2	unknown format 'pdf' (md or html)	report	$fleet/a-9.json	--format	pdf
2	cannot use $fx/base.json as the output folder	report	$fleet/a-9.json	-o	$fx/base.json
2	unknown option '--bogus'	report	$fleet/a-9.json	--bogus
TABLE
)
run_bad_inputs "$bin" "plain report" "$report_bad"
check "report: a bad file writes nothing into the output folder" bash -c "[ ! -e '$work/rbad/report.md' ]"

# Names come from the files: a newline in a strategy or board name must not end a gnuplot
# assignment in report-figures.gp (the rest of the line would run: system("...")), nor a
# heading or table row; markup in them stays text.
"${pyjson[@]}" "
import json
d = json.load(open('$fx/base.json'))
d['environment']['board'] = 'B\nsystem(\"touch $work/pwned-board\")\n<script>x</script>'
for r in d['results']:
    r['strategy'] += '\nsystem(\"touch $work/pwned-strategy\")\n**'
json.dump(d, open('$fleet/crafted.json', 'w'))
"
"$bin" report "$fleet/crafted.json" "$fleet/a-9.json" -o "$work/rep-crafted" --format html >/dev/null 2>&1
rc=$?
check "report of a file whose names carry newlines, gnuplot commands and markup: exit 0, nothing run, the page intact" "${pyjson[@]}" "
import os, re
assert $rc == 0, $rc
assert not os.path.exists('$work/pwned-board') and not os.path.exists('$work/pwned-strategy')
md = open('$work/rep-crafted/report.md').read()
heads = [l for l in md.splitlines() if l.startswith('### ')]
assert len(heads) == 8 and sum('system(\"touch' in h for h in heads) == 4, heads
assert all(h.endswith('KiB') or h.endswith('MiB') for h in heads), heads
page = open('$work/rep-crafted/report.html').read()
assert '<script' not in page and '&lt;script&gt;' in page
"

# --- compare BASE NEW1 NEW2 ---
"$bin" compare "$fx/base.json" "$fx/same.json" "$fx/slow20.json" >"$work/cmp3.out" 2>"$work/cmp3.err"
rc=$?
check "compare BASE NEW1 NEW2: two blocks, each with its header and verdicts; exit 1, the worse of the pairs" bash -c "
	[ $rc = 1 ] && [ ! -s '$work/cmp3.err' ] &&
	[ \$(grep -c '^=== dmabench compare [12] of 2: $fx/base.json -> ' '$work/cmp3.out') = 2 ] &&
	[ \$(grep -c '^base $fx/base.json:' '$work/cmp3.out') = 2 ] &&
	sed -n '/1 of 2/,/2 of 2/p' '$work/cmp3.out' | grep -q '^0 regressions' &&
	sed -n '/2 of 2/,\$p' '$work/cmp3.out' | grep -q '^2 regressions' &&
	sed -n '/2 of 2/,\$p' '$work/cmp3.out' | grep -Eq '^cached-sync .*cpu_cost \(gate\).* slower'"
"$bin" compare "$fx/base.json" "$fx/same.json" "$fx/slow20.json" --json >"$work/cmp3.json" 2>/dev/null
check "compare BASE NEW1 NEW2 --json: an object whose comparisons are what each pair prints alone" "${pyjson[@]}" "
import json, subprocess
d = json.load(open('$work/cmp3.json'))
assert d['base'] == '$fx/base.json' and len(d['comparisons']) == 2 and d['errors'] == 0, d.keys()
assert [c['regressions'] for c in d['comparisons']] == [0, 2] and d['regressions'] == 2
for c, new in zip(d['comparisons'], ['same', 'slow20']):
    alone = json.loads(subprocess.run(['$bin', 'compare', '$fx/base.json', '$fx/%s.json' % new, '--format', 'json'], capture_output=True, text=True).stdout)
    assert c == alone, new
"
"$bin" compare "$fx/base.json" "$fx/same.json" "$fx/same.json" >/dev/null 2>&1
check "compare BASE NEW1 NEW2 with no regression exits 0" test $? = 0
"$bin" compare "$fx/base.json" "$fx/slow20.json" /nonexistent.json "$fx/nomatch.json" --format json >"$work/cmp4.json" 2>"$work/cmp4.err"
rc=$?
check "compare BASE NEW...: an unreadable and an unmatched NEW are said on stderr (a line each), the others still compared; exit 2" "${pyjson[@]}" "
import json
rc = $rc
err = open('$work/cmp4.err').read().splitlines()
assert rc == 2, rc
assert err == ['dmabench compare: /nonexistent.json: cannot read: No such file or directory', 'dmabench compare: no configuration ran in both $fx/base.json and $fx/nomatch.json (matched by strategy, backend, workload, pattern and size)'], err
d = json.load(open('$work/cmp4.json'))
assert [c.get('exit') for c in d['comparisons']] == [None, 2, 2] and d['errors'] == 2 and d['regressions'] == 2
assert d['comparisons'][0]['new']['file'] == '$fx/slow20.json' and d['comparisons'][1]['new'] == {'file': '/nonexistent.json'}
"
"$bin" compare "$fx/base.json" "$fx/same.json" "$fx/slow20.json" --format markdown >"$work/cmp3.md" 2>/dev/null
check "compare BASE NEW1 NEW2 --format markdown: a heading per pair" bash -c "
	[ \$(grep -c '^## dmabench compare [12] of 2: ' '$work/cmp3.md') = 2 ] && [ \$(grep -c '^### Per configuration' '$work/cmp3.md') = 2 ]"

# --- alloc's failures (attempts that got no buffer), judged as compare judges them ---
# One board: alloc-base (6.1.0), alloc-worse (6.6.0: failures where base had none, a
# higher rate, no buffer at all at 64KiB), alloc-better (6.12.0: none where base had some).
"${pyjson[@]}" "
import json
for src, kernel in (('alloc-base', '6.1.0'), ('alloc-worse', '6.6.0'), ('alloc-better', '6.12.0')):
    d = json.load(open('$fx/%s.json' % src))
    d['environment']['board'] = 'Alloc Board'
    d['environment']['kernel']['release'] = kernel
    json.dump(d, open('$fleet/%s.json' % src, 'w'))
"
alloc_fleet=("$fleet/alloc-better.json" "$fleet/alloc-base.json" "$fleet/alloc-worse.json")
"$bin" report "${alloc_fleet[@]}" -o "$work/rep-alloc" --format html >/dev/null 2>"$work/rep-alloc.err"
rc=$?
"$bin" compare "$fx/alloc-base.json" "$fx/alloc-worse.json" >"$work/rep-alloc-cmp6.out" 2>&1
"$bin" compare "$fx/alloc-base.json" "$fx/alloc-better.json" >"$work/rep-alloc-cmp12.out" 2>&1
check "report of alloc runs whose failures got worse: exit 0 (not a gate); the summary counts compare's 3 regressions and says they are alloc failures" "${pyjson[@]}" "
assert $rc == 0, $rc
text = open('$work/rep-alloc/report.md').read()
assert '8 cells: 0 slower, 0 faster, 3 regressions. Alloc failures (attempts that got no buffer) judged in 8 of the cells: 3 worse, 1 better; 1 cell skipped: no attempt got a buffer.' in text, text[:600]
assert '3 regressions' in open('$work/rep-alloc-cmp6.out').read().splitlines()
"
check "report: the alloc cells are marked worse or better with both counts and errnos; a run with no buffer at all is a skipped cell, marked too; the same rate is not marked" "${pyjson[@]}" "
exec(open('$work/rep-parse.py').read())
t = tables('$work/rep-alloc/report.md')
def cell(name, k):
    head, rows = t[name]
    return rows['Alloc Board'][head.index(k)]
assert cell('cached-sync user alloc 4KiB', '6.6.0').endswith('untested +0.0%<br>**alloc failures worse**<br>base 0 of 20 (none), new 3 of 23 (ENOMEM 3)')
assert cell('cached-sync user alloc 64KiB', '6.6.0').endswith('<br>**alloc failures worse**<br>base 2 of 22 (EDQUOT 2), new 14 of 34 (EDQUOT 2, ENOMEM 12)')
assert cell('cached-nosync user alloc 4KiB', '6.12.0').endswith('<br>**alloc failures better**<br>base 6 of 26 (ENOMEM 6), new 0 of 20 (none)')
assert cell('cached-nosync user alloc 64KiB', '6.6.0') == '**skipped**: no buffer could be had: all 20 attempts failed (ENOMEM 20)<br>timing not compared (no buffer in this run)<br>**alloc failures worse**<br>base 0 of 20 (none), new 20 of 20 (ENOMEM 20)'
for name, k in (('cached-sync user alloc 64KiB', '6.12.0'), ('cached-nosync user alloc 4KiB', '6.6.0'), ('cached-sync user alloc 4KiB', '6.12.0')):
    assert 'alloc failures' not in cell(name, k), (name, k, cell(name, k))
assert sum(c.count('**alloc failures ') for h, rows in t.values() for c in rows['Alloc Board']) == 4
"
check "report: under each table compare's own line for each alloc verdict (same rate too), word for word; the legend says what the marks mean" "${pyjson[@]}" "
import re
text = open('$work/rep-alloc/report.md').read()
want = []
for k, out in (('6.6.0', 'cmp6'), ('6.12.0', 'cmp12')):
    for line in open('$work/rep-alloc-%s.out' % out):
        m = re.match(r'ALLOC FAILURES (REGRESSION|improvement|same rate) \S+ user alloc - \S+: (.*)', line.rstrip())
        if m:
            want.append('- Alloc Board, %s against 6.1.0: **ALLOC FAILURES %s**: %s' % (k, m.group(1), m.group(2)))
got = [l for l in text.splitlines() if '**ALLOC FAILURES' in l]
assert len(want) == 6 and sorted(got) == sorted(want), (got, want)
assert '- **alloc failures worse** or **better** (the alloc workloads, where both files count the attempts that got no buffer)' in text
assert 'one-sided Fisher exact test at p < 0.05' in text and 'integrity worse than the base (stale or corrupt data where it had none), or alloc failures worse.' in text
page = open('$work/rep-alloc/report.html').read()
assert page.count('<strong>alloc failures worse</strong><br>') == 3 and page.count('<strong>alloc failures better</strong><br>') == 1
"
check "report's trend figures: a triangle where alloc failures are worse (up) or better (down), a filled one on the axis where no attempt got a buffer (the line broken there), the key saying so" "${pyjson[@]}" "
import glob, re
def rows(name):
    f, = glob.glob('$work/rep-alloc/trend-*-%s.dat' % name.replace(' ', '-'))
    blocks = open(f).read().split('\\n\\n\\n')
    return [l.split() for l in blocks[1].splitlines()[1:]]
assert rows('cached-sync user alloc 4KiB')[1][5:] == ['1', '0'], rows('cached-sync user alloc 4KiB')
assert rows('cached-nosync user alloc 4KiB')[2][5:] == ['-1', '0'], rows('cached-nosync user alloc 4KiB')
r = rows('cached-nosync user alloc 64KiB')
assert r[1] == [] and r[2] == ['1', '0', '0', '0', '0', '1', '1'] and r[3] == [] and r[4][0] == '2', r
assert sum(x[5:6] == ['0'] for n in ('cached-sync user alloc 64KiB', 'cached-nosync user alloc 4KiB') for x in rows(n)) == 4
for f in glob.glob('$work/rep-alloc/trend-*.svg'):
    svg = open(f).read()
    assert 'alloc failures worse' in svg and 'no buffer (every attempt failed)' in svg, f
"
check "report: files without alloc_failures say nothing of them (no mark, no legend, nothing in the figures)" bash -c "
	! grep -qi 'alloc failures\|no buffer' '$work/rep-md/report.md' '$work/rep-html/report.html' '$work/rep-html/'trend-*.svg"

if [ -n "$asan" ]; then
	check "report and compare BASE NEW1 NEW2 under ASan/UBSan: the fleet in both formats, a bad file, nothing in common, alloc failures" env DMABENCH_PLOTS="$here/plots" bash -c "
		'$asan' report ${fleet_files[*]} -o '$work/rep-asan' --format html >/dev/null 2>'$work/rep-asan.err' || exit 1
		'$asan' report '$fx/base.json' '$fx/nomatch.json' '$fleet/noboard.json' -o '$work/rep-asan2' >/dev/null 2>>'$work/rep-asan.err' || exit 1
		'$asan' report '$fleet/a-9.json' '$fx/truncated.json' -o '$work/rep-asan3' >/dev/null 2>>'$work/rep-asan.err'; [ \$? = 2 ] || exit 1
		'$asan' report ${alloc_fleet[*]} -o '$work/rep-asan4' --format html >/dev/null 2>>'$work/rep-asan.err' || exit 1
		cmp -s '$work/rep-asan4/report.md' '$work/rep-alloc/report.md' || exit 1
		'$asan' compare '$fx/base.json' '$fx/same.json' '$fx/slow20.json' /nonexistent.json --json >/dev/null 2>>'$work/rep-asan.err'; [ \$? = 2 ] || exit 1
		cmp -s '$work/rep-asan/report.md' '$work/rep-html/report.md' || exit 1
		! grep -Eq 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' '$work/rep-asan.err'"
fi
DMABENCH_PLOTS=/nonexistent "$bin" report "$fleet/a-9.json" -o "$work/rep-noplots" >/dev/null 2>"$work/rep-noplots.err"
rc=$?
check "report without the gnuplot scripts exits 3 and says where it looked" bash -c "[ $rc = 3 ] && grep -q 'DMABENCH_PLOTS=/nonexistent has no common.gp' '$work/rep-noplots.err'"
