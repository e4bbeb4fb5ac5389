// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-run.c - "patchbench run": the command line into a struct run_opts
 * (run-opts.c), the run (run_main), its exit code.
 */
#include "builtin.h"
#include "run-opts.h"
#include "target.h"

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	int ret;

	ret = run_opts_parse(&o, argc, argv);
	if (ret == -2)
		ret = 0;
	else if (ret < 0)
		ret = 2;
	else
		ret = run_main(&o);
	run_opts_release(&o);
	return ret;
}
