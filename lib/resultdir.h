/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_RESULTDIR_H
#define PB_RESULTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define META_SCHEMA 1
/* the largest meta.json meta_load() reads (its params and notes are free text) */
#define META_MAX_BYTES (256u << 20)

struct meta_param {
	char *key;		/* "idle-anon" */
	char *value;		/* "32M" */
};

/*
 * meta.json's "env": the machine a run ran on, as mmtests' tests-sysstate and
 * lkp's job metadata record it (captured by bench/envcap.c, compared by
 * analysis/envdiff.c). Runs older than it have none (struct meta's @env NULL).
 * A string not recorded is NULL and a number -1; both are then left out of the
 * JSON. A vm run's env is the host's (the machine), its @guest what the guest
 * saw inside the VM (the booted kernel's view).
 */
struct meta_env {
	char *host;		/* gethostname() */
	char *cpu_model;	/* /proc/cpuinfo "model name" of the first CPU */
	int cpus;		/* online CPUs, sysconf(_SC_NPROCESSORS_ONLN) */
	int numa_nodes;		/* /sys/devices/system/node/node<N> (1 without NUMA) */
	char *governor;		/* cpufreq scaling_governor, "none" without cpufreq */
	char *thp_enabled;	/* transparent_hugepage/enabled, the [chosen] one */
	char *thp_defrag;	/* transparent_hugepage/defrag, the [chosen] one */
	char *cmdline;		/* /proc/cmdline */
	char *cc;		/* the compiler that built patchbench (__VERSION__) */
	char *kernel_cc;	/* vm: the built kernel's CONFIG_CC_VERSION_TEXT */
	char *qemu;		/* vm: first line of qemu-system-x86_64 --version */
	char *version;		/* patchbench version */
	char *commit;		/* git describe of patchbench's source, or "unknown" */
	struct meta_param *vm;	/* /proc/sys/vm/<name>: world-readable one-value ones, by name */
	size_t nvm;
	struct meta_env *guest;	/* vm runs: the guest's own env, or NULL */
};

/* A new env with nothing recorded (numbers -1). Free with meta_env_free(). */
struct meta_env *meta_env_new(void);
/* Free @e and its guest; NULL is fine. */
void meta_env_free(struct meta_env *e);
/* Add /proc/sys/vm/@name = @value (copied). */
void meta_env_add_vm(struct meta_env *e, const char *name, const char *value);
/*
 * meta_env_pairs - @e as text pairs, its JSON names as keys: the fields recorded, in
 * meta.json's order ("cpus" -> "2"), then "vm.<name>" for each sysctl; not the guest.
 * Returns how many; *@out is the caller's (free the keys, the values and the array).
 */
size_t meta_env_pairs(const struct meta_env *e, struct meta_param **out);

/* meta.json: where every number of a run came from. */
struct meta {
	int schema;
	char *tool_version;
	char *run_id;
	char *status;		/* running | complete | failed | interrupted | killed */
	char *target;		/* host | vm-kvm | vm-tcg */
	char *kernel_release;	/* uname -r */
	char *kernel_version;	/* uname -v */
	char *kernel_name;	/* build name (vm), NULL on host */
	char *series;		/* NULL on host */
	char *config_hash;	/* sha256 of the kernel config, NULL if unknown */
	char *cgroup_version;	/* v1 | v2 */
	char *cgroup_path;	/* the run's cgroup directory (memory hierarchy) */
	int cpus;
	int page_size;
	uint64_t mem_total;	/* bytes */
	char *workloads;	/* "kernelbuild,idle" */
	char *scale;
	int depth, builders, idle, jobs, batch;
	int64_t interval_ns;
	char *perf_event;	/* cycles | cpu-clock | none */
	char *start, *end;	/* ISO 8601 UTC */
	double duration_s;
	uint64_t samples;
	int64_t missed_intervals;	/* sampling grid points passed with no sample; -1: not recorded */
	char *error;		/* why it failed, or NULL */
	char *failed_log;	/* log of the failed workload, relative, or NULL */
	char *notes;		/* why optional monitors are off, or NULL */
	char *insn_counts;	/* vm runs: guest instruction counts complete / incomplete: / missing: / off: */
	char *pair;		/* A/B pair id (run --pair), or NULL */
	char *node;		/* Slurm node ($SLURMD_NODENAME), or NULL */
	char *counters;		/* system-wide counters by libperf | raw (perf_event_open), NULL: none */
	struct meta_param *params;
	size_t nparams;
	struct meta_env *env;	/* the machine, or NULL (runs older than it): meta.json "env" */
};

