// SPDX-License-Identifier: GPL-2.0
/*
 * pb-insn.c - a QEMU TCG plugin that counts the guest's instructions, exactly
 * and per vCPU, over the window that patchbench's guest marks.
 *
 *   qemu-system-x86_64 ... -plugin build/pb-insn.so,out=DIR/insn.raw
 *
 * At translation time every block is cut into segments at marker
 * instructions (bench/insn-marker.h); each segment gets one execution
 * callback, which adds to counters of the vCPU that runs it. A counter is
 * written by one vCPU thread only, so no update is lost under MTTCG (the
 * inline counters of plugin API 1 are shared by all vCPUs and race). Kernel
 * segments (addresses with the top bit set) keep their own per-vCPU
 * execution counts, so the host can resolve them to symbols with the
 * kernel's System.map; user segments only add to the vCPU's user total.
 *
 * Spin-wait: a kernel PAUSE (F3 90, cpu_relax()) starts a segment of its
 * own. When a vCPU executes a PAUSE at most SPIN_MAX kernel instructions
 * after its previous one, with no user instruction in between, what it ran
 * since is one more turn of a wait loop (a lock, a timer being deleted on
 * another CPU, a cross-CPU call): those counts move from the symbols and the
 * vCPU's kernel total to its "spin" total. How long a vCPU waits for
 * another depends on how the host schedules the vCPU threads, not on the
 * guest's work: at 2 vCPUs the loops of queued_spin_lock_slowpath,
 * lock_timer_base and hrtimer_cancel moved kmem-churn's kernel count by
 * ~1% between boots. The first turn of a loop (up to its first PAUSE)
 * counts as work.
 *
 * Markers: window begin/end (counting happens only between them), a tick
 * (one row of per-vCPU totals, once per sampler interval), read begin/end
 * (the instructions the reading vCPU executed in between: one row per read,
 * numbered, so row k is the sampler's k-th read), op begin/end (the same
 * for readcost's reads, numbered apart) and probe begin/end (stat-probe's
 * probes, a third sequence), work begin/op/end (page-fault's workers, many at
 * once, each pinned to a CPU: per vCPU, what ran while a part of the work was
 * open there, and the operations done; one "work" row per vCPU). A marker
 * counts with the instructions after it, so a read's count covers exactly
 * what ran between its two markers on that vCPU.
 *
 * entries=FILE (written by the host from System.map: the kernel's interrupt,
 * exception and system-call entry points) gives each vCPU a stack of entry
 * levels: a block that starts at an entry point opens one, an IRETQ or
 * SYSRETQ closes the innermost. What runs while an interrupt level is open
 * (the handler, its softirqs, a task it switched to until the next return)
 * is left out of the work counts and shown apart ("work" rows' last column):
 * timer ticks come by the host's wall time, not by the guest's work, and
 * moved page-fault's instructions per page by 1.2% between boots. The
 * window's totals, ticks, reads, ops and probes keep everything.
 *
 * At exit (the guest powered off) the plugin writes OUT through OUT.tmp and
 * a rename: "pb-insn 1", then "vcpus", "window" (complete / open / none),
 * "window_ns", "total", "spin" (and "work") rows per vCPU, "tick", "read", "op",
 * "probe" and "seg" rows, all tab-separated (format in results/README.md). An open window means the
 * guest died inside it: the host marks the counts incomplete.
 *
 * Messages go to qemu's stderr (qemu_plugin_outs() goes to its log, which is off
 * by default and not open yet while a plugin installs).
 *
 * Debian 12 ships no qemu-plugin.h: the few declarations of plugin API
 * version 1 (QEMU 7.2) used here are written out below. qemu resolves them
 * from its own binary when it loads the plugin.
 */
#include "../insn-marker.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- plugin API version 1, as QEMU 7.2 defines it -------------------------------- */
#define PB_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
				    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

/* the API level this plugin is written against; qemu refuses a level it lacks */
PB_EXPORT int qemu_plugin_version = 1;

/* ---- state ------------------------------------------------------------------------ */
#define KERNEL_BIT (1ull << 63)

/* A kernel segment: @n instructions from @vaddr, executed count[vcpu] times. */
struct seg {
	uint64_t vaddr;
	uint64_t n;
	uint64_t count[];
};

/* The two sequences of begin/end markers: the sampler's reads, a workload's ops. */
enum { SEQ_READ, SEQ_OP, SEQ_PROBE, NR_SEQ };
static const char *const seq_row[NR_SEQ] = { "read", "op", "probe" };

