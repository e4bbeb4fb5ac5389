// SPDX-License-Identifier: GPL-2.0
/*
 * ksrc.c - where kernel sources come from: a tree on disk, or a tarball
 * (Debian's linux-source-6.1 by default) unpacked once into the cache.
 * Shared by the kernelbuild workload and "patchbench build".
 */
#include "ksrc.h"
#include "sha256.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ksrc_is_tree(const char *dir)
{
	char *mk = xasprintf("%s/Makefile", dir), *mm = xasprintf("%s/mm", dir);
	int ok = path_exists(mk) && is_dir(mm);

	free(mk);
	free(mm);
	return ok;
}

static int is_tarball(const char *p)
{
	return strstr(p, ".tar") != NULL;
}

int ksrc_check(const char *spec, char *err, size_t errlen)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;

	if (is_dir(src)) {
		if (!ksrc_is_tree(src)) {
			snprintf(err, errlen, "kernel source '%s' is not a kernel tree "
				 "(no Makefile and mm/)", src);
			return -EINVAL;
		}
		return 0;
	}
	if (!path_exists(src)) {
		snprintf(err, errlen, "kernel source '%s' not found%s", src,
			 spec ? "" : " (install linux-source-6.1: make deps; or pass --source DIR)");
		return -ENOENT;
	}
	if (!is_tarball(src)) {
		snprintf(err, errlen, "kernel source '%s' is neither a directory nor a .tar archive",
			 src);
		return -EINVAL;
	}
	return 0;
}

int ksrc_prepare(const char *spec, const char *cache, char **srcdir_out, char *err,
		 size_t errlen)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;
	char *base = NULL, *srcdir = NULL, *tmp = NULL, *top = NULL, *log = NULL, *dot;
	char d[32];
	int64_t t;
	int ret;

	ret = ksrc_check(spec, err, errlen);
	if (ret)
		return ret;
	if (is_dir(src)) {
		*srcdir_out = realpath(src, NULL);
		if (!*srcdir_out) {
			ret = -errno;
			snprintf(err, errlen, "cannot resolve '%s': %s", src, strerror(errno));
		}
		return ret;
	}
	base = xstrdup(strrchr(src, '/') ? strrchr(src, '/') + 1 : src);
	dot = strstr(base, ".tar");
	*dot = '\0';
	srcdir = xasprintf("%s/src/%s", cache, base);
	if (ksrc_is_tree(srcdir))
		goto done;
	tmp = xasprintf("%s/src/.unpack-%d", cache, (int)getpid());
	ret = mkdir_p(tmp, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	pr_info("unpacking %s into %s (once)", src, srcdir);
	t = now_ns();
	log = xasprintf("%s.log", tmp);
	{
		char *argv[] = { "tar", "-xf", (char *)src, "-C", tmp, NULL };

		ret = run_logged(argv, log);
	}
	if (ret) {
		snprintf(err, errlen, "cannot unpack '%s' (see '%s')", src, log);
		goto out;
	}
	top = xasprintf("%s/%s", tmp, base);
	if (!ksrc_is_tree(top)) {
		snprintf(err, errlen, "'%s' does not unpack to a kernel tree '%s/'", src, base);
		ret = -EINVAL;
		goto out;
	}
	if (rename(top, srcdir) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", top, srcdir,
			 strerror(errno));
		goto out;
	}
	unlink(log);
	pr_info("unpacked in %s", fmt_duration(d, sizeof(d), now_ns() - t));
done:
	*srcdir_out = srcdir;
	srcdir = NULL;
out:
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	free(top);
	free(log);
	free(srcdir);
	free(base);
	return ret;
}

char *ksrc_id(const char *spec)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;
	char *real = realpath(src, NULL), *id;
	char hex[65];
	struct stat st;
	int ret;

	if (!real)
		return NULL;
	if (is_dir(real)) {
		char *mk = xasprintf("%s/Makefile", real);

		ret = stat(mk, &st);
		free(mk);
		id = ret ? NULL : xasprintf("dir:%s:%lld", real, (long long)st.st_mtime);
		free(real);
		return id;
	}
	ret = sha256_file(real, hex);
	if (ret) {
		free(real);
		errno = -ret;
		return NULL;
	}
	id = xasprintf("tarball:%s:%s", strrchr(real, '/') + 1, hex);
	free(real);
	return id;
}
