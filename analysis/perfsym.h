/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfsym.h - the per-symbol profile of one run: parsing "perf report"
 * output, normalising symbol names so they match across kernels, reading and
 * writing perf-symbols.tsv, and checking that a perf.data file is whole.
 */
#ifndef PB_PERFSYM_H
#define PB_PERFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row of a profile. */
struct perfsym {
	double overhead_pct;	/* share of the event count (period), in % */
	uint64_t period;	/* event count of the symbol (0 if perf did not say) */
	uint64_t samples;
	char kind;		/* 'k' kernel, 'u' user ("[.]"), 'g'/'v' guest kernel/user, '?' */
	char *dso;		/* "[kernel.kallsyms]", "libc.so.6" */
	char *symbol;		/* as perf printed it, without the "[k] " marker */
	char *norm;		/* perfsym_normalize(symbol) */
};

struct perfsym_list {
	struct perfsym *v;
	size_t n, alloc;
	char *event;		/* "cpu-clock", from the report header; NULL if unknown */
};

/* The perf report command line whose output perfsym_parse_report() reads. */
#define PERFSYM_REPORT_ARGS "report", "--stdio", "--sort", "dso,sym", \
	"-F", "overhead,period,sample,dso,sym", "--percent-limit", "0"

/*
 * perfsym_normalize - @sym without the suffixes the compiler adds to local
 * copies of a function (".isra.N", ".constprop.N", ".part.N", ".cold",
 * ".cold.N", ".llvm.N", ".lto_priv.N", ".localalias", and C++'s
 * " [clone .isra.0]"), in any combination, so that a symbol matches itself
 * across kernels built with different inlining decisions (0-day does the
 * same). Returns a new string the caller must free().
 */
char *perfsym_normalize(const char *sym);

void perfsym_list_init(struct perfsym_list *l);
void perfsym_list_release(struct perfsym_list *l);
/* Append a copy of @dso/@symbol; the normalised name is computed here. */
struct perfsym *perfsym_add(struct perfsym_list *l, char kind, const char *dso,
			    const char *symbol);
/* Sort by overhead, highest first (ties by name, so the order is stable). */
void perfsym_sort(struct perfsym_list *l);

/*
 * perfsym_parse_report - parse the output of "perf report --stdio -t '\t'"
 * (PERFSYM_REPORT_ARGS; the columns are found from the header line, so
 * Period and Samples may be missing) into @l, appending. When a period
 * column is present, overhead_pct is recomputed from the periods to full
 * precision (perf prints two decimals). Only the first event of a
 * multi-event report is read. Returns 0 or -EINVAL with @err.
 */
int perfsym_parse_report(const char *buf, size_t len, struct perfsym_list *l, char *err,
			 size_t errlen);

/* Write @l to @path (perf-symbols.tsv) atomically. 0 or -errno. */
int perfsym_write_tsv(const struct perfsym_list *l, const char *path);
/* Read perf-symbols.tsv into @l (appending). 0 or -errno with @err naming the file. */
int perfsym_load_tsv(struct perfsym_list *l, const char *path, char *err, size_t errlen);

/*
 * perfsym_check_data - is the perf.data file at @path whole? Checks the
 * header, that the data section was finalised (perf record exited
 * cleanly), and that the data and feature sections lie inside the file.
 * 0, or -errno / -EINVAL with @err naming the file and what is wrong.
 */
int perfsym_check_data(const char *path, char *err, size_t errlen);

#endif