/* a wait loop's turn: at most this many kernel instructions from one PAUSE to the next */
#define SPIN_MAX 400
#define SPIN_SEGS 48		/* segments remembered since the last PAUSE */

/* What one vCPU thread writes; a cache line each, so vCPUs do not share lines. */
struct vcpu {
	uint64_t kern, user;
	uint64_t spin;			/* kernel instructions of wait-loop turns (not in kern) */
	uint64_t since;			/* kernel instructions since the last PAUSE, not in kern yet */
	unsigned int nturn;		/* segments of this turn in turn[], while since <= SPIN_MAX */
	bool armed;			/* a PAUSE ran and nothing broke the turn since */
	struct seg *turn[SPIN_SEGS];
	uint64_t b_kern[NR_SEQ], b_user[NR_SEQ];	/* totals at this vCPU's last begin */
	uint64_t b_seq[NR_SEQ];		/* which read / op that was (0: none) */
	/* work markers: parts open here, the totals when the first opened, the sums */
	unsigned int w_depth;
	uint64_t w_kern0, w_user0, w_irqk0, w_irqu0;
	uint64_t w_kern, w_user, w_ops, w_irq;
	uint64_t w_unmatched;		/* a WORK_OP or WORK_END with no part open */
	bool w_seen;
	/* interrupt entries (entries=FILE): an entry stack, a bit per level set for an interrupt */
	unsigned int e_depth;
	uint64_t e_irq;			/* the levels that are interrupts */
	uint64_t irq_kern, irq_user;	/* instructions run inside an interrupt (in kern, user too) */
} __attribute__((aligned(64)));

enum { WIN_NONE, WIN_OPEN, WIN_DONE };

