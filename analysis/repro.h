/* SPDX-License-Identifier: GPL-2.0 */
/*
 * repro.h - the analysis of "patchbench reproduce" (the memcg rstat cover
 * letter's tables): the kernels a reproduction compares and what each
 * must show, table 1 (the selftests' TAP beside patchbench's drift checks),
 * table 3 (root memory.stat vs /proc/vmstat from drift.tsv), the stat-lag
 * rows, the read-cost scaling and its verdicts, each kernel's verdict
 * against its expectation, and the reports (REPORT.txt, REPORT.md,
 * report.html). Everything reads result directories; nothing runs.
 */
#ifndef PB_REPRO_H
#define PB_REPRO_H

#include "compare.h"
#include "metrics.h"
#include "stats.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kernel_info;

#define REPRO_NKERNELS 4

/* What each patched kernel must show against vanilla. */
enum repro_expect {
	REPRO_EXPECT_NO_CHANGE,
	REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST,
	REPRO_EXPECT_DRIFT_REGRESSION,
};

/* vanilla, noop, memcg-flush-on-read, memcg-lazy-flush: vanilla is the baseline, [0] */
extern const char *const repro_kernel_names[REPRO_NKERNELS];
/* the verdict each kernel must reach against vanilla; [0] is unused */
extern const enum repro_expect repro_expected[REPRO_NKERNELS];

/* Table 1: the selftests.tap of one selftests run. */
struct repro_tap {
	struct tap_doc doc;
	bool present;		/* the run has a selftests.tap */
};

/*
 * repro_tap_load - parse <@dir>/selftests.tap into @ts (no init needed);
 * a missing file leaves @ts empty with present false. Release @ts with
 * repro_tap_release().
 */
void repro_tap_load(struct repro_tap *ts, const char *dir);
void repro_tap_release(struct repro_tap *ts);

/*
 * repro_tap_status - table 1's cell of test @row (tap_test_row()) in @ts:
 * "ok", "skip", "FAIL", or "-" when @ts has no such test. Static strings.
 */
const char *repro_tap_status(const struct repro_tap *ts, const char *row);

/*
 * repro_drift_state - patchbench's view of drift check @check in run @dir:
 * "OVER" when a row of it was over its bound, "within", or "-" when the
 * run (or @dir, which may be NULL) has no rows of it. @max_share is the
 * largest error as a share of the bound, NaN if unknown. Static strings.
 */
const char *repro_drift_state(const char *dir, const char *check, double *max_share);

/* Table 3: the memory.stat keys it shows, NULL-terminated (REPRO_T3_NKEYS of them) */
#define REPRO_T3_NKEYS 4
extern const char *const repro_t3_keys[REPRO_T3_NKEYS + 1];

struct repro_t3_cell {
	double max, p99;	/* abs error, bytes; NaN without rows */
	double bound;		/* the largest bound of the rows, bytes */
	size_t n;		/* rows */
};

/* Table 3 of one side: [key of repro_t3_keys][0 during the build, 1 after it]. */
struct repro_t3 {
	struct repro_t3_cell c[REPRO_T3_NKEYS][2];
};

/*
 * repro_t3_collect - the root-vs-vmstat errors of every key of
 * repro_t3_keys over the runs of @s (their drift.tsv), during the kernel
 * build and after it (the samples of --settle, after the last kernelbuild
 * instance's end_ms in workloads.tsv; every sample of a run without a build
 * counts as "during"). A run without a readable drift.tsv adds nothing.
 */
void repro_t3_collect(const struct cmp_side *s, struct repro_t3 *out);

/* Read cost: one point (kind, N, state, method) with one value per run (boot). */
struct repro_rc_point {
	char *kind, *state, *method, *dying;
	int cgroups;
	/*
	 * of each run: us, the p50 (method inproc) or mean (hyperfine); or the
	 * median kernel instructions of the in-process reads (method "insn", vm
	 * runs under TCG with counts: insn-ops.tsv)
	 */
	struct dvec v;
};

/* The read-cost points of one kernel's runs. */
struct repro_rc_set {
	struct repro_rc_point *p;
	size_t n;
	size_t runs;		/* runs with a readcost.tsv */
	bool present;
	bool insn;		/* it has "insn" points */
};

/*
 * repro_rc_load - add the points of the readcost.tsv in run @dir to @rs
 * (zeroed before the first call); nothing if it has none or lacks a column.
 * Release @rs with repro_rc_release().
 */
void repro_rc_load(struct repro_rc_set *rs, const char *dir);
void repro_rc_release(struct repro_rc_set *rs);

/* The point of @rs (may be NULL) at (@kind, @cgroups, @state, @method), or NULL. */
const struct repro_rc_point *repro_rc_find(const struct repro_rc_set *rs, const char *kind,
					   int cgroups, const char *state, const char *method);

/* The median over the runs of @p (may be NULL), NaN without values. */
double repro_rc_median(const struct repro_rc_point *p);

