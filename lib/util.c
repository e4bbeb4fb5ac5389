// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - small helpers shared by every part of patchbench: messages,
 * allocation, clocks, file I/O and value parsers.
 */
#include "afile.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool pb_quiet;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "patchbench: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (pb_quiet)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Append what @fd holds until EOF: read(2), or pread(2) from where @sb ends. */
static int read_until_eof(int fd, struct strbuf *sb, bool positional)
{
	size_t start = sb->len;

	for (;;) {
		size_t room;
		ssize_t n;

		sb_grow(sb, 4096);
		room = sb->alloc - sb->len - 1;
		n = positional ? pread(fd, sb->buf + sb->len, room, sb->len - start) :
				 read(fd, sb->buf + sb->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		sb->len += n;
	}
	sb->buf[sb->len] = '\0';
	return 0;
}

int read_fd_all(int fd, struct strbuf *sb)
{
	return read_until_eof(fd, sb, false);
}

ssize_t pread_all(int fd, struct strbuf *sb)
{
	int ret;

	sb_reset(sb);
	ret = read_until_eof(fd, sb, true);
	return ret ? ret : (ssize_t)sb->len;
}

int read_file(const char *path, struct strbuf *sb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	sb_reset(sb);
	ret = read_fd_all(fd, sb);
	close(fd);
	return ret;
}

int read_regular_file(const char *path, size_t max, struct strbuf *sb, char *err,
		      size_t errlen)
{
	struct stat st;
	int fd, ret = 0;

	/* non-blocking: opening a FIFO for reading would wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "cannot read '%s': not a regular file", path);
	} else if ((uint64_t)st.st_size > max) {
		ret = -EFBIG;
		snprintf(err, errlen, "cannot read '%s': %lld bytes, more than the %zu MiB it may "
			 "have", path, (long long)st.st_size, max >> 20);
	} else {
		sb_reset(sb);
		ret = read_fd_all(fd, sb);
		if (!ret && sb->len > max)
			ret = -EFBIG;	/* grew while read */
		if (ret)
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
	}
	close(fd);
	return ret;
}

int read_u64_file(const char *path, uint64_t *val)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(path, &sb);

	if (!ret) {
		while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == ' '))
			sb.buf[--sb.len] = '\0';
		ret = parse_u64(sb.buf, val);
	}
	sb_release(&sb);
	return ret;
}

int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

int write_file_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

int write_atomic(const char *path, const void *buf, size_t len)
{
	struct afile af;
	int ret = afile_open(&af, path);

	if (ret)
		return ret;
	ret = afile_write(&af, buf, len);
	if (ret) {
		afile_abort(&af);
		return ret;
	}
	return afile_commit(&af);
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	/* for "", start at the NUL: p + 1 would be past the end */
	for (s = *p ? p + 1 : p; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!ret && !is_dir(path))
		ret = -ENOTDIR;
	free(p);
	return ret;
}

int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *sub;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		r = remove_tree(sub);
		if (r && !ret)
			ret = r;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) < 0 && !ret)
		ret = -errno;
	return ret;
}

char *path_canon(const char *path)
{
	char cwd[PATH_MAX], *full, *head = NULL, **parts;
	struct strbuf out = STRBUF_INIT;
	size_t len, i;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		full = xstrdup(path);
	else
		full = xasprintf("%s/%s", cwd, path);
	/* the longest prefix that exists, resolved; what does not exist yet follows as written */
	for (len = strlen(full); len; ) {
		char *pre = xstrndup(full, len);

		head = realpath(pre, NULL);
		free(pre);
		if (head)
			break;
		while (len && full[len - 1] != '/')
			len--;
		while (len > 1 && full[len - 1] == '/')
			len--;
	}
	sb_adds(&out, head && strcmp(head, "/") ? head : "");
	parts = strv_split(full + len, '/');
	for (i = 0; parts[i]; i++) {
		if (!*parts[i] || !strcmp(parts[i], "."))
			continue;
		if (!strcmp(parts[i], "..")) {
			while (out.len && out.buf[--out.len] != '/')
				;
			out.buf[out.len] = '\0';
			continue;
		}
		sb_addf(&out, "/%s", parts[i]);
	}
	if (!out.len)
		sb_adds(&out, "/");
	strv_free(parts);
	free(head);
	free(full);
	return sb_detach(&out);
}

char *pb_self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *del;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	del = strstr(buf, " (deleted)");
	if (del && !del[10])
		*del = '\0';
	return xstrdup(buf);
}

