// SPDX-License-Identifier: GPL-2.0
/*
 * resultdir.c - result directories and their meta.json.
 *
 * meta.json is described by one field table, so writing, reading and
 * freeing can never disagree about which fields exist.
 */
#include "resultdir.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum mf_type { MF_STR, MF_INT, MF_I64, MF_U64, MF_DOUBLE };

/*
 * @optional: a field that older runs do not have; -1 (a number) or NULL (a string) when
 * absent, and then left out of the JSON written again, so the meta of an older run
 * reads back as it was.
 */
static const struct meta_field {
	const char *name;
	enum mf_type type;
	size_t offset;
	bool optional;
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
	{ "missed_intervals", MF_I64, offsetof(struct meta, missed_intervals), true },
	{ "error", MF_STR, offsetof(struct meta, error) },
	{ "failed_log", MF_STR, offsetof(struct meta, failed_log) },
	{ "notes", MF_STR, offsetof(struct meta, notes) },
	{ "insn_counts", MF_STR, offsetof(struct meta, insn_counts), true },
	/* the pair of an A/B pair (--pair) and the Slurm node the run ran on; older runs lack both */
	{ "pair", MF_STR, offsetof(struct meta, pair), true },
	{ "node", MF_STR, offsetof(struct meta, node), true },
	{ "counters", MF_STR, offsetof(struct meta, counters), true },
};

/* meta.json "env" (struct meta_env): every field optional, see resultdir.h. */
static const struct meta_field env_fields[] = {
	{ "host", MF_STR, offsetof(struct meta_env, host), true },
	{ "cpu_model", MF_STR, offsetof(struct meta_env, cpu_model), true },
	{ "cpus", MF_INT, offsetof(struct meta_env, cpus), true },
	{ "numa_nodes", MF_INT, offsetof(struct meta_env, numa_nodes), true },
	{ "cpufreq_governor", MF_STR, offsetof(struct meta_env, governor), true },
	{ "thp_enabled", MF_STR, offsetof(struct meta_env, thp_enabled), true },
	{ "thp_defrag", MF_STR, offsetof(struct meta_env, thp_defrag), true },
	{ "cmdline", MF_STR, offsetof(struct meta_env, cmdline), true },
	{ "cc", MF_STR, offsetof(struct meta_env, cc), true },
	{ "kernel_cc", MF_STR, offsetof(struct meta_env, kernel_cc), true },
	{ "qemu", MF_STR, offsetof(struct meta_env, qemu), true },
	{ "patchbench_version", MF_STR, offsetof(struct meta_env, version), true },
	{ "source_commit", MF_STR, offsetof(struct meta_env, commit), true },
};

#define FIELD(m, f, T) ((T *)((char *)(m) + (f)->offset))

void meta_init(struct meta *m)
{
	memset(m, 0, sizeof(*m));
	m->schema = META_SCHEMA;
	m->missed_intervals = -1;
}

/* Free the strings of the fields @fs of the struct at @m, and the pairs @p. */
static void fields_free(void *m, const struct meta_field *fs, size_t n, struct meta_param *p,
			size_t np)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fs[i].type == MF_STR)
			free(*FIELD(m, &fs[i], char *));
	for (i = 0; i < np; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
}

/* Append a copy of @key = @value to the pairs *@p (*@n of them). */
static void param_add(struct meta_param **p, size_t *n, const char *key, const char *value)
{
	*p = xrealloc(*p, (*n + 1) * sizeof(**p));
	(*p)[*n].key = xstrdup(key);
	(*p)[*n].value = xstrdup(value);
	(*n)++;
}

void meta_release(struct meta *m)
{
	if (!m)
		return;
	fields_free(m, meta_fields, ARRAY_SIZE(meta_fields), m->params, m->nparams);
	meta_env_free(m->env);
	meta_init(m);
}

struct meta_env *meta_env_new(void)
{
	struct meta_env *e = xcalloc(1, sizeof(*e));

	e->cpus = -1;
	e->numa_nodes = -1;
	return e;
}

void meta_env_free(struct meta_env *e)
{
	if (!e)
		return;
	fields_free(e, env_fields, ARRAY_SIZE(env_fields), e->vm, e->nvm);
	meta_env_free(e->guest);
	free(e);
}

