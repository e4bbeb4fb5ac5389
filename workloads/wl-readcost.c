// SPDX-License-Identifier: GPL-2.0
/*
 * wl-readcost.c - the read-cost scaling of the rstat cover letter: how long
 * a read of memory.stat at the top of a subtree takes against the number of
 * cgroups below it, idle ones and deleted-but-not-freed (dying) ones.
 *
 * Kernel paths: the memory.stat show path (memory_stat_show, v1
 * memcg1_stat_format) and the rstat flush it starts when the subtree has
 * enough pending updates (mem_cgroup_flush_stats -> css_rstat_flush ->
 * mem_cgroup_css_rstat_flush over every cgroup on the per-CPU updated
 * trees); page-cache charging (filemap_add_folio -> mem_cgroup_charge) when
 * the population is made, and uncharging (truncate -> folio freeing ->
 * memcg uncharge, memcg_rstat_updated) for the "dirty" rounds, in online and
 * in offline (dying) memcgs alike. memory.stat fields that move in the
 * "readcost" node: file, inactive_file/active_file, file_dirty (v1: cache,
 * total_cache, total_inactive_file, total_dirty); on v2 cgroup.stat's
 * nr_dying_descendants for the deleted populations.
 *
 * For every count N and kind, the controller (outside the tree, like
 * kmem-churn's) makes a population of N children c-0..c-(N-1) below the
 * node, each charged with --readcost-pages pages of a file f-i written from
 * inside it by one helper process that moves itself from child to child.
 * "deleted" then removes every child: the pages keep the memcgs alive.
 * Two populations per point, made the same way, one per method, so that
 * each method starts from the same state and has every page to truncate:
 *   in-process: quiet (a first read, then --readcost-reads reads back to
 *     back) and dirty (--readcost-rounds times: truncate one page of every
 *     f-i, which leaves a pending stat update in every one of the N memcgs,
 *     then time one read), each read a pread of the whole file timed with
 *     clock_gettime;
 *   hyperfine around bench/pb-statread: quiet, and dirty with
 *     "pb-statread --dirty" as --prepare (and --max-runs, because every
 *     prepare uses up one page per file).
 * Then the files are unlinked (which frees the dying memcgs) and the
 * children removed. The run's sampler also reads the node's memory.stat
 * once per --interval (and the root's, which flushes everything): a sample
 * falling between a truncation and the timed read makes that dirty read a
 * quiet one. Use a long --interval for clean dirty numbers.
 */
#include "workload.h"
#include "insn-marker.h"
#include "readcost.h"
#include "runner.h"
#include "json.h"
#include "stats.h"
#include "spawn.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define READCOST_MAX_COUNT 100000

struct readcost_params {
	char *counts;
	char *kinds;
	int pages;
	int reads;
	int rounds;
	int hf_runs;
	int hf_warmup;
};

static const struct option readcost_params[] = {
	{ "counts", 0, OPT_STRING, offsetof(struct readcost_params, counts), "10,100,1000", "LIST",
	  "numbers of child cgroups per population", NULL, 0, 0 },
	{ "kinds", 0, OPT_STRING, offsetof(struct readcost_params, kinds), "idle,deleted", "LIST",
	  "populations: idle (online children) and deleted (dying, kept by their pages)",
	  NULL, 0, 0 },
	{ "pages", 0, OPT_INT, offsetof(struct readcost_params, pages), "16", "N",
	  "file pages each child holds (a dirty round or run truncates one)", NULL, 2, 1 << 20 },
	{ "reads", 0, OPT_INT, offsetof(struct readcost_params, reads), "50", "N",
	  "in-process quiet reads per point", NULL, 1, 1000000 },
	{ "rounds", 0, OPT_INT, offsetof(struct readcost_params, rounds), "12", "N",
	  "in-process dirty rounds per point (truncate a page in every child, read)", NULL, 1,
	  1000000 },
	{ "hyperfine-runs", 0, OPT_INT, offsetof(struct readcost_params, hf_runs), "10", "N",
	  "hyperfine --min-runs (and --max-runs of the dirty point)", NULL, 2, 1000000 },
	{ "hyperfine-warmup", 0, OPT_INT, offsetof(struct readcost_params, hf_warmup), "2", "N",
	  "hyperfine --warmup", NULL, 0, 1000000 },
	{ NULL },
};

