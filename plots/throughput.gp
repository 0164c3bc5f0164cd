# Throughput against frame size (from the medians), one line per strategy: where
# cached+sync and uncached cross over. With cpu_cost (files of version 2) two
# panels: first size over the median cpu_cost (the bytes a CPU-second of handover
# and processing moves), then size over the median frame time.
# datafile: panel by panel one block per series, first line its name, then
# "size_bytes MB/s". Variables: series, panels (1 or 2), panel_titles (a quoted
# word per panel).
load plotdir.'/common.gp'
set logscale x 2
set format x '%.0b %BB'
set xlabel 'frame size'
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
if (panels == 1) {
	set title title font ',20'
	set ylabel word(panel_titles, 1)
	set key outside right top
	plot for [s = 0:series - 1] datafile index s using 1:2 with linespoints lt (s + 1) title columnheader(1)
} else {
	# the panels side by side, one key for both below them
	set multiplot layout 1,panels margins 0.1,0.97,0.25,0.86 spacing 0.1 title title font ',20'
	set ylabel 'MB/s (10^6 bytes/s)'
	do for [p = 0:panels - 1] {
		set title word(panel_titles, p + 1) font ',16'
		if (p == 0) { set key at screen 0.5, 0.02 center bottom vertical Left reverse maxrows 3 font ',14' } else { unset key }
		plot for [s = 0:series - 1] datafile index (p * series + s) using 1:2 with linespoints lt (s + 1) title columnheader(1)
	}
	unset multiplot
}
