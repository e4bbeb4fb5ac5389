/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - system-wide counting perf events, "perf stat -a" style: one
 * event per CPU of the machine for each counter, opened disabled, enabled
 * and disabled around the measured window, read summed over the CPUs and
 * scaled as perf stat scales a multiplexed counter (value x enabled /
 * running).
 *
 * Two backends behind one interface, one file each: libperf
 * (counters-libperf.c: perf_evlist / perf_evsel / perf_counts_values of
 * tools/lib/perf, built from the kernel source into the cache by
 * scripts/libperf.sh) and raw perf_event_open() (counters-raw.c), the
 * fallback when libperf was not built (the build said which step failed) or
 * cannot open the events. The backend used is counters_backend()'s, and
 * counters_note() says why it is not libperf.
 */
#ifndef PB_COUNTERS_H
#define PB_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One counter: a perf_event_attr type and config. */
struct counter_spec {
	const char *name;	/* "task-clock" */
	uint32_t type;		/* PERF_TYPE_SOFTWARE */
	uint64_t config;	/* PERF_COUNT_SW_TASK_CLOCK */
};

/* A counter's total over the CPUs. */
struct counter_value {
	uint64_t value;		/* scaled to the whole window where it was multiplexed */
	uint64_t enabled;	/* ns the events were enabled, summed over the CPUs */
	uint64_t running;	/* ns they counted */
};

/*
 * A backend: open @n counters on every online CPU (pid -1), disabled, with
 * PERF_FORMAT_TOTAL_TIME_ENABLED | _RUNNING and close-on-exec descriptors.
 * open() puts -errno for a counter that could not be opened on some CPU
 * into @errs[i] (0 if it opened everywhere) and returns NULL with errno set
 * and @err filled when none opened.
 */
struct counter_backend {
	const char *name;	/* "libperf", "raw" */
	void *(*open)(const struct counter_spec *specs, size_t n, int *errs, int *ncpu,
		      char *err, size_t errlen);
	void (*enable)(void *priv);
	void (*disable)(void *priv);
	/* The total of counter @i; 0, or -errno (it was not opened) */
	int (*read)(void *priv, size_t i, struct counter_value *v);
	void (*free)(void *priv);
};

extern const struct counter_backend counters_raw;
/* Without libperf (the build failed) its open() fails with -ENOSYS and the build's reason. */
extern const struct counter_backend counters_libperf;

struct counters;

/*
 * counters_open - the counters of @specs, by libperf, else by raw
 * perf_event_open() with the reason in counters_note(). The environment
 * variable PATCHBENCH_COUNTERS=raw forces the raw backend (the fallback's
 * own test). NULL with errno set and @err filled when no counter opens with
 * either. Free with counters_free().
 */
struct counters *counters_open(const struct counter_spec *specs, size_t n, char *err,
			       size_t errlen);
void counters_enable(struct counters *c);
void counters_disable(struct counters *c);
/* The total of counter @i: 0, or the -errno that kept it from opening. */
int counters_read(struct counters *c, size_t i, struct counter_value *v);
/* Why counter @i could not be opened: -errno, or 0 if it was. */
int counters_error(const struct counters *c, size_t i);
/* The CPUs counted. */
int counters_ncpu(const struct counters *c);
/* "libperf" or "raw". */
const char *counters_backend(const struct counters *c);
/* Why the backend is not libperf ("libperf not built: ..."), or NULL. */
const char *counters_note(const struct counters *c);
/* Accepts NULL. */
void counters_free(struct counters *c);

/*
 * counters_try - can counter @type/@config be opened system-wide (by the
 * backend counters_open() would use)? 0, or -errno: -ENOENT/-EOPNOTSUPP
 * without such a counter (no PMU), -EACCES/-EPERM when not permitted.
 */
int counters_try(uint32_t type, uint64_t config);

#endif
