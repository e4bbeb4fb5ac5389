/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_UTIL_H
#define PB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "strbuf.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_USEC 1000LL

/* Messages go to stderr, prefixed "patchbench: "; pr_err adds "error: ". */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set by -q: pr_info becomes silent. */
extern bool pb_quiet;



/* Monotonic and wall clocks in nanoseconds. */
int64_t now_ns(void);
int64_t wall_ns(void);

/*
 * read_fd_all - read until EOF from @fd into @sb (appending). Returns 0 or -errno.
 * pread_all - pread from offset 0 until EOF into @sb (replacing). Returns bytes or -errno.
 * read_file - read a whole file by path into @sb (replacing). Returns 0 or -errno.
 */
int read_fd_all(int fd, struct strbuf *sb);
ssize_t pread_all(int fd, struct strbuf *sb);
int read_file(const char *path, struct strbuf *sb);
/*
 * read_regular_file - read_file() for input a user hands over: only a regular
 * file of at most @max bytes (a FIFO, a device or /dev/zero would hang or
 * exhaust memory). Returns 0, or -errno (-EINVAL not a regular file,
 * -EFBIG too large) with "cannot read '<path>': <why>" in @err.
 */
int read_regular_file(const char *path, size_t max, struct strbuf *sb, char *err,
		      size_t errlen);
/* Read a file holding one integer (e.g. memory.current). 0 or -errno. */
int read_u64_file(const char *path, uint64_t *val);
/* Write @len bytes of @buf to @path (O_WRONLY, no create/truncate: for sysfs/cgroupfs). */
int write_file(const char *path, const char *buf, size_t len);
int write_file_str(const char *path, const char *s);

/*
 * write_atomic - write @len bytes to "@path.tmp", fsync, rename to @path.
 * A crash never leaves a half-written @path (see afile.h for a writer that
 * streams). Returns 0 or -errno.
 */
int write_atomic(const char *path, const void *buf, size_t len);
/* mkdir -p; 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf of @path. Only call it on paths this program created. 0 or -errno. */
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
/*
 * path_canon -  made absolute with every symbolic link resolved, as far as it
 * exists; the part that does not exist yet follows, with "." and ".." folded.
 * Returns a string the caller must free().
 */
char *path_canon(const char *path);
/* Whether  is  or below it, both taken through path_canon(). */
bool path_within(const char *path, const char *dir);
/*
 * pb_self_exe - the path of the running binary (readlink /proc/self/exe);
 * when it was replaced while we run (a rebuild), the path without the
 * kernel's " (deleted)": the new file there. NULL on failure; caller frees.
 */
char *pb_self_exe(void);
/* The last component of @path (after its last '/'), within @path itself. */
const char *path_base(const char *path);

/*
 * Value parsers for options and files: 0 on success, -EINVAL on bad syntax,
 * -ERANGE when out of range. Sizes accept K/M/G/T suffixes (powers of 1024),
 * durations accept ns/us/ms/s/m/h (a bare number is seconds).
 */
int parse_u64(const char *s, uint64_t *out);
int parse_i64(const char *s, int64_t *out);
int parse_size(const char *s, uint64_t *out);
int parse_duration(const char *s, int64_t *ns_out);

/*
 * line_next - the next line of [*@p, @end) without its '\n' (and '\r') in
 * @s and @len, advancing *@p past it. Returns false at the end.
 */
bool line_next(const char **p, const char *end, const char **s, size_t *len);

/* Split "a,b,c" into a NULL-terminated array; free with strv_free(). */
char **strv_split(const char *s, char sep);
void strv_free(char **v);
size_t strv_len(char *const *v);
/* Index of @s in the @n names of @names (NULL entries skipped), or -1. */
int name_index(const char *const *names, size_t n, const char *s);

/*
 * pb_cache_dir - the cache directory for unpacked sources, built kernels and
 * scratch space: $PATCHBENCH_CACHE, else $XDG_CACHE_HOME/patchbench, else
 * ~/.cache/patchbench. The caller frees the string.
 */
char *pb_cache_dir(void);

/* A run id: local date and time and the pid, "20261122-031500-4242". Caller frees. */
/* The local time as "20261202-083227", for directory names; the caller frees it. */
char *pb_date_stamp(void);
char *pb_run_id(void);

/* The path of executable @name in $PATH, or NULL. Caller frees. */
char *pb_which(const char *name);
/* Format @ns as a short human string ("1.2s", "340ms", "12.5us") into @buf. */
const char *fmt_duration(char *buf, size_t len, int64_t ns);
/* Format bytes as "12.3M" etc. */
const char *fmt_size(char *buf, size_t len, double bytes);

#endif
