#!/bin/sh
# dmabench on a board of a LAVA farm, the Linaro test-definitions way: the run
# steps of lava/dmabench.yaml call this script with the definition's params. It
# runs outside LAVA too (then it prints LAVA's signal lines itself), in POSIX sh:
# dash, bash or busybox sh, so a busybox initramfs can run it. docs/lava.md.
#
# usage: lava/dmabench-lava.sh [-u TARBALL_URL] [-m MODULE] [-k MODULE_PARAMS]
#            [-s STRATEGIES] [-w WORKLOADS] [-p PATTERNS] [-z SIZES] [-R REPEAT]
#            [-e EVENTS] [-t BUDGET] [-i SKIP_INSTALL] [-d DIR]
#   -u  the tarball of make dist: http(s)://, file:// or a path. Empty: the
#       dmabench on PATH (and MODULE a .ko file or no)
#   -m  no: the user backend only; yes: build kmod/ of the tarball for the
#       running kernel (DKMS when installed, else kbuild in
#       /lib/modules/$(uname -r)/build, or $KDIR), load it, unload it after;
#       a path to a .ko: load that one
#   -k  the module's parameters for insmod (max_total_mb=64 ...)
#   -s -w -p -z -R -e -t  dmabench run's --strategy, --workload, --pattern,
#       --size, --repeat, --events, --budget; empty: dmabench's default
#   -i  true: install nothing (the kernel's headers must be there for MODULE=yes)
#   -d  where the tarball, the result file and the logs go (./output)
# Test cases, by lava-test-case when LAVA's helpers are on PATH, else as signal
# lines: module-load, run (seconds), one per configuration (pass, fail or skip,
# cpu_cost's median in us: dmabench export --format lava), module-unload,
# kernel-log (no oops or warning from the load to the unload). The result file
# is printed too (dmabench export --format console), for dmabench import.
# Exit 0 once everything is reported; a tarball that cannot be fetched or run,
# or a wrong param, raises (lava-test-raise: the job ends incomplete) and exits 1.
set -u

TARBALL_URL='' MODULE=no MODULE_PARAMS='' STRATEGIES='' WORKLOADS='' PATTERNS='' SIZES=''
REPEAT='' EVENTS='' BUDGET='' SKIP_INSTALL=false DIR=$(pwd)/output

usage() {
	sed -n '/^# usage:/,/^#   -d/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while getopts 'u:m:k:s:w:p:z:R:e:t:i:d:h' opt; do
	case "$opt" in
	u) TARBALL_URL=$OPTARG ;;
	m) MODULE=$OPTARG ;;
	k) MODULE_PARAMS=$OPTARG ;;
	s) STRATEGIES=$OPTARG ;;
	w) WORKLOADS=$OPTARG ;;
	p) PATTERNS=$OPTARG ;;
	z) SIZES=$OPTARG ;;
	R) REPEAT=$OPTARG ;;
	e) EVENTS=$OPTARG ;;
	t) BUDGET=$OPTARG ;;
	i) SKIP_INSTALL=$OPTARG ;;
	d) DIR=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || usage

say() { echo "dmabench-lava: $*"; }

# lava-test-case writes the result files LAVA keeps and honours the job's
# lava-signal (stdout, or /dev/kmsg where the console interleaves the kernel's
# messages); outside LAVA the same line, on stdout.
report() { # report ID pass|fail|skip [MEASUREMENT UNITS]
	if command -v lava-test-case >/dev/null 2>&1; then
		if [ $# -ge 4 ]; then
			lava-test-case "$1" --result "$2" --measurement "$3" --units "$4"
		else
			lava-test-case "$1" --result "$2"
		fi
	elif [ $# -ge 4 ]; then
		echo "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=$1 RESULT=$2 MEASUREMENT=$3 UNITS=$4>"
	else
		echo "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=$1 RESULT=$2>"
	fi
}

# Not a result but a test that cannot take place: LAVA ends the job incomplete.
raise() { # raise MESSAGE
	msg=$(echo "dmabench-lava: $*" | tr -d '<>')
	echo "$msg" >&2
	if command -v lava-test-raise >/dev/null 2>&1; then
		lava-test-raise "$msg"
	else
		echo "<LAVA_SIGNAL_TESTRAISE $msg>"
	fi
	exit 1
}

case "$MODULE" in
yes | no | *.ko) ;;
*) raise "MODULE must be yes, no or a .ko file, not '$MODULE'" ;;
esac
case "$SKIP_INSTALL" in
true | false | True | False) ;;
*) raise "SKIP_INSTALL must be true or false, not '$SKIP_INSTALL'" ;;
esac
mkdir -p "$DIR" || raise "cannot make $DIR"
DIR=$(cd "$DIR" && pwd)

