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

/* The engine's options (--partition, --time, --slurm-args, --max-parallel, --wait). */
struct slurm_opts {
	char *partition;	/* sbatch --partition; NULL: the cluster's default */
	char *time;		/* sbatch --time of each task; NULL: the partition's */
	char *args;		/* more sbatch options, space-separated, for every job */
	int max_parallel;	/* the array's %N: at most N tasks at once; 0: no limit */
	bool wait;		/* follow the jobs, exit with compare's status */
};

/*
 * SLURM_OPTIONS - the option table entries of struct slurm_opts as the
 * member @field of the options struct @type, the same for ab, reproduce
 * and bisect (options.h); @tasks names what one array task runs, @tags
 * the tags of the entries.
 */
#define SLURM_OPTIONS(type, field, tasks, tags) \
	{ "partition", 0, OPT_STRING, offsetof(type, field.partition), NULL, "NAME", \
	  "--engine slurm: the partition of every job [the cluster's default]", \
	  NULL, 0, 0, tags }, \
	{ "time", 0, OPT_STRING, offsetof(type, field.time), NULL, "TIME", \
	  "--engine slurm: the time limit of each job (sbatch --time) [the partition's]", \
	  NULL, 0, 0, tags }, \
	{ "slurm-args", 0, OPT_STRING, offsetof(type, field.args), NULL, "'ARGS'", \
	  "--engine slurm: more sbatch options for every job, space-separated", \
	  NULL, 0, 0, tags }, \
	{ "max-parallel", 0, OPT_INT, offsetof(type, field.max_parallel), NULL, "N", \
	  "--engine slurm: at most N " tasks " at once (the array's %N) [no limit]", NULL, \
	  1, 100000, tags }

/* The choices of --engine. */
extern const char *const slurm_engines[];

/*
 * slurm_check - the engine options before anything is built: the slurm
 * ones without --engine slurm (@wait_too: --wait counts), and sbatch
 * missing with it. 0, or -1 with the one-line reason printed.
 */
int slurm_check(const char *engine, const struct slurm_opts *o, bool wait_too);

/* slurm_cache - the --cache every node is given: @cache (or the default) made absolute. */
char *slurm_cache(const char *cache);

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
 * slurm_report_script - the POSIX sh script of a final job of command
 * @cmd ("ab"): "@self @pre" when @pre is not NULL (its status ignored),
 * then "@self @main" with its output into @dir/@report (renamed into place)
 * and its exit status into @dir/@status; exits with that status.
 */
void slurm_report_script(struct strbuf *sb, const char *self, const char *dir, const char *cmd,
			 char *const *pre, char *const *main, const char *report,
			 const char *status);
/*
 * slurm_final_script - the POSIX sh script of the final job: "@self ab
 * --collect @dir" (ab.json's status), then "@self compare @dir" into
 * @dir/report.txt (renamed into place) and its exit status into
 * @dir/slurm/compare.status; exits with compare's status.
 */
void slurm_final_script(struct strbuf *sb, const char *self, const char *dir);

/* One kernel of a build job: its "patchbench build" options, or NULL: built already. */
struct slurm_build {
	const char *kernel;	/* the kernel's name */
	char *const *argv;	/* without "build" itself; NULL: only check the node sees it */
};

/*
 * slurm_build_script - the POSIX sh script of a build job of command @cmd
 * ("ab"), run before the array (afterok): for each of @builds in turn
 * "@self build ARGS" (stopping at the first that fails), or, for a kernel
 * built already, a check that this node sees @cache/kernels/NAME (its
 * kernel.json and bzImage; "node 'N' cannot see kernel 'NAME' ..." when
 * not); then its exit status (0 or 1) into @status (renamed into place).
 */
void slurm_build_script(struct strbuf *sb, const char *self, const char *cmd, const char *cache,
			const struct slurm_build *builds, size_t n, const char *status);

/*
 * slurm_array_dependency - the --dependency of the array: "afterok:@build"
 * (the array runs only once the build job exited 0), or NULL without a
 * build job. The caller frees it.
 */
char *slurm_array_dependency(const char *build);