void meta_env_add_vm(struct meta_env *e, const char *name, const char *value)
{
	param_add(&e->vm, &e->nvm, name, value);
}

size_t meta_env_pairs(const struct meta_env *e, struct meta_param **out)
{
	size_t i, n = 0;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(env_fields); i++) {
		const struct meta_field *f = &env_fields[i];
		char *s = NULL;

		if (f->type == MF_STR && *FIELD(e, f, char *))
			s = xstrdup(*FIELD(e, f, char *));
		else if (f->type == MF_INT && *FIELD(e, f, int) >= 0)
			s = xasprintf("%d", *FIELD(e, f, int));
		if (s)
			param_add(out, &n, f->name, s);
		free(s);
	}
	for (i = 0; i < e->nvm; i++) {
		char *k = xasprintf("vm.%s", e->vm[i].key);

		param_add(out, &n, k, e->vm[i].value);
		free(k);
	}
	return n;
}

void meta_add_param(struct meta *m, const char *key, const char *value)
{
	param_add(&m->params, &m->nparams, key, value);
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

/* The fields @fs of the struct at @m, as keys of the object open in @jw. */
static void fields_jw(const void *m, const struct meta_field *fs, size_t n, struct json_writer *jw)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct meta_field *f = &fs[i];

		switch (f->type) {
		case MF_STR:
			if (f->optional && !*FIELD(m, f, char *))
				break;
			jw_kstr(jw, f->name, *FIELD(m, f, char *));
			break;
		case MF_INT:
			if (f->optional && *FIELD(m, f, int) < 0)
				break;
			jw_kint(jw, f->name, *FIELD(m, f, int));
			break;
		case MF_I64:
			if (f->optional && *FIELD(m, f, int64_t) < 0)
				break;
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
}

/* "@key": { the pairs @p } */
static void pairs_jw(const char *key, const struct meta_param *p, size_t n, struct json_writer *jw)
{
	size_t i;

	jw_key(jw, key);
	jw_obj_begin(jw);
	for (i = 0; i < n; i++)
		jw_kstr(jw, p[i].key, p[i].value);
	jw_obj_end(jw);
}

static void env_jw(const struct meta_env *e, struct json_writer *jw)
{
	jw_obj_begin(jw);
	fields_jw(e, env_fields, ARRAY_SIZE(env_fields), jw);
	pairs_jw("vm_sysctls", e->vm, e->nvm, jw);
	if (e->guest) {
		jw_key(jw, "guest");
		env_jw(e->guest, jw);
	}
	jw_obj_end(jw);
}

void meta_jw(const struct meta *m, struct json_writer *jw)
{
	jw_obj_begin(jw);
	jw_kint(jw, "schema", m->schema);
	fields_jw(m, meta_fields, ARRAY_SIZE(meta_fields), jw);
	pairs_jw("params", m->params, m->nparams, jw);
	if (m->env) {
		jw_key(jw, "env");
		env_jw(m->env, jw);
	}
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
static int meta_field_get(void *m, const struct meta_field *f, const struct json_index *x,
			  const char *prefix, char *err, size_t errlen)
{
	const struct json *v = json_index_get(x, f->name);
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
		/* an optional int (env's) is left out when unknown, never negative */
		if (json_i64(v, &i) || i < (f->optional ? 0 : INT_MIN) || i > INT_MAX)
			want = f->optional ? "a non-negative int" : "an integer that fits an int";
		else
			*FIELD(m, f, int) = (int)i;
		break;
	case MF_I64:
		if (json_i64(v, FIELD(m, f, int64_t)))
			want = "a 64-bit integer";
		break;
	case MF_U64:
		if (json_u64(v, FIELD(m, f, uint64_t)))
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
	snprintf(err, errlen, "field '%s%s': expected %s, got %s", prefix, f->name, want,
		 v->type == JSON_NUMBER ? "a number out of range" : json_type_name(v));
	return -EINVAL;
}

/*
 * meta.json "env" at @v (field name @name, e.g. "env" or "env.guest") into a new
 * *@out; typed as strictly as the top level. @nest: a "guest" may be in it.
 */
static int env_from_json(struct meta_env **out, const struct json *v, const char *name, bool nest,
			 char *err, size_t errlen)
{
	const struct json *vm, *g;
	struct json_index x;
	struct meta_env *e;
	char *prefix;
	size_t i;
	int ret = -EINVAL;

	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_OBJECT) {
		snprintf(err, errlen, "field '%s': expected an object, got %s", name,
			 json_type_name(v));
		return -EINVAL;
	}
	e = meta_env_new();
	prefix = xasprintf("%s.", name);
	json_index_init(&x, v);
	for (i = 0; i < ARRAY_SIZE(env_fields); i++)
		if (meta_field_get(e, &env_fields[i], &x, prefix, err, errlen))
			goto out;
	vm = json_index_get(&x, "vm_sysctls");
	if (vm && vm->type != JSON_OBJECT) {
		snprintf(err, errlen, "field '%svm_sysctls': expected an object, got %s", prefix,
			 json_type_name(vm));
		goto out;
	}
	for (i = 0; vm && i < vm->n; i++) {
		if (vm->items[i]->type != JSON_STRING) {
			snprintf(err, errlen, "field '%svm_sysctls.%s': expected a string, got %s",
				 prefix, vm->keys[i], json_type_name(vm->items[i]));
			goto out;
		}
		meta_env_add_vm(e, vm->keys[i], vm->items[i]->str);
	}
	g = json_index_get(&x, "guest");
	if (g && !nest) {
		snprintf(err, errlen, "field '%sguest': not expected in a guest's env", prefix);
		goto out;
	}
	if (g) {
		char *gname = xasprintf("%sguest", prefix);

		ret = env_from_json(&e->guest, g, gname, false, err, errlen);
		free(gname);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	json_index_release(&x);
	free(prefix);
	if (ret)
		meta_env_free(e);
	else
		*out = e;
	return ret;
}

int meta_from_json_obj(struct meta *m, const struct json *j, char *err, size_t errlen)
{
	const struct json *params;
	struct json_index x;
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
	/* schemas count from 1; a negative one was cut to an int and written back as another */
	if (v < 1) {
		snprintf(err, errlen, "field 'schema': %lld is not a schema version (1..%d)",
			 (long long)v, META_SCHEMA);
		return -EINVAL;
	}
	m->schema = (int)v;
	/* each field of the schema looked up in the object: an index, not a scan each */
	json_index_init(&x, j);
	for (i = 0; i < ARRAY_SIZE(meta_fields); i++)
		if (meta_field_get(m, &meta_fields[i], &x, "", err, errlen))
			goto fail;
	params = json_index_get(&x, "params");
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
	if (env_from_json(&m->env, json_index_get(&x, "env"), "env", true, err, errlen))
		goto fail;
	json_index_release(&x);
	return 0;
fail:
	json_index_release(&x);
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

/* Is the current directory @dir or below it? */
static bool holds_cwd(const char *dir)
{
	char *real = realpath(dir, NULL), *cwd = getcwd(NULL, 0);
	size_t n = real ? strlen(real) : 0;
	bool ret = false;

	if (real && cwd)
		ret = !strcmp(real, "/") || (!strncmp(cwd, real, n) &&
					     (cwd[n] == '\0' || cwd[n] == '/'));
	free(real);
	free(cwd);
	return ret;
}

/*
 * A POSIX record lock (not flock): it is not inherited by fork, so a
 * workload process that outlives patchbench never holds it, and the kernel
 * drops it when the process dies, however it dies.
 */
static int lock_fd(int fd, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EAGAIN && errno != EACCES)
		return -errno;
	fl.l_type = F_WRLCK;
	*holder = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? fl.l_pid : 0;
	return -EBUSY;
}

/* the lock of this process; after a fork the child has the descriptor, not the lock */
static int resultdir_lock_fd = -1;
static pid_t resultdir_lock_pid;

/* Lock @dir for this process; a second lock of the same directory is a no-op. */
static int lock_dir(const char *dir, char *err, size_t errlen)
{
	char *p = xasprintf("%s/" RESULTDIR_LOCK, dir);
	pid_t holder = 0;
	int fd, ret;

	/*
	 * Held already (a second run of this process into the same directory):
	 * opening and closing the file again would drop the lock.
	 */
	if (resultdir_locked(dir, &holder) && holder == getpid()) {
		ret = 0;
		goto out;
	}
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create '%s': %s", p, strerror(errno));
		goto out;
	}
	ret = lock_fd(fd, &holder);
	if (ret == -EBUSY) {
		snprintf(err, errlen, "result directory '%s' is in use by a running patchbench "
			 "(pid %d)", dir, (int)holder);
	} else if (ret) {
		snprintf(err, errlen, "cannot lock '%s': %s", p, strerror(-ret));
	}
	if (ret) {
		close(fd);
		goto out;
	}
	/* the lock of the previous directory of this process goes */
	if (resultdir_lock_fd >= 0)
		close(resultdir_lock_fd);
	resultdir_lock_fd = fd;
	resultdir_lock_pid = getpid();
out:
	free(p);
	return ret;
}

int resultdir_locked(const char *dir, pid_t *holder)
{
	char *p = xasprintf("%s/" RESULTDIR_LOCK, dir);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat a, b;
	int fd, ret = 0;

	/* our own lock: opening and closing the file again would drop it */
	if (resultdir_lock_fd >= 0 && resultdir_lock_pid == getpid() && !stat(p, &a) &&
	    !fstat(resultdir_lock_fd, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		free(p);
		if (holder)
			*holder = getpid();
		return 1;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd < 0)
		return 0;
	/* F_GETLK reports the lock of another process (F_RDLCK probe: any writer conflicts) */
	fl.l_type = F_RDLCK;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
		if (holder)
			*holder = fl.l_pid;
		ret = 1;
	}
	close(fd);
	return ret;
}

char *resultdir_find_locked(const char *dir, pid_t *holder)
{
	struct dirent *de;
	char *found = NULL;
	DIR *d;

	if (resultdir_locked(dir, holder))
		return xstrdup(dir);
	d = opendir(dir);
	if (!d)
		return NULL;
	while (!found && (de = readdir(d))) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (is_dir(sub) && resultdir_locked(sub, holder))
			found = sub;
		else
			free(sub);
	}
	closedir(d);
	return found;
}