static struct {
	char *out;
	unsigned int nvcpu;
	struct vcpu *v;
	int win;			/* WIN_*, read without the lock on the hot path */
	int64_t t_begin, t_end;
	uint64_t seq[NR_SEQ];		/* reads, ops, probes begun */
	uint64_t migrated[NR_SEQ];	/* ended on another vCPU than they began */
	uint64_t markers_ignored;	/* a second window, an end before a begin */
	pthread_mutex_t lock;		/* the lists below and the window's state */
	struct seg **segs;
	size_t nsegs, asegs;
	char *rows;			/* "tick", "read", "op" rows, in the order they happened */
	size_t rows_len, rows_alloc;
	uint64_t *entry_addr;		/* sorted */
	char *entry_kind;		/* 'i' interrupt, 'e' exception */
	size_t nentries;
	uint64_t ticks;
} pb = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *must(void *p)
{
	if (!p) {
		fputs("pb-insn: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Append one formatted row to pb.rows; called with pb.lock held. */
static void __attribute__((format(printf, 1, 2))) row_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = pb.rows_alloc - pb.rows_len;

		va_start(ap, fmt);
		n = vsnprintf(pb.rows ? pb.rows + pb.rows_len : NULL, room, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			pb.rows_len += (size_t)n;
			return;
		}
		pb.rows_alloc = pb.rows_alloc ? 2 * pb.rows_alloc + (size_t)n : 65536;
		pb.rows = must(realloc(pb.rows, pb.rows_alloc));
	}
}

/* ---- execution (hot path) ----------------------------------------------------------- */
static void seg_exec(unsigned int vcpu, void *udata)
{
	uintptr_t u = (uintptr_t)udata;
	struct vcpu *v;
	struct seg *s;

	if (__atomic_load_n(&pb.win, __ATOMIC_RELAXED) != WIN_OPEN || vcpu >= pb.nvcpu)
		return;
	v = &pb.v[vcpu];
	if (u & 1) {			/* a user segment: its length, tagged */
		v->user += u >> 1;
		if (v->e_irq)
			v->irq_user += u >> 1;
		if (v->armed) {		/* not a kernel wait loop */
			v->kern += v->since;
			if (v->e_irq)
				v->irq_kern += v->since;
			v->armed = false;
		}
		return;
	}
	s = udata;
	s->count[vcpu]++;
	if (v->armed) {
		/* a turn in progress: its instructions wait for the next PAUSE or its end */
		if (v->since + s->n <= SPIN_MAX && v->nturn < SPIN_SEGS) {
			v->turn[v->nturn++] = s;
			v->since += s->n;
			return;
		}
		v->kern += v->since;	/* too long for a wait loop's turn: work */
		if (v->e_irq)
			v->irq_kern += v->since;
		v->armed = false;
	}
	v->kern += s->n;
	if (v->e_irq)
		v->irq_kern += s->n;
}

/* A kernel PAUSE, before its segment counts: the turn since the last one was spinning. */
static void pause_exec(unsigned int vcpu, void *udata)
{
	struct vcpu *v;
	unsigned int i;

	(void)udata;
	if (__atomic_load_n(&pb.win, __ATOMIC_RELAXED) != WIN_OPEN || vcpu >= pb.nvcpu)
		return;
	v = &pb.v[vcpu];
	if (v->armed) {
		for (i = 0; i < v->nturn; i++)
			v->turn[i]->count[vcpu]--;
		v->spin += v->since;
	}
	v->armed = true;
	v->since = 0;
	v->nturn = 0;
}

/*
 * An entry point of the kernel (entries=FILE): a level more on this vCPU's
 * entry stack, an interrupt level if @udata is 'i'. Tracked outside the
 * window too, so that the stack is right when it opens.
 */
static void entry_exec(unsigned int vcpu, void *udata)
{
	struct vcpu *v;

	if (vcpu >= pb.nvcpu)
		return;
	v = &pb.v[vcpu];
	if (v->e_depth < 64) {
		if ((char)(uintptr_t)udata == 'i')
			v->e_irq |= 1ull << v->e_depth;
		v->e_depth++;
	}
}

/* IRETQ or SYSRETQ in the kernel: the innermost level ends (none open: nothing). */
static void return_exec(unsigned int vcpu, void *udata)
{
	struct vcpu *v;

	(void)udata;
	if (vcpu >= pb.nvcpu)
		return;
	v = &pb.v[vcpu];
	if (v->e_depth) {
		v->e_depth--;
		v->e_irq &= ~(1ull << v->e_depth);
	}
}

static void mark_exec(unsigned int vcpu, void *udata)
{
	int kind = (int)(uintptr_t)udata;
	struct vcpu *v;
	unsigned int i;
	int q;

	if (vcpu >= pb.nvcpu)
		return;
	v = &pb.v[vcpu];
	switch (kind) {
	case PB_MARK_WINDOW_BEGIN:
		pthread_mutex_lock(&pb.lock);
		if (pb.win == WIN_NONE) {
			pb.t_begin = mono_ns();
			__atomic_store_n(&pb.win, WIN_OPEN, __ATOMIC_SEQ_CST);
		} else {
			pb.markers_ignored++;
		}
		pthread_mutex_unlock(&pb.lock);
		break;
	case PB_MARK_WINDOW_END:
		pthread_mutex_lock(&pb.lock);
		if (pb.win == WIN_OPEN) {
			__atomic_store_n(&pb.win, WIN_DONE, __ATOMIC_SEQ_CST);
			pb.t_end = mono_ns();
		} else {
			pb.markers_ignored++;
		}
		pthread_mutex_unlock(&pb.lock);
		break;
	case PB_MARK_TICK:
		pthread_mutex_lock(&pb.lock);
		if (pb.win == WIN_OPEN) {
			/* other vCPUs' totals as they stand now: a moment, not a cut */
			row_add("tick\t%" PRIu64 "\t%" PRId64, pb.ticks++, mono_ns() - pb.t_begin);
			for (i = 0; i < pb.nvcpu; i++)
				row_add("\t%" PRIu64 "\t%" PRIu64,
					__atomic_load_n(&pb.v[i].kern, __ATOMIC_RELAXED),
					__atomic_load_n(&pb.v[i].user, __ATOMIC_RELAXED));
			row_add("\n");
		}
		pthread_mutex_unlock(&pb.lock);
		break;
	case PB_MARK_READ_BEGIN:
	case PB_MARK_OP_BEGIN:
	case PB_MARK_PROBE_BEGIN:
		/* one reader (the sampler), one operating process, one prober: one at a time each */
		q = kind == PB_MARK_READ_BEGIN ? SEQ_READ : kind == PB_MARK_OP_BEGIN ? SEQ_OP :
		    SEQ_PROBE;
		v->b_seq[q] = __atomic_add_fetch(&pb.seq[q], 1, __ATOMIC_SEQ_CST);
		v->b_kern[q] = v->kern;
		v->b_user[q] = v->user;
		break;
	case PB_MARK_READ_END:
	case PB_MARK_OP_END:
	case PB_MARK_PROBE_END:
		q = kind == PB_MARK_READ_END ? SEQ_READ : kind == PB_MARK_OP_END ? SEQ_OP : SEQ_PROBE;
		pthread_mutex_lock(&pb.lock);
		if (pb.win != WIN_OPEN) {
			pthread_mutex_unlock(&pb.lock);
			break;
		}
		/* every end makes a row, so row k stays the k-th read (op) */
		if (v->b_seq[q] && v->b_seq[q] == pb.seq[q]) {
			row_add("%s\t%" PRIu64 "\t%u\t%" PRIu64 "\t%" PRIu64 "\n", seq_row[q],
				pb.seq[q], vcpu, v->kern - v->b_kern[q], v->user - v->b_user[q]);
		} else {
			row_add("%s\t%" PRIu64 "\t%u\t-\t-\n", seq_row[q], pb.seq[q], vcpu);
			pb.migrated[q]++;
		}
		v->b_seq[q] = 0;
		pthread_mutex_unlock(&pb.lock);
		break;
	case PB_MARK_WORK_BEGIN:
		/* this vCPU's own counters only: no lock */
		if (__atomic_load_n(&pb.win, __ATOMIC_RELAXED) != WIN_OPEN)
			break;
		v->w_seen = true;
		if (!v->w_depth++) {
			v->w_kern0 = v->kern;
			v->w_user0 = v->user;
			v->w_irqk0 = v->irq_kern;
			v->w_irqu0 = v->irq_user;
		}
		break;
	case PB_MARK_WORK_OP:
	case PB_MARK_WORK_END:
		if (__atomic_load_n(&pb.win, __ATOMIC_RELAXED) != WIN_OPEN)
			break;
		if (!v->w_depth) {
			v->w_unmatched++;
			break;
		}
		if (kind == PB_MARK_WORK_OP)
			v->w_ops++;
		if (!--v->w_depth) {
			v->w_kern += v->kern - v->w_kern0 - (v->irq_kern - v->w_irqk0);
			v->w_user += v->user - v->w_user0 - (v->irq_user - v->w_irqu0);
			v->w_irq += v->irq_kern - v->w_irqk0 + v->irq_user - v->w_irqu0;
		}
		break;
	}
}

/* ---- translation ------------------------------------------------------------------ */
/* Count instructions [@a, @b) of @tb as one segment. */
static void seg_add(struct qemu_plugin_tb *tb, size_t a, size_t b)
{
	struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, a);
	uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
	struct seg *s;
	void *udata;

	if (!(vaddr & KERNEL_BIT)) {
		udata = (void *)(uintptr_t)(((b - a) << 1) | 1);
	} else {
		s = must(calloc(1, sizeof(*s) + pb.nvcpu * sizeof(s->count[0])));
		s->vaddr = vaddr;
		s->n = b - a;
		pthread_mutex_lock(&pb.lock);
		if (pb.nsegs == pb.asegs) {
			pb.asegs = pb.asegs ? 2 * pb.asegs : 4096;
			pb.segs = must(realloc(pb.segs, pb.asegs * sizeof(*pb.segs)));
		}
		pb.segs[pb.nsegs++] = s;
		pthread_mutex_unlock(&pb.lock);
		udata = s;
	}
	qemu_plugin_register_vcpu_insn_exec_cb(insn, seg_exec, QEMU_PLUGIN_CB_NO_REGS, udata);
}

