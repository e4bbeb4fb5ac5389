// SPDX-License-Identifier: GPL-2.0
/*
 * ab-dir.c - the shape of an A/B directory (ab.h), the same for every
 * engine: each run's options and directory (A-1, B-1, ...) and ab.json.
 */
#include "ab.h"
#include "json.h"
#include "kbuild.h"
#include "kcache.h"
#include "run-opts.h"
#include "strbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ab_run_set(struct run_opts *ro, const char *dir, int side, int i,
		       const struct kernel_info *k)
{
	free(ro->out);
	ro->out = xasprintf("%s/%s-%d", dir, side ? "B" : "A", i);
	free(ro->kernel);
	ro->kernel = xstrdup(k->name);
	return ro->out;
}

int ab_write_json(const char *dir, const struct ab_opts *o, const struct kernel_info *a,
		  const struct kernel_info *b, char **runs, const char **sides, size_t n,
		  const char *status, const char *stopped, const struct ab_jobs *jobs)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char *path = xasprintf("%s/ab.json", dir);
	size_t i;
	int ret;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_kstr(&w, "status", status);
	jw_kstr(&w, "base", o->base);
	jw_kstr(&w, "patched", o->patched);
	jw_kstr(&w, "base_key", a->key);
	jw_kstr(&w, "patched_key", b->key);
	jw_kstr(&w, "base_config_sha256", a->config_sha256);
	jw_kstr(&w, "patched_config_sha256", b->config_sha256);
	jw_kint(&w, "repeat", o->repeat);
	if (o->repeat_auto) {
		jw_key(&w, "repeat_auto");
		jw_obj_begin(&w);
		jw_kint(&w, "max_repeat", o->max_repeat);
		jw_kint(&w, "pairs", (int64_t)(n / 2));
		jw_kstr(&w, "stopped", stopped);
		jw_obj_end(&w);
	}
	if (jobs) {
		jw_kstr(&w, "engine", "slurm");
		jw_key(&w, "slurm_jobs");
		jw_obj_begin(&w);
		jw_kstr(&w, "array", jobs->array);
		jw_kstr(&w, "final", jobs->final);
		if (jobs->build) {
			jw_kstr(&w, "build", jobs->build);
			jw_kstr(&w, "build_log", jobs->build_log);
			jw_kstr(&w, "cache", jobs->cache);
		}
		jw_obj_end(&w);
	}
	jw_key(&w, "runs");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++) {
		jw_obj_begin(&w);
		jw_kstr(&w, "side", sides[i]);
		jw_kstr(&w, "dir", strrchr(runs[i], '/') + 1);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	sb_adds(&sb, "\n");
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}

/* Here, not in ab.c: both the local path (ab.c) and the Slurm build job (ab-slurm.c) use it. */
void ab_build_opts(struct kbuild_opts *bo, const char *cache, const char *name,
		   const struct ab_opts *ao, const struct run_opts *ro)
{
	memset(bo, 0, sizeof(*bo));
	bo->name = name;
	bo->series = strcmp(name, "vanilla") ? name : NULL;
	bo->config = ao->config;
	bo->cache = cache;
	bo->source = ro->source;
	bo->jobs = ao->build_jobs ? ao->build_jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	bo->quiet = ro->quiet;
}
