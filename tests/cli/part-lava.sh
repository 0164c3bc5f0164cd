# --- LAVA (issue 13, items 4 and 6): lava/dmabench.yaml, lava/dmabench-lava.sh ---
# tests/lava/run.sh: the definition and the example job against LAVA's schemas; then
# make dist for this machine, and the script from that tarball as LAVA's test shell
# runs it (LAVA's helpers stood in for), under busybox sh with busybox's applets only,
# and its failure paths; each log read as the dispatcher reads it. About 40 s, and
# make dist's 15-30 s. Its lines count here, one each.
"$here/tests/lava/run.sh" >"$work/lava.out" 2>&1
while IFS= read -r line; do
	case "$line" in
	'ok   '*) ok "lava: ${line#ok   }" ;;
	'FAIL '*) bad "lava: ${line#FAIL }" ;;
	'     '*) echo "$line" ;;
	esac
done <"$work/lava.out"
grep -qx 'lava: [0-9]* passed, 0 failed' "$work/lava.out" ||
	grep -q '^FAIL' "$work/lava.out" ||
	bad "lava: tests/lava/run.sh stopped early: $(tail -3 "$work/lava.out" | tr '\n' ' ')"
