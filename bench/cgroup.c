// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup.c - find the memory cgroup layout, and create, populate and remove
 * the tree of one run. Nothing here touches a cgroup outside the run's own
 * directory below this process's cgroup.
 */
#include "cgroup.h"
#include "spawn.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *cg_version_name(enum cg_version v)
{
	return v == CG_V2 ? "v2" : "v1";
}

static bool has_word(const char *list, const char *word, char sep)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == sep || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == sep || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

/* Mount point of the first cgroup (v1, with @ctrl in its options) or cgroup2 (@ctrl NULL) mount. */
static char *find_mount(const char *mountinfo, const char *ctrl)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char *l = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
		char *sep = strstr(l, " - ");
		char *res = NULL;

		if (sep) {
			char fstype[32], src[256], sopts[1024] = "", mnt[1024];

			if (sscanf(sep + 3, "%31s %255s %1023s", fstype, src, sopts) >= 2 &&
			    sscanf(l, "%*s %*s %*s %*s %1023s", mnt) == 1) {
				if (!ctrl && !strcmp(fstype, "cgroup2"))
					res = xstrdup(mnt);
				else if (ctrl && !strcmp(fstype, "cgroup") && has_word(sopts, ctrl, ','))
					res = xstrdup(mnt);
			}
		}
		free(l);
		if (res)
			return res;
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* Path of this process in the hierarchy with @ctrl ("" for the v2 "0::" line). */
static char *self_cgroup(const char *proc_cgroup, const char *ctrl)
{
	const char *line = proc_cgroup;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char *l = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char *res = NULL;

		if (c2) {
			*c1 = '\0';
			*c2 = '\0';
			if (!*ctrl && !strcmp(l, "0") && !c1[1])
				res = xstrdup(c2 + 1);
			else if (*ctrl && has_word(c1 + 1, ctrl, ','))
				res = xstrdup(c2 + 1);
		}
		free(l);
		if (res)
			return res;
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static char *join_self(const char *mount, const char *rel)
{
	if (!strcmp(rel, "/"))
		return xstrdup(mount);
	return xasprintf("%s%s", mount, rel);
}

int cg_layout_detect(struct cg_layout *l, const char *want, char *err, size_t errlen)
{
	struct strbuf mi = STRBUF_INIT, pc = STRBUF_INIT, ctl = STRBUF_INIT;
	char *v2 = NULL, *v1 = NULL, *self = NULL, *p;
	bool v2_mem = false;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = read_file("/proc/self/mountinfo", &mi);
	if (!ret)
		ret = read_file("/proc/self/cgroup", &pc);
	if (ret) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo or /proc/self/cgroup: %s",
			 strerror(-ret));
		goto out;
	}
	v2 = find_mount(mi.buf, NULL);
	if (v2) {
		p = xasprintf("%s/cgroup.controllers", v2);
		v2_mem = !read_file(p, &ctl) && has_word(ctl.buf, "memory", ' ');
		free(p);
	}
	v1 = find_mount(mi.buf, "memory");

	if ((!strcmp(want, "auto") && v2_mem) || !strcmp(want, "v2")) {
		if (!v2_mem) {
			snprintf(err, errlen, "no cgroup v2 hierarchy with the memory controller%s%s%s",
				 v2 ? " (" : "", v2 ? v2 : "", v2 ? " has no memory controller)" : "");
			ret = -ENOENT;
			goto out;
		}
		self = self_cgroup(pc.buf, "");
		if (!self) {
			snprintf(err, errlen, "no cgroup v2 line in /proc/self/cgroup");
			ret = -ENOENT;
			goto out;
		}
		l->version = CG_V2;
		l->mem_mount = xstrdup(v2);
		l->mem_self = join_self(v2, self);
		l->cpu_mount = xstrdup(v2);
		l->cpu_self = xstrdup(l->mem_self);
	} else {
		if (!v1) {
			snprintf(err, errlen, "no memory cgroup controller: neither a cgroup v2 "
				 "hierarchy with 'memory' nor a v1 memory hierarchy is mounted");
			ret = -ENOENT;
			goto out;
		}
		self = self_cgroup(pc.buf, "memory");
		if (!self) {
			snprintf(err, errlen, "no memory line in /proc/self/cgroup");
			ret = -ENOENT;
			goto out;
		}
		l->version = CG_V1;
		l->mem_mount = xstrdup(v1);
		l->mem_self = join_self(v1, self);
		free(self);
		self = NULL;
		l->cpu_mount = find_mount(mi.buf, "cpuacct");
		if (l->cpu_mount) {
			self = self_cgroup(pc.buf, "cpuacct");
			if (self)
				l->cpu_self = join_self(l->cpu_mount, self);
		}
		p = xasprintf("%s/memory.kmem.usage_in_bytes", l->mem_self);
		l->has_kmem_usage = path_exists(p);
		free(p);
	}
	p = xasprintf("%s/memory.stat", l->mem_mount);
	l->has_root_stat = path_exists(p);
	free(p);
	if (!is_dir(l->mem_self)) {
		snprintf(err, errlen, "own memory cgroup '%s' is not a directory", l->mem_self);
		ret = -ENOENT;
		cg_layout_release(l);
	}
