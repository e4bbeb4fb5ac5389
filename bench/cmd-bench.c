// SPDX-License-Identifier: GPL-2.0
#include "builtin.h"
#include "util.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pr_err("not yet");
	return 2;
}
