# tests/cli/part-devmem.sh, sourced by run.sh (bin, here, work, check, ok, bad):
# the carveout and devmem backends (docs/carveout.md) as a machine without the
# module's carveout shows them: list says why each cannot run, and what would make
# it run; DMABENCH_DEVMEM's range is parsed and judged against /proc/iomem; -b
# chooses backends. Both backends run in the guests (tests/guests/init.sh).

# --- list: every row, each with its reason ---
"$bin" list >"$work/dm-list.txt" 2>&1
"$bin" list --json >"$work/dm-list.json" 2>/dev/null
check "list: the carveout backend's four strategies, unavailable without dmabench.ko's carveout" bash -c "
	for s in uncached wc cached-sync cached-nosync; do
		grep -Eq \"^  \$s +carveout +(no /dev/dmabench: dmabench.ko is not loaded|dmabench.ko was loaded without carveout=)\" '$work/dm-list.txt' || { echo \"no carveout \$s\"; exit 1; }
	done"
check "list: the devmem backend's four, wc never (/dev/mem has no such mapping), the rest asking for a range" bash -c "
	grep -Eq '^  wc +devmem +/dev/mem has no write-combined mapping' '$work/dm-list.txt' &&
	for s in uncached cached-sync cached-nosync; do
		grep -Eq \"^  \$s +devmem +no reserved range to map: set DMABENCH_DEVMEM=SIZE@ADDR\" '$work/dm-list.txt' || { echo \"devmem \$s\"; exit 1; }
	done"
check "list --json: the same rows, each unavailable with a reason" "${pyjson[@]}" "
import json
d = json.load(open('$work/dm-list.json'))
rows = {(s['backend'], s['name']): s for s in d['strategies'] if s['backend'] in ('carveout', 'devmem')}
assert sorted(rows) == sorted((b, s) for b in ('carveout', 'devmem')
                              for s in ('uncached', 'wc', 'cached-sync', 'cached-nosync')), sorted(rows)
assert all(not r['available'] and r['reason'] for r in rows.values()), rows
"

# --- DMABENCH_DEVMEM: parsed, and judged against what the kernel says of the range ---
DMABENCH_DEVMEM=junk "$bin" list >"$work/dm-junk.txt" 2>&1
check "DMABENCH_DEVMEM=junk: devmem says what it expected (SIZE@ADDR)" \
	grep -Eq "^  uncached +devmem +DMABENCH_DEVMEM='junk': expected SIZE@ADDR" "$work/dm-junk.txt"
DMABENCH_DEVMEM=6K@0x10000000 "$bin" list >"$work/dm-odd.txt" 2>&1
check "DMABENCH_DEVMEM=6K@...: not whole pages, refused with the page size" \
	grep -Eq "^  uncached +devmem +DMABENCH_DEVMEM='6K@0x10000000': address and size must be multiples of the page size" \
	"$work/dm-odd.txt"
# the first System RAM of this machine, when /proc/iomem shows addresses (root)
ram=$(sed -n 's/^\([0-9a-f]*\)-[0-9a-f]* : System RAM$/\1/p' /proc/iomem 2>/dev/null | grep -v '^0*$' | head -1)
if [ -n "$ram" ]; then
	start=$(( (0x$ram + 4095) / 4096 * 4096 ))
	DMABENCH_DEVMEM=$(printf '4K@%#x' "$start") "$bin" list >"$work/dm-ram.txt" 2>&1
	DMABENCH_DEVMEM=$(printf '4K@%#x' "$start") "$bin" info --json >"$work/dm-ram.json" 2>/dev/null
	check "DMABENCH_DEVMEM over System RAM: refused, naming the RAM and the kernel's STRICT_DEVMEM" bash -c "
		grep -Eq '^  uncached +devmem +\[$(printf '%#x' "$start"), \+0x1000\) overlaps \[0x[0-9a-f]+-0x[0-9a-f]+\] System RAM in /proc/iomem: memory the kernel manages' '$work/dm-ram.txt' &&
		grep -Eq 'CONFIG_STRICT_DEVMEM|the kernel configuration could not be read' '$work/dm-ram.txt'"
	check "info --json: devmem's range, its source, the verdict and why" "${pyjson[@]}" "
import json
d = json.load(open('$work/dm-ram.json'))['devmem']
assert d['base'] == $start and d['size_bytes'] == 4096 and d['source'] == 'DMABENCH_DEVMEM', d
assert d['module_device'] is False and 'System RAM' in d['iomem'] and 'System RAM' in d['unavailable'], d
assert d['strict_devmem'] in ('y', 'n', None) and (d['strict_devmem'] is None) == (d['config_source'] is None), d
"
else
	echo "     (/proc/iomem shows no addresses here, not root: the System RAM check is not run)"
fi

# --- -b: only the backends named ---
(cd "$work" && "$bin" run -q -b user -s cached-sync,uncached -p read -z 64K -n 20 -e none \
	-o "$work/dm-b.json" >/dev/null 2>&1)
rc=$?
check "run -b user: exit 0, only the user backend's configurations, config.backends says so" "${pyjson[@]}" "
import json
assert $rc == 0, $rc
d = json.load(open('$work/dm-b.json'))
assert {x['backend'] for x in d['results']} == {'user'}, {x['backend'] for x in d['results']}
assert d['config']['backends'] == ['user'], d['config']
u = [x for x in d['results'] if x['strategy'] == 'uncached']
assert u and all(x['skipped'].startswith('user backend: ') for x in u), u
"
check "... and that file is valid" "${validate[@]}" "$work/dm-b.json"
(cd "$work" && "$bin" run -q -b devmem,carveout -z 64K -n 10 -e none -o "$work/dm-none.json" \
	>/dev/null 2>"$work/dm-none.err")
rc=$?
check "run -b devmem,carveout with neither here: exit 4, each strategy skipped with both backends' reasons" "${pyjson[@]}" "
import json
assert $rc == 4, $rc
d = json.load(open('$work/dm-none.json'))
assert d['results'] and all(x['skipped'] and x['backend'] in ('devmem', 'carveout') for x in d['results'])
u = [x for x in d['results'] if x['strategy'] == 'uncached']
assert u and all('carveout backend: ' in x['skipped'] and 'devmem backend: ' in x['skipped'] for x in u), u
"
"$bin" run -b bogus >"$work/dm-bogus.out" 2>"$work/dm-bogus.err"
rc=$?
check "run -b bogus: exit 2, one line naming the backend" bash -c "
	[ $rc = 2 ] && [ ! -s '$work/dm-bogus.out' ] && [ \$(wc -l <'$work/dm-bogus.err') = 1 ] &&
	grep -q \"unknown backend 'bogus'\" '$work/dm-bogus.err'"
"$bin" run -s coherent -b devmem >"$work/dm-mis.out" 2>"$work/dm-mis.err"
rc=$?
check "run -s coherent -b devmem: exit 2, the backend has no such strategy" bash -c "
	[ $rc = 2 ] && grep -q \"no backend of --backend has the strategy 'coherent'\" '$work/dm-mis.err'"