enum rc_kind { KIND_IDLE, KIND_DELETED, NR_KINDS };
static const char *const kind_names[NR_KINDS] = { "idle", "deleted" };

enum rc_phase { PH_START, PH_POPULATE, PH_INPROC, PH_HYPERFINE, PH_TEARDOWN, PH_DONE };
static const char *const phase_names[] = { "starting", "populating", "in-process", "hyperfine",
					   "teardown", "done" };

/* Written by the controller, read by the parent's progress hook (shared mapping). */
struct rc_status {
	volatile int point, npoints, count, kind, phase;
};

struct readcost_ctl {
	struct wl_inst *wi;
	const struct readcost_params *p;
	int *counts;
	int ncounts;
	int kinds[NR_KINDS];
	int nkinds;
	char *statread;		/* bench/pb-statread next to patchbench */
	char *hyperfine;
	char *node;		/* the readcost cgroup directory */
	char *memstat;		/* <node>/memory.stat */
	char *dir;		/* <workdir>/readcost: the f-i files */
	char *jsondir;		/* <rundir>/readcost: hyperfine's JSON */
	unsigned page;
	bool v2;
	struct rc_status *st;
	uint64_t ops;		/* in-process reads made, each between op markers */
};

/* One population: N children and their files. */
struct rc_pop {
	int n;
	enum rc_kind kind;
	off_t *size;		/* current size of f-i */
	int made;		/* c-0..c-(made-1) were created */
	int files;		/* f-0..f-(files-1) may exist */
	bool removed;		/* the children were rmdir'ed */
	char dying[32];		/* nr_dying_descendants (v2) or "-" */
	int memcg_base;		/* /proc/cgroups memory count before, -1 if unknown */
};

static char read_buf[1 << 16];

static int parse_kinds(const char *list, int *kinds, char *err, size_t errlen)
{
	char **v = strv_split(list, ',');
	size_t i;
	int n = 0, k, ret = 0;

	for (i = 0; v[i]; i++) {
		k = name_index(kind_names, NR_KINDS, v[i]);
		if (k < 0 || n >= NR_KINDS) {
			snprintf(err, errlen, "invalid value '%s' for --readcost-kinds: the kinds are "
				 "idle and deleted, each once", list);
			ret = -EINVAL;
			break;
		}
		for (int j = 0; j < n; j++)
			if (kinds[j] == k)
				k = -1;
		if (k < 0) {
			snprintf(err, errlen, "invalid value '%s' for --readcost-kinds: '%s' is "
				 "listed twice", list, v[i]);
			ret = -EINVAL;
			break;
		}
		kinds[n++] = k;
	}
	strv_free(v);
	return ret ? ret : n;
}


/* Setup ------------------------------------------------------------------ */

/* pb-statread in the directory of the running patchbench binary; caller frees. */
static char *statread_path(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return xstrdup("pb-statread");
	exe[n] = '\0';
	return xasprintf("%s/pb-statread", dirname(exe));
}

static int readcost_check(struct run *r, void *params, char *err, size_t errlen)
{
	const struct readcost_params *p = params;
	int kinds[NR_KINDS];
	int *counts = NULL;
	char *path;
	int ret;

	ret = readcost_parse_counts(p->counts, READCOST_MAX_COUNT, &counts, err, errlen);
	free(counts);
	if (ret < 0)
		return ret;
	ret = parse_kinds(p->kinds, kinds, err, errlen);
	if (ret < 0)
		return ret;
	if (p->pages < p->rounds + 1) {
		snprintf(err, errlen, "--readcost-pages %d is too small: each of the %d in-process "
			 "dirty rounds truncates one page per child, need at least %d", p->pages,
			 p->rounds, p->rounds + 1);
		return -EINVAL;
	}
	if (p->pages < p->hf_warmup + p->hf_runs + 1) {
		snprintf(err, errlen, "--readcost-pages %d is too small: each of hyperfine's %d "
			 "warmup and %d dirty runs truncates one page per child, need at least %d",
			 p->pages, p->hf_warmup, p->hf_runs, p->hf_warmup + p->hf_runs + 1);
		return -EINVAL;
	}
	path = statread_path();
	if (access(path, X_OK)) {
		snprintf(err, errlen, "readcost needs '%s' next to patchbench (run make): %s", path,
			 strerror(errno));
		free(path);
		return -ENOENT;
	}
	free(path);
	path = pb_which("hyperfine");
	if (!path) {
		snprintf(err, errlen, "readcost needs hyperfine, which is not in PATH "
			 "(apt-get install hyperfine)");
		return -ENOENT;
	}
	free(path);
	return 0;
}

