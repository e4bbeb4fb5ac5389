// SPDX-License-Identifier: GPL-2.0
/*
 * t-afile.c - unit tests for lib/afile.c, the atomic result writer, in a
 * private mkdtemp directory: what is on disk after open, commit and abort,
 * and after a commit whose rename fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-afile.XXXXXX";

static bool file_is(const char *path, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = !read_file(path, &sb) && sb.len == strlen(want) && !memcmp(sb.buf, want, sb.len);

	sb_release(&sb);
	return ok;
}

/*
 * Method: open, write, look, commit. Pass: only the temp file exists
 * before the commit; after it only the final file, with the data.
 */
static void test_commit(void)
{
	char *path = xasprintf("%s/a.txt", tmpdir), *tmp = xasprintf("%s.tmp", path);
	struct afile af;
	int ret = afile_open(&af, path);

	tap_ok(!ret && af.f && path_exists(tmp) && !path_exists(path),
	       "open makes <path>.tmp, not <path> (%d)", ret);
	fputs("one ", af.f);
	ret = afile_write(&af, "two\n", 4);
	tap_ok(!ret && !path_exists(path), "nothing at <path> while writing");
	ret = afile_commit(&af);
	tap_ok(!ret && !path_exists(tmp) && file_is(path, "one two\n") && !af.failed_rename,
	       "commit renames the temp file into place (%d)", ret);
	tap_ok(!af.f && !af.path && !af.tmp, "commit releases the struct");
	tap_ok(afile_commit(&af) == -EBADF && afile_write(&af, "x", 1) == -EBADF,
	       "a released afile refuses commit and write");
	free(path);
	free(tmp);
}

/* Method: overwrite an existing file, then abort. Pass: the old data stays, no temp file. */
static void test_abort(void)
{
	char *path = xasprintf("%s/b.txt", tmpdir), *tmp = xasprintf("%s.tmp", path);
	struct afile af;

	write_atomic(path, "old\n", 4);
	tap_ok(file_is(path, "old\n"), "write_atomic wrote through afile");
	tap_ok(!afile_open(&af, path), "open over an existing file");
	fputs("new, half written", af.f);
	fflush(af.f);
	tap_ok(file_is(path, "old\n"), "the old file is untouched while writing");
	afile_abort(&af);
	tap_ok(!path_exists(tmp) && file_is(path, "old\n") && !af.f,
	       "abort removes the temp file and keeps the old one");
	afile_abort(&af);
	tap_ok(!path_exists(tmp), "a second abort is a no-op");
	free(path);
	free(tmp);
}

/*
 * Method: the final name is a non-empty directory, so rename() fails; once
 * plainly and once with keep_tmp. Pass: the error, the directory intact,
 * the temp file removed the first time and kept the second.
 */
static void test_failures(void)
{
	char *path = xasprintf("%s/d", tmpdir), *tmp = xasprintf("%s.tmp", path);
	char *inner = xasprintf("%s/inner", path), *nodir = xasprintf("%s/no/such", tmpdir);
	struct afile af;
	int ret;

	mkdir(path, 0755);
	write_atomic(inner, "x", 1);
	ret = afile_open(&af, path);
	fputs("data", af.f);
	ret = ret ?: afile_commit(&af);
	tap_ok(ret < 0 && !path_exists(tmp) && is_dir(path) && path_exists(inner) &&
	       af.failed_rename, "a failed rename: -errno (%d), temp file removed, target "
	       "untouched, failed_rename set", ret);
	ret = afile_open(&af, path);
	af.keep_tmp = true;
	fputs("data", af.f);
	ret = ret ?: afile_commit(&af);
	tap_ok(ret < 0 && file_is(tmp, "data") && !af.tmp,
	       "with keep_tmp the temp file is left for salvage");
	unlink(tmp);
	ret = afile_open(&af, nodir);
	tap_ok(ret == -ENOENT && !af.f && !af.path && !af.tmp,
	       "open in a missing directory: -ENOENT, struct zeroed (%d)", ret);
	free(path);
	free(tmp);
	free(inner);
	free(nodir);
}

int main(void)
{
	int ret;

	tap_plan(13);
	if (!mkdtemp(tmpdir)) {
		tap_diag("mkdtemp failed");
		return 1;
	}
	test_commit();
	test_abort();
	test_failures();
	ret = tap_done();
	remove_tree(tmpdir);
	return ret;
}
