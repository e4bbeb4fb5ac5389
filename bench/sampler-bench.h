/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sampler-bench.h - the "sampler" benchmark collection: CPU per
 * memory.stat sample of patchbench's sampler against a bare pread loop
 * over the same files and a shell monitor (cat in a loop).
 */
#ifndef PB_SAMPLER_BENCH_H
#define PB_SAMPLER_BENCH_H

#include <stdio.h>

struct json_writer;

/* anonymous memory each idle-* cgroup of the sampled tree holds */
#define SAMPLER_BENCH_HOLD_BYTES (8u << 20)

struct sampler_bench_opts {
	int samples;		/* measured samples of the sampler and of the pread loop */
	int shell_samples;	/* measured samples of the shell monitor; 0 skips it */
	int warmup;		/* unmeasured samples before each method */
	int cgroups;		/* cgroups in the sampled tree */
};

/*
 * sampler_bench_run - build a tree of @o->cgroups cgroups below the own
 * memory cgroup (kernelbuild/one/two/three/four/{build-a, build-b,
 * idle-1..}, a process holding SAMPLER_BENCH_HOLD_BYTES in each idle-*),
 * read the sampler's file set the three ways and print their CPU cost per
 * sample and the ratios against their targets: as text on @out, or, when
 * @w is not NULL, as one JSON object value written into @w. Everything it
 * made is removed at the end. Needs root. Returns 0, -EINTR after
 * sampler_bench_interrupt(), or -errno after printing an error.
 */
int sampler_bench_run(const struct sampler_bench_opts *o, struct json_writer *w, FILE *out);

/*
 * sampler_bench_interrupt - for the caller's signal handler (async-signal
 * safe): kill the running shell monitor's process group and make a running
 * sampler_bench_run() stop with -EINTR.
 */
void sampler_bench_interrupt(int sig);

#endif
