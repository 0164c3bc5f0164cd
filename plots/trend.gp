# dmabench report: one configuration across kernels, a line per board. x: the kernels
# in version order; y: the headline median of each board's run on that kernel (cpu_cost,
# or the frame time in a file of version 1), whiskers from the lowest to the highest
# median of the run's repetitions; a circle where compare's verdict against the board's
# oldest kernel is slower (red) or faster (green), a cross where integrity got worse.
# datafile: block 0 the kernels ("index label"), then a block per board (blocks split
# by two blank lines), its name first, then "index median low high mark alloc nobuf" in
# µs, mark 1 slower, -1 faster, 2 integrity worse, 0 otherwise; alloc (the alloc
# workloads' failures against the base) 1 worse, -1 better, 0 otherwise; nobuf 1 where
# no attempt got a buffer: no timing, a triangle on the x axis instead of a point, a
# curve of its own (blank lines around it), so the board's line breaks there.
# Variables: boards, kernels (counts), colours (a linetype per board: its place among
# all the report's boards, so a board keeps its colour across figures), ylabel, allocs
# (1: a cell has alloc marks, so the key explains them). report-figures.gp loads this
# once per figure in one gnuplot: reset first, so nothing carries over from the one before.
reset
load plotdir.'/common.gp'
set title title."\npoint: median of all frames; whiskers: lowest to highest repetition median; ".\
	"circles: verdict against the board's oldest kernel".\
	(allocs ? "\ntriangles: alloc failures against it; filled, on the axis, in the board's colour: no buffer at all" : "") font ',16'
set xlabel 'kernel release, in version order'
set ylabel ylabel
set xrange [-0.5:kernels - 0.5]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xtics rotate by -20 left scale 0 font ',13'
set bmargin 10
set key at screen 0.5, 0.01 center bottom horizontal maxrows 3
plot datafile index 0 using 1:(NaN):xtic(2) notitle, \
	for [b = 1:boards] datafile index b using 1:($7 == 1 ? NaN : $2):3:4 with yerrorlines lt int(word(colours, b)) title columnheader(1), \
	for [b = 1:boards] datafile index b using 1:($5 == 1 ? $2 : NaN) with points pt 6 ps 4 lw 3 lc rgb '#d62728' notitle, \
	for [b = 1:boards] datafile index b using 1:($5 == -1 ? $2 : NaN) with points pt 6 ps 4 lw 3 lc rgb '#2ca02c' notitle, \
	for [b = 1:boards] datafile index b using 1:($5 == 2 ? $2 : NaN) with points pt 2 ps 4 lw 3 lc rgb '#d62728' notitle, \
	for [b = 1:boards] datafile index b using 1:($6 == 1 ? $2 : NaN) with points pt 8 ps 5 lw 3 lc rgb '#d62728' notitle, \
	for [b = 1:boards] datafile index b using 1:($6 == -1 ? $2 : NaN) with points pt 10 ps 5 lw 3 lc rgb '#2ca02c' notitle, \
	for [b = 1:boards] datafile index b using 1:($7 == 1 ? 0 : NaN) with points pt 9 ps 3 lt int(word(colours, b)) notitle, \
	NaN with points pt 6 ps 3 lw 3 lc rgb '#d62728' title 'slower', \
	NaN with points pt 6 ps 3 lw 3 lc rgb '#2ca02c' title 'faster', \
	NaN with points pt 2 ps 3 lw 3 lc rgb '#d62728' title 'integrity worse', \
	NaN with points pt 8 ps 3 lw 3 lc rgb '#d62728' title (allocs ? 'alloc failures worse' : ''), \
	NaN with points pt 10 ps 3 lw 3 lc rgb '#2ca02c' title (allocs ? 'alloc failures better' : ''), \
	NaN with points pt 9 ps 2 lc rgb 'black' title (allocs ? 'no buffer (every attempt failed)' : '')
unset output
