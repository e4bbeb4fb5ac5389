/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_OPTIONS_H
#define PB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Declarative option tables (fio style): every command and every workload
 * describes its options once, and parsing, defaults and --help come from it.
 */
enum opt_type {
	OPT_END = 0,
	OPT_BOOL,	/* bool; --name sets, --no-name clears */
	OPT_INT,	/* int, bounded by min/max */
	OPT_SIZE,	/* uint64_t bytes, K/M/G suffixes */
	OPT_DURATION,	/* int64_t ns, ns/us/ms/s/m/h suffixes */
	OPT_STRING,	/* char *, owned by the struct: freed by opt_release() */
	OPT_CHOICE,	/* char * restricted to .choices */
};

struct option {
	const char *name;		/* long name, without "--" */
	char short_name;		/* 0 if none */
	enum opt_type type;
	size_t offset;			/* of the field in the options struct */
	const char *def;		/* default as text, NULL for none */
	const char *argname;		/* for --help, e.g. "N", "DIR" */
	const char *help;
	const char *const *choices;	/* OPT_CHOICE: NULL-terminated */
	long long min, max;		/* OPT_INT/OPT_SIZE/OPT_DURATION bounds, if max > min */
	unsigned tags;			/* bits for the table's owner; options.c ignores them */
};

/*
 * Called for a long option no table knows ("name", value or NULL).
 * Returns 1 if it consumed the value, 0 if it took no value, -ENOENT if it
 * does not know the option either, or another -errno after printing an error.
 */
typedef int (*opt_unknown_fn)(void *ctx, const char *name, const char *value);

struct opt_cmd {
	const char *name;		/* "run" */
	const char *usage;		/* "patchbench run [options]" */
	const char *summary;		/* one line */
	const struct option *opts;
	opt_unknown_fn unknown;		/* optional */
	void *unknown_ctx;
	void (*extra_help)(void);	/* optional, printed after the options */
	bool keep;			/* parse onto @base as it is: no defaults first */
};

/* Apply every default of @opts to @base. 0, or -EINVAL for a bad default. */
int opt_defaults(const struct option *opts, void *base);
/* Set one option from text; prints "invalid value '%s' for --%s: reason". 0 or -errno. */
int opt_set(const struct option *o, void *base, const char *value);
/*
 * opt_parse - apply defaults, then parse argv[1..]. Options may come anywhere
 * (GNU order), "--" ends them. On success argv[1..] is permuted: the options
 * first, then the operands in the order given, and the index of the first
 * operand is returned (@argc when there is none). -1 on a usage error
 * (message already printed), or -2 if --help was given (help already printed);
 * then the string fields are released already (opt_release() again is harmless).
 */
int opt_parse(const struct opt_cmd *cmd, void *base, int argc, char **argv);
/*
 * opt_split - for a command that takes its own options and passes every other
 * one on (ab, bisect: the rest are "run" options): argv[1..] into @own
 * (argv[0], then the arguments of options of @opts, with their values) and
 * @rest (@rest_first, then everything else), both NULL-terminated and
 * @argc + 1 long (the caller allocates and frees them, not their strings).
 * Return: the number of @own, with the count of @rest in *@nrest; -2 when
 * -h or --help is among them.
 */
int opt_split(const struct option *opts, int argc, char **argv, char **own, char **rest,
	      char *rest_first, int *nrest);
/*
 * opt_parse_mixed - opt_parse(), with the operands ("compare A B -o FILE": A and
 * B; all after "--") also copied to @pos, in order; @pos needs room for @argc
 * entries and points into @argv. Returns how many, or -1 / -2 as opt_parse().
 */
int opt_parse_mixed(const struct opt_cmd *cmd, void *base, int argc, char **argv, char **pos);
/*
 * opt_parse_all - opt_parse() for a command that takes no operand: one left
 * over is a usage error, "unexpected argument 'x' (see 'patchbench NAME
 * --help')". Returns 0, or -1 / -2 as opt_parse() (string fields released).
 */
int opt_parse_all(const struct opt_cmd *cmd, void *base, int argc, char **argv);
/* Print "usage", summary and the option table to stdout. */
void opt_usage(const struct opt_cmd *cmd);
/* Print the option lines of @opts with @prefix before each long name. */
void opt_print_table(const struct option *opts, const char *prefix);
/* The value of @o in @base as text; the caller frees it. */
char *opt_format(const struct option *o, const void *base);
/* Free every OPT_STRING/OPT_CHOICE field of @base. */
void opt_release(const struct option *opts, void *base);

#endif