void meta_init(struct meta *m);
void meta_release(struct meta *m);
/* Add a workload parameter (copied). */
void meta_add_param(struct meta *m, const char *key, const char *value);
const char *meta_param(const struct meta *m, const char *key);
/* Append @note to m->notes ("a; b"), for monitors that learn something during the run. */
void meta_add_note(struct meta *m, const char *note);
/* Write @m as one JSON object value into @w (to nest it in another document). */
struct json_writer;
void meta_jw(const struct meta *m, struct json_writer *w);
/* Serialise as JSON into @sb (appending). */
void meta_to_json(const struct meta *m, struct strbuf *sb);
/* Parse meta.json text; 0 or -EINVAL with @err. Release @m with meta_release(). */
int meta_from_json(struct meta *m, const char *buf, size_t len, char *err, size_t errlen);
/* The same from a parsed object (a meta nested in another document, e.g. a compare JSON). */
struct json;
int meta_from_json_obj(struct meta *m, const struct json *j, char *err, size_t errlen);
/* Write <dir>/meta.json atomically. 0 or -errno. */
int meta_write(const struct meta *m, const char *dir);
/* Read <dir>/meta.json. 0 or -errno with @err ("cannot read '...': ..."). */
int meta_load(struct meta *m, const char *dir, char *err, size_t errlen);
/* Is @dir a complete run (meta.json status "complete")? */
bool meta_complete(const char *dir);

/* The lock file inside a result directory, held while a run writes it. */
#define RESULTDIR_LOCK ".lock"

/*
 * resultdir_create - make a fresh result directory and lock it. An existing
 * one is refused unless @force, and even then only if it holds a meta.json
 * (so only a directory patchbench made is ever emptied), is not locked by a
 * running patchbench (-EBUSY), and is neither the current directory nor one
 * that contains it. The lock (a POSIX record lock on RESULTDIR_LOCK, which
 * no forked child inherits) is held until this process exits.
 * 0 or -errno + @err.
 */
int resultdir_create(const char *dir, bool force, char *err, size_t errlen);
/*
 * resultdir_locked - is @dir locked by a running patchbench (this process
 * included)? 1 (with the holder's pid in @holder, if not NULL) or 0.
 */
int resultdir_locked(const char *dir, pid_t *holder);
/*
 * resultdir_find_locked - @dir, or the first directory right below it (the runs of
 * an A/B directory), that resultdir_locked() finds locked, or NULL. The caller
 * frees the returned path; @holder as for resultdir_locked().
 */
char *resultdir_find_locked(const char *dir, pid_t *holder);

/*
 * The owner of a run: the process that created its cgroups, scratch
 * directory and result directory, recorded in <cache>/runs/<run-id>.owner
 * so that a later run or "patchbench clean" can tell a dead run (whose
 * leftovers it may remove) from a live one. A pid alone could be recycled:
 * the process start time and the boot id make the owner unique.
 */
struct run_owner {
	pid_t pid;
	unsigned long long start;	/* /proc/<pid>/stat starttime, ticks after boot */
	char *boot_id;		/* /proc/sys/kernel/random/boot_id */
	char *run_id;
	char *dir;		/* result directory, absolute */
	char *mem;		/* the run's cgroup directory (memory hierarchy) */
	char *cpu;		/* its v1 cpuacct mirror, or NULL */
	char *work;		/* its scratch directory */
};

/* Fill pid, start and boot_id of this process (other fields NULL). 0 or -errno. */
int owner_self(struct run_owner *o);
/* "key<TAB>value" lines, pid and start first. Appends to @sb. */
void owner_format(const struct run_owner *o, struct strbuf *sb);
/*
 * owner_parse - read an owner record (owner_format() text). pid, start,
 * boot_id and run_id are required. 0 or -EINVAL. Release with owner_release().
 */
int owner_parse(struct run_owner *o, const char *buf, size_t len);
void owner_release(struct run_owner *o);
/*
 * owner_alive - is the recorded owner still running? Same boot, the pid
 * exists and has the recorded start time (a recycled pid has another).
 */
bool owner_alive(const struct run_owner *o);
/*
 * proc_stat_starttime - field 22 (starttime) of a /proc/<pid>/stat line,
 * whatever the command name holds. 0 or -EINVAL.
 */
int proc_stat_starttime(const char *buf, size_t len, unsigned long long *start);

/* ISO 8601 UTC of a CLOCK_REALTIME ns value, into @buf. */
const char *iso8601(char *buf, size_t len, int64_t wall_ns);

#endif