/* The read-cost verdict of one kernel against vanilla. */
struct repro_rc_verdict {
	int reg, imp;		/* points significantly higher / lower by the threshold */
	int points;		/* points tested (2+ runs on both sides) */
	bool insn;		/* judged on kernel instructions, not time */
	char worst[64];		/* the largest change, "-" without one */
};

/*
 * A change in the kernel instructions of a read that counts: two boots of the
 * vanilla smoke kernel (2026-12-02, readcost at 10 and 100 idle and deleted
 * children) agreed within 0.1% at every point (38497 vs 38497 quiet at 10,
 * 199898 vs 199811 dirty at 100 deleted).
 */
#define REPRO_RC_INSN_THRESHOLD 0.05

/*
 * repro_rc_verdict - the read cost of @b against @a (vanilla) into @v. The
 * samples are runs (boots): per in-process "dirty" point the p50 of each
 * run; Welch's test per point, Holm's correction over the points
 * (family-wise 5%); a point counts when it is significant and the mean
 * changed by more than 25% (time), or by more than REPRO_RC_INSN_THRESHOLD
 * when both sides have instruction counts, which are then what is judged.
 */
void repro_rc_verdict(const struct repro_rc_set *a, const struct repro_rc_set *b,
		      struct repro_rc_verdict *v);

/* stat-lag rows (probe.tsv) of the runs of one side. */
struct repro_statlag {
	size_t n, lag;		/* probes, and those that did not show the change in full */
	double mean;		/* mean error, bytes; NaN without probes */
};

/* repro_statlag_collect - the stat-lag probes of every run of @s into @sl. */
void repro_statlag_collect(const struct cmp_side *s, struct repro_statlag *sl);

/* One kernel of a reproduction: its runs, what was read of them, its verdict. */
struct repro_kernel {
	struct comparison c;	/* vanilla (A) vs this kernel (B); unused for vanilla */
	bool have_c;
	char *runs_dir;		/* runs/<kernel>: tables 2 and 3 */
	char *st_dir;		/* selftests/<kernel>, NULL when table 1 leaves it out */
	struct repro_tap tap;
	struct repro_rc_set rc;
	struct repro_rc_verdict rcv;
	struct repro_t3 t3a, t3b;	/* table 3: vanilla's runs, this kernel's */
	struct repro_statlag sl;	/* stat-lag of this kernel's runs (vanilla: of its own) */
	/* outcome */
	bool drift_reg, drift_imp, read_reg, no_verdict;
	bool as_expected;
	char *why;		/* what the verdicts were, for the report */
};

/* repro_verdicts_of - @k's drift and readlat verdicts from its comparison @k->c. */
void repro_verdicts_of(struct repro_kernel *k);

/*
 * repro_check_expected - whether the verdicts of @k (repro_verdicts_of(),
 * @k->rc and @k->rcv) are the expected @e: sets @k->as_expected and
 * @k->why (the caller's, freed by repro_kernel_release()).
 */
void repro_check_expected(struct repro_kernel *k, enum repro_expect e);

/*
 * repro_kernel_analyse - compare @ks[0].runs_dir (vanilla) with
 * @ks[@i].runs_dir and read tables 3, stat-lag and the read-cost verdict,
 * then check @ks[@i] against repro_expected[@i]. With @i 1 also vanilla's
 * own stat-lag (@ks[0].sl). Returns 0, or -errno with @err (the comparison
 * failed; @ks[@i].why says so).
 */
int repro_kernel_analyse(struct repro_kernel *ks, size_t i, char *err, size_t errlen);

/* repro_kernel_release - free what @k holds; @k is zeroed (or was never filled). */
void repro_kernel_release(struct repro_kernel *k);

/*
 * repro_rc_write_summary - readcost-summary.tsv (the median over the runs
 * of every point of every kernel) and readcost-plot.tsv (readcost.gp's data)
 * in @out from @ks[REPRO_NKERNELS]. Returns 0 or -errno.
 */
int repro_rc_write_summary(const char *out, const struct repro_kernel *ks);

/* --repeats auto: the rounds made and why they stopped. */
struct repro_auto {
	int rounds;
	int max_repeat;
	char *stopped;		/* "settled after 3 rounds: noop insn:kernel same (...), ..." */
};

/* What the report says of the reproduction's options. */
struct repro_params {
	const char *scale;
	int repeats;
	const struct repro_auto *rauto;	/* --repeats auto: what it did; NULL without */
	const char *workloads;
	bool fixed_duration;	/* --duration given */
	bool no_selftests;
	const char *selftests, *selftests_kernels;
	bool no_readcost;
	const char *readcost_counts;
	int readcost_repeats;
};

/*
 * repro_write_reports - REPORT.md, REPORT.txt and report.html (with
 * readcost.svg when gnuplot draws it) in @out from @ks[REPRO_NKERNELS] and
 * @ki[REPRO_NKERNELS]; @secs is what the reproduction took. REPORT.txt's
 * text is added to @text. Returns 0 or -errno (a report not written).
 */
int repro_write_reports(const char *out, const struct repro_params *p,
			const struct repro_kernel *ks, const struct kernel_info *ki, int64_t secs,
			struct strbuf *text);

#endif