/* Populations ------------------------------------------------------------ */

static char *child_dir(const struct readcost_ctl *c, int i)
{
	return xasprintf("%s/c-%d", c->node, i);
}

static char *file_path(const struct readcost_ctl *c, int i)
{
	return xasprintf("%s/f-%d", c->dir, i);
}

/* A number from <node>/cgroup.stat (v2), or -errno. */
static long cgroup_stat(const struct readcost_ctl *c, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/cgroup.stat", c->node);
	size_t klen = strlen(key);
	long val = -ENOENT;
	char *line;
	int ret;

	ret = read_file(path, &sb);
	if (ret)
		val = ret;
	for (line = ret ? NULL : sb.buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	free(path);
	sb_release(&sb);
	return val;
}

struct rc_helper {
	const struct readcost_ctl *c;
	int n;			/* files f-0..f-(n-1) */
};

/*
 * The helper: one process that moves itself into each child in turn and
 * writes that child's file there, page by page (order-0 page-cache folios,
 * so that truncating one page frees and uncharges exactly one). The files
 * exist already, made by the controller: creating an inode reads its
 * inode-table block into the block device's page cache, charged to the
 * creator, and such a block outlives the file and would pin a dying child
 * (about one per 16 files on ext4) long after its files are gone.
 */
static int populate_helper(void *arg)
{
	const struct rc_helper *h = arg;
	const struct readcost_ctl *c = h->c;
	static char page[1 << 16];
	int i, fd, j, n = h->n;

	memset(page, 0x5a, sizeof(page));
	for (i = 0; i < n; i++) {
		char *dir = child_dir(c, i), *procs = xasprintf("%s/cgroup.procs", dir);
		char *f = file_path(c, i);
		int ret = write_file_str(procs, "0");

		if (ret) {
			fprintf(stderr, "readcost: cannot move into '%s': %s\n", dir, strerror(-ret));
			return 1;
		}
		fd = open(f, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "readcost: cannot open '%s': %s\n", f, strerror(errno));
			return 1;
		}
		for (j = 0; j < c->p->pages; j++) {
			if (write(fd, page, c->page) != (ssize_t)c->page) {
				fprintf(stderr, "readcost: cannot write '%s': %s\n", f,
					strerror(errno));
				return 1;
			}
		}
		close(fd);
		free(dir);
		free(procs);
		free(f);
	}
	return 0;
}

