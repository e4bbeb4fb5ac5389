// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-build.c - "patchbench build": the command-line layer over kbuild.c.
 */
#include "builtin.h"
#include "kbuild.h"
#include "options.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct build_opts {
	char *name, *source, *series, *config, *fragment, *cache, *kernels_dir;
	int jobs;
	bool rebuild, quiet;
};

#define O(f) offsetof(struct build_opts, f)
static const struct option build_options[] = {
	{ "name", 'n', OPT_STRING, O(name), NULL, "NAME",
	  "kernel name in the cache and in results (required; [A-Za-z0-9._-])" },
	{ "source", 0, OPT_STRING, O(source), NULL, "DIR|TARBALL|git:DIR@REF",
	  "kernel source: a tree, a tarball (unpacked once), or a commit of a git tree "
	  "(exported once; the tree is only read) [/usr/src/linux-source-6.1.tar.xz]" },
	{ "series", 's', OPT_STRING, O(series), NULL, "NAME|DIR|MBOX",
	  "patch series: a name in kernels/series/, a directory with a 'series' file, "
	  "or one patch or mbox file [vanilla: none]" },
	{ "config", 'c', OPT_STRING, O(config), "smoke", "smoke|full|FILE",
	  "base config: tinyconfig, defconfig, or a .config file" },
	{ "fragment", 0, OPT_STRING, O(fragment), NULL, "FILE",
	  "config fragment merged on top [kernels/config/patchbench.config]" },
	{ "jobs", 'j', OPT_INT, O(jobs), NULL, "N", "make -j [number of CPUs]", NULL, 1, 1024 },
	{ "rebuild", 0, OPT_BOOL, O(rebuild), NULL, NULL,
	  "build even if the same kernel is built (tree re-patched, objects reused)" },
	{ "cache", 0, OPT_STRING, O(cache), NULL, "DIR",
	  "cache directory [$PATCHBENCH_CACHE or ~/.cache/patchbench]" },
	{ "kernels-dir", 0, OPT_STRING, O(kernels_dir), NULL, "DIR",
	  "the repository's kernels/ [$PATCHBENCH_KERNELS, or next to the binary]" },
	{ "quiet", 'q', OPT_BOOL, O(quiet), NULL, NULL, "no progress lines" },
	{ NULL },
};
#undef O

static void build_help_extra(void)
{
	printf("\nThe result is <cache>/kernels/NAME/{bzImage, config, build.log,\n"
	       "kernel.json}. A kernel whose key (source, series, base config and\n"
	       "fragment) has not changed is not rebuilt. Exit: 0 built or up to date,\n"
	       "1 config, option check or build failed, 2 bad input or a patch that\n"
	       "does not apply (nothing left behind).\n\n"
	       "example: patchbench build --name noop --series noop\n");
}

int cmd_build(int argc, char **argv)
{
	struct build_opts o;
	struct opt_cmd cmd = {
		.name = "build",
		.usage = "patchbench build --name NAME [--series S] [--config C] [options]",
		.summary = "Build a bzImage from a kernel source, a patch series and a config\n"
			   "(base + kernels/config/patchbench.config) into the cache.",
		.opts = build_options,
		.extra_help = build_help_extra,
	};
	struct kbuild_opts ko;
	struct kernel_info k;
	char err[4096];
	int i, ret;

	memset(&o, 0, sizeof(o));
	i = opt_parse_all(&cmd, &o, argc, argv);
	if (i) {
		ret = i == -2 ? 0 : 2;
		goto out;
	}
	if (!o.name) {
		pr_err("--name NAME is required (see 'patchbench build --help')");
		ret = 2;
		goto out;
	}
	pb_quiet = o.quiet;
	ko = (struct kbuild_opts){
		.name = o.name, .source = o.source, .series = o.series, .config = o.config,
		.fragment = o.fragment, .cache = o.cache, .kernels_dir = o.kernels_dir,
		.jobs = o.jobs, .rebuild = o.rebuild, .quiet = o.quiet,
	};
	ret = kbuild_run(&ko, &k, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		ret = ret == -EINVAL || ret == -ENOENT ? 2 : 1;
		goto out;
	}
	printf("%s %s %.12s %s\n", k.name, k.release ? k.release : "?", k.key, k.bzimage);
	kernel_info_release(&k);
out:
	opt_release(build_options, &o);
	return ret;
}
