// SPDX-License-Identifier: GPL-2.0
/*
 * t-readcost.c - unit tests for the pure parts of the readcost workload (workloads/readcost.c):
 * hyperfine's --export-json read back (on two files hyperfine 1.15.0 wrote
 * on this host, see tests/fixtures/README), the summary of a sample that
 * readcost.tsv reports, and the --readcost-counts list.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "readcost.h"
#include "tap.h"
#include "util.h"

static int parse_str(const char *s, struct readcost_hf *hf, char *err, size_t errlen)
{
	return readcost_hyperfine_parse(s, strlen(s), hf, err, errlen);
}

static int close_to(double a, double b, double rel)
{
	return fabs(a - b) <= rel * fabs(b);
}

/*
 * The 12-run fixture: every field as hyperfine wrote it (the parser reads
 * doubles exactly), and our own summary of times[] agrees with hyperfine's
 * mean, median, min, max and (sample) stddev.
 */
static void test_fixture(void)
{
	struct readcost_hf hf;
	struct readcost_sum s;
	char err[256] = "";
	double *v;
	int ret;

	ret = readcost_hyperfine_load(FIXTURES "/hyperfine-statread.json", &hf, err, sizeof(err));
	tap_ok(ret == 0, "load hyperfine-statread.json (ret %d %s)", ret, err);
	if (ret) {
		for (int i = 0; i < 9; i++)
			tap_ok(0, "skipped: no fixture");
		return;
	}
	tap_ok(hf.command && !strcmp(hf.command, "bench/pb-statread /proc/self/status"),
	       "command '%s'", hf.command ? hf.command : "(null)");
	tap_ok(hf.ntimes == 12 && hf.times[0] == 0.00085375 && hf.times[2] == 0.001000899 &&
	       hf.times[11] == 0.000997174, "12 times, exact (%zu, times[2] %.9g)", hf.ntimes,
	       hf.ntimes > 2 ? hf.times[2] : 0);
	tap_ok(hf.mean == 0.0008764807499999998 && hf.median == 0.0008706550000000001,
	       "mean %.17g, median %.17g", hf.mean, hf.median);
	tap_ok(hf.min == 0.0007341730000000001 && hf.max == 0.001000899 &&
	       hf.stddev == 0.00007629787987180125, "min %.17g max %.17g stddev %.17g", hf.min,
	       hf.max, hf.stddev);

	v = xmalloc(hf.ntimes * sizeof(*v));
	memcpy(v, hf.times, hf.ntimes * sizeof(*v));
	readcost_summarize(v, hf.ntimes, &s);
	tap_ok(s.n == 12 && close_to(s.mean, hf.mean, 1e-12) && s.p50 == hf.median,
	       "summary of times[] = hyperfine's mean and median (%.17g, %.17g)", s.mean, s.p50);
	tap_ok(s.min == hf.min && s.max == hf.max, "summary min/max = hyperfine's");
	tap_ok(close_to(s.stddev, hf.stddev, 1e-9), "sample stddev as hyperfine's (%.17g vs %.17g)",
	       s.stddev, hf.stddev);
	/* (12 - 1) * 0.99 = 10.89: the two largest, 0.000997174 and 0.001000899 */
	tap_ok(close_to(s.p99, 0.000997174 + 0.89 * (0.001000899 - 0.000997174), 1e-12),
	       "p99 interpolated between the two largest (%.17g)", s.p99);
	free(v);
	readcost_hf_release(&hf);
	tap_ok(hf.times == NULL && hf.ntimes == 0 && hf.command == NULL, "release zeroes");
}

/* One run: hyperfine writes "stddev": null, which reads as NaN. */
static void test_one_run(void)
{
	struct readcost_hf hf;
	char err[256] = "";
	int ret;

	ret = readcost_hyperfine_load(FIXTURES "/hyperfine-statread-1run.json", &hf, err,
				      sizeof(err));
	tap_ok(ret == 0 && hf.ntimes == 1 && isnan(hf.stddev) && hf.mean == hf.times[0] &&
	       hf.min == hf.max && hf.median == hf.mean,
	       "one run: stddev null is NaN, mean = median = min = max (ret %d %s)", ret, err);
	readcost_hf_release(&hf);
}

