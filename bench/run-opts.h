/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run-opts.h - a run as a value: the options of "patchbench run" (one table,
 * in run-opts.c), filled from a command line or directly by a caller (ab,
 * reproduce), and the one text encoding of a run, the guest-args file.
 */
#ifndef PB_RUN_OPTS_H
#define PB_RUN_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "util.h"

struct meta;
struct workload;

/* Tag of an option of run_options[] that stays on the host: a guest's run never gets it. */
#define RUN_HOST 1u
/* The option table of "patchbench run", OPT_END-terminated. */
extern const struct option run_options[];

/* Room for the workloads of workloads[] (asserted there). */
#define RUN_MAX_WORKLOADS 12

/* The files of the guest hand-over, in the share (run_opts_guest_write/read). */
#define GUEST_ARGS_FILE "guest-args"	/* "run" options, one "--name=value" per line */
#define GUEST_INFO_FILE "guest.info"	/* key=value: target, kernel, series, config_hash, notes */

/* Options of "patchbench run". */
struct run_opts {
	char *target;		/* host | vm */
	char *cgroup;		/* auto | v1 | v2 */
	char *workload;		/* comma-separated workload names */
	char *scale;		/* smoke | small | full */
	char *out;		/* result directory; NULL = results/<run-id> */
	char *source;		/* kernel source dir or tarball */
	char *cache;		/* cache directory; NULL = default */
	int depth, builders, idle, jobs, batch;
	int64_t interval, duration, settle;
	bool force, quiet;
	bool perf;		/* --perf: perf record -a over the measured window */
	char *perf_keep;	/* --perf-keep yes|no: keep perf.data */
	int perf_freq;		/* --perf-freq HZ */
	char *trace;		/* --trace LIST: tracepoint monitors, e.g. "rss_stat" */
	char *pair;		/* --pair ID: the A/B pair this run belongs to (meta.json "pair") */
	/* --target vm */
	char *kernel;		/* built kernel name */
	char *accel;		/* auto | kvm | tcg */
	char *insn_count;	/* auto | on | off: guest instructions, TCG plugin */
	char *guest_aslr;	/* auto | on | off: norandmaps (auto: off with insn counts) */
	int vm_cpus;
	uint64_t vm_mem;
	int64_t boot_timeout, run_timeout;
	char *append;		/* extra kernel command line */
	char *workdir;		/* scratch directory; NULL = <cache>/work */
	/* Set by the VM target for the run inside the guest (guest.info), not options: */
	char *target_label;	/* "vm-tcg" / "vm-kvm"; NULL = "host" */
	char *kernel_name, *series, *config_hash;
	char *notes;		/* for meta.json "notes" */
	bool out_exists;	/* --out is the guest's share: use it as it is */
	void *wl_params[RUN_MAX_WORKLOADS];	/* per workload, index as in workloads[] */
};

/*
 * run_opts_init - @o with every default of the table, the workloads'
 * parameters with theirs, and --jobs the number of CPUs: a run a caller
 * then changes field by field. Release with run_opts_release().
 */
void run_opts_init(struct run_opts *o);
/*
 * run_opts_parse - run_opts_init(), then the "run" command line @argv
 * (argv[0] is "run"). Returns 0, -1 after a usage error (printed), or -2
 * after --help (printed). Release @o with run_opts_release() in every case.
 */
int run_opts_parse(struct run_opts *o, int argc, char **argv);
/*
 * run_opts_apply - the "run" options of @argv (argv[0] is "run") on top of
 * @o as it is, no defaults first: extra options a caller passes through.
 * Returns 0, or -1 after a usage error (printed).
 */
int run_opts_apply(struct run_opts *o, int argc, char **argv);
/*
 * run_opts_apply_str - run_opts_apply() of the space-separated options in
 * @run_args ("--idle 2 --settle=5s"), as reproduce --run-args gives them.
 * Returns 0, -1 after a usage error or -2 after --help (both printed).
 */
int run_opts_apply_str(struct run_opts *o, const char *run_args);
/* Free what @o owns; @o is then zeroed. NULL is fine. */
void run_opts_release(struct run_opts *o);
/* @dst becomes a deep copy of @src; release both. */
void run_opts_copy(struct run_opts *dst, const struct run_opts *src);
/* The parameter struct of @wl in @o (see wl_param() for one field). */
void *run_opts_wl(const struct run_opts *o, const struct workload *wl);
/* The value of the int option @name ("builders") of @o; 0 if there is none. */
int run_opts_int(const struct run_opts *o, const char *name);
/* Set @name (a string parameter) of workload @wl in @o to a copy of @value. */
void run_opts_set_wl_str(struct run_opts *o, const struct workload *wl, const char *name,
			 const char *value);

/* meta.json fields of @o: workloads, scale, depth, builders, idle, jobs, batch, interval. */
void run_opts_to_meta(const struct run_opts *o, struct meta *m);
/* Every workload parameter of @o into @m's params, as "<workload>-<param>". */
void run_opts_params_to_meta(const struct run_opts *o, struct meta *m);
/* The fields run_opts_to_meta() writes, back from @m (for a dead run's samples). */
void run_opts_from_meta(struct run_opts *o, const struct meta *m);

/*
 * The run inside a guest, as the VM target hands it over: guest-args holds
 * every option that is not marked host-side in the table and is set, one
 * "--name=value" per line, then the set workload parameters
 * ("--<workload>-<param>=value"); guest.info the target_label, kernel_name,
 * series, config_hash and notes fields as key=value lines.
 */
/*
 * run_opts_argv - every set option of @g as "--name=value" (the workload
 * parameters as "--<workload>-<param>=value"), but those whose tags share
 * a bit with @skip_tags: what "patchbench run" needs to run @g again (0)
 * or inside a guest (RUN_HOST). NULL-terminated; free with strv_free().
 */
char **run_opts_argv(const struct run_opts *g, unsigned skip_tags);
/* Both texts of @g; the strbufs are the caller's. */
void run_opts_guest_format(const struct run_opts *g, struct strbuf *args, struct strbuf *info);
/*
 * run_opts_guest_parse - @o from the two texts of run_opts_guest_format()
 * (modified in place). Returns 0, or -1 (error printed); release @o anyway.
 */
int run_opts_guest_parse(struct run_opts *o, char *args, char *info);
/* Write guest-args and guest.info of @g into @dir. 0 or -errno. */
int run_opts_guest_write(const struct run_opts *g, const char *dir);
/*
 * run_opts_guest_read - @o from guest-args and guest.info in @dir.
 * Returns 0, or -1 when a file cannot be read or its options do not parse
 * (printed); release @o in every case.
 */
int run_opts_guest_read(struct run_opts *o, const char *dir);

#endif
