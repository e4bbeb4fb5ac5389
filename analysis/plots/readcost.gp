# readcost.gp - memory.stat read latency vs the number of child cgroups,
# one line per kernel and kind (idle: live children; deleted: dying ones).
#
# Reads readcost-plot.tsv of a reproduction (written by patchbench
# reproduce): one data block per kernel and kind, in the order of
# @kernels, idle then deleted; columns cgroups, in-process p50 of one read
# right after every child had a page freed ("dirty"), and hyperfine's mean
# for a whole pb-statread process after the same; medians over the runs.
# Variables (gnuplot -e): file, kernels (space-separated kernel names),
# out (the SVG to write).
set terminal svg size 960,380 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set key top left noenhanced font ",9"
set grid xtics ytics lc rgb "#dddddd"
set logscale xy
set xlabel "child cgroups (N)"
set ylabel "latency (us), median over runs"
set offsets graph 0.05, graph 0.05, 0, 0
set multiplot layout 1,2 title "memory.stat read cost vs N children with pending updates (dirty)"
set title "in-process, one read, p50"
plot for [i=1:words(kernels)] file index (2 * i - 2) using 1:2 \
	with linespoints lw 1.5 pt 7 lc i title word(kernels, i)." idle", \
     for [i=1:words(kernels)] file index (2 * i - 1) using 1:2 \
	with linespoints lw 1.5 dt 2 pt 6 lc i title word(kernels, i)." deleted"
set title "hyperfine, pb-statread process (exec + 1 read), mean"
unset key
plot for [i=1:words(kernels)] file index (2 * i - 2) using 1:3 \
	with linespoints lw 1.5 pt 7 lc i title word(kernels, i)." idle", \
     for [i=1:words(kernels)] file index (2 * i - 1) using 1:3 \
	with linespoints lw 1.5 dt 2 pt 6 lc i title word(kernels, i)." deleted"
unset multiplot
