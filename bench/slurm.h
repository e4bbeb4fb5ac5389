/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slurm.h - the Slurm engine: runs placed by an existing batch system
 * instead of one after the other here. The pieces are Slurm's own: a job
 * array whose task N runs pair N (A then B, or B then A), a final job that
 * depends on the array (afterany), sbatch to submit, squeue to follow,
 * scancel by job id. Nothing here knows what a run measures: the scripts
 * call "patchbench run" with the options the caller gives.
 */
#ifndef PB_SLURM_H
#define PB_SLURM_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* The engine's options (ab --partition, --time, --slurm-args, --max-parallel, --wait). */
struct slurm_opts {
	char *partition;	/* sbatch --partition; NULL: the cluster's default */
	char *time;		/* sbatch --time of each task; NULL: the partition's */
	char *args;		/* more sbatch options, space-separated, for every job */
	int max_parallel;	/* the array's %N: at most N tasks at once; 0: no limit */
	bool wait;		/* follow the jobs, exit with compare's status */
};

/*
 * slurm_pair_first - which side task @task (1-based, the pair id) runs
 * first: 0 (A) for odd tasks, 1 (B) for even ones, so that over the array
 * neither side always runs on a node fresh from the previous job.
 */
int slurm_pair_first(int task);

/* One run of a task: its "patchbench run" options, NULL-terminated. */
struct slurm_run {
	int task;		/* the array index = the pair id */
	char *const *argv;	/* without "run" itself */
};

/*
 * slurm_task_script - the POSIX sh script of the array: a case on
 * $SLURM_ARRAY_TASK_ID, each task's runs in the order of @runs (the runs of
 * one task together), each "@self run ARGS"; the task exits 1 when one of
 * its runs did not exit 0. @self and every argument are single-quoted.
 */
void slurm_task_script(struct strbuf *sb, const char *self, const struct slurm_run *runs,
		       size_t n);
/*
 * slurm_final_script - the POSIX sh script of the final job: "@self ab
 * --collect @dir" (ab.json's status), then "@self compare @dir" into
 * @dir/report.txt (renamed into place) and its exit status into
 * @dir/slurm/compare.status; exits with compare's status.
 */
void slurm_final_script(struct strbuf *sb, const char *self, const char *dir);

/*
 * slurm_sbatch_argv - the sbatch command line of one job: --parsable, the
 * job @name, --output @output, --array @array (NULL: not an array, else
 * with "%N" of @o->max_parallel), --dependency @dependency (or NULL), the
 * partition and time of @o, @o->args split on spaces, then @script.
 * NULL-terminated; free with strv_free().
 */
char **slurm_sbatch_argv(const struct slurm_opts *o, const char *name, const char *array,
			 const char *dependency, const char *output, const char *script);

/*
 * slurm_submit - run the sbatch command @argv; *@id gets the job id it
 * prints (the caller frees it). 0, or -1 with @err (sbatch's own message).
 */
int slurm_submit(char *const *argv, char **id, char *err, size_t errlen);

/* scancel the jobs @ids (NULL-terminated), by id only. 0 or sbatch's exit status. */
int slurm_cancel(char *const *ids);

/*
 * slurm_follow - poll squeue about the jobs @ids (their array tasks one by
 * one) every @interval_ms until none is queued or running, printing one
 * line per change of a job's state ("slurm: 1234_2 RUNNING on node1",
 * "slurm: 1234_2 ended"). *@stop (set by a signal handler) makes it return
 * -EINTR at once. 0, -EINTR, or -1 when squeue cannot be run (printed).
 */
int slurm_follow(char *const *ids, int interval_ms, volatile int *stop);

#endif