# --- the tarball ---
fetch() { # fetch URL FILE
	case "$1" in
	http://* | https://* | ftp://*)
		if command -v curl >/dev/null 2>&1; then
			curl -fsSL -o "$2" "$1"
		elif command -v wget >/dev/null 2>&1; then
			wget -q -O "$2" "$1"
		else
			echo "neither curl nor wget" >&2
			return 1
		fi
		;;
	file://*) cp "${1#file://}" "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

kmod_src=''
if [ -n "$TARBALL_URL" ]; then
	say "fetching $TARBALL_URL"
	fetch "$TARBALL_URL" "$DIR/dmabench.tar.gz" || raise "cannot fetch $TARBALL_URL"
	rm -rf "$DIR/dist"
	mkdir -p "$DIR/dist"
	tar -xzf "$DIR/dmabench.tar.gz" -C "$DIR/dist" || raise "cannot unpack $TARBALL_URL"
	for d in "$DIR"/dist/dmabench-*; do
		[ -x "$d/dmabench" ] && top=$d
	done
	[ -n "${top:-}" ] || raise "$TARBALL_URL holds no dmabench-*/dmabench"
	bin=$top/dmabench
	kmod_src=$top/kmod
	[ -f "$top/BUILD-INFO" ] && sed 's/^/dmabench-lava: | /' "$top/BUILD-INFO"
	if command -v lava-test-reference >/dev/null 2>&1; then
		case "$TARBALL_URL" in
		http://* | https://*) lava-test-reference dmabench-tarball --result pass --reference "$TARBALL_URL" ;;
		esac
	fi
else
	bin=$(command -v dmabench) || raise "no TARBALL_URL and no dmabench on PATH"
fi
"$bin" help >/dev/null 2>&1 || raise "$bin does not run here ($(uname -m)): the tarball of another architecture?"
"$bin" info

# --- the module ---
log_bad='WARNING:|BUG:|BUG |Oops|general protection|Call Trace|KASAN|UBSAN|Bad page|list_(add|del) corruption|refcount_t:'
mark=''
loaded=no
loaded_by_dkms=''

kmod_build() { # the module for the running kernel from $kmod_src: its path on stdout
	release=$(uname -r)
	kdir=${KDIR:-/lib/modules/$release/build}
	if [ ! -d "$kdir" ] && [ ! -d "/lib/modules/$release/build" ]; then
		case "$SKIP_INSTALL" in
		true | True) ;;
		*)
			if command -v apt-get >/dev/null 2>&1; then
				say "installing the headers of $release" >&2
				DEBIAN_FRONTEND=noninteractive apt-get install -y -q "linux-headers-$release" make gcc >&2
			fi
			;;
		esac
	fi
	if command -v dkms >/dev/null 2>&1 && [ -z "${KDIR:-}" ]; then
		version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$kmod_src/dkms.conf")
		dkms remove "dmabench/$version" --all >/dev/null 2>&1
		dkms add "$kmod_src" >&2 && dkms build "dmabench/$version" -k "$release" >&2 &&
			dkms install "dmabench/$version" -k "$release" --force >&2 || return 1
		loaded_by_dkms=$version
		modinfo -n dmabench
		return
	fi
	[ -d "$kdir" ] || { say "no kernel build tree $kdir: install linux-headers-$release" >&2; return 1; }
	# kmod/Makefile: kbuild with M=, and module BTF off unless asked for
	make -C "$kmod_src" KDIR="$kdir" >&2 || return 1
	echo "$kmod_src/dmabench.ko"
}

if [ "$MODULE" = no ]; then
	say "module-load skip: MODULE=no, the user backend only"
	report module-load skip
else
	# the kernel's log from here on is this test's
	if echo "dmabench-lava: mark $$ $(date +%s)" 2>/dev/null >/dev/kmsg; then
		mark="dmabench-lava: mark $$"
	fi
	ko=$MODULE
	if [ "$MODULE" = yes ]; then
		[ -n "$kmod_src" ] || raise "MODULE=yes needs the tarball's kmod/ (TARBALL_URL)"
		ko=$(kmod_build) || ko=''
	fi
	if grep -q '^dmabench ' /proc/modules 2>/dev/null; then
		say "another dmabench.ko is loaded: removing it first"
		rmmod dmabench || say "rmmod of the loaded dmabench.ko failed"
	fi
	if [ -z "$ko" ]; then
		say "module-load fail: building dmabench.ko for $(uname -r) failed"
		report module-load fail
	elif grep -q '^dmabench ' /proc/modules 2>/dev/null; then
		say "module-load fail: a dmabench.ko that cannot be removed is loaded"
		report module-load fail
	else
		# MODULE_PARAMS: one word per parameter
		# shellcheck disable=SC2086
		if { [ -n "$loaded_by_dkms" ] && modprobe dmabench $MODULE_PARAMS; } ||
			{ [ -z "$loaded_by_dkms" ] && insmod "$ko" $MODULE_PARAMS; }; then
			i=0
			while [ ! -c /dev/dmabench ] && [ $i -lt 20 ]; do # udev may make the node
				sleep 0.1 2>/dev/null || sleep 1
				i=$((i + 1))
			done
		fi
		if grep -q '^dmabench ' /proc/modules 2>/dev/null && [ -c /dev/dmabench ]; then
			loaded=yes
			report module-load pass
		else
			say "module-load fail: $ko ${MODULE_PARAMS:+($MODULE_PARAMS) }did not load, or made no /dev/dmabench"
			dmesg 2>/dev/null | tail -20 | sed 's/^/dmabench-lava: dmesg| /'
			report module-load fail
		fi
	fi
