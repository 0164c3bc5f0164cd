# Throughput against frame size (from the median frame), one line per strategy:
# where cached+sync and uncached cross over.
# datafile: one block per series, first line its name, then "size_bytes MB/s".
# Variables: series.
load plotdir.'/common.gp'
set title title font ',20'
set logscale x 2
set format x '%.0b %BB'
set xlabel 'frame size'
set ylabel 'throughput (MB/s, from the median frame time)'
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
set key outside right top
plot for [s = 0:series - 1] datafile index s using 1:2 with linespoints lt (s + 1) title columnheader(1)
