// SPDX-License-Identifier: GPL-2.0
/*
 * counters-window.c - the helper of tests/system/t-52-counters.sh: count
 * task-clock and context-switches system-wide with patchbench's counters
 * (counters.h, the same code as the cputotal monitor) over a fixed busy
 * window, so that "perf stat -a -x, -- counters-window MS" counts the same
 * interval around it.
 *
 *   counters-window MS
 *
 * The window: a parent and a forked child bounce a byte through two pipes
 * for MS milliseconds (every bounce is two context switches, and the two
 * keep both CPUs of a 2-CPU machine busy). Prints "backend NAME",
 * "task-clock MSEC", "context-switches N", "window-ms MS" and exits 0; 2 on
 * bad usage, 1 when the counters cannot be opened.
 */
#include "counters.h"
#include "util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct counter_spec specs[] = {
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
};

int main(int argc, char **argv)
{
	struct counter_value tc, cs;
	struct counters *c;
	int64_t t0, t1, end;
	int ab[2], ba[2];
	char err[256], b = 0;
	long ms;
	pid_t pid;

	if (argc != 2 || (ms = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: counters-window MS\n");
		return 2;
	}
	c = counters_open(specs, ARRAY_SIZE(specs), err, sizeof(err));
	if (!c) {
		fprintf(stderr, "counters-window: %s\n", err);
		return 1;
	}
	if (pipe(ab) || pipe(ba))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		/* the echo: until the parent closes its end */
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &b, 1) == 1 && write(ba[1], &b, 1) == 1)
			;
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	counters_enable(c);
	t0 = now_ns();
	end = t0 + ms * 1000000;
	do {
		int i;

		for (i = 0; i < 64; i++)
			if (write(ab[1], &b, 1) != 1 || read(ba[0], &b, 1) != 1)
				return 1;
	} while (now_ns() < end);
	counters_disable(c);
	t1 = now_ns();
	close(ab[1]);
	waitpid(pid, NULL, 0);
	if (counters_read(c, 0, &tc) || counters_read(c, 1, &cs)) {
		fprintf(stderr, "counters-window: cannot read the counters\n");
		return 1;
	}
	printf("backend %s\ntask-clock %.3f\ncontext-switches %llu\nwindow-ms %.3f\n",
	       counters_backend(c), (double)tc.value / 1e6, (unsigned long long)cs.value,
	       (double)(t1 - t0) / 1e6);
	counters_free(c);
	return 0;
}