const char *path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool path_within(const char *path, const char *dir)
{
	char *p = path_canon(path), *d = path_canon(dir);
	size_t n = strlen(d);
	bool ret = !strcmp(d, "/") || (!strncmp(p, d, n) && (p[n] == '\0' || p[n] == '/'));

	free(p);
	free(d);
	return ret;
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * strto*() skip leading white space and take a sign after it (strtoull
 * negates "-1"), and strtod() takes hex, "inf" and "nan": a number must
 * start with a decimal digit (or a '-' and one, when @sign).
 */
static bool num_start_ok(const char *s, bool sign)
{
	if (!s)
		return false;
	if (sign && *s == '-')
		s++;
	return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!num_start_ok(s, false))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_i64(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (!num_start_ok(s, true))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!num_start_ok(s, false))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	if (*end) {
		u = strchr(units, *end >= 'a' ? *end - 32 : *end);
		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int parse_duration(const char *s, int64_t *ns_out)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 }, { "", 1e9 },
	};
	double v;
	char *end;
	size_t i;

	/* "inf" and "nan" are numbers to strtod(), but too large ones here */
	if (s && (!strncasecmp(s, "inf", 3) || !strncasecmp(s, "nan", 3)))
		return -ERANGE;
	/* decimal only: strtod() would take "0x2" as 2 */
	if (!num_start_ok(s, false) || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s)
		return -EINVAL;
	if (errno == ERANGE)
		return v > 1 ? -ERANGE : -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			double ns = v * units[i].mult;

			if (ns != ns || ns > 9.2e18)
				return -ERANGE;
			/* round, not truncate: 1.001 x 1e9 is 1000999999.99... in binary */
			*ns_out = (int64_t)(ns + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

bool line_next(const char **p, const char *end, const char **s, size_t *len)
{
	const char *eol;

	if (*p >= end)
		return false;
	eol = memchr(*p, '\n', end - *p);
	if (!eol)
		eol = end;
	*s = *p;
	*len = eol - *p;
	if (*len && (*s)[*len - 1] == '\r')
		(*len)--;
	*p = eol < end ? eol + 1 : end;
	return true;
}

char **strv_split(const char *s, char sep)
{
	size_t n = 1, i = 0;
	const char *p;
	char **v;

	for (p = s; *p; p++)
		if (*p == sep)
			n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (p = s;; ) {
		const char *e = strchr(p, sep);

		if (!e) {
			v[i++] = xstrdup(p);
			break;
		}
		v[i++] = xstrndup(p, e - p);
		p = e + 1;
	}
	v[i] = NULL;
	return v;
}

void strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/**
 * name_index - look a name up in a table indexed by an enum
 * @names: the table, e.g. { [FOO_A] = "a", [FOO_B] = "b" }
 * @n: its size (ARRAY_SIZE)
 * @s: the name to find; NULL finds nothing
 *
 * Return: the index of @s, or -1.
 */
int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *fmt_duration(char *buf, size_t len, int64_t ns)
{
	double v = (double)ns;

	if (ns >= 60 * NSEC_PER_SEC)
		snprintf(buf, len, "%dm%02ds", (int)(ns / (60 * NSEC_PER_SEC)),
			 (int)((ns / NSEC_PER_SEC) % 60));
	else if (ns >= NSEC_PER_SEC)
		snprintf(buf, len, "%.1fs", v / 1e9);
	else if (ns >= NSEC_PER_MSEC)
		snprintf(buf, len, "%.1fms", v / 1e6);
	else if (ns >= NSEC_PER_USEC)
		snprintf(buf, len, "%.1fus", v / 1e3);
	else
		snprintf(buf, len, "%lldns", (long long)ns);
	return buf;
}

const char *fmt_size(char *buf, size_t len, double bytes)
{
	static const char units[] = "BKMGT";
	int i = 0;
	double a = bytes < 0 ? -bytes : bytes;

	while (a >= 1024 && i < 4) {
		a /= 1024;
		bytes /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f%c", bytes, units[i]);
	else
		snprintf(buf, len, "%.1f%c", bytes, units[i]);
	return buf;
}

char *pb_cache_dir(void)
{
	const char *env = getenv("PATCHBENCH_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return xstrdup(env);
	if (xdg && *xdg)
		return xasprintf("%s/patchbench", xdg);
	return xasprintf("%s/.cache/patchbench", home && *home ? home : "/var/tmp");
}

char *pb_date_stamp(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
	return xstrdup(buf);
}

char *pb_run_id(void)
{
	char *d = pb_date_stamp(), *id = xasprintf("%s-%d", d, (int)getpid());

	free(d);
	return id;
}

char *pb_which(const char *name)
{
	const char *path = getenv("PATH");
	char **dirs = strv_split(path && *path ? path : "/usr/bin:/bin", ':');
	char *found = NULL;
	size_t i;

	for (i = 0; dirs[i] && !found; i++) {
		char *p = xasprintf("%s/%s", *dirs[i] ? dirs[i] : ".", name);

		if (!access(p, X_OK))
			found = p;
		else
			free(p);
	}
	strv_free(dirs);
	return found;
}
