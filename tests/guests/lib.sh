# What the guests' /init scripts share (init.sh, crash.sh), sourced from /lib.sh
# of the initramfs (busybox sh). The host reads "DMAB-TEST ok|fail NAME: detail"
# and "DMAB-TIME NAME START END".

uptime() { cut -d' ' -f1 /proc/uptime; }

t() { # t NAME COMMAND...: one test line from the command's status, and what it took
	name=$1; shift
	t_start=$(uptime)
	if "$@" >/tmp/t.out 2>&1; then
		echo "DMAB-TEST ok $name"
	else
		echo "DMAB-TEST fail $name: exit $?: $(tail -c 400 /tmp/t.out | tr '\n' ' ')"
	fi
	echo "DMAB-TIME $name $t_start $(uptime)"
}

arg() { # arg NAME DEFAULT: dmab.NAME=VALUE from the kernel command line
	v=$(sed -n "s/.*dmab\.$1=\([^ ]*\).*/\1/p" /proc/cmdline)
	echo "${v:-$2}"
}

flag() { # flag NAME: the kernel command line has dmab.NAME=1 (run.sh sets what this kernel must have)
	grep -q "dmab\.$1=1" /proc/cmdline
}

klog() { # klog PATTERN: the kernel log has a line matching PATTERN (grep -E)
	dmesg | grep -qE "$1"
}

log_bad='WARNING:|BUG:|BUG |Oops|general protection|Call Trace|KASAN|UBSAN|Poison overwritten|Redzone|Object padding|pagealloc: memory corruption|Bad page|list_(add|del) corruption|refcount_t:'
log_clean() { # no oops, BUG, WARN or slab/page poison report in the kernel log
	! dmesg | grep -E "$log_bad"
}

log_report() { # what the kernel said around the first report, for the host's log
	dmesg | grep -E -m1 -B 40 -A 60 "$log_bad" | sed 's/^/dmesg| /'
}

gone() { # nothing of the module left: no node, no platform device, not in /proc/modules
	[ ! -e /dev/dmabench ] && [ ! -e /sys/bus/platform/devices/dmabench ] &&
		! grep -q '^dmabench ' /proc/modules
}
