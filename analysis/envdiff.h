/* SPDX-License-Identifier: GPL-2.0 */
/*
 * envdiff.h - the differences of the runs' environments (meta.json "env",
 * bench/envcap.h) between the two sides of a comparison and within a side.
 *
 * Every env field and every vm sysctl is a key ("cpu_model", "vm.swappiness";
 * a vm run's guest env is not compared: the host's is the machine). A key is
 * listed when its value is not the same in every run that recorded an env. A
 * run without one (older than it) is left out, so that comparing with an old
 * baseline lists nothing; a run with an env but not that key (qemu in a host
 * run) counts as ENVDIFF_UNRECORDED.
 *
 * Refusal: the keys of envdiff_refusing[] (CPU model, qemu version, cpufreq
 * governor) make the sides different machines when both sides recorded the
 * key and the sets of values they recorded differ. compare refuses such sides
 * unless --force.
 */
#ifndef PB_ENVDIFF_H
#define PB_ENVDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "resultdir.h"

#define ENVDIFF_UNRECORDED "(not recorded)"

/* "cpu_model", "qemu", "cpufreq_governor", NULL */
extern const char *const envdiff_refusing[];

/* One key whose value is not the same in every run. */
struct env_key_diff {
	char *key;		/* "cpu_model", "vm.swappiness" */
	char **a, **b;		/* the values of each side, once each, in run order */
	size_t na, nb;
	bool between;		/* the sides' sets of values differ */
	bool refuses;		/* a key of envdiff_refusing[] that makes them different machines */
};

struct env_diff {
	struct env_key_diff *keys;	/* in the order of the env fields, then vm sysctls */
	size_t n;
};

/**
 * envdiff_compute - the differences of the envs of runs @a (@na) and @b (@nb)
 * @d: filled in (what it held is released first); release with envdiff_release()
 * @a: the metas of side A
 * @na: how many
 * @b: the metas of side B
 * @nb: how many
 */
void envdiff_compute(struct env_diff *d, const struct meta *a, size_t na, const struct meta *b,
		     size_t nb);
void envdiff_release(struct env_diff *d);

/* The first key that refuses the comparison, or NULL. */
const struct env_key_diff *envdiff_refused(const struct env_diff *d);

/*
 * envdiff_line - one key as a line: "cpu_model: 'AMD EPYC' (A) vs 'Intel Xeon'
 * (B)", with "within a side" when the sides have the same values, and
 * "refuses without --force" for a refusing key. The caller frees it.
 */
char *envdiff_line(const struct env_key_diff *k);

/*
 * envdiff_refusal - "the sides ran on different machines: cpu_model 'AMD
 * EPYC' (A) vs 'Intel Xeon' (B)" (", and N more keys" after it), or NULL
 * when nothing refuses. The caller frees it.
 */
char *envdiff_refusal(const struct env_diff *d);

#endif