static int pop_create(struct readcost_ctl *c, struct rc_pop *pop, int n, enum rc_kind kind)
{
	int64_t t0 = now_ns();
	struct rc_helper h = { c, n };
	struct child helper = CHILD_INIT;
	int i, ret;

	memset(pop, 0, sizeof(*pop));
	pop->n = n;
	pop->kind = kind;
	pop->size = xcalloc(n, sizeof(*pop->size));
	pop->memcg_base = cg_count_memcgs();
	c->st->phase = PH_POPULATE;
	for (i = 0; i < n; i++) {
		char *dir = child_dir(c, i);

		ret = cg_mkdir(dir);
		if (ret) {
			fprintf(stderr, "readcost: cannot create cgroup '%s': %s\n", dir,
				strerror(-ret));
			free(dir);
			return ret;
		}
		free(dir);
		pop->made++;
	}
	pop->files = n;
	for (i = 0; i < n; i++) {
		char *f = file_path(c, i);
		int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0) {
			ret = -errno;
			fprintf(stderr, "readcost: cannot create '%s': %s\n", f, strerror(errno));
			free(f);
			return ret;
		}
		close(fd);
		free(f);
	}
	helper.fn = populate_helper;
	helper.fn_arg = &h;
	helper.pdeathsig = SIGKILL;
	ret = child_start(&helper);
	if (ret) {
		fprintf(stderr, "readcost: cannot fork: %s\n", strerror(-ret));
		return ret;
	}
	if (child_finish(&helper)) {
		fprintf(stderr, "readcost: the helper writing the files failed\n");
		return -EIO;
	}
	for (i = 0; i < n; i++)
		pop->size[i] = (off_t)c->p->pages * c->page;
	if (kind == KIND_DELETED) {
		for (i = 0; i < n; i++) {
			char *dir = child_dir(c, i);

			ret = cg_rmdir(dir);
			if (ret) {
				fprintf(stderr, "readcost: cannot remove cgroup '%s': %s\n", dir,
					strerror(-ret));
				free(dir);
				return ret;
			}
			free(dir);
		}
		pop->removed = true;
	}
	if (c->v2) {
		long dying = cgroup_stat(c, "nr_dying_descendants");
		long desc = cgroup_stat(c, "nr_descendants");

		snprintf(pop->dying, sizeof(pop->dying), "%ld", dying);
		printf("readcost: %s %d: %d x %d pages in %.2f s; cgroup.stat nr_descendants %ld, "
		       "nr_dying_descendants %ld\n", kind_names[kind], n, n, c->p->pages,
		       (double)(now_ns() - t0) / 1e9, desc, dying);
	} else {
		/* v1 has no cgroup.stat; /proc/cgroups counts memcgs until they are freed */
		int now = cg_count_memcgs();

		snprintf(pop->dying, sizeof(pop->dying), "-");
		printf("readcost: %s %d: %d x %d pages in %.2f s; memory cgroups in /proc/cgroups "
		       "%d -> %d (dying ones included; other cgroups of the machine too)\n",
		       kind_names[kind], n, n, c->p->pages, (double)(now_ns() - t0) / 1e9,
		       pop->memcg_base, now);
	}
	fflush(stdout);
	return 0;
}

/* Truncate every file by one page: one uncharge, so pending stat updates, per child. */
static int pop_dirty(const struct readcost_ctl *c, struct rc_pop *pop)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < pop->n; i++) {
		if (pop->size[i] <= (off_t)c->page) {
			fprintf(stderr, "readcost: f-%d has no page left to truncate\n", i);
			return -ENOSPC;
		}
		snprintf(path, sizeof(path), "%s/f-%d", c->dir, i);
		if (truncate(path, pop->size[i] - c->page) < 0) {
			int e = errno;

			fprintf(stderr, "readcost: cannot truncate '%s': %s\n", path, strerror(e));
			return -e;
		}
		pop->size[i] -= c->page;
	}
	return 0;
}

/* Entries of @dir whose name starts with @prefix, or -errno. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/*
 * Unlink the files (the last references of a deleted population's memcgs),
 * remove the children, wait up to 2 s for the dying memcgs to be freed, and
 * check that nothing of the population is left.
 */
