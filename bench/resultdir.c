// SPDX-License-Identifier: GPL-2.0
/*
 * resultdir.c - result directories and their meta.json.
 *
 * meta.json is described by one field table, so writing, reading and
 * freeing can never disagree about which fields exist.
 */
#include "resultdir.h"
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum mf_type { MF_STR, MF_INT, MF_I64, MF_U64, MF_DOUBLE };

static const struct meta_field {
	const char *name;
	enum mf_type type;
	size_t offset;
} meta_fields[] = {
	{ "tool_version", MF_STR, offsetof(struct meta, tool_version) },
	{ "run_id", MF_STR, offsetof(struct meta, run_id) },
	{ "status", MF_STR, offsetof(struct meta, status) },
	{ "target", MF_STR, offsetof(struct meta, target) },
	{ "kernel_release", MF_STR, offsetof(struct meta, kernel_release) },
	{ "kernel_version", MF_STR, offsetof(struct meta, kernel_version) },
	{ "kernel_name", MF_STR, offsetof(struct meta, kernel_name) },
	{ "series", MF_STR, offsetof(struct meta, series) },
	{ "config_hash", MF_STR, offsetof(struct meta, config_hash) },
	{ "cgroup_version", MF_STR, offsetof(struct meta, cgroup_version) },
	{ "cgroup_path", MF_STR, offsetof(struct meta, cgroup_path) },
	{ "cpus", MF_INT, offsetof(struct meta, cpus) },
	{ "page_size", MF_INT, offsetof(struct meta, page_size) },
	{ "mem_total_bytes", MF_U64, offsetof(struct meta, mem_total) },
	{ "workloads", MF_STR, offsetof(struct meta, workloads) },
	{ "scale", MF_STR, offsetof(struct meta, scale) },
	{ "depth", MF_INT, offsetof(struct meta, depth) },
	{ "builders", MF_INT, offsetof(struct meta, builders) },
	{ "idle", MF_INT, offsetof(struct meta, idle) },
	{ "jobs", MF_INT, offsetof(struct meta, jobs) },
	{ "charge_batch", MF_INT, offsetof(struct meta, batch) },
	{ "interval_ns", MF_I64, offsetof(struct meta, interval_ns) },
	{ "perf_event", MF_STR, offsetof(struct meta, perf_event) },
	{ "start", MF_STR, offsetof(struct meta, start) },
	{ "end", MF_STR, offsetof(struct meta, end) },
	{ "duration_s", MF_DOUBLE, offsetof(struct meta, duration_s) },
	{ "samples", MF_U64, offsetof(struct meta, samples) },
	{ "error", MF_STR, offsetof(struct meta, error) },
	{ "failed_log", MF_STR, offsetof(struct meta, failed_log) },
	{ "notes", MF_STR, offsetof(struct meta, notes) },
};

#define FIELD(m, f, T) ((T *)((char *)(m) + (f)->offset))

void meta_init(struct meta *m)
{
	memset(m, 0, sizeof(*m));
	m->schema = META_SCHEMA;
}

void meta_release(struct meta *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < ARRAY_SIZE(meta_fields); i++)
		if (meta_fields[i].type == MF_STR)
			free(*FIELD(m, &meta_fields[i], char *));
	for (i = 0; i < m->nparams; i++) {
		free(m->params[i].key);
		free(m->params[i].value);
	}
	free(m->params);
	meta_init(m);
}

void meta_add_param(struct meta *m, const char *key, const char *value)
{
	m->params = xrealloc(m->params, (m->nparams + 1) * sizeof(*m->params));
	m->params[m->nparams].key = xstrdup(key);
	m->params[m->nparams].value = xstrdup(value);
	m->nparams++;
}

void meta_add_note(struct meta *m, const char *note)
{
	char *old = m->notes;

	m->notes = old && *old ? xasprintf("%s; %s", old, note) : xstrdup(note);
	free(old);
}

const char *meta_param(const struct meta *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (!strcmp(m->params[i].key, key))
			return m->params[i].value;
	return NULL;
}

void meta_jw(const struct meta *m, struct json_writer *jw)
{
	size_t i;

	jw_obj_begin(jw);
	jw_kint(jw, "schema", m->schema);
	for (i = 0; i < ARRAY_SIZE(meta_fields); i++) {
		const struct meta_field *f = &meta_fields[i];

		switch (f->type) {
		case MF_STR:
			jw_kstr(jw, f->name, *FIELD(m, f, char *));
			break;
		case MF_INT:
			jw_kint(jw, f->name, *FIELD(m, f, int));
			break;
		case MF_I64:
			jw_kint(jw, f->name, *FIELD(m, f, int64_t));
			break;
		case MF_U64:
			jw_kuint(jw, f->name, *FIELD(m, f, uint64_t));
			break;
		case MF_DOUBLE:
			jw_kdouble(jw, f->name, *FIELD(m, f, double));
			break;
		}
	}
	jw_key(jw, "params");
	jw_obj_begin(jw);
	for (i = 0; i < m->nparams; i++)
		jw_kstr(jw, m->params[i].key, m->params[i].value);
	jw_obj_end(jw);
	jw_obj_end(jw);
}

void meta_to_json(const struct meta *m, struct strbuf *sb)
{
	struct json_writer w;

	jw_init(&w, sb);
	meta_jw(m, &w);
	sb_adds(sb, "\n");
}

