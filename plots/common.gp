# Settings every dmabench figure shares: sized and lettered for a slide.
# dmabench plot sets: term ('png' or 'svg'), outfile, datafile, title.
if (term eq 'svg') {
	set terminal svg size 1600,900 dynamic noenhanced font 'sans,16' background '#ffffff'
} else {
	set terminal pngcairo size 1600,900 noenhanced font 'sans,16' background '#ffffff'
}
set output outfile
set encoding utf8
set grid ytics lc rgb '#d0d0d0'
set border 3 lw 1.5
set tics nomirror
set key top left opaque box lc rgb '#c0c0c0'
set datafile missing 'NaN'
# strategies keep their colour across figures: the order of the series
set linetype 1 lc rgb '#1f77b4' lw 3 pt 7 ps 1.3
set linetype 2 lc rgb '#ff7f0e' lw 3 pt 5 ps 1.3
set linetype 3 lc rgb '#2ca02c' lw 3 pt 9 ps 1.5
set linetype 4 lc rgb '#d62728' lw 3 pt 11 ps 1.5
set linetype 5 lc rgb '#9467bd' lw 3 pt 13 ps 1.5
set linetype 6 lc rgb '#8c564b' lw 3 pt 15 ps 1.5
set linetype 7 lc rgb '#e377c2' lw 3 pt 7 ps 1.3
set linetype 8 lc rgb '#7f7f7f' lw 3 pt 5 ps 1.3
set linetype cycle 8
# panels: a row for up to three, else two rows
if (!exists("panels")) panels = 1
rows = panels > 3 ? 2 : 1
cols = ceil(panels * 1.0 / rows)