/* PAUSE (F3 90) in kernel text: cpu_relax() */
static bool is_kernel_pause(struct qemu_plugin_insn *insn)
{
	const unsigned char *b = qemu_plugin_insn_data(insn);

	return (qemu_plugin_insn_vaddr(insn) & KERNEL_BIT) && qemu_plugin_insn_size(insn) == 2 &&
	       b[0] == 0xf3 && b[1] == 0x90;
}

/* The kind of the kernel entry point at @vaddr ('i', 'e', 's'), or 0. */
static char entry_at(uint64_t vaddr)
{
	size_t lo = 0, hi = pb.nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pb.entry_addr[mid] < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pb.nentries && pb.entry_addr[lo] == vaddr ? pb.entry_kind[lo] : 0;
}

/* IRETQ (48 CF) or SYSRETQ (48 0F 07) in kernel text */
static bool is_kernel_return(struct qemu_plugin_insn *insn)
{
	const unsigned char *b = qemu_plugin_insn_data(insn);
	size_t len = qemu_plugin_insn_size(insn);

	return (qemu_plugin_insn_vaddr(insn) & KERNEL_BIT) && b[0] == 0x48 &&
	       ((len == 2 && b[1] == 0xcf) || (len == 3 && b[1] == 0x0f && b[2] == 0x07));
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i, start = 0;

	/* an entry point: its level opens before its first segment counts */
	if (n && pb.nentries) {
		struct qemu_plugin_insn *first = qemu_plugin_tb_get_insn(tb, 0);
		char kind = entry_at(qemu_plugin_insn_vaddr(first));

		if (kind)
			qemu_plugin_register_vcpu_insn_exec_cb(first, entry_exec, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)kind);
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		int kind = pb_mark_decode(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn));

		if (!kind && is_kernel_pause(insn)) {
			/* its own segment, the callback first: the turn ends before it counts */
			if (i > start)
				seg_add(tb, start, i);
			qemu_plugin_register_vcpu_insn_exec_cb(insn, pause_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
			start = i;
			continue;
		}
		if (!kind)
			continue;
		if (i > start)
			seg_add(tb, start, i);
		/* registered before the segment that starts here: it sees the totals before it */
		qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec, QEMU_PLUGIN_CB_NO_REGS,
						       (void *)(uintptr_t)kind);
		start = i;
	}
	if (n > start)
		seg_add(tb, start, n);
	/* a return ends a block: its level closes after the last segment counted */
	if (n && pb.nentries && is_kernel_return(qemu_plugin_tb_get_insn(tb, n - 1)))
		qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_tb_get_insn(tb, n - 1),
						       return_exec, QEMU_PLUGIN_CB_NO_REGS, NULL);
}

