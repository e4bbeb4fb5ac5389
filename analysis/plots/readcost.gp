# readcost.gp - memory.stat read latency vs the number of child cgroups,
# one line per kernel and kind (idle: live children; deleted: dying ones).
#
# Reads readcost.tsv of each kernel's readcost run directly (kind cgroups
# dying state method n first_us p50_us p99_us mean_us stddev_us min_us
# max_us). Left: in-process p50 of one read right after every child had a
# page freed ("dirty"); right: hyperfine's mean for a whole pb-statread
# process after the same.
# Variables (gnuplot -e): files (space-separated readcost.tsv paths),
# labels (space-separated kernel names, same order), out (the SVG).
set terminal svg size 900,360 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set key top left noenhanced
set grid xtics ytics lc rgb "#dddddd"
set logscale xy
set xlabel "child cgroups (N)"
set ylabel "latency (us)"
set offsets graph 0.05, graph 0.05, 0, 0
sel(k, s, m, col) = (strcol(1) eq k && strcol(4) eq s && strcol(5) eq m) ? column(col) : NaN
set multiplot layout 1,2 title "memory.stat read cost vs N children with pending updates (dirty)"
set title "in-process, one read, p50"
plot for [i=1:words(files)] word(files, i) using 2:(sel("idle", "dirty", "inproc", 8)) \
	with linespoints lw 1.5 pt 7 lc i title word(labels, i)." idle", \
     for [i=1:words(files)] word(files, i) using 2:(sel("deleted", "dirty", "inproc", 8)) \
	with linespoints lw 1.5 dt 2 pt 6 lc i title word(labels, i)." deleted"
set title "hyperfine, pb-statread process (exec + 1 read), mean"
plot for [i=1:words(files)] word(files, i) using 2:(sel("idle", "dirty", "hyperfine", 10)) \
	with linespoints lw 1.5 pt 7 lc i title word(labels, i)." idle", \
     for [i=1:words(files)] word(files, i) using 2:(sel("deleted", "dirty", "hyperfine", 10)) \
	with linespoints lw 1.5 dt 2 pt 6 lc i title word(labels, i)." deleted"
unset multiplot
