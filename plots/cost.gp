# The headline: what each strategy costs the consumer's CPU per frame (cpu_cost,
# the sum of the result's cost_phases), a bar per configuration; a panel per size.
# datafile: one block per panel (blocks split by two blank lines), first line the
# column names, then per configuration: its name, the median of all its frames,
# the lowest and the highest median of its repetitions (NaN without repetitions),
# where the value's label goes, and the series' linetype (a strategy keeps its
# colour across panels and figures). Times in microseconds.
# Variables: panels, panel_titles (a quoted word per panel), panel_rows (bars per
# panel), legend (what bar and whisker are), noise_floor, cost_sum (the phases
# cpu_cost adds up, per workload where they differ).
load plotdir.'/common.gp'
# horizontal bars read best one above the other: one column up to four panels
cols = panels > 4 ? 2 : 1
rows = ceil(panels * 1.0 / cols)
# the bottom panels say what the axis is; sums per workload get a line of their own
short = strlen(cost_sum) < 60
axis = 'CPU cost per frame (µs)'.(cost_sum ne '' && short ? ': '.cost_sum : '')
set xrange [0:*]
set datafile columnheaders
set offsets 0, graph 0.12, 0, 0
set grid noytics xtics lc rgb '#d0d0d0'
set ytics scale 0 font ',14'
set style fill solid 0.85 border rgb '#404040'
unset key
set multiplot layout rows,cols title title."\n".legend."\n".noise_floor font ',18'
do for [i = 0:panels - 1] {
	n = int(word(panel_rows, i + 1))
	set title word(panel_titles, i + 1) font ',16'
	set yrange [n - 0.5:-0.5]
	if (i >= panels - cols) {
		set xlabel axis
		if (!short) {
			set bmargin 5
			set label 1 cost_sum at screen 0.5, 0.02 center font ',14'
		}
	} else {
		unset xlabel
	}
	plot datafile index i using (0):0:(0):2:($0 - 0.35):($0 + 0.35):6:ytic(1) with boxxyerror lc variable, \
		'' index i using 3:0:($4 - $3):(0) with vectors heads size screen 0.008,90 lc rgb '#202020' lw 2, \
		'' index i using 5:0:(sprintf('%.2f', $2)) with labels left offset char 1, 0 font ',13'
}
unset multiplot
