/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz-*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput() and feeds the input to one
 * parser or loader of the library the way patchbench does. A crash, a
 * sanitizer report, a leak, a hang (-timeout) or an allocation over
 * -rss_limit_mb is a finding; an error return is not. tests/fuzz/run.sh runs
 * them (make fuzz, make test).
 */
#ifndef PB_FUZZ_H
#define PB_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of @data; the caller frees it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Split @data at its first NUL byte into @a (before) and @b (after, empty
 * when there is none): harnesses of functions taking two texts.
 */
static inline void fuzz_split(const uint8_t *data, size_t size, const char **a, size_t *alen,
			      const char **b, size_t *blen)
{
	const uint8_t *nul = memchr(data, '\0', size);

	*a = (const char *)data;
	*alen = nul ? (size_t)(nul - data) : size;
	*b = nul ? (const char *)nul + 1 : (const char *)data + size;
	*blen = nul ? size - *alen - 1 : 0;
}

#endif

/*
 * fuzz_tmpdir - a directory of this process for the files a harness writes,
 * created on the first call and removed at exit. Never NULL (aborts).
 *
 * It is on the tmpfs /dev/shm when there is one (else under TMPDIR, else
 * /tmp; FUZZ_TMPDIR chooses another parent): the harnesses rewrite a file
 * every execution, and on ext4 a file truncated and written again is flushed
 * to the disk when it is closed (auto_da_alloc), which kept fuzz-metrics
 * waiting on the disk for most of its time (270 executions/s, 2000 on
 * /dev/shm).
 */
static char *fuzz_tmp;

static inline void fuzz_tmp_remove(void)
{
	remove_tree(fuzz_tmp);
}

static inline const char *fuzz_tmpdir(void)
{
	const char *t = getenv("FUZZ_TMPDIR");

	if (fuzz_tmp)
		return fuzz_tmp;
	if (!t || !*t)
		t = access("/dev/shm", W_OK | X_OK) ? getenv("TMPDIR") : "/dev/shm";
	fuzz_tmp = xasprintf("%s/pb-fuzz-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(fuzz_tmp))
		abort();
	atexit(fuzz_tmp_remove);
	return fuzz_tmp;
}

/* Replace @path by @data (not atomically: only the harness reads it). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
}

/*
 * Length of the first @lines lines of @buf: harnesses keep the fixtures they
 * copy short, so that an execution takes well under a millisecond.
 */
static inline size_t fuzz_head(const char *buf, size_t len, unsigned lines)
{
	const char *p = buf, *end = buf + len;

	while (lines-- && p < end && (p = memchr(p, '\n', end - p)))
		p++;
	return p && p < end ? (size_t)(p - buf) : len;
}

/* An open /dev/null for the reports a harness prints. */
static inline FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}
