/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report-insn.h - the report section of the guest instruction counts (the
 * TCG plugin's insn.tsv, insn-symbols.tsv, insn-reads.tsv), printed only
 * when the run has them.
 */
#ifndef PB_REPORT_INSN_H
#define PB_REPORT_INSN_H

#include <stdio.h>

struct json_writer;
struct run_summary;

/* What every report with instruction counts says once. */
#define REPORT_INSN_NOTE "instructions are not cycles: no cache misses, no stall time"

/*
 * report_insn_text - the window's kernel and user instructions, the top
 * kernel symbols by share and the memory.stat read cost per tree level
 * (p50, p99, in kernel instructions) of the run @s loaded from @dir, as a
 * 72-column section preceded by a blank line; counts that are not complete
 * print one line saying so. A run without insn.tsv prints nothing.
 */
void report_insn_text(const struct run_summary *s, const char *dir, FILE *out);
/* The same as member "instructions" of the open object @w (absent without insn.tsv). */
void report_insn_json(const struct run_summary *s, const char *dir, struct json_writer *w);

#endif
