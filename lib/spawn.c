// SPDX-License-Identifier: GPL-2.0
/*
 * spawn.c - children: fork, set up stdio and the environment, exec (or call
 * a function), and wait with capture, a timeout and a clean stop. See spawn.h.
 */
#include "spawn.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_TICK_MS 100

void child_init(struct child *c)
{
	static const struct child init = CHILD_INIT;

	*c = init;
}

int child_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Make @fd the child's @target; an fd that already is @target loses FD_CLOEXEC. */
static void child_dup(int fd, int target)
{
	if (fd < 0)
		return;
	if (fd == target)
		fcntl(fd, F_SETFD, 0);
	else
		dup2(fd, target);
}

static void child_env(const struct child *c)
{
	const char *const *e;

	if (c->clear_make_env)
		clear_make_env();
	for (e = c->env; e && *e; e++) {
		const char *eq = strchr(*e, '=');

		if (eq) {
			char *name = xstrndup(*e, eq - *e);

			setenv(name, eq + 1, 1);
			free(name);
		} else {
			unsetenv(*e);
		}
	}
}

/* In the child: never returns. */
static void __attribute__((noreturn)) child_main(struct child *c, pid_t parent, const int fds[3])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };
	const char *file = c->exe ? c->exe : c->argv ? c->argv[0] : NULL;
	size_t i;

	if (c->kill_group)
		setpgid(0, 0);
	if (c->pdeathsig)
		child_pdeathsig(parent, c->pdeathsig);
	child_dup(fds[0], 0);
	child_dup(fds[1], 1);
	if (c->err == CHILD_TO_STDOUT)
		dup2(1, 2);
	else
		child_dup(fds[2], 2);
	if (c->dir && chdir(c->dir) < 0) {
		if (c->exec_err)
			dprintf(2, "%scannot enter '%s': %s\n", c->exec_err, c->dir,
				strerror(errno));
		_exit(127);
	}
	child_env(c);
	if (!c->fn || c->default_signals) {
		sigset_t none;

		for (i = 0; i < ARRAY_SIZE(sigs); i++)
			signal(sigs[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	if (c->setup && c->setup(c, c->setup_data))
		_exit(127);
	if (c->fn)
		_exit(c->fn(c->fn_arg));
	if (!file)
		_exit(127);
	if (strchr(file, '/'))
		execv(file, c->argv);
	else
		execvp(file, c->argv);
	if (c->exec_err)
		dprintf(2, "%scannot run '%s': %s\n", c->exec_err, file, strerror(errno));
	_exit(127);
}

/*
 * The parent's end of one output stream: an fd for the child in *@fd, and
 * for CHILD_CAPTURE the read end of a pipe in *@pipe_rd. 0 or -errno.
 */
static int child_out_fd(enum child_io io, int given, const char *path, bool truncate, int null,
			int *fd, int *pipe_rd, bool *close_it)
{
	int p[2];

	*close_it = false;
	switch (io) {
	case CHILD_NULL:
		*fd = null;
		return 0;
	case CHILD_FD:
		*fd = given;
		return 0;
	case CHILD_FILE:
		*fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND),
			   0644);
		if (*fd < 0)
			return -errno;
		*close_it = true;
		return 0;
	case CHILD_CAPTURE:
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		*pipe_rd = p[0];
		*fd = p[1];
		*close_it = true;
		return 0;
	default:
		*fd = -1;
		return 0;
	}
}

/*
 * fork(), or clone3() into @c->cgroup_fd, falling back to fork() where the
 * kernel lacks it. The pid, 0 in the child, or -1 with errno.
 */
static pid_t child_fork(struct child *c)
{
#ifdef CLONE_INTO_CGROUP
	if (c->cgroup_fd >= 0) {
		struct clone_args args;
		pid_t pid;

		memset(&args, 0, sizeof(args));
		args.flags = CLONE_INTO_CGROUP;
		args.exit_signal = SIGCHLD;
		args.cgroup = (uint64_t)c->cgroup_fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			c->in_cgroup = true;
			return pid;
		}
		if (errno != ENOSYS && errno != E2BIG)
			return -1;
	}
#endif
	return fork();
}

int child_start(struct child *c)
{
	int fds[3] = { -1, -1, -1 }, null = -1, ret = 0;
	bool close_out = false, close_err = false;
	pid_t parent = getpid();

	c->pid = 0;
	c->status = 0;
	c->exited = false;
	c->in_cgroup = false;
	c->out_pipe = c->err_pipe = -1;
	if (c->in == CHILD_NULL || c->out == CHILD_NULL || c->err == CHILD_NULL) {
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0)
			return -errno;
	}
	if (c->in == CHILD_NULL)
		fds[0] = null;
	else if (c->in == CHILD_FD)
		fds[0] = c->in_fd;
	ret = child_out_fd(c->out, c->out_fd, c->out_path, c->truncate, null, &fds[1],
			   &c->out_pipe, &close_out);
	if (!ret && c->err != CHILD_TO_STDOUT)
		ret = child_out_fd(c->err, c->err_fd, c->err_path, c->truncate, null, &fds[2],
				   &c->err_pipe, &close_err);
	if (ret)
		goto out;
	fflush(NULL);
	c->started_ns = now_ns();
	c->pid = child_fork(c);
	if (c->pid < 0) {
		ret = -errno;
		c->pid = 0;
		goto out;
	}
	if (c->pid == 0)
		child_main(c, parent, fds);
	if (c->kill_group)
		setpgid(c->pid, c->pid);	/* also here, so it holds before we signal it */
