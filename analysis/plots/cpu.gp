# cpu.gp - CPU time per cgroup, A vs B (mean over the runs of each side).
#
# Reads a TSV that compare writes from the runs' cpu.tsv (end - start per
# cgroup): cgroup a_cpu_s b_cpu_s a_system_s b_system_s.
# Variables (gnuplot -e): file, label_a, label_b, out (the SVG to write).
set terminal svg size 640,340 dynamic font "sans,10" background rgb "white"
set output out
set datafile separator "\t"
set title "CPU time per cgroup (mean per run)"
set ylabel "seconds"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right opaque noenhanced
set grid ytics lc rgb "#dddddd"
set xtics noenhanced rotate by -30
set yrange [0:*]
set offsets graph 0, graph 0, graph 0.1, 0
plot file using 2:xtic(1) skip 1 lc rgb "#1f77b4" title label_a." (A) cpu", \
     file using 3 skip 1 lc rgb "#ff7f0e" title label_b." (B) cpu", \
     file using 4 skip 1 lc rgb "#9ecae1" title label_a." (A) system", \
     file using 5 skip 1 lc rgb "#fdd0a2" title label_b." (B) system"
