# Distribution of the CPU cost per frame (cpu_cost; the frame time in a file from
# before it existed) per strategy (CDF); one panel per frame size.
# datafile: blocks panel by panel, within a panel one per series: first line the
# series name, then "time in us, fraction of frames at or below it".
# Variables: panels, panel_titles, panel_series (series per panel, one word each),
# xlabel (which time).
load plotdir.'/common.gp'
set logscale x 10
set autoscale xfix
set offsets graph 0.02, graph 0.02, 0, 0
set xlabel xlabel
set ylabel 'fraction of frames at or below'
set yrange [0:1.02]
set ytics 0.1
set key bottom right
set multiplot layout rows,cols title title font ',20'
first = 0
do for [i = 0:panels - 1] {
	n = int(word(panel_series, i + 1))
	set title word(panel_titles, i + 1) font ',18'
	plot for [s = 0:n - 1] datafile index (first + s) using 1:2 with steps lt (s + 1) title columnheader(1)
	first = first + n
}
unset multiplot
