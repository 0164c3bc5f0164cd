#!/usr/bin/env bash
# A copy of a board's device tree with reserved-memory regions added, as a board's
# own device tree reserves a capture buffer (docs/carveout.md):
#   /reserved-memory { NAME@ADDR { reg = <ADDR SIZE>; no-map; }; };
# usage: tests/guests/dt-reserve.sh SOURCE.dtb OUT.dtb NAME@ADDR:SIZE[:map]...
#   NAME@ADDR: the node's name and unit address, ADDR in hex without 0x (dmabench@60000000)
#   SIZE: bytes, or with K, M or G (64M); ":map" leaves no-map out (the kernel keeps
#   such a region in its linear map and in System RAM: the module must refuse it)
# The node gets the root's #address-cells and #size-cells and an empty ranges, as the
# binding asks (a /reserved-memory the source has already must have the same). OUT.dtb
# is made again only when SOURCE.dtb, the regions or this script change (OUT.dtb.stamp).
# Needs dtc and fdtget (Debian: device-tree-compiler).
set -euo pipefail
if [ $# -lt 3 ]; then
	echo "usage: tests/guests/dt-reserve.sh SOURCE.dtb OUT.dtb NAME@ADDR:SIZE[:map]..." >&2
	exit 2
fi
src=$1 dst=$2
shift 2
stamp="$dst.stamp"
want=$({ sha256sum <"$src"; sha256sum <"$0"; echo "$@"; } | sha256sum)
if [ -f "$dst" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	exit 0
fi

cells() { # cells NODE PROPERTY DEFAULT: a cell count of the source tree
	fdtget -t u "$src" "$1" "$2" 2>/dev/null || echo "$3"
}
acells=$(cells / '#address-cells' 2)	# the devicetree specification's defaults
scells=$(cells / '#size-cells' 1)
if fdtget "$src" /reserved-memory '#address-cells' >/dev/null 2>&1 &&
	{ [ "$(cells /reserved-memory '#address-cells' 0)" != "$acells" ] ||
		[ "$(cells /reserved-memory '#size-cells' 0)" != "$scells" ]; }; then
	echo "dt-reserve: $src has a /reserved-memory whose cells differ from the root's" >&2
	exit 1
fi

split() { # split VALUE N: VALUE as N 32-bit cells, most significant first
	local v=$1 n=$2 out=''
	while [ "$n" -gt 0 ]; do
		out="$(printf '0x%x' $((v & 0xffffffff)))${out:+ $out}"
		v=$((v >> 32)) n=$((n - 1))
	done
	[ "$v" = 0 ] || { echo "dt-reserve: $1 does not fit in $2 cells" >&2; return 1; }
	echo "$out"
}

children=''
for region in "$@"; do
	if ! [[ $region =~ ^([a-z][a-z0-9,._+-]*@([0-9a-f]+)):([0-9]+)([KMG]?)(:map)?$ ]]; then
		echo "dt-reserve: '$region': expected NAME@HEXADDR:SIZE[:map] (dmabench@60000000:64M)" >&2
		exit 2
	fi
	node=${BASH_REMATCH[1]} addr=${BASH_REMATCH[2]} size=${BASH_REMATCH[3]} flag=${BASH_REMATCH[5]}
	case "${BASH_REMATCH[4]}" in
	K) size=$((size << 10)) ;;
	M) size=$((size << 20)) ;;
	G) size=$((size << 30)) ;;
	esac
	addr=$(split $((16#$addr)) "$acells")
	size=$(split "$size" "$scells")
	children+=$'\t\t'"$node {"$'\n\t\t\t'"reg = <$addr $size>;"$'\n'
	[ -z "$flag" ] && children+=$'\t\t\tno-map;\n'
	children+=$'\t\t};\n'
done

# the source decompiled, a second root block after it (dtc merges it into the first)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dtc -q -I dtb -O dts -o "$tmp/board.dts" "$src"
cat >>"$tmp/board.dts" <<EOF

/ {
	reserved-memory {
		#address-cells = <$acells>;
		#size-cells = <$scells>;
		ranges;
$children	};
};
EOF
dtc -q -I dts -O dtb -o "$tmp/out.dtb" "$tmp/board.dts"
for region in "$@"; do # what was asked is there
	node=${region%%:*}
	fdtget -t x "$tmp/out.dtb" "/reserved-memory/$node" reg >/dev/null
done
mv "$tmp/out.dtb" "$dst"
echo "$want" >"$stamp"