static int pop_destroy(struct readcost_ctl *c, struct rc_pop *pop)
{
	int64_t t0 = now_ns(), deadline = t0 + 2 * NSEC_PER_SEC;
	int i, ret = 0, left_c, left_f;
	long dying = 0;

	if (!pop->size)
		return 0;
	c->st->phase = PH_TEARDOWN;
	for (i = 0; i < pop->files; i++) {
		char *f = file_path(c, i);

		if (unlink(f) < 0 && errno != ENOENT && !ret) {
			ret = -errno;
			fprintf(stderr, "readcost: cannot remove '%s': %s\n", f, strerror(errno));
		}
		free(f);
	}
	for (i = 0; !pop->removed && i < pop->made; i++) {
		char *dir = child_dir(c, i);
		int r = cg_rmdir(dir);

		if (r && r != -ENOENT && !ret) {
			ret = r;
			fprintf(stderr, "readcost: cannot remove cgroup '%s': %s\n", dir,
				strerror(-r));
		}
		free(dir);
	}
	for (;;) {
		if (c->v2)
			dying = cgroup_stat(c, "nr_dying_descendants");
		else if (pop->memcg_base >= 0)
			dying = cg_count_memcgs() - pop->memcg_base;
		if (dying <= 0 || (!c->v2 && pop->memcg_base < 0) || now_ns() > deadline)
			break;
		usleep(20000);
	}
	left_c = count_prefixed(c->node, "c-");
	left_f = count_prefixed(c->dir, "f-");
	printf("readcost: teardown %s %d: %d c-* and %d f-* left; %s %ld after %.2f s\n",
	       kind_names[pop->kind], pop->n, left_c, left_f,
	       c->v2 ? "nr_dying_descendants" : "memory cgroups above the count before",
	       dying, (double)(now_ns() - t0) / 1e9);
	fflush(stdout);
	if ((left_c || left_f) && !ret)
		ret = -ENOTEMPTY;
	free(pop->size);
	pop->size = NULL;
	return ret;
}

/* Measurements ----------------------------------------------------------- */

/*
 * One whole-file read of memory.stat, timed; its latency in *@ns. Under TCG the
 * instruction-count plugin counts what this vCPU runs between the op markers:
 * op c->ops (from 1) of insn-ops.tsv. Bytes or -errno.
 */
static ssize_t timed_read(struct readcost_ctl *c, int fd, int64_t *ns)
{
	ssize_t n, total = 0;
	int64_t t0, t1;

	c->ops++;
	t0 = now_ns();
	PB_MARK(PB_MARK_OP_BEGIN);
	do {
		n = pread(fd, read_buf, sizeof(read_buf), total);
		if (n > 0)
			total += n;
	} while (n == (ssize_t)sizeof(read_buf));
	PB_MARK(PB_MARK_OP_END);
	t1 = now_ns();
	*ns = t1 - t0;
	return n < 0 ? -errno : total;
}

static void add_val(struct strbuf *sb, double v)
{
	if (isnan(v))
		sb_adds(sb, "\t-");
	else
		sb_addf(sb, "\t%.1f", v);
}

/* @op0..@op1: the ops of the row's reads (0: none, as hyperfine's) */
static void add_row(struct strbuf *tsv, const struct rc_pop *pop, const char *state,
		    const char *method, const struct readcost_sum *s, double first, uint64_t op0,
		    uint64_t op1)
{
	sb_addf(tsv, "%s\t%d\t%s\t%s\t%s\t%zu", kind_names[pop->kind], pop->n, pop->dying, state,
		method, s->n);
	add_val(tsv, first);
	add_val(tsv, s->p50);
	add_val(tsv, s->p99);
	add_val(tsv, s->mean);
	add_val(tsv, s->stddev);
	add_val(tsv, s->min);
	add_val(tsv, s->max);
	if (op0)
		sb_addf(tsv, "\t%" PRIu64 "\t%" PRIu64 "\n", op0, op1);
	else
		sb_adds(tsv, "\t-\t-\n");
}

static int measure_inproc(struct readcost_ctl *c, struct rc_pop *pop, struct strbuf *tsv,
			  struct readcost_sum *quiet, struct readcost_sum *dirty)
{
	const struct readcost_params *p = c->p;
	double *q = xcalloc(p->reads, sizeof(*q)), *d = xcalloc(p->rounds, sizeof(*d));
	double first;
	uint64_t q0, d0;
	int64_t ns;
	ssize_t n;
	int fd, i, ret = 0;

