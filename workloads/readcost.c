// SPDX-License-Identifier: GPL-2.0
/*
 * readcost.c - the pure parts of the readcost workload (readcost.h): the
 * --readcost-counts list, hyperfine's --export-json result, and the
 * summary of a sample of latencies. Kept apart from wl-readcost.c so that
 * tests/unit/t-readcost.c links them without the runner.
 */
#include "readcost.h"
#include "json.h"
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int readcost_parse_counts(const char *list, int max, int **out, char *err, size_t errlen)
{
	char **v = strv_split(list, ',');
	size_t i, n = strv_len(v);
	int *counts = xcalloc(n ? n : 1, sizeof(*counts));
	int ret = (int)n;

	for (i = 0; i < n; i++) {
		uint64_t x;

		if (parse_u64(v[i], &x) || x < 1 || x > (uint64_t)max) {
			snprintf(err, errlen, "invalid value '%s' for --readcost-counts: '%s' is not "
				 "a number of cgroups (1..%d)", list, v[i], max);
			ret = -EINVAL;
			break;
		}
		counts[i] = (int)x;
	}
	strv_free(v);
	if (ret < 0) {
		free(counts);
		counts = NULL;
	}
	*out = counts;
	return ret;
}


static int hf_num(const struct json *o, const char *key, bool null_ok, double *out, char *err,
		  size_t errlen)
{
	const struct json *v = json_get(o, key);

	if (v && v->type == JSON_NUMBER) {
		*out = v->num;
		return 0;
	}
	if (v && v->type == JSON_NULL && null_ok) {
		*out = NAN;
		return 0;
	}
	snprintf(err, errlen, "results[0].%s is %s", key, v ? "not a number" : "missing");
	return -EINVAL;
}

/**
 * readcost_hyperfine_parse - results[0] of a hyperfine --export-json file
 * @buf: the file's text
 * @len: its length
 * @out: filled on success; release with readcost_hf_release()
 * @err: a one-line reason on failure
 * @errlen: size of @err
 *
 * Takes mean, stddev (null, as hyperfine writes it for one run, is NaN),
 * median, min, max and times[], all in seconds, and the command if present.
 *
 * Return: 0, or -EINVAL.
 */
int readcost_hyperfine_parse(const char *buf, size_t len, struct readcost_hf *out, char *err,
			     size_t errlen)
{
	struct json *root;
	const struct json *res, *r0, *times;
	const char *cmd;
	size_t i;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	root = json_parse(buf, len, err, errlen);
	if (!root)
		return -EINVAL;
	res = json_get(root, "results");
	if (!res || res->type != JSON_ARRAY || !res->n || res->items[0]->type != JSON_OBJECT) {
		snprintf(err, errlen, "no results[0] object");
		goto out_free;
	}
	r0 = res->items[0];
	if (hf_num(r0, "mean", false, &out->mean, err, errlen) ||
	    hf_num(r0, "stddev", true, &out->stddev, err, errlen) ||
	    hf_num(r0, "median", false, &out->median, err, errlen) ||
	    hf_num(r0, "min", false, &out->min, err, errlen) ||
	    hf_num(r0, "max", false, &out->max, err, errlen))
		goto out_free;
	times = json_get(r0, "times");
	if (!times || times->type != JSON_ARRAY || !times->n) {
		snprintf(err, errlen, "results[0].times is %s", !times ? "missing" :
			 times->type != JSON_ARRAY ? "not an array" : "empty");
		goto out_free;
	}
	out->times = xcalloc(times->n, sizeof(*out->times));
	for (i = 0; i < times->n; i++) {
		if (times->items[i]->type != JSON_NUMBER) {
			snprintf(err, errlen, "results[0].times[%zu] is not a number", i);
			goto out_free;
		}
		out->times[i] = times->items[i]->num;
	}
	out->ntimes = times->n;
	cmd = json_get_str(r0, "command");
	out->command = cmd ? xstrdup(cmd) : NULL;
	ret = 0;
out_free:
	json_free(root);
	if (ret)
		readcost_hf_release(out);
	return ret;
}

/**
 * readcost_hyperfine_load - readcost_hyperfine_parse() on a file
 * @path: hyperfine's --export-json file
 * @out: filled on success; release with readcost_hf_release()
 * @err: a one-line reason on failure (naming @path)
 * @errlen: size of @err
 *
 * Return: 0, -errno if @path cannot be read, or -EINVAL.
 */
int readcost_hyperfine_load(const char *path, struct readcost_hf *out, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char why[256];
	int ret;

	memset(out, 0, sizeof(*out));
	ret = read_file(path, &sb);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
		goto out;
	}
	ret = readcost_hyperfine_parse(sb.buf, sb.len, out, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
out:
	sb_release(&sb);
	return ret;
}

/**
 * readcost_hf_release - free what a struct readcost_hf holds
 * @hf: the struct (NULL is fine); zeroed afterwards
 */
void readcost_hf_release(struct readcost_hf *hf)
{
	if (!hf)
		return;
	free(hf->command);
	free(hf->times);
	memset(hf, 0, sizeof(*hf));
}

/**
 * readcost_summarize - order statistics and moments of one sample
 * @v: the values, sorted in place
 * @n: how many
 * @s: the summary, in the unit of @v
 */
void readcost_summarize(double *v, size_t n, struct readcost_sum *s)
{
	s->n = n;
	if (!n) {
		s->p50 = s->p99 = s->mean = s->stddev = s->min = s->max = NAN;
		return;
	}
	s->p50 = stats_percentile(v, n, 50);
	s->p99 = stats_percentile(v, n, 99);
	s->mean = stats_mean(v, n);
	s->stddev = stats_stddev(v, n);
	s->min = v[0];
	s->max = v[n - 1];
}