out:
	free(self);
	free(v1);
	free(v2);
	sb_release(&mi);
	sb_release(&pc);
	sb_release(&ctl);
	return ret;
}

void cg_layout_release(struct cg_layout *l)
{
	if (!l)
		return;
	free(l->mem_mount);
	free(l->mem_self);
	free(l->cpu_mount);
	free(l->cpu_self);
	memset(l, 0, sizeof(*l));
}

void cg_tree_init(struct cg_tree *t, const struct cg_layout *l, const char *run_name)
{
	memset(t, 0, sizeof(*t));
	t->layout = l;
	t->run_name = xstrdup(run_name);
	t->run_mem = xasprintf("%s/%s", l->mem_self, run_name);
	if (l->version == CG_V2)
		t->run_cpu = xstrdup(t->run_mem);
	else if (l->cpu_self)
		t->run_cpu = xasprintf("%s/%s", l->cpu_self, run_name);
}

int cg_tree_add(struct cg_tree *t, int parent, const char *name, int role)
{
	struct cg_node *n;
	int i;

	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 16;
		t->nodes = xrealloc(t->nodes, t->alloc * sizeof(*t->nodes));
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->name = xstrdup(name);
	n->parent = parent;
	n->role = role;
	if (parent < 0) {
		n->rel = xstrdup(name);
		n->level = 1;
	} else {
		n->rel = xasprintf("%s/%s", t->nodes[parent].rel, name);
		n->level = t->nodes[parent].level + 1;
		t->nodes[parent].nr_children++;
	}
	n->mem_path = xasprintf("%s/%s", t->run_mem, n->rel);
	if (t->run_cpu)
		n->cpu_path = xasprintf("%s/%s", t->run_cpu, n->rel);
	n->nr_subtree = 1;
	for (i = parent; i >= 0; i = t->nodes[i].parent)
		t->nodes[i].nr_subtree++;
	return (int)t->n++;
}

int cg_tree_find(const struct cg_tree *t, const char *rel)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->nodes[i].rel, rel))
			return (int)i;
	return -1;
}

/* Enable what @dir's cgroup.controllers offers of memory, cpu and pids for its children. */
static int enable_controllers(const char *dir, char *err, size_t errlen)
{
	static const char *const want[] = { "memory", "cpu", "pids" };
	struct strbuf have = STRBUF_INIT, sub = STRBUF_INIT;
	char *p = xasprintf("%s/cgroup.controllers", dir);
	char *sc = xasprintf("%s/cgroup.subtree_control", dir);
	size_t i;
	int ret;

	ret = read_file(p, &have);
	if (!ret)
		ret = read_file(sc, &sub);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", p, strerror(-ret));
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		char buf[32];

		if (!has_word(have.buf, want[i], ' ') || has_word(sub.buf, want[i], ' '))
			continue;
		snprintf(buf, sizeof(buf), "+%s", want[i]);
		ret = write_file_str(sc, buf);
		if (ret && !strcmp(want[i], "memory")) {
			snprintf(err, errlen, "cannot write '%s' to '%s': %s%s", buf, sc,
				 strerror(-ret), ret == -EBUSY ?
				 " (the cgroup has processes of its own: start patchbench in a "
				 "delegated cgroup, e.g. systemd-run --scope -p Delegate=yes)" : "");
			goto out;
		}
		ret = 0;	/* cpu and pids are nice to have */
	}
out:
	free(p);
	free(sc);
	sb_release(&have);
	sb_release(&sub);
	return ret;
}