	c->st->phase = PH_INPROC;
	fd = open(c->memstat, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "readcost: cannot open '%s': %s\n", c->memstat, strerror(errno));
		goto out_free;
	}
	n = timed_read(c, fd, &ns);
	first = (double)ns / 1e3;
	q0 = c->ops + 1;
	for (i = 0; n > 0 && i < p->reads; i++) {
		n = timed_read(c, fd, &ns);
		q[i] = (double)ns / 1e3;
	}
	d0 = c->ops + 1;
	for (i = 0; n > 0 && i < p->rounds; i++) {
		ret = pop_dirty(c, pop);
		if (ret)
			goto out_close;
		n = timed_read(c, fd, &ns);
		d[i] = (double)ns / 1e3;
	}
	if (n <= 0) {
		ret = n < 0 ? (int)n : -EIO;
		fprintf(stderr, "readcost: cannot read '%s': %s\n", c->memstat,
			n < 0 ? strerror((int)-n) : "empty");
		goto out_close;
	}
	readcost_summarize(q, p->reads, quiet);
	readcost_summarize(d, p->rounds, dirty);
	add_row(tsv, pop, "quiet", "inproc", quiet, first, q0, d0 - 1);
	add_row(tsv, pop, "dirty", "inproc", dirty, NAN, d0, c->ops);
out_close:
	close(fd);
out_free:
	free(q);
	free(d);
	return ret;
}

/* @s, quoted for the shell-words splitting hyperfine -N does when it needs quoting. */
static char *shell_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q;

	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		     "/._,+:=@%-") == strlen(s))
		return xstrdup(s);
	sb_adds(&sb, "'");
	for (q = s; *q; q++) {
		if (*q == '\'')
			sb_adds(&sb, "'\\''");
		else
			sb_add(&sb, q, 1);
	}
	sb_adds(&sb, "'");
	return sb_detach(&sb);
}

static int run_hyperfine(char **argv)
{
	struct child c = CHILD_INIT;
	int ret;

	c.exe = argv[0];
	c.argv = argv;
	c.pdeathsig = SIGKILL;
	c.clear_make_env = true;
	c.exec_err = "readcost: ";
	ret = child_run(&c);
	if (ret > 0) {
		fprintf(stderr, "readcost: hyperfine failed (%s %d)\n",
			WIFEXITED(c.status) ? "exit" : "signal",
			WIFEXITED(c.status) ? WEXITSTATUS(c.status) : WTERMSIG(c.status));
		return -EIO;
	}
	return ret;
}

/*
 * hyperfine around "pb-statread <node>/memory.stat"; dirty: with
 * "pb-statread --dirty <dir>" as --prepare, bounded by --max-runs.
 */
static int measure_hyperfine(struct readcost_ctl *c, struct rc_pop *pop, bool dirty,
			     struct strbuf *tsv, struct readcost_sum *s)
{
	const struct readcost_params *p = c->p;
	const char *state = dirty ? "dirty" : "quiet";
	char *json = xasprintf("%s/hyperfine-%s-%d-%s.json", c->jsondir, kind_names[pop->kind],
			       pop->n, state);
	char *qs = shell_quote(c->statread), *qf = shell_quote(c->memstat), *qd = shell_quote(c->dir);
	char *cmd = xasprintf("%s %s", qs, qf);
	char *prep = xasprintf("%s --dirty %s", qs, qd);
	char warm[16], runs[16], err[512];
	struct readcost_hf hf = { 0 };
	struct strbuf line = STRBUF_INIT;
	char *argv[20];
	double *us = NULL;
	int i, n = 0, ret;

