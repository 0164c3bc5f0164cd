# Time per frame per strategy, stacked by phase (medians); one panel per frame size.
# cpu_cost is not stacked: it is a sum of some of these (cost_phases).
# datafile: one block per panel (blocks split by two blank lines), first line the
# column names, then "configuration" and the median of each phase in microseconds.
# Variables: panels, panel_titles (one word per panel), elements (the plot's
# elements, a column each, the device's phases hatched when an emulated device's),
# subtitle (may be empty).
load plotdir.'/common.gp'
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#404040'
set boxwidth 0.7 relative
set ylabel 'median per frame (µs)'
set xtics rotate by -35 left scale 0 font ',13'
set yrange [0:*]
set key top left
# headroom above the tallest bar for the key, which would otherwise cover it
set offsets 0, 0, graph 0.45, 0
set multiplot layout rows,cols title title.(strlen(subtitle) ? "\n".subtitle : "") font ',20'
do for [i = 0:panels - 1] {
	set title word(panel_titles, i + 1) font ',18'
	if (i > 0) { unset key }
	plot @elements
}
unset multiplot
