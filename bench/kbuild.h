/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuild.h - build kernels for A/B runs: a source (ksrc.h), an optional
 * patch series and a config become <cache>/kernels/<name>/{bzImage, config,
 * build.log, kernel.json}, keyed so that an unchanged kernel is not rebuilt.
 *
 * Cache layout (kbuild only ever deletes paths it creates here):
 *
 *	src/<source>/			pristine unpacked source (ksrc.c), never modified
 *	obj/<key>/			O= directory of a vanilla kernel
 *	trees/<tree key>/src/<source>/	a series kernel's tree: "cp -al" of the
 *					pristine tree with the series applied
 *	trees/<tree key>/obj/<key>/	O= directory of a kernel built from it
 *	kernels/<name>/			the result, replaced atomically
 *	logs/<name>.log			the log while <name> builds, and after it failed
 *
 * The tree key hashes the source id and the series; the key hashes
 * source id, series, base config and fragment. Object directories are kept,
 * so a rebuild is an incremental make.
 *
 * One job a file: kparse.c (the pure parsers: names, series files, configs,
 * patch's output), kcache.c (kernel.json and the list of built kernels),
 * kseries.c (the kernels/ directory, a --series and configs resolved to
 * files; kseries.h) and kbuild.c (one build).
 */
#ifndef PB_KBUILD_H
#define PB_KBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#include "kcache.h"
#include "kparse.h"
#include "kseries.h"

/*
 * What to build. Only @name is required:
 *	@source		kernel tree or tarball (NULL: KSRC_DEFAULT_TARBALL)
 *	@series		NULL or "vanilla": none; a name under <kernels>/series/;
 *			a directory with a "series" file; or one patch / mbox file
 *	@config		"smoke" (tinyconfig; NULL means this), "full" (defconfig)
 *			or the path of a .config to start from
 *	@fragment	config fragment merged on top (NULL:
 *			<kernels>/config/patchbench.config)
 *	@cache		NULL: pb_cache_dir()
 *	@kernels_dir	the repository's kernels/ (NULL: $PATCHBENCH_KERNELS, else
 *			../kernels next to the binary's directory)
 *	@jobs		make -j (0: number of CPUs)
 *	@rebuild	build even when an identical kernel exists (the patched
 *			tree is recreated, the object directory reused)
 *	@quiet		no progress lines on stderr
 */
struct kbuild_opts {
	const char *name, *source, *series, *config, *fragment, *cache, *kernels_dir;
	int jobs;
	bool rebuild, quiet;
};

/**
 * kbuild_check - validate what kbuild_run() would build, creating nothing
 * @o: what to build
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Checks the name, the series (and that every patch it lists exists), the
 * config, the fragment and the source. Cheap: nothing is hashed or unpacked.
 *
 * Return: 0, or -EINVAL / -ENOENT (bad input).
 */
int kbuild_check(const struct kbuild_opts *o, char *err, size_t errlen);

/**
 * kbuild_run - build a kernel into the cache, unless it is built already
 * @o: what to build
 * @out: may be NULL; on success the kernel, which the caller releases with
 *	 kernel_info_release()
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * When a kernel of the same name with the same key exists (and @o->rebuild
 * is not set) it is only loaded. Builds in one cache are serialised by a
 * lock file. Progress goes to stderr unless @o->quiet (or pb_quiet).
 *
 * Return: 0, or
 *	-EINVAL, -ENOENT  bad input, nothing built: see kbuild_check(); also a
 *			  patch that does not apply (@err names the patch file
 *			  and the failing hunk; no tree is left behind)
 *	-EIO		  a step failed: config, the fragment check (@err lists
 *			  the options that did not stick) or the build (the last
 *			  20 lines of the log were printed on stderr; @err names
 *			  the log, which is kept as <cache>/logs/<name>.log)
 *	-EINTR		  SIGINT/SIGTERM/SIGHUP arrived: the children were stopped
 *			  and temporary directories removed
 *	-ENXIO		  /dev/null is not a character device (compiler probes
 *			  would fail at random): nothing built
 *	other -errno	  the cache could not be written
 */
int kbuild_run(const struct kbuild_opts *o, struct kernel_info *out, char *err, size_t errlen);

#endif
