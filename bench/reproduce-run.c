// SPDX-License-Identifier: GPL-2.0
/*
 * reproduce-run.c - the one place where reproduce touches the runner.
 */
#include "reproduce.h"
#include "runner.h"

int reproduce_run_argv(char **argv)
{
	struct run_opts o;
	int ret;

	ret = run_opts_parse(&o, (int)strv_len(argv), argv);
	if (ret) {
		run_opts_release(&o);
		return ret == -2 ? 0 : 2;
	}
	ret = run_main(&o);
	run_opts_release(&o);
	return ret;
}
