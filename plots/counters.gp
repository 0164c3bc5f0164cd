# Counter events per byte per configuration (frame phase), where counted.
# datafile: first line the column names ("configuration" and one per event), then
# per configuration the events per byte; NaN where not counted.
# Variables: events (how many event columns).
load plotdir.'/common.gp'
set title title font ',20'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#404040'
set logscale y 10
set format y '%.0e'
set ylabel 'events per byte of frame (log scale)'
set xtics rotate by -35 left scale 0 font ',13'
set key outside right top
plot for [c = 2:events + 1] datafile using c:xtic(1) title columnheader(c)
