// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild.c - "patchbench build": turn a kernel source, a patch series and a
 * config into a bzImage in the cache, and find built kernels again.
 *
 * Each series kernel is built from its own tree, a hard-link copy ("cp -al")
 * of the pristine unpacked source with the series applied by GNU patch.
 * patch writes every file it changes as a new file and renames it into
 * place, which breaks the hard link, so neither the pristine tree nor any
 * other kernel's tree ever sees a series. The tree is assembled under a
 * ".tmp" name and renamed only once every patch applied: a patch that does
 * not apply leaves nothing behind.
 *
 * The key of a kernel hashes everything its bzImage is made from (source
 * id, series content, base config, fragment); an unchanged kernel is not
 * rebuilt. Object directories are kept per key, so a --rebuild or a
 * developer's edit in a tree is an incremental make, and ccache makes a
 * fresh object directory of an already-built source cheap.
 */
#include "kbuild.h"
#include "kseries.h"
#include "ksrc.h"
#include "sha256.h"
#include "spawn.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KB_STATUS_EVERY (5 * NSEC_PER_SEC)
#define KB_TAIL_LINES 20
#define KB_WIDTH 72

struct kb {
	const struct kbuild_opts *o;
	char *cache, *kdir, *fragment, *config, *srcdir, *tree, *objdir;
	char *root;		/* CCACHE_BASEDIR: the cache, or a series tree's root */
	struct kseries series;
	char *log;
	int logfd, lockfd;
	int jobs;
	bool quiet, tty, status_shown, signals_set;
	int64_t t0;
	struct kernel_info k;
	struct sigaction old[3];
};

static volatile sig_atomic_t kb_signal;
static const int kb_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void kb_on_signal(int sig)
{
	kb_signal = sig;
}

/* @path relative to the cache when it is in there, for shorter progress lines */
static const char *in_cache(const struct kb *b, const char *path)
{
	size_t n = strlen(b->cache);

	return !strncmp(path, b->cache, n) && path[n] == '/' ? path + n + 1 : path;
}

/* "0.4s", "12.3s", "6m51s" */
static const char *fmt_elapsed(char *buf, size_t len, int64_t ns)
{
	if (ns < 60 * NSEC_PER_SEC) {
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
		return buf;
	}
	return fmt_duration(buf, len, ns);
}

static void kb_clear_status(struct kb *b)
{
	if (b->status_shown && b->tty)
		fputs("\r\033[K", stderr);
	b->status_shown = false;
}

