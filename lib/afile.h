/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afile.h - atomic result files: written to "<path>.tmp" next to the final
 * name and renamed into place only when complete, so that a crash or a
 * failed write never leaves half a result where a reader looks.
 *
 *	struct afile af;
 *	int ret = afile_open(&af, path);
 *	if (ret)
 *		return ret;
 *	fprintf(af.f, ...);
 *	if (something_failed) {
 *		afile_abort(&af);
 *		return -EIO;
 *	}
 *	return afile_commit(&af);
 */
#ifndef PB_AFILE_H
#define PB_AFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct afile {
	char *path;		/* the final name */
	char *tmp;		/* "<path>.tmp", where the data goes until the commit */
	FILE *f;		/* open on @tmp; NULL once committed or aborted */
	bool keep_tmp;		/* a failed commit leaves @tmp behind (for salvage) */
	bool failed_rename;	/* after a failed commit: the data was written, the
				 * rename failed (for a message that says which) */
};

/**
 * afile_open - create "<path>.tmp" (truncated, mode 0644) for writing
 * @af: filled in; finish it with afile_commit() or afile_abort()
 * @path: the final name; copied
 *
 * Return: 0, or -errno if the temp file cannot be created; then nothing is
 * left behind and @af is zeroed.
 */
int afile_open(struct afile *af, const char *path);

/**
 * afile_write - append @len bytes of @buf
 * @af: open file
 * @buf: data
 * @len: its length
 *
 * Return: 0, -EBADF if @af is not open, or -EIO (a write error is also
 * reported again by afile_commit()).
 */
int afile_write(struct afile *af, const void *buf, size_t len);

/**
 * afile_commit - move the finished file into place
 * @af: open file; closed and its memory freed whatever the outcome
 *
 * Flushes, checks for an earlier write error, fsync()s, closes and renames
 * the temp file to the final name, then syncs the directory (best effort).
 *
 * Return: 0, -EBADF if @af is not open, -EIO for an earlier write error,
 * or -errno. On failure the final name is untouched, the temp file is
 * removed (kept if @af->keep_tmp was set) and @af->failed_rename tells a
 * failed rename from a failed write.
 */
int afile_commit(struct afile *af);

/**
 * afile_abort - throw the file away
 * @af: open file, or one already committed, aborted or zeroed (a no-op)
 *
 * Closes and removes the temp file; the final name is never touched.
 */
void afile_abort(struct afile *af);

#endif
