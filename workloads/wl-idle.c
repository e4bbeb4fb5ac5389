// SPDX-License-Identifier: GPL-2.0
/*
 * wl-idle.c - an idle sibling: hold memory, then do nothing.
 *
 * Kernel paths: anon faults (do_anonymous_page -> mem_cgroup_charge) and
 * page-cache writes (filemap_add_folio charging the file pages), once.
 * memory.stat fields that move at start and then stay put: anon,
 * active_anon/inactive_anon (v1: rss, total_rss), file, inactive_file,
 * file_dirty (v1: cache, dirty). An idle sibling is what makes a tree's
 * stats expensive to aggregate without doing anything itself.
 */
#include "workload.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct idle_params {
	uint64_t anon;
	uint64_t file;
};

static const struct option idle_params[] = {
	{ "anon", 0, OPT_SIZE, offsetof(struct idle_params, anon), "32M", "SIZE",
	  "anonymous memory each idle sibling faults in", NULL, 0, 1LL << 40 },
	{ "file", 0, OPT_SIZE, offsetof(struct idle_params, file), "16M", "SIZE",
	  "file pages each idle sibling writes and reads back", NULL, 0, 1LL << 40 },
	{ NULL },
};

struct idle_arg {
	uint64_t anon, file;
	char *path;
};

static int idle_main(void *p)
{
	struct idle_arg *a = p;
	static char chunk[1 << 16];
	uint64_t done;
	char *mem = NULL;
	int fd;

	if (a->anon) {
		mem = mmap(NULL, a->anon, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			fprintf(stderr, "idle: cannot map %llu bytes: %s\n",
				(unsigned long long)a->anon, strerror(errno));
			return 1;
		}
		for (done = 0; done < a->anon; done += 4096)
			mem[done] = 1;
	}
	if (a->file) {
		fd = open(a->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "idle: cannot create '%s': %s\n", a->path, strerror(errno));
			return 1;
		}
		memset(chunk, 0x5a, sizeof(chunk));
		for (done = 0; done < a->file; done += sizeof(chunk)) {
			if (write(fd, chunk, sizeof(chunk)) < 0) {
				fprintf(stderr, "idle: cannot write '%s': %s\n", a->path,
					strerror(errno));
				return 1;
			}
		}
		for (done = 0; done < a->file; done += sizeof(chunk))
			if (pread(fd, chunk, sizeof(chunk), done) <= 0)
				break;
		/* keep fd open: the file stays in the page cache, charged here */
	}
	printf("idle: holding %llu bytes anon, %llu bytes file; sleeping\n",
	       (unsigned long long)a->anon, (unsigned long long)a->file);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int idle_start(struct wl_inst *wi)
{
	const struct idle_params *p = wi->params;
	struct idle_arg *a = xcalloc(1, sizeof(*a));

	a->anon = p->anon;
	a->file = p->file;
	a->path = xasprintf("%s/%s.dat", wi->run->workdir, wi->run->tree.nodes[wi->node].name);
	wi->priv = a;
	return run_spawn(wi, false, idle_main, a);
}

static enum wl_state idle_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	/* Killed by the runner at the end of the run is the normal way out. */
	return code == 128 + 9 || code == 128 + 15 ? WL_DONE : WL_FAILED;
}

static void idle_cleanup(struct wl_inst *wi)
{
	struct idle_arg *a = wi->priv;

	if (!a)
		return;
	unlink(a->path);
	free(a->path);
	free(a);
	wi->priv = NULL;
}

static void idle_node_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "idle-%d", i + 1);
}

const struct workload wl_idle = {
	.name = "idle",
	.summary = "idle siblings: fault in anon and file memory, then sleep until the run ends",
	.nodes = "idle",
	.node_name = idle_node_name,
	.frame = 2,
	.cgroups = "idle-*",
	.background = true,
	.params = idle_params,
	.params_size = sizeof(struct idle_params),
	.start = idle_start,
	.exited = idle_exited,
	.cleanup = idle_cleanup,
};