	c->st->phase = PH_HYPERFINE;
	snprintf(warm, sizeof(warm), "%d", p->hf_warmup);
	snprintf(runs, sizeof(runs), "%d", p->hf_runs);
	argv[n++] = c->hyperfine;
	argv[n++] = "-N";
	argv[n++] = "--style";
	argv[n++] = "basic";
	argv[n++] = "--warmup";
	argv[n++] = warm;
	argv[n++] = "--min-runs";
	argv[n++] = runs;
	if (dirty) {
		argv[n++] = "--max-runs";
		argv[n++] = runs;
		argv[n++] = "--prepare";
		argv[n++] = prep;
	}
	argv[n++] = "--export-json";
	argv[n++] = json;
	argv[n++] = cmd;
	argv[n] = NULL;
	for (i = 0; i < n; i++) {
		char *a = shell_quote(argv[i]);

		sb_addf(&line, "%s%s", i ? " " : "", a);
		free(a);
	}
	printf("readcost: %s %d %s: $ %s\n", kind_names[pop->kind], pop->n, state, line.buf);
	ret = run_hyperfine(argv);
	if (ret)
		goto out;
	ret = readcost_hyperfine_load(json, &hf, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "readcost: %s\n", err);
		goto out;
	}
	us = xcalloc(hf.ntimes, sizeof(*us));
	for (i = 0; i < (int)hf.ntimes; i++)
		us[i] = hf.times[i] * 1e6;
	readcost_summarize(us, hf.ntimes, s);
	/* hyperfine's own numbers where it has them; times[] only for p99 */
	s->mean = hf.mean * 1e6;
	s->stddev = hf.stddev * 1e6;
	s->p50 = hf.median * 1e6;
	s->min = hf.min * 1e6;
	s->max = hf.max * 1e6;
	add_row(tsv, pop, state, "hyperfine", s, NAN, 0, 0);
	if (dirty) {
		/* every prepare must have truncated one page of every file */
		struct stat st;
		char *f0 = file_path(c, 0);
		off_t want = (off_t)(p->pages - p->hf_warmup - (int)hf.ntimes) * c->page;

		if (stat(f0, &st)) {
			fprintf(stderr, "readcost: cannot stat '%s': %s\n", f0, strerror(errno));
			ret = -EIO;
		} else if (st.st_size != want) {
			fprintf(stderr, "readcost: after the dirty hyperfine runs f-0 has %lld bytes, "
				"expected %lld: the prepare did not truncate once per run\n",
				(long long)st.st_size, (long long)want);
			ret = -EIO;
		}
		free(f0);
	}
out:
	readcost_hf_release(&hf);
	sb_release(&line);
	free(us);
	free(json);
	free(qs);
	free(qf);
	free(qd);
	free(cmd);
	free(prep);
	return ret;
}

/* Both methods for one (count, kind), each on a population of its own. */
static int measure_point(struct readcost_ctl *c, int n, enum rc_kind kind, struct strbuf *tsv)
{
	struct readcost_sum iq, id, hq, hd;
	struct rc_pop pop = { 0 };
	int ret, r;

	c->st->count = n;
	c->st->kind = kind;
	ret = pop_create(c, &pop, n, kind);
	if (!ret)
		ret = measure_inproc(c, &pop, tsv, &iq, &id);
	r = pop_destroy(c, &pop);
	if (ret || r)
		return ret ? ret : r;

	ret = pop_create(c, &pop, n, kind);
	if (!ret)
		ret = measure_hyperfine(c, &pop, false, tsv, &hq);
	if (!ret)
		ret = measure_hyperfine(c, &pop, true, tsv, &hd);
	r = pop_destroy(c, &pop);
	if (ret || r)
		return ret ? ret : r;

	printf("readcost: %s %d: quiet p50 %.1f us, dirty p50 %.1f us, hyperfine %.2f ms "
	       "(dirty %.2f ms)\n", kind_names[kind], n, iq.p50, id.p50, hq.p50 / 1e3,
	       hd.p50 / 1e3);
	fflush(stdout);
	return 0;
}

static int readcost_main(void *arg)
{
	struct readcost_ctl *c = arg;
	struct strbuf tsv = STRBUF_INIT;
	char *out = run_path(c->wi->run, "readcost.tsv");
	int i, k, ret = 0, wret;

	sb_adds(&tsv, "kind\tcgroups\tdying\tstate\tmethod\tn\tfirst_us\tp50_us\tp99_us\tmean_us"
		"\tstddev_us\tmin_us\tmax_us\top_first\top_last\n");
	printf("readcost: memory.stat of %s (cgroup %s), counts %s, kinds %s, %d pages per "
	       "child, %d reads, %d dirty rounds, hyperfine %d runs + %d warmup\n", c->node,
	       c->v2 ? "v2" : "v1", c->p->counts, c->p->kinds, c->p->pages, c->p->reads,
	       c->p->rounds, c->p->hf_runs, c->p->hf_warmup);
	fflush(stdout);
	if (c->v2) {
		char *sc = xasprintf("%s/cgroup.subtree_control", c->node);

		ret = write_file_str(sc, "+memory");
		if (ret)
			fprintf(stderr, "readcost: cannot write '+memory' to '%s': %s\n", sc,
				strerror(-ret));
		free(sc);
	}
	for (i = 0; !ret && i < c->ncounts; i++) {
		for (k = 0; !ret && k < c->nkinds; k++) {
			c->st->point = i * c->nkinds + k + 1;
			ret = measure_point(c, c->counts[i], c->kinds[k], &tsv);
		}
	}
	c->st->phase = PH_DONE;
	/* what was measured is kept, also when a later point failed */
	wret = write_atomic(out, tsv.buf, tsv.len);
	if (wret)
		fprintf(stderr, "readcost: cannot write '%s': %s\n", out, strerror(-wret));
	else
		printf("readcost: wrote %s\n", out);
	remove_tree(c->dir);
	free(out);
	sb_release(&tsv);
	return ret || wret ? 1 : 0;
}