/* One progress line: "  phase    elapsed  text", cut to KB_WIDTH columns. */
static void kb_line(struct kb *b, bool status, const char *phase, int64_t ns,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void kb_line(struct kb *b, bool status, const char *phase, int64_t ns,
		    const char *fmt, ...)
{
	char d[32], line[256];
	va_list ap;
	int n;

	if (b->quiet)
		return;
	n = snprintf(line, sizeof(line), "  %-7s %6s  ", phase, fmt_elapsed(d, sizeof(d), ns));
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (status)
		line[KB_WIDTH] = '\0';
	kb_clear_status(b);
	fputs(line, stderr);
	if (status && b->tty) {
		b->status_shown = true;
	} else {
		fputc('\n', stderr);
	}
	fflush(stderr);
}

/* The last non-empty line of the log, without leading blanks. */
static void log_last_line(int fd, char *buf, size_t len)
{
	char chunk[4096];
	struct stat st;
	ssize_t n;
	char *e, *s;

	buf[0] = '\0';
	if (fstat(fd, &st) < 0 || !st.st_size)
		return;
	n = pread(fd, chunk, sizeof(chunk) - 1, st.st_size > (off_t)sizeof(chunk) - 1 ?
		  st.st_size - (off_t)sizeof(chunk) + 1 : 0);
	if (n <= 0)
		return;
	chunk[n] = '\0';
	for (e = chunk + n; e > chunk && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	s = memrchr(chunk, '\n', e - chunk);
	s = s ? s + 1 : chunk;
	while (*s == ' ' || *s == '\t')
		s++;
	n = (ssize_t)strnlen(s, len - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* While a step runs: stop when we are told to, show a status line now and then. */
struct kb_wait {
	struct kb *b;
	const char *phase;
	int64_t start, next;
};

static int kb_poll(struct child *c, void *data)
{
	struct kb_wait *w = data;
	int64_t now;

	(void)c;
	if (kb_signal)
		return -EINTR;
	now = now_ns();
	if (w->phase && now >= w->next) {
		char last[200];

		log_last_line(w->b->logfd, last, sizeof(last));
		kb_line(w->b, true, w->phase, now - w->start, "%s", last);
		w->next = now + KB_STATUS_EVERY;
	}
	return 0;
}

/*
 * Run @argv in @cwd (NULL: here) with stdin from /dev/null and stdout and
 * stderr appended to the log, in its own process group. With @phase, show
 * a status line every KB_STATUS_EVERY. Returns the exit code (128 + signal
 * when killed), or -EINTR when we were told to stop, or -errno.
 */
static int kb_exec(struct kb *b, char *const argv[], const char *cwd, const char *phase)
{
	struct kb_wait w = { .b = b, .phase = phase, .start = now_ns() };
	/* patch's messages are parsed; make's are shown */
	char *basedir = b->root ? xasprintf("CCACHE_BASEDIR=%s", b->root) : NULL;
	const char *env[] = { "LC_ALL=C", basedir, NULL };
	struct child c = CHILD_INIT;
	int i, ret;

	w.next = w.start + KB_STATUS_EVERY;
	dprintf(b->logfd, "patchbench: $%s%s%s", cwd ? " cd " : "", cwd ? cwd : "",
		cwd ? " &&" : "");
	for (i = 0; argv[i]; i++)
		dprintf(b->logfd, " %s", argv[i]);
	dprintf(b->logfd, "\n");
	c.argv = argv;
	c.dir = cwd;
	c.env = env;
	c.clear_make_env = true;
	c.in = CHILD_NULL;
	c.out = c.err = CHILD_FD;
	c.out_fd = c.err_fd = b->logfd;
	c.kill_group = true;
	c.pdeathsig = SIGTERM;
	c.exec_err = "patchbench: ";
	c.kill_grace_ns = 10 * NSEC_PER_SEC;
	c.poll = kb_poll;
	c.poll_data = &w;
	ret = child_run(&c);
	free(basedir);
	return ret;
}

/* Print the last @lines lines of the log to stderr. */
static void kb_print_tail(struct kb *b, int lines)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int n = 0;

	kb_clear_status(b);
	if (read_file(b->log, &sb) || !sb.len)
		goto out;
	p = sb.buf + sb.len;
	if (p[-1] == '\n')
		p--;
	while (p > sb.buf && n < lines) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (*p == '\n')
		p++;
	fprintf(stderr, "patchbench: last %d lines of %s:\n%s", lines, b->log, p);
	if (sb.buf[sb.len - 1] != '\n')
		fputc('\n', stderr);
out:
	sb_release(&sb);
}

/* The first compiler or make error in the log ("" if none): the line that says why. */
static void log_first_error(const char *log, char *buf, size_t len)
{
	static const char *const marks[] = { ": error: ", ": fatal error: ",
					     ": undefined reference ", "*** " };
	struct strbuf sb = STRBUF_INIT;
	const char *p, *end, *s, *best = NULL;
	size_t l, bestlen = 0, i;

	buf[0] = '\0';
	if (read_file(log, &sb))
		goto out;
	/* a compiler's message beats make's "*** ... Error 1" that follows it */
	for (i = 0; i < ARRAY_SIZE(marks) && !best; i++) {
		p = sb.buf;
		end = sb.buf + sb.len;
		while (line_next(&p, end, &s, &l)) {
			if (memmem(s, l, marks[i], strlen(marks[i]))) {
				best = s;
				bestlen = l;
				break;
			}
		}
	}
	if (best)
		snprintf(buf, len, "%.*s", (int)(bestlen < len ? bestlen : len - 1), best);
out:
	sb_release(&sb);
}

static int copy_file(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(from, &sb);

	if (!ret)
		ret = write_atomic(to, sb.buf, sb.len);
	sb_release(&sb);
	return ret;
}

static bool have_ccache(void)
{
	char *p = pb_which("ccache");

	free(p);
	return p != NULL;
}

static void kb_release(struct kb *b)
{
	size_t i;

	if (b->logfd >= 0)
		close(b->logfd);
	if (b->lockfd >= 0)
		close(b->lockfd);
	for (i = 0; b->signals_set && i < ARRAY_SIZE(kb_signals); i++)
		sigaction(kb_signals[i], &b->old[i], NULL);
	kseries_release(&b->series);
	kernel_info_release(&b->k);
	free(b->cache);
	free(b->kdir);
	free(b->fragment);
	free(b->config);
	free(b->srcdir);
	free(b->tree);
	free(b->root);
	free(b->objdir);
	free(b->log);
}

/* Resolve and validate everything of @o into @b. Nothing is created. */
static int kb_resolve(struct kb *b, const struct kbuild_opts *o, char *err, size_t errlen)
{
	const char *cfg = o->config ? o->config : "smoke";
	char *kjson, *kdirpath;
	int ret;

	b->o = o;
	b->logfd = b->lockfd = -1;
	if (!o->name || !kbuild_name_ok(o->name)) {
		snprintf(err, errlen, "bad kernel name '%s': use 1-64 letters, digits, '.', '_' "
			 "or '-' (not starting with '.', not ending in '.tmp')",
			 o->name ? o->name : "");
		return -EINVAL;
	}
	b->cache = o->cache ? xstrdup(o->cache) : pb_cache_dir();
	b->kdir = kbuild_kernels_dir(o->kernels_dir);
	if (o->kernels_dir && !b->kdir) {
		snprintf(err, errlen, "kernels directory '%s' not found", o->kernels_dir);
		return -ENOENT;
	}
	if (strcmp(cfg, "smoke") && strcmp(cfg, "full")) {
		ret = kconfig_file_check("--config", cfg, err, errlen);
		if (ret)
			return ret;
		b->config = realpath(cfg, NULL);
	} else {
		b->config = xstrdup(cfg);
	}
	if (o->fragment) {
		b->fragment = realpath(o->fragment, NULL);
	} else if (b->kdir) {
		b->fragment = xasprintf("%s/config/patchbench.config", b->kdir);
	} else {
		snprintf(err, errlen, "no kernels/ directory found for the config fragment "
			 "(--fragment, --kernels-dir or $PATCHBENCH_KERNELS)");
		return -ENOENT;
	}
	ret = kconfig_file_check("config fragment", b->fragment ? b->fragment : o->fragment,
				err, errlen);
	if (ret)
		return ret;
	ret = kseries_resolve(o->series, b->kdir, &b->series, err, errlen);
	if (ret)
		return ret;
	ret = ksrc_check(o->source, err, errlen);
	if (ret)
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	kdirpath = xasprintf("%s/kernels/%s", b->cache, o->name);
	kjson = xasprintf("%s/kernel.json", kdirpath);
	if (path_exists(kdirpath) && !path_exists(kjson)) {
		snprintf(err, errlen, "'%s' exists but was not made by patchbench build (no "
			 "kernel.json): remove it or choose another name", kdirpath);
		ret = -EINVAL;
	}
	free(kjson);
	free(kdirpath);
	b->jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (b->jobs < 1)
		b->jobs = 1;
	return ret;
}

int kbuild_check(const struct kbuild_opts *o, char *err, size_t errlen)
{
	struct kb b;
	int ret;

	memset(&b, 0, sizeof(b));
	ret = kb_resolve(&b, o, err, errlen);
	kb_release(&b);
	return ret;
}

static void hex_of_file(const char *path, char hex[65])
{
	if (sha256_file(path, hex))
		hex[0] = '\0';
}

/* The key: every input of the bzImage. Also fills source, series and config ids. */
static int kb_key(struct kb *b, char *err, size_t errlen)
{
	struct strbuf frag = STRBUF_INIT;
	struct sha256 h;
	char hex[65];
	int ret;

	b->k.source = xstrdup(b->o->source ? b->o->source : KSRC_DEFAULT_TARBALL);
	b->k.source_id = ksrc_id(b->o->source);
	if (!b->k.source_id) {
		ret = -errno;
		snprintf(err, errlen, "cannot identify source '%s': %s", b->k.source,
			 strerror(errno));
		return ret;
	}
	if (b->series.n) {
		ret = kseries_hash(&b->series, hex);
		if (ret) {
			snprintf(err, errlen, "cannot read series '%s': %s", b->series.label,
				 strerror(-ret));
			return ret;
		}
		b->k.series = xstrdup(b->series.label);
		b->k.series_sha256 = xstrdup(hex);
	}
	ret = read_file(b->fragment, &frag);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", b->fragment, strerror(-ret));
		return ret;
	}
	sha256_init(&h);
	sha256_update(&h, "patchbench kernel key 1\nsource ", 31);
	sha256_update(&h, b->k.source_id, strlen(b->k.source_id));
	sha256_update(&h, "\nseries ", 8);
	sha256_update(&h, b->k.series_sha256 ? b->k.series_sha256 : "none",
		      strlen(b->k.series_sha256 ? b->k.series_sha256 : "none"));
	sha256_update(&h, "\nconfig ", 8);
	if (!strcmp(b->config, "smoke") || !strcmp(b->config, "full")) {
		sha256_update(&h, b->config, strlen(b->config));
	} else {
		hex_of_file(b->config, hex);
		sha256_update(&h, "file:", 5);
		sha256_update(&h, hex, strlen(hex));
	}
	sha256_update(&h, "\nfragment\n", 10);
	sha256_update(&h, frag.buf, frag.len);
	sha256_final_hex(&h, hex);
	sb_release(&frag);
	b->k.key = xstrdup(hex);
	b->k.name = xstrdup(b->o->name);
	b->k.config = xstrdup(b->config);
	b->k.fragment = xstrdup(b->fragment);
	b->k.patches = b->series.n;
	return 0;
}

/* The tree key: what the patched tree is made from (source and series). */
static char *kb_tree_key(const struct kb *b)
{
	struct sha256 h;
	char hex[65];

	sha256_init(&h);
	sha256_update(&h, "patchbench tree 1\n", 18);
	sha256_update(&h, b->k.source_id, strlen(b->k.source_id));
	sha256_update(&h, "\n", 1);
	sha256_update(&h, b->k.series_sha256, strlen(b->k.series_sha256));
	sha256_final_hex(&h, hex);
	/* 64 bits tell the trees of one cache apart; shorter paths in make's output */
	return xstrndup(hex, 16);
}

static int kb_lock(struct kb *b, char *err, size_t errlen)
{
	char *path = xasprintf("%s/.kbuild.lock", b->cache);
	int ret = 0;

	b->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (b->lockfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!flock(b->lockfd, LOCK_EX | LOCK_NB))
		goto out;
	if (!b->quiet)
		pr_info("waiting for another build in '%s' to finish", b->cache);
	while (flock(b->lockfd, LOCK_EX) < 0) {
		if (errno != EINTR || kb_signal) {
			ret = kb_signal ? -EINTR : -errno;
			snprintf(err, errlen, "cannot lock '%s': %s", path, strerror(-ret));
			break;
		}
	}
out:
	free(path);
	return ret;
}

/* Is the kernel of this name already built with this key? Fills @out if so. */
static bool kb_up_to_date(struct kb *b, struct kernel_info *out)
{
	struct kernel_info k;
	char err[512];
	bool same;

	if (kernel_load(b->cache, b->o->name, &k, err, sizeof(err)))
		return false;
	same = !strcmp(k.key, b->k.key);
	if (same && out)
		*out = k;
	else
		kernel_info_release(&k);
	return same;
}

/*
 * The series tree. It lives in its own root, trees/<tree key>/, laid out like
 * the cache itself (src/<source name>/ and obj/<key>/), so that the path from
 * an object directory to its tree is the same for every kernel, vanilla
 * included: with CCACHE_BASEDIR at the root, every compile command is then
 * the same text in every tree and ccache hits across kernels (99% instead
 * of 40-60% when the relative paths differ, measured on a tinyconfig mm/).
 */
static int kb_tree(struct kb *b, char *err, size_t errlen)
{
	char *tk = kb_tree_key(b), *tmp = NULL, *srcparent = NULL;
	const char *copy = "cp -al";
	int64_t t = now_ns();
	bool new_root;
	unsigned i;
	int ret;

	free(b->root);
	b->root = xasprintf("%s/trees/%s", b->cache, tk);
	srcparent = xasprintf("%s/src", b->root);
	b->tree = xasprintf("%s/%s", srcparent, path_base(b->srcdir));
	new_root = !is_dir(b->root);
	if (b->o->rebuild && is_dir(b->tree)) {
		ret = remove_tree(b->tree);
		if (ret) {
			snprintf(err, errlen, "cannot remove '%s': %s", b->tree, strerror(-ret));
			goto out;
		}
	}
	if (ksrc_is_tree(b->tree)) {
		kb_line(b, false, "tree", now_ns() - t, "reused %s", in_cache(b, b->tree));
		kb_line(b, false, "patch", 0, "%u patch%s applied before", b->series.n,
			b->series.n == 1 ? "" : "es");
		ret = 0;
		goto out;
	}
	tmp = xasprintf("%s.tmp", b->tree);
	ret = remove_tree(tmp);	/* left by a build that was killed */
	if (!ret)
		ret = mkdir_p(srcparent, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot prepare '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	{
		char *argv[] = { "cp", "-al", b->srcdir, tmp, NULL };

		ret = kb_exec(b, argv, NULL, NULL);
		/* hard links cannot cross filesystems (a --source tree elsewhere): copy */
		if (ret > 0) {
			copy = "cp -a";
			argv[1] = "-a";
			remove_tree(tmp);
			ret = kb_exec(b, argv, NULL, NULL);
		}
	}
	if (ret) {
		snprintf(err, errlen, ret == -EINTR ? "interrupted" :
			 "cannot copy '%s' to '%s' (%s failed, see '%s')", b->srcdir, tmp,
			 copy, b->log);
		ret = ret == -EINTR ? -EINTR : -EIO;
		goto out_rm;
	}
	kb_line(b, false, "tree", now_ns() - t, "%s to %s", copy, in_cache(b, b->tree));
	t = now_ns();
	for (i = 0; i < b->series.n; i++) {
		const char *pf = b->series.patches[i];
		char *argv[] = { "patch", "-p1", "--forward", "--batch", "--fuzz=0",
				 "--no-backup-if-mismatch", "-d", tmp, "-i", (char *)pf, NULL };
		off_t off = lseek(b->logfd, 0, SEEK_END);

		ret = kb_exec(b, argv, NULL, NULL);
		if (ret == -EINTR) {
			snprintf(err, errlen, "interrupted");
			goto out_rm;
		}
		if (ret) {
			struct strbuf out = STRBUF_INIT, patch = STRBUF_INIT;
			off_t end = lseek(b->logfd, 0, SEEK_END);
			char *why;

			sb_grow(&out, end - off);
			if (pread(b->logfd, out.buf, end - off, off) == end - off)
				out.len = end - off;
			out.buf[out.len] = '\0';
			read_file(pf, &patch);
			why = kpatch_failure(out.buf, out.len, patch.buf, patch.len);
			snprintf(err, errlen, "patch '%s' does not apply: %s", pf, why);
			free(why);
			sb_release(&out);
			sb_release(&patch);
			ret = -EINVAL;
			goto out_rm;
		}
	}
	if (rename(tmp, b->tree) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, b->tree,
			 strerror(errno));
		goto out_rm;
	}
	kb_line(b, false, "patch", now_ns() - t, "%u patch%s applied (%s)", b->series.n,
		b->series.n == 1 ? "" : "es", path_base(b->series.label));
	goto out;
out_rm:
	/* tmp is ours (made by cp -al above); the pristine tree is only linked from it */
	remove_tree(tmp);
	if (new_root)
		remove_tree(b->root);
out:
	free(tmp);
	free(tk);
	free(srcparent);
	return ret;
}

static int kb_make(struct kb *b, const char *phase, const char *target, bool parallel,
		   const char *cc)
{
	char *o = xasprintf("O=%s", b->objdir), *j = xasprintf("-j%d", b->jobs);
	char *ccarg = xasprintf("CC=%s", cc);
	char *argv[] = { "make", "-C", b->tree, o, ccarg, (char *)target, NULL, NULL };
	int ret;

	if (parallel)
		argv[6] = j;
	ret = kb_exec(b, argv, NULL, phase);
	free(o);
	free(j);
	free(ccarg);
	return ret;
}

static int kb_config(struct kb *b, const char *cc, char *err, size_t errlen)
{
	char *dotconfig = xasprintf("%s/.config", b->objdir);
	char *merge = xasprintf("%s/scripts/kconfig/merge_config.sh", b->tree);
	struct strbuf frag = STRBUF_INIT, cfg = STRBUF_INIT, missing = STRBUF_INIT;
	const char *base = !strcmp(b->config, "smoke") ? "tinyconfig" :
			   !strcmp(b->config, "full") ? "defconfig" : NULL;
	int64_t t = now_ns();
	unsigned checked = 0, miss;
	int ret;

	ret = mkdir_p(b->objdir, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", b->objdir, strerror(-ret));
		goto out;
	}
	if (base) {
		ret = kb_make(b, NULL, base, false, cc);
	} else {
		ret = copy_file(b->config, dotconfig);
		if (ret) {
			snprintf(err, errlen, "cannot copy '%s' to '%s': %s", b->config, dotconfig,
				 strerror(-ret));
			ret = ret == -EINTR ? -EIO : ret;
			goto out;
		}
	}
	if (!ret) {
		char *argv[] = { merge, "-m", "-O", b->objdir, dotconfig, b->fragment, NULL };

		/* it makes its temporary files in the current directory: not the tree */
		ret = kb_exec(b, argv, b->objdir, NULL);
	}
	if (!ret)
		ret = kb_make(b, NULL, "olddefconfig", false, cc);
	if (ret) {
		snprintf(err, errlen, ret == -EINTR ? "interrupted" :
			 "configuring kernel '%s' failed (see '%s')", b->o->name, b->log);
		ret = ret == -EINTR ? -EINTR : -EIO;
		goto out;
	}
	kb_line(b, false, "config", now_ns() - t, "%s + %s, olddefconfig",
		base ? base : path_base(b->config), path_base(b->fragment));
	t = now_ns();
	ret = read_file(b->fragment, &frag);
	if (!ret)
		ret = read_file(dotconfig, &cfg);
	if (ret) {
		snprintf(err, errlen, "cannot read the fragment or '%s': %s", dotconfig,
			 strerror(-ret));
		goto out;
	}
	miss = kconfig_check(frag.buf, frag.len, cfg.buf, cfg.len, &missing, &checked);
	dprintf(b->logfd, "patchbench: %u settings of %s checked in %s, %u did not stick%s%s\n",
		checked, b->fragment, dotconfig, miss, miss ? ": " : "", missing.buf ? missing.buf :
		"");
	if (miss) {
		snprintf(err, errlen, "%u option%s of '%s' did not stick in '%s' (missing "
			 "dependency, or not in this source?): %s", miss, miss == 1 ? "" : "s",
			 b->fragment, dotconfig, missing.buf);
		ret = -EIO;
		goto out;
	}
	kb_line(b, false, "check", now_ns() - t, "%u settings of %s as requested", checked,
		path_base(b->fragment));
out:
	sb_release(&frag);
	sb_release(&cfg);
	sb_release(&missing);
	free(dotconfig);
	free(merge);
	return ret;
}

static int kb_build(struct kb *b, const char *cc, char *err, size_t errlen)
{
	char *bz = xasprintf("%s/arch/x86/boot/bzImage", b->objdir), size[32];
	int64_t t = now_ns();
	struct stat st;
	int ret;

	ret = kb_make(b, "build", "bzImage", true, cc);
	if (ret == -EINTR) {
		snprintf(err, errlen, "interrupted");
		goto out;
	}
	if (ret || stat(bz, &st) < 0) {
		char why[512];

		kb_print_tail(b, KB_TAIL_LINES);
		log_first_error(b->log, why, sizeof(why));
		if (!strncmp(why, b->tree, strlen(b->tree)) && why[strlen(b->tree)] == '/')
			memmove(why, why + strlen(b->tree) + 1, strlen(why + strlen(b->tree)));
		if (ret)
			snprintf(err, errlen, "build of kernel '%s' failed (make exit %d)%s%s; "
				 "log: %s", b->o->name, ret, *why ? ": " : "", why, b->log);
		else
			snprintf(err, errlen, "build of kernel '%s' made no '%s', log: %s",
				 b->o->name, bz, b->log);
		ret = -EIO;
		goto out;
	}
	b->k.bzimage_bytes = (uint64_t)st.st_size;
	kb_line(b, false, "build", now_ns() - t, "bzImage %s",
		fmt_size(size, sizeof(size), (double)st.st_size));
out:
	free(bz);
	return ret;
}

/* Copy the results into kernels/<name>.tmp, then swap it in for kernels/<name>. */
static int kb_install(struct kb *b, char *err, size_t errlen)
{
	static const struct {
		const char *from, *to;
	} installed[] = {
		{ ".config", "config" },
		{ "arch/x86/boot/bzImage", "bzImage" },
		{ "System.map", "System.map" },
	};
	char *parent = xasprintf("%s/kernels", b->cache);
	char *dir = xasprintf("%s/%s", parent, b->o->name), *tmp = xasprintf("%s.tmp", dir);
	char *from = NULL, *to = NULL, *json = NULL, *rel = xasprintf("%s/include/config/"
								      "kernel.release", b->objdir);
	struct strbuf sb = STRBUF_INIT;
	char hex[65], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int ret;

	if (!read_file(rel, &sb)) {
		while (sb.len && isspace((unsigned char)sb.buf[sb.len - 1]))
			sb.buf[--sb.len] = '\0';
		b->k.release = xstrdup(sb.buf);
	}
	from = xasprintf("%s/.config", b->objdir);
	hex_of_file(from, hex);
	b->k.config_sha256 = xstrdup(hex);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	b->k.built_at = xstrdup(stamp);
	b->k.tree = xstrdup(b->tree);
	b->k.objdir = xstrdup(b->objdir);
	b->k.build_seconds = (double)(now_ns() - b->t0) / 1e9;

	ret = remove_tree(tmp);
	if (!ret)
		ret = mkdir_p(tmp, 0755);
	if (ret)
		goto fail;
	/* .config, the image, and the map that a vm run's instruction counts resolve with */
	for (size_t i = 0; i < ARRAY_SIZE(installed); i++) {
		free(from);
		free(to);
		from = xasprintf("%s/%s", b->objdir, installed[i].from);
		to = xasprintf("%s/%s", tmp, installed[i].to);
		ret = copy_file(from, to);
		if (ret)
			goto fail;
	}
	free(to);
	to = xasprintf("%s/build.log", tmp);
	if (rename(b->log, to) < 0) {
		ret = -errno;
		goto fail;
	}
	free(b->log);
	b->log = xstrdup(to);
	json = kernel_info_json(&b->k);
	free(to);
	to = xasprintf("%s/kernel.json", tmp);
	ret = write_atomic(to, json, strlen(json));
	if (ret)
		goto fail;
	/* the old kernels/<name> is ours: kb_resolve() refused a foreign one */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		remove_tree(tmp);
	} else if (errno == ENOENT) {
		if (rename(tmp, dir) < 0)
			ret = -errno;
	} else {
		ret = -errno;
	}
	if (ret)
		goto fail;
	goto out;
fail:
	snprintf(err, errlen, "cannot install kernel '%s' into '%s': %s", b->o->name, dir,
		 strerror(-ret));
	remove_tree(tmp);
out:
	sb_release(&sb);
	free(parent);
	free(dir);
	free(tmp);
	free(from);
	free(to);
	free(json);
	free(rel);
	return ret;
}

