/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_RESULTDIR_H
#define PB_RESULTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define META_SCHEMA 1
/* the largest meta.json meta_load() reads (its params and notes are free text) */
#define META_MAX_BYTES (256u << 20)

struct meta_param {
	char *key;		/* "idle-anon" */
	char *value;		/* "32M" */
};

/* meta.json: where every number of a run came from. */
struct meta {
	int schema;
	char *tool_version;
	char *run_id;
	char *status;		/* running | complete | failed | interrupted */
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
	char *error;		/* why it failed, or NULL */
	char *failed_log;	/* log of the failed workload, relative, or NULL */
	char *notes;		/* why optional monitors are off, or NULL */
	struct meta_param *params;
	size_t nparams;
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

/*
 * resultdir_create - make a fresh result directory. An existing one is
 * refused unless @force, and even then only if it holds a meta.json (so
 * only a directory patchbench made is ever deleted). 0 or -errno + @err.
 */
int resultdir_create(const char *dir, bool force, char *err, size_t errlen);

/* ISO 8601 UTC of a CLOCK_REALTIME ns value, into @buf. */
const char *iso8601(char *buf, size_t len, int64_t wall_ns);

#endif