fi

# --- the run ---
result=$DIR/result.json
rm -f "$result"
set -- run -o "$result"
[ -z "$STRATEGIES" ] || set -- "$@" -s "$STRATEGIES"
[ -z "$WORKLOADS" ] || set -- "$@" -w "$WORKLOADS"
[ -z "$PATTERNS" ] || set -- "$@" -p "$PATTERNS"
[ -z "$SIZES" ] || set -- "$@" -z "$SIZES"
[ -z "$REPEAT" ] || set -- "$@" -R "$REPEAT"
[ -z "$EVENTS" ] || set -- "$@" -e "$EVENTS"
[ -z "$BUDGET" ] || set -- "$@" -t "$BUDGET"
say "dmabench $*"
start=$(date +%s)
"$bin" "$@"
rc=$?
seconds=$(($(date +%s) - start))
case "$rc" in
0) report run pass "$seconds" s ;;
*)
	case "$rc" in
	1) why="a configuration failed, or one other than the cached-nosync control saw stale or corrupt data" ;;
	2) why="bad usage: check the params" ;;
	3) why="the result file could not be written" ;;
	4) why="nothing could run here" ;;
	130) why="interrupted" ;;
	*) why="unexpected" ;;
	esac
	say "run fail: dmabench run exited $rc ($why)"
	report run fail "$seconds" s
	;;
esac

# --- a test case per configuration, and the file itself ---
if [ -f "$result" ]; then
	"$bin" export "$result" --format lava >"$DIR/lava.txt" 2>"$DIR/export.err" ||
		say "dmabench export --format lava failed: $(cat "$DIR/export.err")"
	while IFS= read -r line; do
		case "$line" in
		'<LAVA_SIGNAL_TESTCASE '*)
			id=$(echo "$line" | sed -n 's/.* TEST_CASE_ID=\([^ >]*\).*/\1/p')
			res=$(echo "$line" | sed -n 's/.* RESULT=\([^ >]*\).*/\1/p')
			value=$(echo "$line" | sed -n 's/.* MEASUREMENT=\([^ >]*\).*/\1/p')
			units=$(echo "$line" | sed -n 's/.* UNITS=\([^ >]*\).*/\1/p')
			if [ -n "$value" ]; then
				report "$id" "$res" "$value" "$units"
			else
				report "$id" "$res"
			fi
			;;
		*) echo "$line" ;; # why a configuration was skipped or failed
		esac
	done <"$DIR/lava.txt"
	"$bin" export "$result" --format console
else
	say "no result file: no test case per configuration"
fi

# --- unloading, and what the kernel said meanwhile ---
if [ "$loaded" = yes ]; then
	if rmmod dmabench; then
		report module-unload pass
	else
		say "module-unload fail: rmmod dmabench failed"
		report module-unload fail
	fi
	[ -z "$loaded_by_dkms" ] || dkms remove "dmabench/$loaded_by_dkms" --all >/dev/null 2>&1
else
	report module-unload skip
fi
if [ "$MODULE" = no ]; then
	report kernel-log skip
elif [ -z "$mark" ] || ! dmesg >/dev/null 2>&1; then
	say "kernel-log skip: the kernel's log cannot be marked or read here (not root?)"
	report kernel-log skip
else
	dmesg | sed -n "/$mark/,\$p" | grep -E "$log_bad" >"$DIR/kernel-log.txt"
	if [ -s "$DIR/kernel-log.txt" ]; then
		say "kernel-log fail: the kernel reported trouble after the module was loaded:"
		dmesg | sed -n "/$mark/,\$p" | tail -60 | sed 's/^/dmabench-lava: dmesg| /'
		report kernel-log fail
	else
		report kernel-log pass
	fi
fi
exit 0
