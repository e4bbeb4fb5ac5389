# perf-delta.gp - perf: change of each top kernel symbol's share, B - A.
#
# Reads a TSV that compare writes from the runs' perf-symbols.tsv (the mean
# share per side of the symbols its report shows): symbol a_pct b_pct
# delta_pct (percentage points, B - A).
# Variables (gnuplot -e): file, label_a, label_b, out (the SVG to write).
set terminal svg size 640,360 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set title sprintf("perf: share of the top kernel symbols, %s (B) - %s (A)", label_b, label_a) noenhanced
set xlabel "change of the share (percentage points)"
set ytics noenhanced nomirror font "sans,9"
set yrange [*:*] reverse
set offsets graph 0.1, graph 0.1, 0.5, 0.5
set grid xtics lc rgb "#dddddd"
set style fill solid 0.8 border -1
set xzeroaxis lt -1
set key off
# one bar per symbol, from 0 to the delta; red where the share grew
plot file skip 1 using ($4 / 2):0:($4 < 0 ? $4 : 0):($4 < 0 ? 0 : $4):($0 - 0.35):($0 + 0.35):($4 > 0 ? 0xd62728 : 0x2ca02c):ytic(1) \
	with boxxyerror lc rgb variable
