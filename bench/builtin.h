/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_BUILTIN_H
#define PB_BUILTIN_H

/*
 * Adding a command (git's recipe): write cmd_foo() in bench/cmd-foo.c,
 * declare it here, add it to commands[] in patchbench.c (sorted), and add
 * the file to CMD_SRCS in the Makefile. Each cmd_* returns the exit code:
 * 0 success, 1 failure or regression, 2 usage or input error.
 */
int cmd_ab(int argc, char **argv);
int cmd_bisect(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_dashboard(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_perfdiff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_targets(int argc, char **argv);

#endif
