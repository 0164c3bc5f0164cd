# Time per frame per strategy, stacked by phase (medians); one panel per frame size.
# datafile: one block per panel (blocks split by two blank lines), first line the
# column names, then "configuration" and the median of each phase in microseconds.
# Variables: panels, panel_titles (one word per panel).
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
set multiplot layout rows,cols title title font ',20'
do for [i = 0:panels - 1] {
	set title word(panel_titles, i + 1) font ',18'
	if (i > 0) { unset key }
	plot for [c = 2:6] datafile index i using c:xtic(1) title columnheader(c)
}
unset multiplot