int cg_tree_create(struct cg_tree *t, char *err, size_t errlen)
{
	bool v2 = t->layout->version == CG_V2;
	size_t i;
	int ret = 0;

	if (v2) {
		ret = enable_controllers(t->layout->mem_self, err, errlen);
		if (ret)
			return ret;
	}
	if (mkdir(t->run_mem, 0755) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create cgroup '%s': %s", t->run_mem, strerror(errno));
		return ret;
	}
	t->run_created = true;
	if (!v2 && t->run_cpu && mkdir(t->run_cpu, 0755) < 0) {
		/* CPU time is optional on v1: go on without it. */
		pr_warn("cannot create cgroup '%s': %s; no per-cgroup CPU time", t->run_cpu,
			strerror(errno));
		free(t->run_cpu);
		t->run_cpu = NULL;
		for (i = 0; i < t->n; i++) {
			free(t->nodes[i].cpu_path);
			t->nodes[i].cpu_path = NULL;
		}
	}
	if (v2) {
		ret = enable_controllers(t->run_mem, err, errlen);
		if (ret)
			goto fail;
	}
	for (i = 0; i < t->n; i++) {
		struct cg_node *n = &t->nodes[i];

		if (mkdir(n->mem_path, 0755) < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot create cgroup '%s': %s", n->mem_path,
				 strerror(errno));
			goto fail;
		}
		n->created = true;
		if (!v2 && n->cpu_path && mkdir(n->cpu_path, 0755) < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot create cgroup '%s': %s", n->cpu_path,
				 strerror(errno));
			goto fail;
		}
		if (v2 && n->nr_children) {
			ret = enable_controllers(n->mem_path, err, errlen);
			if (ret)
				goto fail;
		}
	}
	return 0;
fail:
	cg_tree_destroy(t);
	return ret;
}

int cg_nr_procs(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/cgroup.procs", dir);
	int ret = read_file(p, &sb), n = 0;
	size_t i;

	if (!ret) {
		for (i = 0; i < sb.len; i++)
			if (sb.buf[i] == '\n')
				n++;
		ret = n;
	}
	free(p);
	sb_release(&sb);
	return ret;
}

static void kill_procs(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/cgroup.procs", dir), *s, *end;

	if (!read_file(p, &sb)) {
		for (s = sb.buf; *s; s = end) {
			long pid = strtol(s, &end, 10);

			if (end == s)
				break;
			if (pid > 1)
				kill((pid_t)pid, SIGKILL);
			while (*end == '\n')
				end++;
		}
	}
	free(p);
	sb_release(&sb);
}

void cg_kill_all(const char *dir, enum cg_version v)
{
	char *p = xasprintf("%s/cgroup.kill", dir);
	DIR *d;
	struct dirent *de;

	/* cgroup.kill (v2, 5.14+) kills the whole subtree atomically, forks included. */
	if (v == CG_V2 && !write_file_str(p, "1")) {
		free(p);
		return;
	}
	free(p);
	kill_procs(dir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		cg_kill_all(p, v);
		free(p);
	}
	closedir(d);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Kill, then remove @dir and every cgroup below it, deepest first. */
static int remove_cgroup_tree(const char *dir, enum cg_version v)
{
	DIR *d;
	struct dirent *de;
	int ret = 0, tries;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char *p;
		int r;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		r = remove_cgroup_tree(p, v);
		if (r && !ret)
			ret = r;
		free(p);
	}
	closedir(d);
	/* Killed tasks leave the cgroup asynchronously: retry for up to ~5 s. */
	for (tries = 0; tries < 100; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return ret;
		if (errno != EBUSY)
			break;
		kill_procs(dir);
		sleep_ms(50);
	}
	pr_warn("cannot remove cgroup '%s': %s", dir, strerror(errno));
	return ret ? ret : -errno;
}

int cg_remove_tree(const char *dir, enum cg_version v)
{
	cg_kill_all(dir, v);
	return remove_cgroup_tree(dir, v);
}

int cg_tree_destroy(struct cg_tree *t)
{
	enum cg_version v = t->layout->version;
	int ret = 0, r;

	if (!t->run_created)
		return 0;
	cg_kill_all(t->run_mem, v);
	if (t->run_cpu && v == CG_V1)
		cg_kill_all(t->run_cpu, v);
	ret = remove_cgroup_tree(t->run_mem, v);
	if (t->run_cpu && v == CG_V1) {
		r = remove_cgroup_tree(t->run_cpu, v);
		if (r && !ret)
			ret = r;
	}
	if (!ret) {
		size_t i;

		t->run_created = false;
		for (i = 0; i < t->n; i++)
			t->nodes[i].created = false;
	}
	return ret;
}

void cg_tree_release(struct cg_tree *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].rel);
		free(t->nodes[i].mem_path);
		free(t->nodes[i].cpu_path);
	}
	free(t->nodes);
	free(t->run_name);
	free(t->run_mem);
	free(t->run_cpu);
	memset(t, 0, sizeof(*t));
}

int cg_enter(const struct cg_tree *t, const struct cg_node *n)
{
	char *p = xasprintf("%s/cgroup.procs", n->mem_path);
	int ret = write_file_str(p, "0");

	free(p);
	if (!ret && t->layout->version == CG_V1 && n->cpu_path) {
		p = xasprintf("%s/cgroup.procs", n->cpu_path);
		ret = write_file_str(p, "0");
		free(p);
	}
	return ret;
}

