/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spawn.h - run a program (or a function) in a child process, in the shape
 * of git's run-command: fill a struct child, then child_run(), or
 * child_start() and child_finish() with work of your own in between.
 *
 *	char *argv[] = { "tar", "-xf", tarball, "-C", dir, NULL };
 *	struct child c = CHILD_INIT;
 *
 *	c.argv = argv;
 *	c.in = CHILD_NULL;
 *	c.out = CHILD_FILE;
 *	c.out_path = log;
 *	c.err = CHILD_TO_STDOUT;
 *	c.pdeathsig = SIGTERM;
 *	ret = child_run(&c);		(exit code, 128 + signal, or -errno)
 *
 * Every fork of the tree goes through here, so that what a child inherits
 * (signal dispositions, the make jobserver, a dying parent) is decided in
 * one place; the one exception is kmem-churn, whose forks are what it
 * measures.
 */
#ifndef PB_SPAWN_H
#define PB_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct rusage;
struct strbuf;

/* Where a standard stream of the child goes (or, for stdin, comes from). */
enum child_io {
	CHILD_INHERIT = 0,	/* ours */
	CHILD_NULL,		/* /dev/null */
	CHILD_FD,		/* the fd in in_fd / out_fd / err_fd (not closed) */
	CHILD_FILE,		/* out_path / err_path, created 0644, appended (or truncated) */
	CHILD_CAPTURE,		/* read into out_sb / err_sb by child_finish() */
	CHILD_TO_STDOUT,	/* stderr only: wherever stdout goes (2>&1) */
};

struct child {
	/* what: argv[0] is looked up in $PATH unless it has a '/' (or @exe is set) */
	char *const *argv;
	const char *exe;	/* run this file with @argv, e.g. "/proc/self/exe" */
	int (*fn)(void *arg);	/* instead of @argv: the child returns fn(fn_arg) */
	void *fn_arg;

	/* how */
	const char *dir;	/* chdir first; failing that, exit 127 */
	const char *const *env;	/* "NAME=value" is set, "NAME" unset; NULL-terminated */
	bool clear_make_env;	/* leave a calling make's jobserver alone (clear_make_env()) */
	enum child_io in, out, err;
	int in_fd, out_fd, err_fd;
	const char *out_path, *err_path;
	bool truncate;		/* CHILD_FILE: truncate instead of append */
	struct strbuf *out_sb, *err_sb;	/* CHILD_CAPTURE: appended to */
	bool kill_group;	/* own process group; child_kill() signals the group */
	int pdeathsig;		/* signal the child gets when we die; 0: none */
	const char *exec_err;	/* prefix of the child's "cannot run 'x': why" on
				 * stderr, e.g. "patchbench: "; NULL: silent */
	bool default_signals;	/* a @fn child, too, starts with default signals */
	int cgroup_fd;		/* >= 0: start in this cgroup v2 directory
				 * (clone3 CLONE_INTO_CGROUP); see @in_cgroup */
	/* in the child, last before @fn or the exec; non-zero: exit 127 */
	int (*setup)(struct child *c, void *data);
	void *setup_data;

	/* while child_finish() waits */
	int64_t timeout_ns;	/* 0: none; then the child is stopped, -ETIMEDOUT */
	int64_t kill_grace_ns;	/* stopping: SIGTERM, SIGKILL after this; 0: SIGKILL */
	/* called about every 100 ms; a non-zero return stops the child and is returned */
	int (*poll)(struct child *c, void *data);
	void *poll_data;
	struct rusage *rusage;	/* filled from wait4() if set */

	/* filled in */
	pid_t pid;		/* once started; kept after child_finish() for child_kill() */
	int status;		/* wait status once it exited */
	bool exited;		/* reaped */
	bool in_cgroup;		/* started in @cgroup_fd (else the kernel has no
				 * clone3 for it: @setup can move the child) */

	/* private */
	int out_pipe, err_pipe;
	int64_t started_ns;
};

#define CHILD_INIT { .in_fd = -1, .out_fd = -1, .err_fd = -1, .cgroup_fd = -1, .out_pipe = -1, \
		     .err_pipe = -1 }

/**
 * child_init - reset @c to CHILD_INIT
 * @c: the child description
 */
void child_init(struct child *c);

/**
 * child_start - fork and start the child @c describes
 * @c: what to run; must stay valid until child_finish()
 *
 * stdio is flushed first. In the child, an exec (a @fn with
 * @default_signals) starts with SIGINT, SIGTERM, SIGHUP, SIGCHLD and SIGPIPE
 * at their defaults and no signal blocked. With @kill_group the child leads
 * a new process group (set on both sides of the fork, so it holds before
 * child_start() returns).
 *
 * Return: 0, or -errno (the fork or clone3 failed, or a CHILD_FILE cannot
 * be opened; then nothing was started).
 */
int child_start(struct child *c);

/**
 * child_finish - wait for a started child, reading what it captures
 * @c: a started child
 *
 * Return: its exit code, or 128 + the signal that killed it; -ETIMEDOUT
 * when @timeout_ns passed, or @poll's non-zero return, after the child was
 * stopped (SIGTERM, SIGKILL after @kill_grace_ns; with @kill_group the
 * whole group, which is also SIGKILLed once the leader is gone) and reaped;
 * or -errno when waiting failed. @c->status holds the wait status.
 */
int child_finish(struct child *c);

/**
 * child_run - child_start() then child_finish()
 * @c: what to run
 *
 * Return: as child_finish(), or child_start()'s -errno.
 */
int child_run(struct child *c);

/**
 * child_poll - has the child exited? Never blocks
 * @c: a started child
 *
 * Reaps the child when it has exited (no captured output is read: use
 * child_finish() for children with CHILD_CAPTURE).
 *
 * Return: 1 exited (@c->status set), 0 still running, -errno.
 */
int child_poll(struct child *c);

/**
 * child_kill - send @sig to the child, or its whole group with @kill_group
 * @c: a started child (also after child_finish(): a group can outlive its leader)
 * @sig: signal
 *
 * Return: 0 or -errno (-ESRCH when nothing is left to signal).
 */
int child_kill(struct child *c, int sig);

/**
 * child_exit_code - a wait status as a shell shows it
 * @status: from waitpid()
 *
 * Return: the exit code, or 128 + the signal that killed the process.
 */
int child_exit_code(int status);

/*
 * A make started from patchbench must not join the jobserver of a make
 * that started patchbench ("make test"): call in the child before exec.
 */
void clear_make_env(void);
/*
 * child_pdeathsig - in a freshly forked child of @parent: get @sig when
 * the forking thread dies; exits at once if @parent is already gone.
 */
void child_pdeathsig(pid_t parent, int sig);
/*
 * run_logged - run @argv (PATH lookup) with stdout and stderr appended to
 * @log, the make environment cleared, and wait (a child_run()).
 * 0 if it exited 0, -EIO if it failed, -errno if it could not start.
 */
int run_logged(char *const argv[], const char *log);

#endif
