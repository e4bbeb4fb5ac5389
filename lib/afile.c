// SPDX-License-Identifier: GPL-2.0
/*
 * afile.c - atomic result files: temp file next to the final name, fsync,
 * rename. See afile.h.
 */
#include "afile.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void afile_release(struct afile *af)
{
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
}

int afile_open(struct afile *af, const char *path)
{
	int fd, ret;

	memset(af, 0, sizeof(*af));
	af->path = xstrdup(path);
	af->tmp = xasprintf("%s.tmp", path);
	fd = open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		goto out_free;
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		ret = -errno;
		close(fd);
		unlink(af->tmp);
		goto out_free;
	}
	return 0;
out_free:
	afile_release(af);
	return ret;
}

int afile_write(struct afile *af, const void *buf, size_t len)
{
	if (!af->f)
		return -EBADF;
	if (len && fwrite(buf, 1, len, af->f) != len)
		return -EIO;
	return 0;
}

/* Makes a rename in @path's directory durable; best effort. */
static void fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, slash - path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int afile_commit(struct afile *af)
{
	bool renaming = false;
	int ret = 0;

	if (!af->f)
		return -EBADF;
	if (fflush(af->f))
		ret = -errno;
	else if (ferror(af->f))
		ret = -EIO;
	else if (fsync(fileno(af->f)) < 0)
		ret = -errno;
	if (fclose(af->f) && !ret)
		ret = -errno;
	af->f = NULL;
	if (!ret && rename(af->tmp, af->path) < 0) {
		ret = -errno;
		renaming = true;
	}
	if (!ret)
		fsync_parent(af->path);
	else if (!af->keep_tmp)
		unlink(af->tmp);
	afile_release(af);
	af->failed_rename = renaming;
	return ret;
}

void afile_abort(struct afile *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp)
		unlink(af->tmp);
	afile_release(af);
}