static const char *json_type_name(const struct json *v)
{
	static const char *const names[] = {
		[JSON_NULL] = "null", [JSON_BOOL] = "a boolean", [JSON_NUMBER] = "a number",
		[JSON_STRING] = "a string", [JSON_ARRAY] = "an array", [JSON_OBJECT] = "an object",
	};

	return v->type < ARRAY_SIZE(names) && names[v->type] ? names[v->type] : "?";
}

/*
 * A field of the wrong type is an error, not a field left out: a report
 * must not show defaults for numbers a meta.json holds in a broken form.
 * Strings may be null (the writer's NULL), numbers of type double too (NaN).
 */
static int meta_field_get(struct meta *m, const struct meta_field *f, const struct json *j,
			  char *err, size_t errlen)
{
	const struct json *v = json_get(j, f->name);
	const char *want = NULL;
	int64_t i;

	if (!v)
		return 0;
	switch (f->type) {
	case MF_STR:
		if (v->type == JSON_STRING)
			*FIELD(m, f, char *) = xstrdup(v->str);
		else if (v->type != JSON_NULL)
			want = "a string or null";
		break;
	case MF_INT:
		if (json_get_i64(j, f->name, &i) || i < INT_MIN || i > INT_MAX)
			want = "an integer that fits an int";
		else
			*FIELD(m, f, int) = (int)i;
		break;
	case MF_I64:
		if (json_get_i64(j, f->name, FIELD(m, f, int64_t)))
			want = "a 64-bit integer";
		break;
	case MF_U64:
		if (json_get_u64(j, f->name, FIELD(m, f, uint64_t)))
			want = "a non-negative integer";
		break;
	case MF_DOUBLE:
		if (v->type == JSON_NUMBER)
			*FIELD(m, f, double) = v->num;
		else if (v->type != JSON_NULL)
			want = "a number or null";
		break;
	}
	if (!want)
		return 0;
	snprintf(err, errlen, "field '%s': expected %s, got %s", f->name, want,
		 v->type == JSON_NUMBER ? "a number out of range" : json_type_name(v));
	return -EINVAL;
}

int meta_from_json_obj(struct meta *m, const struct json *j, char *err, size_t errlen)
{
	const struct json *params;
	int64_t v;
	size_t i;

	meta_init(m);
	if (j->type != JSON_OBJECT || json_get_i64(j, "schema", &v)) {
		snprintf(err, errlen, "not a patchbench meta.json (no \"schema\")");
		return -EINVAL;
	}
	if (v > META_SCHEMA) {
		snprintf(err, errlen, "meta.json schema %lld is newer than this patchbench (%d)",
			 (long long)v, META_SCHEMA);
		return -EINVAL;
	}
	m->schema = (int)v;
	for (i = 0; i < ARRAY_SIZE(meta_fields); i++)
		if (meta_field_get(m, &meta_fields[i], j, err, errlen))
			goto fail;
	params = json_get(j, "params");
	if (params && params->type != JSON_OBJECT && params->type != JSON_NULL) {
		snprintf(err, errlen, "field 'params': expected an object, got %s",
			 json_type_name(params));
		goto fail;
	}
	for (i = 0; params && params->type == JSON_OBJECT && i < params->n; i++) {
		if (params->items[i]->type != JSON_STRING) {
			snprintf(err, errlen, "field 'params.%s': expected a string, got %s",
				 params->keys[i], json_type_name(params->items[i]));
			goto fail;
		}
		meta_add_param(m, params->keys[i], params->items[i]->str);
	}
	return 0;
fail:
	meta_release(m);
	return -EINVAL;
}

int meta_from_json(struct meta *m, const char *buf, size_t len, char *err, size_t errlen)
{
	struct json *j = json_parse(buf, len, err, errlen);
	int ret;

	if (!j) {
		meta_init(m);
		return -EINVAL;
	}
	ret = meta_from_json_obj(m, j, err, errlen);
	json_free(j);
	return ret;
}

int meta_write(const struct meta *m, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/meta.json", dir);
	int ret;

	meta_to_json(m, &sb);
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}

int meta_load(struct meta *m, const char *dir, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/meta.json", dir);
	char perr[200];
	int ret;

	meta_init(m);
	/* a FIFO or /dev/zero as meta.json would hang or exhaust memory */
	ret = read_regular_file(path, META_MAX_BYTES, &sb, err, errlen);
	if (ret)
		goto out;
	ret = meta_from_json(m, sb.buf, sb.len, perr, sizeof(perr));
	if (ret)
		snprintf(err, errlen, "'%s': %s", path, perr);
out:
	free(path);
	sb_release(&sb);
	return ret;
}

int resultdir_create(const char *dir, bool force, char *err, size_t errlen)
{
	char *meta;
	int ret;

	if (path_exists(dir)) {
		if (!force) {
			snprintf(err, errlen, "result directory '%s' already exists "
				 "(use --force to replace it)", dir);
			return -EEXIST;
		}
		meta = xasprintf("%s/meta.json", dir);
		ret = path_exists(meta) ? 0 : -EPERM;
		free(meta);
		if (ret) {
			snprintf(err, errlen, "refusing to replace '%s': not a patchbench result "
				 "directory (no meta.json)", dir);
			return ret;
		}
		ret = remove_tree(dir);
		if (ret) {
			snprintf(err, errlen, "cannot remove '%s': %s", dir, strerror(-ret));
			return ret;
		}
	}
	ret = mkdir_p(dir, 0755);
	if (ret)
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(-ret));
	return ret;
}

const char *iso8601(char *buf, size_t len, int64_t wall)
{
	time_t t = (time_t)(wall / NSEC_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
