# drift.gp - one drift check over time, A vs B, with the bound drawn.
#
# Reads drift.tsv of each run directly (t_ms check cgroup key expected_bytes
# observed_bytes abs_err_bytes rel_err bound_bytes window_bytes).
# Variables (gnuplot -e): files_a, files_b (space-separated drift.tsv paths),
# label_a, label_b, check, out (the SVG to write).
set terminal svg size 640,340 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set datafile missing ""
set title sprintf("%s: absolute error per row over time", check) noenhanced
set xlabel "time in the measured window (s)"
set ylabel "absolute error (bytes)"
set format y "%.1s%cB"
set key below noenhanced
set grid ytics lc rgb "#dddddd"

# the largest bound of the check (the bound grows with the cgroups in a subtree)
bound = 0
do for [f in files_a." ".files_b] {
	stats f using (strcol(2) eq check ? $9 : 0) nooutput
	if (STATS_max > bound) { bound = STATS_max }
}
set yrange [0:*]
set arrow 1 from graph 0, first bound to graph 1, first bound nohead lc rgb "#c00000" dt 2 lw 1.5
set label 1 sprintf("bound %.1f MiB", bound / 1048576.0) at graph 0.99, first bound right offset 0,0.6 tc rgb "#c00000"
# keep the bound on the plot even when every error is far below it
set yrange [0:bound * 1.15 > 1 ? bound * 1.15 : 1]

plot for [i=1:words(files_a)] word(files_a, i) using ($1/1000.0):(strcol(2) eq check ? $7 : NaN) \
	with points pt 7 ps 0.35 lc rgb "#1f77b4" title (i == 1 ? label_a." (A)" : ""), \
     for [i=1:words(files_b)] word(files_b, i) using ($1/1000.0):(strcol(2) eq check ? $7 : NaN) \
	with points pt 5 ps 0.35 lc rgb "#ff7f0e" title (i == 1 ? label_b." (B)" : "")
