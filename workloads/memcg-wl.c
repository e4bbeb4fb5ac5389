// SPDX-License-Identifier: GPL-2.0
/*
 * memcg-wl.c - what the memcg workloads (page-fault, reclaim, cgroup-churn)
 * share and what of them is a pure function: sizes by scale, input checks,
 * the kernel's flat "key value" files, and their result rows.
 */
#include "memcg-wl.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define MIB (1ull << 20)

static const char *size_str(char *buf, size_t len, uint64_t v)
{
	return fmt_size(buf, len, (double)v);
}

int mwl_pf_resolve(const struct pf_params *p, int scale, unsigned cpus, uint64_t ram,
		   struct pf_params *out, char *err, size_t errlen)
{
	static const uint64_t size[] = { 16 * MIB, 64 * MIB, 128 * MIB };
	static const int64_t secs[] = { 3, 10, 30 };
	char a[32], b[32];
	int s = scale < MWL_SMOKE || scale > MWL_FULL ? MWL_SMOKE : scale;

	*out = *p;
	if (!out->procs)
		out->procs = s == MWL_SMOKE ? 2 : (int)(cpus ? cpus : 1);
	if (!out->size)
		out->size = size[s];
	if (!out->time)
		out->time = secs[s] * 1000000000LL;
	if (out->mode != 1 && out->mode != 2) {
		snprintf(err, errlen, "invalid value '%d' for --page-fault-mode: 1 (anonymous) or "
			 "2 (file-backed)", out->mode);
		return -EINVAL;
	}
	if (out->size < PF_MIN_SIZE) {
		snprintf(err, errlen, "--page-fault-size %s is below the minimum %s",
			 size_str(a, sizeof(a), out->size), size_str(b, sizeof(b), PF_MIN_SIZE));
		return -EINVAL;
	}
	if (ram && (double)out->size * out->procs > (double)ram) {
		snprintf(err, errlen, "--page-fault-size %s x %d processes is more than the "
			 "machine's memory (%s)", size_str(a, sizeof(a), out->size), out->procs,
			 size_str(b, sizeof(b), ram));
		return -EINVAL;
	}
	return 0;
}

int mwl_reclaim_resolve(const struct reclaim_params *p, int scale, uint64_t ram,
			struct reclaim_params *out, char *err, size_t errlen)
{
	static const uint64_t limit[] = { 64 * MIB, 256 * MIB, 1024 * MIB };
	static const int64_t secs[] = { 3, 10, 30 };
	int s = scale < MWL_SMOKE || scale > MWL_FULL ? MWL_SMOKE : scale;
	char a[32], b[32], c[32];

	*out = *p;
	if (!out->limit)
		out->limit = limit[s];
	/* by default: anon half the limit, a file twice it, so the file streams through */
	if (!out->anon)
		out->anon = out->limit / 2;
	if (!out->file)
		out->file = out->limit * 2;
	if (!out->time)
		out->time = secs[s] * 1000000000LL;
	if (out->limit < RECLAIM_MIN_LIMIT) {
		snprintf(err, errlen, "--reclaim-limit %s is below the minimum %s",
			 size_str(a, sizeof(a), out->limit), size_str(b, sizeof(b), RECLAIM_MIN_LIMIT));
		return -EINVAL;
	}
	if (out->file < RECLAIM_MIN_FILE) {
		snprintf(err, errlen, "--reclaim-file %s is below the minimum %s",
			 size_str(a, sizeof(a), out->file), size_str(b, sizeof(b), RECLAIM_MIN_FILE));
		return -EINVAL;
	}
	if (ram && out->limit > ram) {
		snprintf(err, errlen, "--reclaim-limit %s is more than the machine's memory (%s)",
			 size_str(a, sizeof(a), out->limit), size_str(b, sizeof(b), ram));
		return -EINVAL;
	}
	if (ram && out->anon > ram) {
		snprintf(err, errlen, "--reclaim-anon %s is more than the machine's memory (%s)",
			 size_str(a, sizeof(a), out->anon), size_str(b, sizeof(b), ram));
		return -EINVAL;
	}
	if (out->file + out->anon <= out->limit) {
		snprintf(err, errlen, "--reclaim-limit %s is not below the working set "
			 "(--reclaim-file %s + --reclaim-anon %s): nothing to reclaim",
			 size_str(a, sizeof(a), out->limit), size_str(b, sizeof(b), out->file),
			 size_str(c, sizeof(c), out->anon));
		return -EINVAL;
	}
	return 0;
}