/* ---- output ----------------------------------------------------------------------- */
static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = *(struct seg *const *)a, *y = *(struct seg *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int write_out(void)
{
	static const char *const win[] = { "none", "open", "complete" };
	char *tmp;
	size_t i;
	FILE *f;
	int ret = 0;

	if (asprintf(&tmp, "%s.tmp", pb.out) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		free(tmp);
		return ret;
	}
	fprintf(f, "pb-insn\t1\nvcpus\t%u\nwindow\t%s\nwindow_ns\t%" PRId64 "\n", pb.nvcpu,
		win[pb.win], pb.win == WIN_DONE ? pb.t_end - pb.t_begin : 0);
	fprintf(f, "reads_migrated\t%" PRIu64 "\nops_migrated\t%" PRIu64 "\n"
		"probes_migrated\t%" PRIu64 "\nmarkers_ignored\t%" PRIu64 "\n",
		pb.migrated[SEQ_READ], pb.migrated[SEQ_OP], pb.migrated[SEQ_PROBE],
		pb.markers_ignored);
	for (i = 0; i < pb.nvcpu; i++)
		fprintf(f, "total\t%zu\t%" PRIu64 "\t%" PRIu64 "\n", i,
			pb.v[i].kern + (pb.v[i].armed ? pb.v[i].since : 0), pb.v[i].user);
	for (i = 0; i < pb.nvcpu; i++)
		fprintf(f, "spin\t%zu\t%" PRIu64 "\n", i, pb.v[i].spin);
	/* inside interrupts (entries=), in the totals above: what a tick or an IPI cost */
	for (i = 0; pb.nentries && i < pb.nvcpu; i++)
		fprintf(f, "irq\t%zu\t%" PRIu64 "\t%" PRIu64 "\n", i, pb.v[i].irq_kern,
			pb.v[i].irq_user);
	/* work parts still open when counting stopped count up to there; depth says so */
	for (i = 0; i < pb.nvcpu; i++) {
		const struct vcpu *v = &pb.v[i];

		if (!v->w_seen)
			continue;
		uint64_t ik = v->w_depth ? v->irq_kern - v->w_irqk0 : 0;
		uint64_t iu = v->w_depth ? v->irq_user - v->w_irqu0 : 0;

		fprintf(f, "work\t%zu\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%u\t%" PRIu64 "\t%"
			PRIu64 "\n", i, v->w_kern + (v->w_depth ? v->kern - v->w_kern0 - ik : 0),
			v->w_user + (v->w_depth ? v->user - v->w_user0 - iu : 0), v->w_ops,
			v->w_depth, v->w_unmatched, v->w_irq + ik + iu);
	}
	if (pb.rows_len)
		fwrite(pb.rows, 1, pb.rows_len, f);
	/* one row per kernel address: retranslations of a block add up */
	qsort(pb.segs, pb.nsegs, sizeof(*pb.segs), cmp_seg);
	for (i = 0; i < pb.nsegs; ) {
		uint64_t vaddr = pb.segs[i]->vaddr, insns = 0;

		for (; i < pb.nsegs && pb.segs[i]->vaddr == vaddr; i++)
			for (unsigned int c = 0; c < pb.nvcpu; c++)
				insns += pb.segs[i]->count[c] * pb.segs[i]->n;
		if (insns)
			fprintf(f, "seg\t%" PRIx64 "\t%" PRIu64 "\n", vaddr, insns);
	}
	if (ferror(f))
		ret = -EIO;
	if (fflush(f) || fsync(fileno(f)))
		ret = ret ? ret : -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, pb.out))
		ret = -errno;
	if (ret)
		remove(tmp);
	free(tmp);
	return ret;
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	char msg[512];
	int ret = write_out();

	if (ret) {
		snprintf(msg, sizeof(msg), "pb-insn: cannot write '%s': %s\n", pb.out,
			 strerror(-ret));
		fputs(msg, stderr);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * entries=FILE: the kernel's entry points, "ADDRESS KIND" a line (hex, then i
 * for an interrupt, e for an exception, s for the system call), as the host
 * writes them from System.map. Return: 0, or -1 after saying why on stderr.
 */
