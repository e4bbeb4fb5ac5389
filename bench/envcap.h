/* SPDX-License-Identifier: GPL-2.0 */
/*
 * envcap.h - the environment of a run (meta.json "env", struct meta_env):
 * what mmtests' tests-sysstate and lkp's job metadata record, so that compare
 * can tell two sides that ran on different machines (analysis/envdiff.h).
 *
 * Everything is read from /proc and /sys of the running kernel, except the
 * compiler and the source commit (fixed when patchbench was built) and, for
 * vm runs, qemu's version (qemu-system-x86_64 --version) and the built
 * kernel's compiler (its config's CONFIG_CC_VERSION_TEXT).
 */
#ifndef PB_ENVCAP_H
#define PB_ENVCAP_H

#include <stddef.h>

#include "resultdir.h"

/**
 * envcap_host - the environment of the machine this process runs on
 *
 * Host name, CPU model and count, NUMA nodes, cpufreq governor ("none"
 * without cpufreq), THP enabled and defrag, /proc/cmdline, the world-readable
 * one-value /proc/sys/vm sysctls, compiler, patchbench version and commit.
 * What cannot be read is left unrecorded (NULL, -1). Never fails.
 *
 * Return: a new env, the caller's: free it with meta_env_free().
 */
struct meta_env *envcap_host(void);

/**
 * envcap_qemu - record the first line of "@qemu --version" in @e->qemu
 * @e: the env of a vm run
 * @qemu: path of qemu-system-x86_64
 *
 * Left unrecorded when qemu does not answer within 10 s.
 */
void envcap_qemu(struct meta_env *e, const char *qemu);

/**
 * envcap_kernel_cc - record the compiler of a built kernel in @e->kernel_cc
 * @e: the env of a vm run
 * @kernel_dir: <cache>/kernels/<name> (its "config" holds CONFIG_CC_VERSION_TEXT;
 *	kernel.json does not record the compiler)
 */
void envcap_kernel_cc(struct meta_env *e, const char *kernel_dir);

/**
 * envcap_cpu_model - the "model name" of the first CPU in /proc/cpuinfo text
 * @buf: /proc/cpuinfo
 * @len: its length
 *
 * Return: a new string (the caller's), or NULL when there is none.
 */
char *envcap_cpu_model(const char *buf, size_t len);

/**
 * envcap_choice - the [chosen] word of a sysfs choice file
 * @buf: e.g. "always [madvise] never\n"
 * @len: its length
 *
 * Return: a new string ("madvise"), or NULL without brackets.
 */
char *envcap_choice(const char *buf, size_t len);

/**
 * envcap_config_cc - CONFIG_CC_VERSION_TEXT of a kernel .config
 * @buf: the config
 * @len: its length
 *
 * Return: a new string without the quotes, or NULL when it has none.
 */
char *envcap_config_cc(const char *buf, size_t len);

#endif