int mwl_churn_resolve(const struct churn2_params *p, int scale, uint64_t ram, unsigned page_size,
		      struct churn2_params *out, char *err, size_t errlen)
{
	static const int count[] = { 200, 1000, 10000 };
	int s = scale < MWL_SMOKE || scale > MWL_FULL ? MWL_SMOKE : scale;
	char a[32], b[32];
	double bytes;

	*out = *p;
	if (!out->cgroups)
		out->cgroups = count[s];
	if (out->cgroups < 1 || out->cgroups > CHURN2_MAX_CGROUPS) {
		snprintf(err, errlen, "invalid value '%d' for --cgroup-churn-cgroups: 1 to %d",
			 out->cgroups, CHURN2_MAX_CGROUPS);
		return -EINVAL;
	}
	if (out->batch < 1) {
		snprintf(err, errlen, "invalid value '%d' for --cgroup-churn-batch: at least 1",
			 out->batch);
		return -EINVAL;
	}
	/* a batch larger than the count is the whole count at once */
	if (out->batch > out->cgroups)
		out->batch = out->cgroups;
	bytes = (double)out->cgroups * out->pages * (page_size ? page_size : 4096);
	if (ram && bytes > (double)ram / 2) {
		snprintf(err, errlen, "--cgroup-churn-pages %d x %d cgroups (%s of page cache kept) "
			 "is more than half the machine's memory (%s)", out->pages, out->cgroups,
			 fmt_size(a, sizeof(a), bytes), size_str(b, sizeof(b), ram));
		return -EINVAL;
	}
	return 0;
}

/* Lines of @buf, each "key<sep>value..." with @sep one of ": \t": the value of @key. */
static bool find_key(const char *buf, size_t len, const char *key, const char **val)
{
	const char *p = buf, *end = buf + len, *s;
	size_t klen = strlen(key), n;

	while (line_next(&p, end, &s, &n)) {
		if (n > klen && !strncmp(s, key, klen) && strchr(": \t", s[klen])) {
			*val = s + klen + 1;
			return true;
		}
	}
	return false;
}

int64_t mwl_meminfo(const char *buf, size_t len, const char *key)
{
	const char *v;
	char num[32];
	size_t i = 0;

	if (!find_key(buf, len, key, &v))
		return -1;
	while (v < buf + len && (*v == ' ' || *v == '\t'))
		v++;
	while (v < buf + len && *v >= '0' && *v <= '9' && i < sizeof(num) - 1)
		num[i++] = *v++;
	num[i] = '\0';
	if (!i)
		return -1;
	/* every size field of /proc/meminfo is in kB (the count fields are not sizes) */
	return strtoll(num, NULL, 10) * (strncmp(v, " kB", 3) ? 1 : 1024);
}

uint64_t mwl_mem_total(void)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t v = -1;

	if (!read_file("/proc/meminfo", &sb))
		v = mwl_meminfo(sb.buf, sb.len, "MemTotal");
	sb_release(&sb);
	return v > 0 ? (uint64_t)v : 0;
}

int64_t mwl_flat_key(const char *buf, size_t len, const char *key)
{
	const char *v;
	char *end;
	long long x;

	if (!find_key(buf, len, key, &v))
		return -1;
	errno = 0;
	x = strtoll(v, &end, 10);
	return end == v || errno ? -1 : x;
}

int mwl_thp_off(void)
{
	return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) ? -errno : 0;
}

int64_t mwl_file_key(const char *path, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t v = -1;

	if (!read_file(path, &sb))
		v = mwl_flat_key(sb.buf, sb.len, key);
	sb_release(&sb);
	return v;
}

int64_t mwl_file_num(const char *path)
{
	uint64_t v;

	return read_u64_file(path, &v) ? -1 : (int64_t)v;
}

void mwl_row(struct strbuf *sb, const char *metric, double value, const char *unit,
	     const char *source)
{
	if (isnan(value)) {
		mwl_row_absent(sb, metric, unit, source);
		return;
	}
	if (value == floor(value) && fabs(value) < 1e15)
		sb_addf(sb, "%s\t%.0f\t%s\t%s\n", metric, value, unit, source);
	else
		sb_addf(sb, "%s\t%.3f\t%s\t%s\n", metric, value, unit, source);
}

void mwl_row_absent(struct strbuf *sb, const char *metric, const char *unit, const char *why)
{
	sb_addf(sb, "%s\t-\t%s\t%s\n", metric, unit, why);
}

int mwl_scale(const char *name)
{
	if (name && !strcmp(name, "full"))
		return MWL_FULL;
	if (name && !strcmp(name, "small"))
		return MWL_SMALL;
	return MWL_SMOKE;
}

volatile sig_atomic_t mwl_stop;

static void on_term(int sig)
{
	(void)sig;
	mwl_stop = 1;
}

void mwl_catch_term(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
}
