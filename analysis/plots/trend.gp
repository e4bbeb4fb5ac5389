# trend.gp - one key metric across the A/B runs of each series, as the
# change of the patched kernel against its base (delta %, B vs A).
#
# Reads one TSV per series that the dashboard writes from its cached
# comparisons: date (ISO 8601 UTC of the A/B's first run) delta_pct.
# Variables (gnuplot -e): files (space-separated), titles (one word per
# file, the series names), metric (for the title), out (the SVG to write).
set terminal svg size 560,300 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set title sprintf("%s: patched vs base", metric) noenhanced
set ylabel "delta vs base (%)"
set xdata time
set timefmt "%Y-%m-%dT%H:%M:%SZ"
set format x "%m-%d\n%H:%M"
set key below noenhanced
set grid ytics lc rgb "#dddddd"
set xzeroaxis lt -1
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
plot for [i=1:words(files)] word(files, i) skip 1 using 1:2 with linespoints pt 7 ps 0.6 lw 1.5 \
	title word(titles, i)
