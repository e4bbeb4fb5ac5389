// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-metrics.c - metrics_extract() and report_print_dir() (text or json)
 * on a result directory of which one file is the input: a copy of a fixture
 * run (tests/fixtures/results/) in a temporary directory (fuzz_tmpdir(), a
 * tmpfs), with the file replaced; it is put back when a later input replaces
 * another file. The copies keep the first 12 lines of each TSV file. The
 * directory is loaded once an input (run_summary_load()), for both
 * metrics_from_summary() and report_print(), the two halves of
 * metrics_extract() and report_print_dir(): loading it is most of the work.
 * pf-insn (a vm run of page-fault with instruction counts) brings the files
 * of the memcg workloads and of the TCG plugin (insn*.tsv).
 *
 * The input's first line names the file, "<fixture run>/<file>" (for
 * example "perf-1/cputotal.tsv"), the rest is its content. A first line that
 * names no known run or file picks both from a hash of the line.
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "metrics.h"
#include "report.h"

static const char *const runs[] = { "host-1", "perf-1", "probe-vanilla", "pf-insn" };
static const char *const files[] = {
	"meta.json", "workloads.tsv", "cpu.tsv", "drift.tsv", "probe.tsv", "readlat.tsv",
	"cputotal.tsv", "perf-symbols.tsv", "rss_stat-summary.tsv", "selftests.tap",
	"readcost.tsv", "page-fault.tsv", "reclaim.tsv", "cgroup-churn.tsv", "insn.tsv",
	"insn-work.tsv", "insn-reads.tsv", "insn-symbols.tsv",
};

/* the fixture's content of each file of each run, NULL where it has none */
static struct strbuf orig[ARRAY_SIZE(runs)][ARRAY_SIZE(files)];
static bool have[ARRAY_SIZE(runs)][ARRAY_SIZE(files)];
/* the file the last input replaced, put back when the next one replaces another */
static size_t last_r = SIZE_MAX, last_f;

/* the fixture's file @f of run @r as it was before an input replaced it */
static void restore(size_t r, size_t f)
{
	char *path = xasprintf("%s/%s/%s", fuzz_tmpdir(), runs[r], files[f]);

	if (have[r][f])
		fuzz_write(path, (const uint8_t *)orig[r][f].buf, orig[r][f].len);
	else
		unlink(path);
	free(path);
}

static void setup(void)
{
	size_t r, f;

	for (r = 0; r < ARRAY_SIZE(runs); r++) {
		char *dir = xasprintf("%s/%s", fuzz_tmpdir(), runs[r]);

		if (mkdir_p(dir, 0755))
			abort();
		for (f = 0; f < ARRAY_SIZE(files); f++) {
			char *src = xasprintf("%s/results/%s/%s", FIXTURES, runs[r], files[f]);
			char *dst = xasprintf("%s/%s", dir, files[f]);

			if (!read_file(src, &orig[r][f])) {
				have[r][f] = true;
				if (strstr(files[f], ".tsv"))
					orig[r][f].len = fuzz_head(orig[r][f].buf, orig[r][f].len,
								   12);
				fuzz_write(dst, (const uint8_t *)orig[r][f].buf, orig[r][f].len);
			}
			free(src);
			free(dst);
		}
		free(dir);
	}
}

static size_t find(const char *const *v, size_t n, const char *s, size_t len, size_t hash)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i]) == len && !memcmp(v[i], s, len))
			return i;
	return hash % n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size), *slash;
	size_t hlen = nl ? (size_t)(nl - data) : size, hash = 5381, i, r, f;
	struct run_summary s;
	struct metric_set ms;
	char *dir, *path, err[512], buf[64];
	int u;

	if (!orig[0][0].buf)
		setup();
	for (i = 0; i < hlen; i++)
		hash = hash * 33 + data[i];
	slash = memchr(data, '/', hlen);
	r = find(runs, ARRAY_SIZE(runs), (const char *)data, slash ? (size_t)(slash - data) : 0,
		 hash);
	f = slash ? find(files, ARRAY_SIZE(files), (const char *)slash + 1,
			 hlen - (slash + 1 - data), hash / 7) : hash / 7 % ARRAY_SIZE(files);
	dir = xasprintf("%s/%s", fuzz_tmpdir(), runs[r]);
	path = xasprintf("%s/%s", dir, files[f]);
	/*
	 * put back the file of the last input unless this one replaces it too:
	 * each input sees the fixture with its own file in it, for one write
	 */
	if (last_r != SIZE_MAX && (last_r != r || last_f != f))
		restore(last_r, last_f);
	last_r = r;
	last_f = f;
	if (nl)
		fuzz_write(path, nl + 1, size - hlen - 1);
	else
		fuzz_write(path, (const uint8_t *)"", 0);

	/*
	 * what metrics_extract() and then report_print_dir() do, with the
	 * directory loaded once for both: loading it is most of the work
	 */
	if (!run_summary_load(&s, dir, err, sizeof(err))) {
		if (!metrics_from_summary(&s, dir, &ms, err, sizeof(err))) {
			for (i = 0; i < ms.n; i++) {
				for (u = MU_BYTES; u <= MU_PASS; u++) {
					metric_format(buf, sizeof(buf), u, ms.m[i].value, false);
					metric_format(buf, sizeof(buf), u, ms.m[i].value, true);
				}
				if (metric_set_find(&ms, ms.m[i].key) == NULL)
					abort();
			}
		}
		metric_set_release(&ms);
		/* one report format per input (by its size) */
		report_print(&s, dir, size % 2 ? FMT_JSON : FMT_TEXT, fuzz_devnull(), err,
			     sizeof(err));
	}
	run_summary_release(&s);

	free(path);
	free(dir);
	return 0;
}
