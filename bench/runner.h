/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - the host side of a run: starting workload processes in their
 * cgroups, and cleaning up after runs whose owner died. A run's data is in
 * run.h; choosing where it runs (run_main) is target.h's.
 */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "run.h"

/*
 * run_spawn - start @fn(@arg) as a process of @wi: inside @wi's cgroup
 * (or, with @outside, in patchbench's own cgroup, for controllers that
 * manage cgroups of their own), logging to @wi's log. Sets wi->pid.
 * Returns 0 or -errno.
 */
int run_spawn(struct wl_inst *wi, bool outside, int (*fn)(void *), void *arg);
/* run_spawn() of a program: the NULL-terminated @argv, looked up in $PATH. */
int run_spawn_argv(struct wl_inst *wi, bool outside, char *const argv[]);

/*
 * run_clean - find the runs whose owner process died (SIGKILL, a crash) by
 * their owner records in @cache/runs, and remove what they left: their
 * cgroup trees (only a patchbench-<run-id> directory right below this
 * process's own memory or cpuacct cgroup, processes killed first), their
 * scratch directories, and their records; their result directories, if
 * still "running", become "killed", with what samples.raw held turned into
 * the usual TSV files. Runs whose owner lives are left alone. With
 * @dry_run, only prints (to @out) what it would do.
 * Returns the number of dead runs found, or -errno.
 */
int run_clean(const char *cache, bool dry_run, FILE *out);

#endif
