/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn.h - guest instruction counts from the TCG plugin (bench/qemu-plugin/
 * pb-insn.c): its raw output, the kernel's System.map, and the per-symbol,
 * per-tick and per-read tables made from them.
 */
#ifndef PB_INSN_H
#define PB_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One text symbol of System.map. */
struct ksym {
	uint64_t addr;
	char *name;
};

/* The text symbols of one kernel, by address. ksyms_release(). */
struct ksyms {
	struct ksym *v;
	size_t n;
};

int ksyms_parse(struct ksyms *ks, const char *buf, size_t len, char *err, size_t errlen);
const struct ksym *ksyms_find(const struct ksyms *ks, uint64_t addr);
void ksyms_release(struct ksyms *ks);

enum insn_window { INSN_WIN_NONE, INSN_WIN_OPEN, INSN_WIN_COMPLETE };

/* A tick: per-vCPU totals since the window began, @t_ns after its start. */
struct insn_tick {
	uint64_t seq;
	int64_t t_ns;
	uint64_t *kern, *user;		/* [nvcpu] */
};

/* One memory.stat read (or a workload's op) between its markers; !valid when it moved vCPU. */
struct insn_read {
	uint64_t seq;
	unsigned int vcpu;
	bool valid;
	uint64_t kern, user;
};

/* One vCPU's "work" row: what ran while page-fault's work was open there. */
struct insn_work {
	bool seen;			/* the vCPU has a row */
	uint64_t kern, user, ops;
	uint64_t open, unmatched;	/* parts open at the end; ends without a begin */
	uint64_t irq;			/* interrupt instructions kept out of kern and user */
};

/* Instructions executed from one kernel address (a block's start). */
struct insn_seg {
	uint64_t vaddr, insns;
};

/* A parsed insn.raw. insn_raw_release(). */
struct insn_raw {
	unsigned int nvcpu;
	enum insn_window window;
	int64_t window_ns;
	uint64_t reads_migrated, ops_migrated, probes_migrated, markers_ignored;
	uint64_t *kern, *user;		/* window totals per vCPU */
	uint64_t *spin;			/* kernel wait-loop turns, not in kern ("spin" rows) */
	bool have_spin;			/* the plugin wrote "spin" rows (older ones did not) */
	uint64_t *irq_kern, *irq_user;	/* inside interrupts, in kern/user ("irq" rows, with entries=) */
	bool have_irq;
	struct insn_tick *ticks;
	size_t nticks;
	struct insn_read *reads;
	size_t nreads;
	struct insn_read *ops;		/* a workload's own operations (readcost's reads) */
	size_t nops;
	struct insn_read *probes;	/* stat-probe's probes */
	size_t nprobes;
	struct insn_work *work;		/* [nvcpu], when have_work */
	bool have_work;
	struct insn_seg *segs;
	size_t nsegs;
};

int insn_raw_parse(struct insn_raw *r, const char *buf, size_t len, char *err, size_t errlen);
void insn_raw_release(struct insn_raw *r);
uint64_t insn_raw_kernel_total(const struct insn_raw *r);
const char *insn_window_name(enum insn_window w);

/* Kernel instructions of one symbol (names normalised as perfsym_normalize()). */
struct insn_sym {
	char *name;
	uint64_t insns;
	double share;			/* percent of the window's kernel instructions */
};

int insn_symbols(const struct insn_raw *r, const struct ksyms *ks, struct insn_sym **out,
		 size_t *n);
void insn_syms_free(struct insn_sym *s, size_t n);

int insn_write_results(const char *dir, const struct insn_raw *r, const struct insn_sym *s,
		       size_t n);

struct perfsym_list;

/* 0 when @dir has complete counts and insn-symbols.tsv; else -errno, @err names @dir and why. */
int insn_run_check(const char *dir, char *err, size_t errlen);
/* insn-symbols.tsv of @dir appended to @l as kernel symbols: share as overhead, insns as period. */
int insn_symbols_load(struct perfsym_list *l, const char *dir, char *err, size_t errlen);

#endif
