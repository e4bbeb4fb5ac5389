// SPDX-License-Identifier: GPL-2.0
/*
 * statread.c - pb-statread, the reader hyperfine times for the readcost
 * workload (workloads/wl-readcost.c).
 *
 *	pb-statread [-n N] FILE		read FILE whole, N times (default 1)
 *	pb-statread --dirty DIR		truncate every regular file f-* in DIR
 *					by one page, if it has more than one
 *
 * A read is a pread from offset 0 into a 64 KiB buffer, again from where it
 * stopped while the buffer comes back full: for memory.stat, one read(2) of
 * the kernel's seq_file, so one show and (if due) one rstat flush.
 * --dirty is hyperfine's --prepare for the dirty point: freeing one page of
 * each file uncharges it from the memcg that owns it, leaving a pending
 * stat update in every one of them, and keeps a last page so that a dying
 * memcg stays pinned.
 *
 * Standalone (no patchbench library) and small, so that hyperfine measures
 * the read and little else: no allocation beyond the static buffer (the
 * directory is listed with getdents64 into it), no stdio.
 * Exit: 0, 1 with "pb-statread: FILE: reason" on stderr, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static char buf[1 << 16];

static const char usage[] =
	"usage: pb-statread [-n N] FILE\n"
	"       pb-statread --dirty DIR\n"
	"Read FILE whole N times (default 1) with pread; or truncate every regular\n"
	"file f-* in DIR by one page if it holds more than one page.\n";

/* "pb-statread: <a><b><c>: <strerror(err)>\n" in one write. */
static int fail(const char *a, const char *b, const char *c, int err)
{
	const char *why = strerror(err);
	struct iovec iov[] = {
		{ (void *)"pb-statread: ", 13 }, { (void *)a, strlen(a) }, { (void *)b, strlen(b) },
		{ (void *)c, strlen(c) }, { (void *)": ", 2 }, { (void *)why, strlen(why) },
		{ (void *)"\n", 1 },
	};

	if (writev(2, iov, 7) < 0)
		return 1;
	return 1;
}

static int bad_usage(const char *what)
{
	struct iovec iov[] = {
		{ (void *)"pb-statread: ", 13 }, { (void *)what, strlen(what) },
		{ (void *)" (see --help)\n", 14 },
	};

	if (writev(2, iov, 3) < 0)
		return 2;
	return 2;
}

static int read_file(const char *path, long n)
{
	ssize_t r;
	off_t off;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path, "", "", errno);
	while (n-- > 0) {
		off = 0;
		do {
			r = pread(fd, buf, sizeof(buf), off);
			if (r < 0)
				return fail(path, "", "", errno);
			off += r;
		} while (r == (ssize_t)sizeof(buf));
	}
	close(fd);
	return 0;
}

/* Drop the last page (the partial tail, or a whole one) of f-* files of two pages or more. */
static int dirty_dir(const char *dir)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	ssize_t n, pos;
	int dfd, fd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(dir, "", "", errno);
	while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n; ) {
			struct dirent64 *de = (struct dirent64 *)(buf + pos);

			pos += de->d_reclen;
			if (strncmp(de->d_name, "f-", 2) ||
			    (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
				continue;
			fd = openat(dfd, de->d_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				if (errno == EISDIR)
					continue;
				return fail(dir, "/", de->d_name, errno);
			}
			if (fstat(fd, &st) < 0)
				return fail(dir, "/", de->d_name, errno);
			if (S_ISREG(st.st_mode) && st.st_size > page &&
			    ftruncate(fd, (st.st_size - 1) / page * page) < 0)
				return fail(dir, "/", de->d_name, errno);
			close(fd);
		}
	}
	if (n < 0)
		return fail(dir, "", "", errno);
	close(dfd);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 1;
	char *end;
	int i = 1;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		if (write(1, usage, sizeof(usage) - 1) < 0)
			return 1;
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--dirty"))
		return dirty_dir(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "-n")) {
		errno = 0;
		n = strtol(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || n < 1)
			return bad_usage("-n needs a number of reads >= 1");
		i = 3;
	}
	if (argc != i + 1 || argv[i][0] == '-')
		return bad_usage("expects [-n N] FILE or --dirty DIR");
	return read_file(argv[i], n);
}