/* Malformed input: -EINVAL and a reason naming the field; a missing file: -ENOENT. */
static void test_errors(void)
{
	struct readcost_hf hf;
	struct strbuf sb = STRBUF_INIT;
	char err[256];
	int ret;

	err[0] = '\0';
	ret = parse_str("{}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "results[0]"), "no results: %s", err);
	ret = parse_str("{\"results\": []}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "results[0]"), "empty results: %s", err);
	ret = parse_str("{\"results\": [{\"mean\": \"1\", \"stddev\": 0, \"median\": 1, \"min\": 1,"
			" \"max\": 1, \"times\": [1]}]}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "results[0].mean is not a number"), "string mean: %s",
	       err);
	ret = parse_str("{\"results\": [{\"mean\": 1, \"stddev\": 0, \"median\": 1, \"min\": 1,"
			" \"times\": [1]}]}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "results[0].max is missing"), "no max: %s", err);
	ret = parse_str("{\"results\": [{\"mean\": 1, \"stddev\": null, \"median\": 1, \"min\": 1,"
			" \"max\": 1, \"times\": []}]}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "results[0].times is empty"), "empty times: %s", err);
	ret = parse_str("{\"results\": [{\"mean\": 1, \"stddev\": null, \"median\": 1, \"min\": 1,"
			" \"max\": 1, \"times\": [1, \"2\"]}]}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "results[0].times[1] is not a number"),
	       "string in times: %s", err);
	ret = parse_str("{\"results\": [{\"mean\": null, \"stddev\": 0, \"median\": 1, \"min\": 1,"
			" \"max\": 1, \"times\": [1]}]}", &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err, "results[0].mean is not a number"), "null mean: %s",
	       err);
	/* the real file cut short */
	read_file(FIXTURES "/hyperfine-statread.json", &sb);
	ret = readcost_hyperfine_parse(sb.buf, sb.len / 2, &hf, err, sizeof(err));
	tap_ok(ret == -EINVAL && err[0], "truncated file: %s", err);
	sb_release(&sb);
	ret = readcost_hyperfine_load(FIXTURES "/no-such-hyperfine.json", &hf, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "no-such-hyperfine.json"), "missing file: %s", err);
	readcost_hf_release(NULL);
}

/* --readcost-counts: positive numbers up to the maximum, nothing else. */
static void test_counts(void)
{
	static const char *const bad[] = { "0", "x", "10,,100", "", "100001", "-5", "10,", "1e3" };
	char err[256];
	int *c = NULL, n;
	size_t i;

	n = readcost_parse_counts("10,100,1000", 100000, &c, err, sizeof(err));
	tap_ok(n == 3 && c[0] == 10 && c[1] == 100 && c[2] == 1000, "10,100,1000 (%d)", n);
	free(c);
	n = readcost_parse_counts("5", 100000, &c, err, sizeof(err));
	tap_ok(n == 1 && c[0] == 5, "5");
	free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		c = (int *)1;
		n = readcost_parse_counts(bad[i], 100000, &c, err, sizeof(err));
		tap_ok(n == -EINVAL && c == NULL && strstr(err, "--readcost-counts") &&
		       !strchr(err, '\n'), "'%s' refused: %s", bad[i], err);
	}
}

/* Summaries of 0 and 1 values: NaN where undefined. */
static void test_summary_edges(void)
{
	struct readcost_sum s;
	double one = 42.5;

	readcost_summarize(NULL, 0, &s);
	tap_ok(s.n == 0 && isnan(s.p50) && isnan(s.mean) && isnan(s.max), "0 values: NaN");
	readcost_summarize(&one, 1, &s);
	tap_ok(s.n == 1 && s.p50 == 42.5 && s.p99 == 42.5 && s.mean == 42.5 && isnan(s.stddev),
	       "1 value: itself, stddev NaN");
}

int main(void)
{
	tap_plan(10 + 1 + 9 + 10 + 2);
	test_fixture();
	test_one_run();
	test_errors();
	test_counts();
	test_summary_edges();
	return tap_done();
}
