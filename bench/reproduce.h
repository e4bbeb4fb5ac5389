/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_REPRODUCE_H
#define PB_REPRODUCE_H

/*
 * reproduce_run_argv - "patchbench run" in this process, for reproduce
 * (cmd-reproduce.c cannot include runner.h next to the analysis headers:
 * both define a struct cg_cpu). @argv is NULL-terminated, argv[0] "run".
 * Returns run's exit code: 0 complete, 1 failed, 2 bad input.
 */
int reproduce_run_argv(char **argv);

#endif