static int readcost_start(struct wl_inst *wi)
{
	struct readcost_ctl *c = xcalloc(1, sizeof(*c));
	const struct cg_node *node = &wi->run->tree.nodes[wi->node];
	char err[256];
	void *st;
	int ret;

	wi->priv = c;
	c->wi = wi;
	c->p = wi->params;
	c->ncounts = readcost_parse_counts(c->p->counts, READCOST_MAX_COUNT, &c->counts, err,
					   sizeof(err));
	c->nkinds = parse_kinds(c->p->kinds, c->kinds, err, sizeof(err));
	if (c->ncounts < 0 || c->nkinds < 0) {
		pr_err("%s", err);
		return -EINVAL;
	}
	c->statread = statread_path();
	c->hyperfine = pb_which("hyperfine");
	if (!c->hyperfine) {
		pr_err("readcost needs hyperfine, which is not in PATH");
		return -ENOENT;
	}
	c->node = xstrdup(node->mem_path);
	c->memstat = xasprintf("%s/memory.stat", node->mem_path);
	c->dir = xasprintf("%s/readcost", wi->run->workdir);
	c->jsondir = run_path(wi->run, "readcost");
	c->page = wi->run->page_size;
	c->v2 = wi->run->layout.version == CG_V2;
	st = mmap(NULL, sizeof(*c->st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return -errno;
	c->st = st;
	c->st->npoints = c->ncounts * c->nkinds;
	ret = mkdir_p(c->dir, 0755);
	if (!ret)
		ret = mkdir_p(c->jsondir, 0755);
	if (ret) {
		pr_err("cannot create '%s' or '%s': %s", c->dir, c->jsondir, strerror(-ret));
		return ret;
	}
	return run_spawn(wi, true, readcost_main, c);
}

static enum wl_state readcost_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	return code ? WL_FAILED : WL_DONE;
}

static void readcost_progress(struct wl_inst *wi, char *buf, size_t len)
{
	const struct readcost_ctl *c = wi->priv;
	int ph;

	if (!c || !c->st) {
		snprintf(buf, len, "starting");
		return;
	}
	ph = c->st->phase;
	if (ph == PH_START || ph == PH_DONE)
		snprintf(buf, len, "%s", phase_names[ph]);
	else
		snprintf(buf, len, "%d/%d %s %d %s", c->st->point, c->st->npoints,
			 kind_names[c->st->kind], c->st->count, phase_names[ph]);
}

static void readcost_cleanup(struct wl_inst *wi)
{
	struct readcost_ctl *c = wi->priv;

	if (!c)
		return;
	if (c->dir)
		remove_tree(c->dir);
	if (c->st)
		munmap(c->st, sizeof(*c->st));
	free(c->counts);
	free(c->statread);
	free(c->hyperfine);
	free(c->node);
	free(c->memstat);
	free(c->dir);
	free(c->jsondir);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_readcost = {
	.name = "readcost",
	.summary = "memory.stat read cost vs N idle or dying child cgroups (in-process, hyperfine)",
	.node = "readcost",
	.cgroups = "readcost",
	.params = readcost_params,
	.params_size = sizeof(struct readcost_params),
	.check = readcost_check,
	.start = readcost_start,
	.exited = readcost_exited,
	.progress = readcost_progress,
	.cleanup = readcost_cleanup,
};