/* Remove everything in @dir but the lock file. */
static int empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *sub;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, RESULTDIR_LOCK))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		r = remove_tree(sub);
		if (r && !ret)
			ret = r;
		free(sub);
	}
	closedir(d);
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
		if (holds_cwd(dir)) {
			snprintf(err, errlen, "refusing to replace '%s': it is or contains the "
				 "current directory", dir);
			return -EBUSY;
		}
		meta = xasprintf("%s/meta.json", dir);
		ret = path_exists(meta) ? 0 : -EPERM;
		free(meta);
		if (ret) {
			snprintf(err, errlen, "refusing to replace '%s': not a patchbench result "
				 "directory (no meta.json)", dir);
			return ret;
		}
		ret = lock_dir(dir, err, errlen);
		if (ret)
			return ret;
		ret = empty_dir(dir);
		if (ret)
			snprintf(err, errlen, "cannot remove '%s': %s", dir, strerror(-ret));
		return ret;
	}
	ret = mkdir_p(dir, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(-ret));
		return ret;
	}
	return lock_dir(dir, err, errlen);
}

const char *iso8601(char *buf, size_t len, int64_t wall)
{
	time_t t = (time_t)(wall / NSEC_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int proc_stat_starttime(const char *buf, size_t len, unsigned long long *start)
{
	const char *p = NULL, *end = buf + len;
	char tmp[32];
	int field;
	size_t n;

	/* "pid (comm) state ppid ...": comm may hold spaces and ')', so the last ')' */
	for (n = len; n > 0; n--)
		if (buf[n - 1] == ')') {
			p = buf + n;
			break;
		}
	if (!p)
		return -EINVAL;
	/* starttime is field 22; field 3 (state) follows the ')' */
	for (field = 3;; field++) {
		while (p < end && *p == ' ')
			p++;
		if (field == 22)
			break;
		while (p < end && *p != ' ')
			p++;
	}
	for (n = 0; p + n < end && p[n] >= '0' && p[n] <= '9' && n < sizeof(tmp) - 1; n++)
		tmp[n] = p[n];
	if (!n || (p + n < end && p[n] != ' ' && p[n] != '\n'))
		return -EINVAL;
	tmp[n] = '\0';
	*start = strtoull(tmp, NULL, 10);
	return 0;
}

/* starttime of @pid, or -errno (-ENOENT: no such process). */
static int proc_starttime(pid_t pid, unsigned long long *start)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ret = read_file(path, &sb);
	if (!ret)
		ret = proc_stat_starttime(sb.buf, sb.len, start);
	sb_release(&sb);
	return ret;
}

static char *boot_id(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *ret = NULL;

	if (!read_file("/proc/sys/kernel/random/boot_id", &sb)) {
		while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == ' '))
			sb.buf[--sb.len] = '\0';
		ret = xstrdup(sb.buf);
	}
	sb_release(&sb);
	return ret;
}

