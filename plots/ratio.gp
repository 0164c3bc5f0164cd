# One file against the base per configuration (median new / base): cpu_cost, else
# (a file from before it existed on either side) the frame time; coloured by the
# verdict of dmabench compare, a star where p < alpha, a whisker where compare gives
# a 95% interval of the ratio.
# datafile: per configuration "label ratio rgb text low high" (rgb as an integer,
# text the change as a quoted string, low and high the interval or NaN).
# Variables: subtitle (the base), ylabel (which time), intervals (how many have one).
load plotdir.'/common.gp'
set title title."\n".subtitle font ',18'
set ylabel ylabel
set xtics rotate by -35 left scale 0 font ',13'
set xrange [-0.6:*]
set offsets 0, 0.6, graph 0.08, graph 0.08
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb '#404040'
set key bmargin center horizontal
# the change is written beside the whisker, not on it
shift = intervals ? 0.06 : 0
align = intervals ? 'left' : 'center'
plot datafile using 0:(($2 + 1) / 2):(0.35):(abs($2 - 1) / 2):3:xtic(1) with boxxyerror fs solid 0.85 border rgb '#404040' lc rgb variable notitle, \
	'' using 0:5:(0):($6 - $5) with vectors heads size screen 0.008,90 lc rgb '#202020' lw 2 notitle, \
	'' using ($0 + shift):($2 >= 1 ? $2 : NaN):4 with labels @align offset 0, char 1 font ',13' notitle, \
	'' using ($0 + shift):($2 < 1 ? $2 : NaN):4 with labels @align offset 0, char -1 font ',13' notitle, \
	NaN with boxes fs solid lc rgb '#d62728' title 'slower', \
	NaN with boxes fs solid lc rgb '#2ca02c' title 'faster', \
	NaN with boxes fs solid lc rgb '#a0a0a0' title 'no change (not significant, or under the threshold)', \
	NaN with points ps 0 title '*  p < 0.05', \
	NaN with lines lc rgb '#202020' lw 2 title (intervals ? '95% interval of the ratio' : '')
