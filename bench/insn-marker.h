/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn-marker.h - marker instructions that the TCG instruction-count plugin
 * (bench/qemu-plugin/pb-insn.c) recognises at translation time.
 *
 * A marker is the 8-byte NOP "nopl disp32(%rax,%rax,1)" (0f 1f 84 00 +
 * disp32) whose displacement carries PB_MARK_MAGIC in its upper 16 bits and
 * the marker kind in its lower 16. It does nothing on real hardware and under
 * KVM, so the same guest binary runs everywhere; only the plugin gives it a
 * meaning.
 *
 *   PB_MARK(PB_MARK_WINDOW_BEGIN);   ... measured window ...
 *   PB_MARK(PB_MARK_READ_BEGIN); pread(fd, ...); PB_MARK(PB_MARK_READ_END);
 *   PB_MARK(PB_MARK_TICK);           once per sampler interval
 *   PB_MARK(PB_MARK_OP_BEGIN); ... PB_MARK(PB_MARK_OP_END);   a workload's operation
 *   PB_MARK(PB_MARK_WORK_BEGIN); ... PB_MARK(PB_MARK_WORK_OP);  one operation of many processes
 *   PB_MARK(PB_MARK_WINDOW_END);
 *
 * Reads, ops and probes are three sequences, each numbered from 1 in the order
 * they begin, each for one process at a time: the sampler makes the reads,
 * readcost's controller the ops, stat-probe's process the probes.
 *
 * Work markers are for many processes at once (page-fault's workers), each
 * pinned to one CPU so that what it begins on a vCPU ends there: per vCPU,
 * the plugin adds up what ran while at least one part of the work was open
 * there (WORK_BEGIN nests; WORK_OP and WORK_END close one, WORK_OP also
 * counts one operation). No row per operation: a total and a count per vCPU.
 */
#ifndef PB_INSN_MARKER_H
#define PB_INSN_MARKER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PB_MARK_MAGIC		0x50420000u	/* "PB" */
#define PB_MARK_LEN		8

enum pb_mark {
	PB_MARK_WINDOW_BEGIN	= 1,	/* counting starts, on every vCPU */
	PB_MARK_WINDOW_END	= 2,	/* counting stops */
	PB_MARK_TICK		= 3,	/* a row of per-vCPU totals (one per sample) */
	PB_MARK_READ_BEGIN	= 4,	/* this vCPU starts one memory.stat read */
	PB_MARK_READ_END	= 5,	/* ... and ends it: one read row */
	PB_MARK_OP_BEGIN	= 6,	/* a workload's own operation begins (readcost's reads) */
	PB_MARK_OP_END		= 7,	/* ... and ends: one op row, numbered apart from reads */
	PB_MARK_PROBE_BEGIN	= 8,	/* stat-probe's probe begins (read, fault, read) */
	PB_MARK_PROBE_END	= 9,	/* ... and ends: one probe row, numbered apart */
	PB_MARK_WORK_BEGIN	= 10,	/* this vCPU enters a part of a workload's work (nests) */
	PB_MARK_WORK_OP		= 11,	/* ... leaves it, and one operation is done */
	PB_MARK_WORK_END	= 12,	/* ... leaves it, no operation counted */
	PB_MARK_MAX		= 12,
};

#define PB_MARK_STR_(x)	#x
#define PB_MARK_STR(x)	PB_MARK_STR_(x)

/* Emit marker @kind (a constant expression) at this point of the instruction stream. */
#define PB_MARK(kind)							\
	__asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long %c0"	\
			 : : "i" (PB_MARK_MAGIC | (kind)) : "memory")

/**
 * pb_mark_decode - the marker kind of the instruction bytes @p, @len long
 * @p: the instruction's bytes as the guest has them
 * @len: its length
 *
 * Return: the kind (1..PB_MARK_MAX), or 0 when @p is no marker (any other
 * instruction, a NOP with another displacement, an unknown kind).
 */
static inline int pb_mark_decode(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t disp;

	if (len != PB_MARK_LEN || b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x84 || b[3] != 0x00)
		return 0;
	memcpy(&disp, b + 4, sizeof(disp));	/* x86: little-endian, as the host */
	if ((disp & 0xffff0000u) != PB_MARK_MAGIC)
		return 0;
	disp &= 0xffff;
	return disp >= 1 && disp <= PB_MARK_MAX ? (int)disp : 0;
}

#endif