static const struct owner_field {
	const char *name;
	size_t offset;
} owner_fields[] = {
	{ "boot_id", offsetof(struct run_owner, boot_id) },
	{ "run_id", offsetof(struct run_owner, run_id) },
	{ "dir", offsetof(struct run_owner, dir) },
	{ "cgroup", offsetof(struct run_owner, mem) },
	{ "cgroup_cpu", offsetof(struct run_owner, cpu) },
	{ "workdir", offsetof(struct run_owner, work) },
};

void owner_release(struct run_owner *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < ARRAY_SIZE(owner_fields); i++)
		free(*FIELD(o, &owner_fields[i], char *));
	memset(o, 0, sizeof(*o));
}

int owner_self(struct run_owner *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->pid = getpid();
	ret = proc_starttime(o->pid, &o->start);
	o->boot_id = boot_id();
	if (!ret && !o->boot_id)
		ret = -ENOENT;
	return ret;
}

void owner_format(const struct run_owner *o, struct strbuf *sb)
{
	size_t i;

	sb_addf(sb, "pid\t%d\nstart\t%llu\n", (int)o->pid, o->start);
	for (i = 0; i < ARRAY_SIZE(owner_fields); i++) {
		const char *v = *FIELD(o, &owner_fields[i], char *);

		if (v)
			sb_addf(sb, "%s\t%s\n", owner_fields[i].name, v);
	}
}