static int load_entries(const char *path)
{
	struct { uint64_t addr; char kind; } *e = NULL;
	char line[128], msg[512];
	size_t n = 0, alloc = 0, i;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(msg, sizeof(msg), "pb-insn: cannot read '%s': %s\n", path, strerror(errno));
		fputs(msg, stderr);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char k;

		if (sscanf(line, "%llx %c", &a, &k) != 2 || !strchr("ies", k)) {
			snprintf(msg, sizeof(msg), "pb-insn: '%s': bad line '%.60s'\n", path, line);
			fputs(msg, stderr);
			fclose(f);
			free(e);
			return -1;
		}
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			e = must(realloc(e, alloc * sizeof(*e)));
		}
		e[n].addr = a;
		e[n++].kind = k;
	}
	fclose(f);
	qsort(e, n, sizeof(*e), cmp_entry);	/* addr first: sorts by it */
	pb.entry_addr = must(calloc(n + 1, sizeof(*pb.entry_addr)));
	pb.entry_kind = must(calloc(n + 1, 1));
	for (i = 0; i < n; i++) {
		pb.entry_addr[i] = e[i].addr;
		pb.entry_kind[i] = e[i].kind;
	}
	pb.nentries = n;
	free(e);
	return 0;
}

PB_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				  char **argv)
{
	char msg[256];
	int i;

	/* the plugin reads guest x86-64 instructions and needs the system's vCPU count */
	if (info->version.cur < 1 || info->version.min > 1 || !info->system_emulation ||
	    strcmp(info->target_name, "x86_64")) {
		snprintf(msg, sizeof(msg), "pb-insn: needs plugin API 1 and x86_64 system "
			 "emulation (qemu has API %d..%d, target %s, %s)\n", info->version.min,
			 info->version.cur, info->target_name,
			 info->system_emulation ? "system" : "user");
		fputs(msg, stderr);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4) && argv[i][4]) {
			free(pb.out);
			pb.out = must(strdup(argv[i] + 4));
		} else if (!strncmp(argv[i], "entries=", 8) && argv[i][8]) {
			if (load_entries(argv[i] + 8))
				return -1;
		} else {
			snprintf(msg, sizeof(msg), "pb-insn: unknown argument '%s' (takes out=FILE, entries=FILE)\n",
				 argv[i]);
			fputs(msg, stderr);
			return -1;
		}
	}
	if (!pb.out) {
		fputs("pb-insn: needs out=FILE\n", stderr);
		return -1;
	}
	pb.nvcpu = info->system.max_vcpus > 0 ? (unsigned int)info->system.max_vcpus : 1;
	if (posix_memalign((void **)&pb.v, 64, pb.nvcpu * sizeof(*pb.v)))
		must(NULL);
	memset(pb.v, 0, pb.nvcpu * sizeof(*pb.v));
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