out:
	if (close_out)
		close(fds[1]);
	if (close_err)
		close(fds[2]);
	if (null >= 0)
		close(null);
	if (ret) {
		if (c->out_pipe >= 0)
			close(c->out_pipe);
		if (c->err_pipe >= 0)
			close(c->err_pipe);
		c->out_pipe = c->err_pipe = -1;
	}
	return ret;
}

int child_kill(struct child *c, int sig)
{
	if (c->pid <= 0)
		return -ESRCH;
	if (kill(c->kill_group ? -c->pid : c->pid, sig) < 0)
		return -errno;
	return 0;
}

/* Reap the child if it exited (@block: wait for it). 1 reaped, 0 running, -errno. */
static int child_reap(struct child *c, bool block)
{
	pid_t r;

	if (c->exited)
		return 1;
	for (;;) {
		r = wait4(c->pid, &c->status, block ? 0 : WNOHANG, c->rusage);
		if (r == c->pid) {
			c->exited = true;
			return 1;
		}
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int child_poll(struct child *c)
{
	return child_reap(c, false);
}

/* Read what is there on the capture pipes, waiting up to @ms (-1: until some comes). */
static void child_drain(struct child *c, int ms)
{
	struct pollfd fds[2];
	struct strbuf *sbs[2] = { c->out_sb, c->err_sb };
	int *pipes[2] = { &c->out_pipe, &c->err_pipe };
	int i, n;

	for (i = 0; i < 2; i++) {
		fds[i].fd = *pipes[i];
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	n = poll(fds, 2, ms);
	if (n <= 0)
		return;
	for (i = 0; i < 2; i++) {
		char buf[65536];
		ssize_t r;

		if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(fds[i].fd, buf, sizeof(buf));
		if (r > 0) {
			if (sbs[i])
				sb_add(sbs[i], buf, (size_t)r);
		} else if (r == 0 || errno != EINTR) {
			close(fds[i].fd);
			*pipes[i] = -1;
		}
	}
}

static bool child_capturing(const struct child *c)
{
	return c->out_pipe >= 0 || c->err_pipe >= 0;
}

/* Wait about one tick, reading captured output meanwhile. */
static void child_tick(struct child *c)
{
	struct timespec ts = { 0, CHILD_TICK_MS * NSEC_PER_MSEC };

	if (child_capturing(c))
		child_drain(c, CHILD_TICK_MS);
	else
		nanosleep(&ts, NULL);
}

/* Stop a running child: SIGTERM and the grace period, or SIGKILL at once; then reap. */
static void child_stop(struct child *c)
{
	int64_t deadline = now_ns() + c->kill_grace_ns;
	bool killed = !c->kill_grace_ns;

	child_kill(c, killed ? SIGKILL : SIGTERM);
	while (child_reap(c, false) == 0) {
		if (!killed && now_ns() > deadline) {
			child_kill(c, SIGKILL);
			killed = true;
		}
		child_tick(c);
	}
}

int child_finish(struct child *c)
{
	bool watch = c->timeout_ns > 0 || c->poll;
	int ret = 0, r;

	if (c->pid <= 0)
		return -ECHILD;
	for (;;) {
		if (!watch && !child_capturing(c))
			r = child_reap(c, true);
		else
			r = child_reap(c, false);
		if (r < 0) {
			ret = r;
			break;
		}
		if (r == 1)
			break;
		if (c->poll)
			ret = c->poll(c, c->poll_data);
		if (!ret && c->timeout_ns > 0 && now_ns() - c->started_ns >= c->timeout_ns)
			ret = -ETIMEDOUT;
		if (ret) {
			child_stop(c);
			break;
		}
		if (watch)
			child_tick(c);
		else
			child_drain(c, -1);
	}
	/* the rest of the output: up to EOF, or what is there after a stop */
	if (!ret && c->exited)
		while (child_capturing(c))
			child_drain(c, -1);
	else if (child_capturing(c))
		child_drain(c, 0);
	if (c->out_pipe >= 0)
		close(c->out_pipe);
	if (c->err_pipe >= 0)
		close(c->err_pipe);
	c->out_pipe = c->err_pipe = -1;
	/* whatever the leader left behind */
	if (ret && c->kill_group)
		child_kill(c, SIGKILL);
	if (ret)
		return ret;
	return c->exited ? child_exit_code(c->status) : -ECHILD;
}

int child_run(struct child *c)
{
	int ret = child_start(c);

	return ret ? ret : child_finish(c);
}

void clear_make_env(void)
{
	static const char *const vars[] = { "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES",
					    "GNUMAKEFLAGS", "KCONFIG_CONFIG", "KBUILD_OUTPUT" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
}

void child_pdeathsig(pid_t parent, int sig)
{
	prctl(PR_SET_PDEATHSIG, sig);
	/* the parent died before the prctl: nobody would send the signal */
	if (getppid() != parent)
		_exit(128 + sig);
}

int run_logged(char *const argv[], const char *log)
{
	struct child c = CHILD_INIT;
	int ret;

	c.argv = argv;
	c.out = CHILD_FILE;
	c.out_path = log;
	c.err = CHILD_TO_STDOUT;
	c.clear_make_env = true;
	c.pdeathsig = SIGTERM;
	ret = child_run(&c);
	return ret > 0 ? -EIO : ret;
}