int owner_parse(struct run_owner *o, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	bool have_pid = false, have_start = false;
	size_t i;

	memset(o, 0, sizeof(*o));
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *tab;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *key, *val, *e;

		tab = memchr(p, '\t', n);
		if (!tab)
			goto bad;
		key = xstrndup(p, tab - p);
		val = xstrndup(tab + 1, n - (tab - p) - 1);
		if (!strcmp(key, "pid")) {
			long v = strtol(val, &e, 10);

			have_pid = *val && !*e && v > 0 && v <= INT32_MAX;
			o->pid = (pid_t)v;
			free(val);
		} else if (!strcmp(key, "start")) {
			o->start = strtoull(val, &e, 10);
			have_start = *val >= '0' && *val <= '9' && !*e;
			free(val);
		} else {
			for (i = 0; i < ARRAY_SIZE(owner_fields); i++)
				if (!strcmp(key, owner_fields[i].name))
					break;
			if (i < ARRAY_SIZE(owner_fields) && *val) {
				free(*FIELD(o, &owner_fields[i], char *));
				*FIELD(o, &owner_fields[i], char *) = val;
			} else {
				free(val);	/* unknown keys are for newer versions */
			}
		}
		free(key);
		p += n + 1;
	}
	if (have_pid && have_start && o->boot_id && o->run_id)
		return 0;
bad:
	owner_release(o);
	return -EINVAL;
}

bool owner_alive(const struct run_owner *o)
{
	unsigned long long start;
	char *boot = boot_id();
	bool same_boot = boot && o->boot_id && !strcmp(boot, o->boot_id);

	free(boot);
	/* after a reboot every pid is new; else the start time tells a recycled pid */
	if (!same_boot)
		return false;
	if (proc_starttime(o->pid, &start))
		return false;
	return start == o->start;
}

bool meta_complete(const char *dir)
{
	struct meta m;
	char err[256];
	bool ok;

	if (meta_load(&m, dir, err, sizeof(err)))
		return false;
	ok = m.status && !strcmp(m.status, "complete");
	meta_release(&m);
	return ok;
}