/*
 * slurm_sbatch_argv - the sbatch command line of one job: --parsable, the
 * job @name, --output @output, --array @array (NULL: not an array, else
 * with "%N" of @o->max_parallel), --dependency @dependency (or NULL; an
 * "afterok:" one with --kill-on-invalid-dep=yes, so that a job whose build
 * failed is cancelled by Slurm, not left pending for ever), the
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
 * -EINTR at once. With @gate (a job of @ids, or NULL): once that job is no
 * longer queued or running, the status it wrote into @gate_status
 * (slurm_read_status()) decides: not 0 (or none) returns -ECANCELED at
 * once, the other jobs left as they are. 0, -EINTR, -ECANCELED, or -1 when
 * squeue cannot be run (printed).
 */
int slurm_follow(char *const *ids, int interval_ms, volatile int *stop, const char *gate,
		 const char *gate_status);

/*
 * The jobs one command submitted: the build job (NULL: none), the array,
 * the final job (NULL: none); with a build job, where it writes its log
 * and its exit status.
 */
struct slurm_jobs {
	char *array, *final;
	char *build, *build_log, *build_status;
};

void slurm_jobs_release(struct slurm_jobs *j);

/* SIGINT and SIGTERM caught (slurm_interrupted()) from the first sbatch on, and back. */
struct slurm_signals;
struct slurm_signals *slurm_signals_catch(void);
void slurm_signals_restore(struct slurm_signals *s);
/* The signal caught since slurm_signals_catch(), or 0. */
int slurm_interrupted(void);

/* slurm_write_script - @text into @path (atomic). 0, or -errno printed. */
int slurm_write_script(const char *path, const char *text);

/* A build job before the array: its script, log, status file and time limit. */
struct slurm_build_job {
	const char *script;	/* slurm_build_script()'s, written */
	const char *log;	/* its --output */
	const char *status;	/* where the script writes its exit status */
	const char *time;	/* its --time (not the runs' --time) */
};

/*
 * slurm_submit_jobs - with @build (or NULL) first the build job, then the
 * array @range ("1-4") of the script @task_script, its output in
 * @sdir/task-%a.out, afterok on the build job (slurm_array_dependency();
 * cancelled by Slurm when the build fails), and with @final_script the
 * final job (afterany on the array, output @sdir/final.out), all named
 * @name. 0; -1 nothing was submitted (@err: sbatch's reason); -2 a later
 * job was refused or a signal came: what was submitted is cancelled (@err).
 */
int slurm_submit_jobs(const struct slurm_opts *o, const char *name, const char *sdir,
		      const char *range, const char *task_script, const char *final_script,
		      const struct slurm_build_job *build, struct slurm_jobs *jobs, char *err,
		      size_t errlen);

/*
 * slurm_wait_jobs - slurm_follow() the jobs of @j (once a second) until
 * they ended; a SIGINT or SIGTERM (slurm_signals_catch() is the caller's)
 * cancels exactly them: -EINTR; a build job that did not write status 0
 * cancels the others: -ECANCELED. 0, -EINTR, -ECANCELED, -1 squeue cannot
 * be run.
 */
int slurm_wait_jobs(const struct slurm_jobs *j);

/*
 * slurm_after_submit - what follows a submission of the jobs @j by command
 * @who: without @wait the line "@who: once job FINAL has ended: @later"
 * (returns 1); with it slurm_wait_jobs(), "@who: interrupted: cancelled
 * jobs ..." (-EINTR), "@who: build job N failed: see LOG" (-ECANCELED) or
 * an error that the jobs go on (-1); 0 once they ended.
 */
int slurm_after_submit(const char *who, const struct slurm_jobs *j, bool wait,
		       const char *later);

/*
 * slurm_read_status - the exit status a final job wrote into @path, once
 * it shows (a file made on another node can take a while over NFS: at
 * most 30 s). 0..255, or -1 when there is none.
 */
int slurm_read_status(const char *path);

/*
 * slurm_count_failed - how many of the runs @runs (result directories
 * below @dir) are not complete; with @print one line each, "@who: RUN:
 * STATUS on node NODE: ERROR", RUN relative to @dir.
 */
int slurm_count_failed(const char *who, const char *dir, char *const *runs, size_t n,
		       bool print);

#endif
