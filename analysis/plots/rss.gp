# rss.gp - RSS of the workload processes by member type over time, A vs B.
#
# Reads a TSV per side that compare writes from the first run's
# rss_stat.tsv (after every event, the sum over live mms of each mm's
# latest size): t_s file_bytes anon_bytes shmem_bytes swap_bytes.
# Variables (gnuplot -e): file_a, file_b, label_a, label_b, out.
set terminal svg size 640,340 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set title "rss_stat: RSS of the workload processes by type (first run of each side)" noenhanced
set xlabel "time in the measured window (s)"
set ylabel "bytes"
set format y "%.1s%cB"
set key top left noenhanced
set grid ytics lc rgb "#dddddd"
set yrange [0:*]
plot file_a skip 1 using 1:3 with steps lw 1.5 lc rgb "#1f77b4" title label_a." anon", \
     file_a skip 1 using 1:2 with steps lw 1.5 lc rgb "#2ca02c" title label_a." file", \
     file_a skip 1 using 1:4 with steps lw 1.5 lc rgb "#9467bd" title label_a." shmem", \
     file_b skip 1 using 1:3 with steps lw 1.5 dt 2 lc rgb "#ff7f0e" title label_b." anon", \
     file_b skip 1 using 1:2 with steps lw 1.5 dt 2 lc rgb "#bcbd22" title label_b." file", \
     file_b skip 1 using 1:4 with steps lw 1.5 dt 2 lc rgb "#e377c2" title label_b." shmem"
