# readlat-cdf.gp - memory.stat read latency CDF, A vs B, one line per run.
#
# Reads readlat.tsv of each run directly (t_ms cgroup level file latency_ns
# bytes): every read of memory.stat, all tree levels.
# Variables (gnuplot -e): files_a, files_b (space-separated readlat.tsv
# paths), label_a, label_b, out (the SVG to write).
set terminal svg size 640,340 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set title "memory.stat read latency, CDF of every read (all levels)"
set xlabel "latency (us)"
set ylabel "share of reads"
set key bottom right noenhanced
set grid xtics ytics lc rgb "#dddddd"

is_stat(c) = (c eq "memory.stat")
# Rows of other files must not split the curve (a NaN would): they go to a
# tiny x with weight 0, left of the x range.
all = files_a." ".files_b
array n_a[words(files_a)]
array n_b[words(files_b)]
lo = 1e12
do for [i=1:words(all)] {
	stats word(all, i) using (is_stat(strcol(4)) ? $5/1000.0 : 1e12) nooutput
	if (STATS_min < lo) { lo = STATS_min }
}
do for [i=1:words(files_a)] {
	stats word(files_a, i) using (is_stat(strcol(4)) ? 1 : 0) nooutput
	n_a[i] = STATS_sum > 0 ? STATS_sum : 1
}
do for [i=1:words(files_b)] {
	stats word(files_b, i) using (is_stat(strcol(4)) ? 1 : 0) nooutput
	n_b[i] = STATS_sum > 0 ? STATS_sum : 1
}
set logscale x
set yrange [0:1.02]
set xrange [lo * 0.8:*]
plot for [i=1:words(files_a)] word(files_a, i) \
	using (is_stat(strcol(4)) ? $5/1000.0 : 1e-9):(is_stat(strcol(4)) ? 1.0/n_a[i] : 0) \
	smooth cumulative with steps lw 1.5 lc rgb "#1f77b4" title (i == 1 ? label_a." (A)" : ""), \
     for [i=1:words(files_b)] word(files_b, i) \
	using (is_stat(strcol(4)) ? $5/1000.0 : 1e-9):(is_stat(strcol(4)) ? 1.0/n_b[i] : 0) \
	smooth cumulative with steps lw 1.5 lc rgb "#ff7f0e" title (i == 1 ? label_b." (B)" : "")
