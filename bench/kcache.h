/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcache.h - the built kernels of the cache: <cache>/kernels/<name>/kernel.json,
 * loaded, listed and written (kcache.c). Layout: kbuild.h.
 */
#ifndef PB_KCACHE_H
#define PB_KCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_writer;

/* kernel.json "schema" this code writes and reads. */
#define KERNEL_SCHEMA 1

/*
 * A built kernel, as recorded in <cache>/kernels/<name>/kernel.json.
 * Every string is owned by the struct: kernel_info_release() frees them.
 * @series and @series_sha256 are NULL for vanilla (no series).
 */
struct kernel_info {
	char *name;
	char *key;		/* 64 hex digits */
	char *source;		/* the source as given, or the default tarball */
	char *source_id;	/* ksrc_id() */
	char *series;		/* series name, or absolute path of a series dir/mbox */
	char *series_sha256;
	char *config;		/* "smoke", "full" or the base config file's path */
	char *config_sha256;	/* of the final .config */
	char *fragment;		/* path of the config fragment merged on top */
	char *release;		/* kernel release, e.g. "6.1.192" */
	char *built_at;		/* ISO 8601 UTC */
	char *tree;		/* source tree it was built from */
	char *objdir;		/* O= directory */
	unsigned patches;	/* number of patches applied */
	double build_seconds;	/* whole build: tree, patches, config, make */
	uint64_t bzimage_bytes;
	char *dir;		/* <cache>/kernels/<name> */
	char *bzimage;		/* <dir>/bzImage */
};

/**
 * kernel_load - read a built kernel from the cache
 * @cache: cache directory, NULL for pb_cache_dir()
 * @name: kernel name
 * @k: filled in; release it with kernel_info_release() (also after an error)
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Return: 0; -ENOENT when it is not built ("kernel 'x' is not built
 * (patchbench build --name x ...)") or its bzImage is gone; -EINVAL for a
 * bad name or an unreadable kernel.json (@err names the file).
 */
int kernel_load(const char *cache, const char *name, struct kernel_info *k, char *err,
		size_t errlen);

/**
 * kernel_info_release - free every string of @k and zero it
 * @k: may be NULL
 */
void kernel_info_release(struct kernel_info *k);

/**
 * kernel_list - every kernel built in a cache
 * @cache: cache directory, NULL for pb_cache_dir()
 * @list: receives a new array, sorted by name; free it with kernel_list_free()
 * @n: receives the number of entries
 * @err: one-line reason on failure, naming the file
 * @errlen: size of @err
 *
 * Directories without a kernel.json (a build in progress) or without their
 * bzImage are skipped; a kernel.json that cannot be read or parsed is an
 * error, not a kernel that is not there. An absent cache is an empty list.
 *
 * Return: 0 or -errno (-EINVAL for a bad kernel.json); on failure the list
 * is empty.
 */
int kernel_list(const char *cache, struct kernel_info **list, size_t *n, char *err,
		size_t errlen);

/**
 * kernel_list_free - release and free an array from kernel_list()
 * @list: may be NULL
 * @n: number of entries
 */
void kernel_list_free(struct kernel_info *list, size_t n);

/**
 * kernel_info_write_json - @k as one JSON object
 * @k: kernel
 * @w: writer the object is appended to
 *
 * The kernel.json fields, plus "dir" and "bzimage" when they are set.
 */
void kernel_info_write_json(const struct kernel_info *k, struct json_writer *w);

/**
 * kernel_info_json - @k as the text of a kernel.json file
 * @k: kernel
 *
 * Return: kernel_info_write_json()'s object and a newline; the caller frees it.
 */
char *kernel_info_json(const struct kernel_info *k);

#endif
