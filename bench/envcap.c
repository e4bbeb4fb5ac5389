// SPDX-License-Identifier: GPL-2.0
/*
 * envcap.c - capture the environment of a run (see envcap.h). Every value is
 * read once, at the start of the run, and kept as the kernel printed it.
 */
#include "envcap.h"
#include "spawn.h"
#include "strbuf.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* git describe of the source, given by the Makefile; a tarball build has none */
#ifndef PB_SOURCE_COMMIT
#define PB_SOURCE_COMMIT "unknown"
#endif

#ifdef __clang__
#define PB_CC __VERSION__
#else
#define PB_CC "gcc " __VERSION__
#endif

/* @len bytes at @s without surrounding white space, as a new string */
static char *trim_dup(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

char *envcap_cpu_model(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *s;
	size_t n;

	while (line_next(&p, end, &s, &n)) {
		const char *colon = memchr(s, ':', n);

		if (n < 10 || strncmp(s, "model name", 10) || !colon ||
		    strspn(s + 10, " \t") != (size_t)(colon - s - 10))
			continue;
		return trim_dup(colon + 1, n - (size_t)(colon + 1 - s));
	}
	return NULL;
}

char *envcap_choice(const char *buf, size_t len)
{
	const char *open = memchr(buf, '[', len), *close;

	if (!open)
		return NULL;
	close = memchr(open, ']', len - (size_t)(open - buf));
	return close ? xstrndup(open + 1, (size_t)(close - open - 1)) : NULL;
}

char *envcap_config_cc(const char *buf, size_t len)
{
	static const char key[] = "CONFIG_CC_VERSION_TEXT=";
	const char *p = buf, *end = buf + len, *s;
	size_t n, k = sizeof(key) - 1;

	while (line_next(&p, end, &s, &n)) {
		if (n < k || strncmp(s, key, k))
			continue;
		s += k;
		n -= k;
		if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
			s++;
			n -= 2;
		}
		return xstrndup(s, n);
	}
	return NULL;
}

/* A whole small file, trimmed, or NULL when it cannot be read. */
static char *read_trimmed(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *ret = NULL;

	if (!read_file(path, &sb))
		ret = trim_dup(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return ret;
}

/* The [chosen] word of the sysfs choice file @path, "none" without the file. */
static char *read_choice(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *ret;

	if (read_file(path, &sb))
		ret = xstrdup("none");
	else
		ret = envcap_choice(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return ret;
}

static int numa_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 1;	/* a kernel without NUMA: one node */
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "node", 4) && isdigit((unsigned char)de->d_name[4]))
			n++;
	closedir(d);
	return n ? n : 1;
}

/*
 * The governors of the online CPUs, once each in CPU order ("performance",
 * or "performance,powersave" on a mixed machine); "none" without cpufreq.
 */
static char *governors(void)
{
	struct strbuf sb = STRBUF_INIT;
	long i, n = sysconf(_SC_NPROCESSORS_CONF);

	for (i = 0; i < n; i++) {
		char *p = xasprintf("/sys/devices/system/cpu/cpu%ld/cpufreq/scaling_governor", i);
		char *g = read_trimmed(p), *q;
		size_t gl = g ? strlen(g) : 0;
		bool seen = false;

		free(p);
		if (!g || !gl) {
			free(g);
			continue;
		}
		for (q = sb.buf; q && (q = strstr(q, g)); q += gl)
			if ((q == sb.buf || q[-1] == ',') && (q[gl] == ',' || !q[gl]))
				seen = true;
		if (!seen)
			sb_addf(&sb, "%s%s", sb.len ? "," : "", g);
		free(g);
	}
	if (!sb.len)
		sb_adds(&sb, "none");
	return sb_detach(&sb);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * /proc/sys/vm/<name> that every user may read (a 0600 file like stat_refresh
 * acts when read: it folds the per-CPU vmstat counters, which a drift
 * measurement must not have done for it) and that hold one value.
 */
static void vm_sysctls(struct meta_env *e)
{
	DIR *d = opendir("/proc/sys/vm");
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		char *p = xasprintf("/proc/sys/vm/%s", names[i]), *v = NULL;
		struct stat st;

		if (!stat(p, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IROTH))
			v = read_trimmed(p);
		if (v && *v && !v[strcspn(v, " \t\n")])
			meta_env_add_vm(e, names[i], v);
		free(v);
		free(p);
		free(names[i]);
	}
	free(names);
}

struct meta_env *envcap_host(void)
{
	struct meta_env *e = meta_env_new();
	struct strbuf sb = STRBUF_INIT;
	char host[256];
	long n;

	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		e->host = xstrdup(host);
	}
	if (!read_file("/proc/cpuinfo", &sb))
		e->cpu_model = envcap_cpu_model(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	e->cpus = n > 0 ? (int)n : -1;
	e->numa_nodes = numa_nodes();
	e->governor = governors();
	e->thp_enabled = read_choice("/sys/kernel/mm/transparent_hugepage/enabled");
	e->thp_defrag = read_choice("/sys/kernel/mm/transparent_hugepage/defrag");
	e->cmdline = read_trimmed("/proc/cmdline");
	e->cc = xstrdup(PB_CC);
	e->version = xstrdup(PATCHBENCH_VERSION);
	e->commit = xstrdup(PB_SOURCE_COMMIT);
	vm_sysctls(e);
	return e;
}

void envcap_qemu(struct meta_env *e, const char *qemu)
{
	struct strbuf out = STRBUF_INIT;
	struct child c = CHILD_INIT;
	char *argv[] = { (char *)qemu, "--version", NULL };

	c.argv = argv;
	c.in = CHILD_NULL;
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	c.err = CHILD_NULL;
	c.timeout_ns = 10 * NSEC_PER_SEC;
	c.pdeathsig = SIGKILL;
	if (!child_run(&c) && out.len) {
		free(e->qemu);
		e->qemu = trim_dup(out.buf, strcspn(out.buf, "\n"));
	}
	sb_release(&out);
}

void envcap_kernel_cc(struct meta_env *e, const char *kernel_dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/config", kernel_dir);

	if (!read_file(p, &sb)) {
		free(e->kernel_cc);
		e->kernel_cc = envcap_config_cc(sb.buf ? sb.buf : "", sb.len);
	}
	sb_release(&sb);
	free(p);
}
