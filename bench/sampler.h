/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_SAMPLER_H
#define PB_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

struct run;
struct sampler;

/*
 * The 1 Hz memory sampler. For every cgroup of the tree it holds
 * memory.stat and memory.current (v1: memory.usage_in_bytes and
 * memory.kmem.usage_in_bytes) open, plus /proc/vmstat and the root
 * memory.stat. During the run sampler_sample() only preads and times them
 * into samples.raw; sampler_commit(), after the measured window, parses them,
 * computes the drift checks and writes memstat.tsv, readlat.tsv and
 * drift.tsv (then removes samples.raw).
 */

/* Open every file and the output. NULL with errno set and @err filled on failure. */
struct sampler *sampler_new(struct run *r, char *err, size_t errlen);
/* Take one sample at monotonic time @t. 0, or -errno if a read failed. */
int sampler_sample(struct sampler *s, int64_t t);
/* From now on the cgroup of tree node @node gets "after-deletion" checks. */
void sampler_mark_deleted(struct sampler *s, int node);
/* Write the capture buffer to samples.raw (partial data survives a crash). */
int sampler_flush(struct sampler *s);
/* Process the capture into the TSV files (via temp + rename). 0 or -errno. */
int sampler_commit(struct sampler *s);
/*
 * sampler_recover - after the run's process died: turn the samples.raw it
 * left in r->dir into the TSV files, as sampler_commit() would have. @r needs
 * the tree (rebuilt from meta.json), layout, batch, page size and CPUs; no
 * file of the tree is opened. Sets @samples to the samples processed.
 * 0 (samples.raw is then removed) or -errno.
 */
int sampler_recover(struct run *r, unsigned long *samples);
/* Close everything; an uncommitted capture stays in samples.raw. Accepts NULL. */
void sampler_free(struct sampler *s);

#endif