int kbuild_run(const struct kbuild_opts *o, struct kernel_info *out, char *err, size_t errlen)
{
	struct stat st;
	struct sigaction sa;
	struct kb b;
	bool quiet_saved = pb_quiet;
	char d[32];
	const char *cc;
	size_t i;
	int ret;

	memset(&b, 0, sizeof(b));
	if (out)
		memset(out, 0, sizeof(*out));
	ret = kb_resolve(&b, o, err, errlen);
	if (ret)
		goto out;
	b.quiet = o->quiet || pb_quiet;
	b.tty = isatty(2);
	pb_quiet = b.quiet;
	kb_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kb_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(kb_signals); i++)
		sigaction(kb_signals[i], &sa, &b.old[i]);
	b.signals_set = true;

	ret = mkdir_p(b.cache, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create cache directory '%s': %s", b.cache,
			 strerror(-ret));
		goto out;
	}
	{
		/* absolute and without symlinks, as make and ccache see it */
		char *real = realpath(b.cache, NULL);

		if (real) {
			free(b.cache);
			b.cache = real;
		}
	}
	ret = kb_lock(&b, err, errlen);
	if (ret)
		goto out;
	ret = kb_key(&b, err, errlen);
	if (ret)
		goto out;
	if (!o->rebuild && kb_up_to_date(&b, out)) {
		if (!b.quiet)
			pr_info("kernel '%s' is up to date (key %.12s)", o->name, b.k.key);
		goto out;
	}
	/*
	 * Kconfig and kbuild probe the compiler by compiling /dev/null: once it is
	 * a regular file (seen on a shared machine, and then re-created by every
	 * "ld -o /dev/null") the probes fail at random and configs differ.
	 */
	if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "/dev/null is not a character device, so compiler probes "
			 "would fail at random (restore it: mknod -m 666 /dev/null c 1 3)");
		ret = -ENXIO;
		goto out;
	}
	b.t0 = now_ns();
	if (!b.quiet)
		pr_info("building kernel '%s' (key %.12s, series %s, config %s, -j%d)", o->name,
			b.k.key, b.series.label ? path_base(b.series.label) : "none",
			path_base(b.config), b.jobs);
	b.log = xasprintf("%s/logs/%s.log", b.cache, o->name);
	{
		char *logdir = xasprintf("%s/logs", b.cache);

		ret = mkdir_p(logdir, 0755);
		free(logdir);
	}
	if (!ret)
		b.logfd = open(b.log, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (b.logfd < 0) {
		ret = ret ? ret : -errno;
		snprintf(err, errlen, "cannot create '%s': %s", b.log, strerror(-ret));
		goto out;
	}
	ret = ksrc_prepare(o->source, b.cache, &b.srcdir, err, errlen);
	if (ret)
		goto out;
	kb_line(&b, false, "unpack", now_ns() - b.t0, "%s", in_cache(&b, b.srcdir));
	if (b.series.n) {
		ret = kb_tree(&b, err, errlen);
		if (ret)
			goto out;
	} else {
		b.tree = xstrdup(b.srcdir);
		/*
		 * The root of the source's own layout: the cache for src/<name>,
		 * git/<sha>/ for a commit's export (ksrc.c): obj/<key> beside
		 * src/<name>, the same relative paths for every commit.
		 */
		b.root = ksrc_is_git(o->source) ? xasprintf("%s/git/%.40s", b.cache,
			 b.k.source_id + 4) : xstrdup(b.cache);
	}
	b.objdir = xasprintf("%s/obj/%s", b.root, b.k.key);
	cc = have_ccache() ? "ccache gcc" : "gcc";
	if (strcmp(cc, "ccache gcc") && !b.quiet)
		pr_warn("ccache not found: building with plain gcc");
	ret = kb_config(&b, cc, err, errlen);
	if (ret)
		goto out;
	ret = kb_build(&b, cc, err, errlen);
	if (ret)
		goto out;
	ret = kb_install(&b, err, errlen);
	if (ret)
		goto out;
	if (!b.quiet)
		pr_info("kernel '%s' built in %s: %s/kernels/%s/bzImage", o->name,
			fmt_duration(d, sizeof(d), now_ns() - b.t0), b.cache, o->name);
	if (out)
		ret = kernel_load(b.cache, o->name, out, err, errlen);
out:
	if (ret && kb_signal && ret != -EINTR) {
		snprintf(err, errlen, "interrupted");
		ret = -EINTR;
	}
	kb_clear_status(&b);
	pb_quiet = quiet_saved;
	kb_release(&b);
	return ret;
}