/* What the setup hook of cg_child_start() needs: where the child goes. */
struct cg_dest {
	const struct cg_tree *t;
	const struct cg_node *n;
};

/* In the child, before anything runs: enter the cgroup clone3 did not start it in. */
static int cg_child_enter(struct child *c, void *data)
{
	const struct cg_dest *d = data;
	int ret;

	if (c->in_cgroup || !d->n)
		return 0;
	ret = cg_enter(d->t, d->n);
	if (ret)
		fprintf(stderr, "patchbench: error: cannot enter cgroup '%s': %s\n",
			d->n->mem_path, strerror(-ret));
	return ret;
}

pid_t cg_child_start(const struct cg_tree *t, const struct cg_node *n, int logfd,
		     struct child *c)
{
	struct cg_dest d = { t, n };
	int ret;

	c->in = CHILD_NULL;
	if (logfd >= 0) {
		c->out = c->err = CHILD_FD;
		c->out_fd = c->err_fd = logfd;
	}
	c->kill_group = true;
	/*
	 * If patchbench dies (even of SIGKILL), so does the workload. The
	 * signal follows the death of the forking *thread*: every spawn is made
	 * from a thread that lives as long as its process (the runner's main
	 * thread, a workload's single thread). SIGTERM, so that a make kills
	 * its own jobs; whatever still escapes is in a cgroup of ours.
	 */
	c->pdeathsig = SIGTERM;
	c->default_signals = true;
	c->setup = cg_child_enter;
	c->setup_data = &d;
	c->cgroup_fd = -1;
	if (n && t->layout->version == CG_V2) {
		c->cgroup_fd = open(n->mem_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->cgroup_fd < 0)
			return -errno;
	}
	ret = child_start(c);
	if (c->cgroup_fd >= 0)
		close(c->cgroup_fd);
	c->cgroup_fd = -1;
	c->setup = NULL;	/* @d is gone */
	c->setup_data = NULL;
	return ret ? ret : c->pid;
}

pid_t cg_spawn(const struct cg_tree *t, const struct cg_node *n, int logfd,
	       int (*fn)(void *arg), void *arg)
{
	struct child c = CHILD_INIT;

	c.fn = fn;
	c.fn_arg = arg;
	return cg_child_start(t, n, logfd, &c);
}

int cg_mkdir(const char *dir)
{
	return mkdir(dir, 0755) < 0 ? -errno : 0;
}

int cg_rmdir(const char *dir)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (rmdir(dir) == 0)
			return 0;
		if (errno != EBUSY)
			return -errno;
		sleep_ms(20);
	}
	return -EBUSY;
}

static int cpu_v2(const char *dir, struct cg_cpu *out)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/cpu.stat", dir), *s;
	int ret = read_file(p, &sb);

	if (!ret) {
		s = strstr(sb.buf, "usage_usec ");
		out->usage_us = s ? strtoull(s + 11, NULL, 10) : 0;
		s = strstr(sb.buf, "user_usec ");
		out->user_us = s ? strtoull(s + 10, NULL, 10) : 0;
		s = strstr(sb.buf, "system_usec ");
		out->system_us = s ? strtoull(s + 12, NULL, 10) : 0;
		if (!strstr(sb.buf, "usage_usec "))
			ret = -ENODATA;
	}
	free(p);
	sb_release(&sb);
	return ret;
}

static int cpu_v1(const char *dir, struct cg_cpu *out)
{
	static const char *const files[] = { "cpuacct.usage", "cpuacct.usage_user",
					     "cpuacct.usage_sys" };
	uint64_t v[3] = { 0, 0, 0 };
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		ret = read_u64_file(p, &v[i]);
		free(p);
		if (ret && i == 0)
			return ret;
	}
	out->usage_us = v[0] / 1000;
	out->user_us = v[1] / 1000;
	out->system_us = v[2] / 1000;
	return 0;
}

int cg_read_cpu(const struct cg_tree *t, const struct cg_node *n, struct cg_cpu *out)
{
	memset(out, 0, sizeof(*out));
	if (!n->cpu_path)
		return -ENOENT;
	return t->layout->version == CG_V2 ? cpu_v2(n->cpu_path, out) : cpu_v1(n->cpu_path, out);
}

int cg_count_memcgs(void)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file("/proc/cgroups", &sb);
	char *s;

	if (!ret) {
		s = strstr(sb.buf, "\nmemory\t");
		ret = -ENOENT;
		if (s) {
			int hier, num;

			if (sscanf(s + 8, "%d %d", &hier, &num) == 2)
				ret = num;
		}
	}
	sb_release(&sb);
	return ret;
}
