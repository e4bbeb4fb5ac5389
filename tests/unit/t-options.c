// SPDX-License-Identifier: GPL-2.0
/*
 * t-options.c - unit tests for lib/options.c: opt_parse on a small table
 * with one option of each type, its error paths and messages (stderr is
 * captured into a temporary file), --help (stdout captured the same way),
 * the unknown-option callback, and opt_format/opt_release.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "tap.h"
#include "util.h"

struct opts {
	bool verbose;
	bool color;
	int jobs;
	int count;
	uint64_t size;
	int64_t interval;
	char *name;
	char *mode;
	char *out;
};

static const char *const modes[] = { "fast", "slow", NULL };

static const struct option opts[] = {
	{ "verbose", 'v', OPT_BOOL, offsetof(struct opts, verbose), NULL, NULL, "say more" },
	{ "color", 0, OPT_BOOL, offsetof(struct opts, color), "yes", NULL, "colour output" },
	{ "jobs", 'j', OPT_INT, offsetof(struct opts, jobs), "2", "N", "parallel jobs",
	  .min = 1, .max = 64 },
	{ "count", 'c', OPT_INT, offsetof(struct opts, count), "0", "N", "unbounded int" },
	{ "size", 's', OPT_SIZE, offsetof(struct opts, size), "64M", "BYTES", "buffer size" },
	{ "interval", 'i', OPT_DURATION, offsetof(struct opts, interval), "1s", "T",
	  "sampling interval", .min = 1000000, .max = 3600LL * 1000000000 },
	{ "name", 'n', OPT_STRING, offsetof(struct opts, name), "default", "NAME", "a name" },
	{ "mode", 'm', OPT_CHOICE, offsetof(struct opts, mode), "fast", "MODE", "speed",
	  modes },
	{ "out", 'o', OPT_STRING, offsetof(struct opts, out), NULL, "DIR", "output" },
	{ 0 }
};

/* What the unknown-option callback saw, and what it answers. */
struct unknown_log {
	int calls;
	char name[64], value[64];
	bool had_value;
	int answer;
};

static int unknown_cb(void *ctx, const char *name, const char *value)
{
	struct unknown_log *u = ctx;

	u->calls++;
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->value, sizeof(u->value), "%s", value ? value : "");
	u->had_value = value != NULL;
	return u->answer;
}

static struct unknown_log ulog;

static const struct opt_cmd cmd = {
	.name = "t",
	.usage = "patchbench t [options] [ARG...]",
	.summary = "A command for the tests.",
	.opts = opts,
};

static const struct opt_cmd cmd_cb = {
	.name = "t",
	.usage = "patchbench t [options]",
	.summary = "With an unknown-option callback.",
	.opts = opts,
	.unknown = unknown_cb,
	.unknown_ctx = &ulog,
};

static struct opts o;

/*
 * Where stdout or stderr goes while a call runs: a temporary file, read back
 * into @captured afterwards.
 */
static char captured[8192];

static int capture_begin(int fd, int *saved)
{
	char path[] = "/tmp/t-options.XXXXXX";
	int tmp = mkstemp(path);

	if (tmp < 0)
		return -1;
	unlink(path);
	fflush(stdout);
	fflush(stderr);
	*saved = dup(fd);
	dup2(tmp, fd);
	return tmp;
}

static void capture_end(int fd, int saved, int tmp)
{
	ssize_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(saved, fd);
	close(saved);
	n = pread(tmp, captured, sizeof(captured) - 1, 0);
	captured[n > 0 ? n : 0] = '\0';
	close(tmp);
}

static int run_parse(const struct opt_cmd *c, char **argv)
{
	int argc = 0, saved, tmp, ret;

	while (argv[argc])
		argc++;
	opt_release(opts, &o);
	memset(&o, 0, sizeof(o));
	tmp = capture_begin(2, &saved);
	ret = opt_parse(c, &o, argc, argv);
	if (tmp >= 0)
		capture_end(2, saved, tmp);
	return ret;
}

/* PARSE("--jobs=4", "x"): opt_parse of { "t", ..., NULL }, stderr in @captured. */
#define PARSE(...) run_parse(&cmd, (char *[]){ "t", __VA_ARGS__, NULL })
#define PARSE_CB(...) run_parse(&cmd_cb, (char *[]){ "t", __VA_ARGS__, NULL })

/* Method: no arguments. Pass: every default applied, index 1. */
static void test_defaults(void)
{
	int ret = run_parse(&cmd, (char *[]){ "t", NULL });

	tap_ok(ret == 1, "no arguments: returns 1 (got %d)", ret);
	tap_ok(!o.verbose && o.color && o.jobs == 2 && o.count == 0 &&
	       o.size == 64ULL << 20 && o.interval == 1000000000,
	       "defaults: verbose no, color yes, jobs 2, count 0, size 64M, interval 1s");
	tap_ok(o.name && !strcmp(o.name, "default") && o.mode && !strcmp(o.mode, "fast") &&
	       !o.out, "string defaults: name 'default', mode 'fast', out NULL");
	o.verbose = true;
	o.color = false;
	tap_ok(!opt_defaults(opts, &o) && !o.verbose && o.color,
	       "opt_defaults resets a bool without default to no");
}

/* Method: each spelling of a value. Pass: the value set, the right index returned. */
static void test_forms(void)
{
	int ret;

	ret = PARSE("--jobs=8");
	tap_ok(ret == 2 && o.jobs == 8, "--jobs=8 (ret %d, jobs %d)", ret, o.jobs);
	ret = PARSE("--jobs", "9", "arg");
	tap_ok(ret == 3 && o.jobs == 9, "--jobs 9 arg: jobs 9, index of 'arg' (ret %d)", ret);
	ret = PARSE("-j4");
	tap_ok(ret == 2 && o.jobs == 4, "-j4 (ret %d, jobs %d)", ret, o.jobs);
	ret = PARSE("-j", "5", "arg");
	tap_ok(ret == 3 && o.jobs == 5, "-j 5 arg (ret %d, jobs %d)", ret, o.jobs);
	ret = PARSE("--no-color", "-v");
	tap_ok(ret == 3 && !o.color && o.verbose, "--no-color -v: color no, verbose yes");
	ret = PARSE("--no-color", "--color");
	tap_ok(ret == 3 && o.color, "--color after --no-color: yes");
	ret = PARSE("--color=no", "--verbose=yes");
	tap_ok(ret == 3 && !o.color && o.verbose, "--color=no --verbose=yes");
	ret = PARSE("--size=1G", "-i", "250ms", "--name", "x y", "-mslow", "--out=/tmp/d");
	tap_ok(ret == 8 && o.size == 1ULL << 30 && o.interval == 250000000 &&
	       !strcmp(o.name, "x y") && !strcmp(o.mode, "slow") && !strcmp(o.out, "/tmp/d"),
	       "size, duration, string, choice and a string without default (ret %d)", ret);
	ret = PARSE("--name=a", "--name=b");
	tap_ok(ret == 3 && !strcmp(o.name, "b"), "the last of a repeated option wins");
	ret = PARSE("--name=--jobs=3");
	tap_ok(ret == 2 && !strcmp(o.name, "--jobs=3") && o.jobs == 2,
	       "a value after = is never an option");
	ret = PARSE("--name", "--help");
	tap_ok(ret == 3 && !strcmp(o.name, "--help"), "a separate value may look like --help");
	ret = PARSE("--count=-5");
	tap_ok(ret == 2 && o.count == -5, "a negative int (count %d)", o.count);
	ret = PARSE("-j", "3", "--", "-j5", "x");
	tap_ok(ret == 4 && o.jobs == 3, "'--' ends options: returns the index after it (%d)", ret);
	{
		char *argv[] = { "t", "a", "--jobs=5", "b", "-v", "--", "-j6", "c", NULL };

		ret = run_parse(&cmd, argv);
		tap_ok(ret == 4 && o.jobs == 5 && o.verbose && !strcmp(argv[1], "--jobs=5") &&
		       !strcmp(argv[2], "-v") && !strcmp(argv[3], "--") && !strcmp(argv[4], "a") &&
		       !strcmp(argv[5], "b") && !strcmp(argv[6], "-j6") && !strcmp(argv[7], "c"),
		       "options after operands are options, '--' ends them; argv is options, "
		       "then operands in order (ret %d)", ret);
	}
	{
		char *argv[] = { "t", "x", "--name", "n", "y", NULL }, *pos[6];
		int argc = 5;

		opt_release(opts, &o);
		memset(&o, 0, sizeof(o));
		ret = opt_parse_mixed(&cmd, &o, argc, argv, pos);
		tap_ok(ret == 2 && !strcmp(pos[0], "x") && !strcmp(pos[1], "y") &&
		       !strcmp(o.name, "n"), "opt_parse_mixed: the operands in order (ret %d)",
		       ret);
	}
	{
		char *one[] = { "t", "--name", "n", "x", NULL }, *none[] = { "t", "--name=m", NULL };

		opt_release(opts, &o);
		memset(&o, 0, sizeof(o));
		ret = opt_parse_all(&cmd, &o, 4, one);
		tap_ok(ret == -1 && !o.name, "opt_parse_all: an operand is -1, strings released (ret %d)",
		       ret);
		ret = opt_parse_all(&cmd, &o, 2, none);
		tap_ok(ret == 0 && o.name && !strcmp(o.name, "m"),
		       "opt_parse_all: no operand is 0 (ret %d)", ret);
	}
	ret = PARSE("-j7", "-", "x");
	tap_ok(ret == 2 && o.jobs == 7, "a lone '-' is an argument (ret %d)", ret);
}

/*
 * Method: invalid values and options.
 * Pass: -1 and the one-line message quoted in each case on stderr.
 */
static void test_errors(void)
{
	static const struct {
		const char *argv[4], *want;
	} bad[] = {
		{ { "--jobs=abc" }, "invalid value 'abc' for --jobs: not an integer" },
		{ { "-j", "4x" }, "invalid value '4x' for --jobs: not an integer" },
		{ { "--jobs=0" }, "invalid value '0' for --jobs: must be between 1 and 64" },
		{ { "--jobs=65" }, "invalid value '65' for --jobs: must be between 1 and 64" },
		{ { "--count=4294967297" },
		  "invalid value '4294967297' for --count: out of range" },
		{ { "--count=99999999999999999999" }, "invalid value '99999999999999999999' for "
						      "--count: out of range" },
		{ { "--interval=99999999999999999999" },
		  "invalid value '99999999999999999999' for --interval: out of range" },
		{ { "--interval=\t-1s" }, "invalid value '\t-1s' for --interval: not a duration" },
		{ { "--interval=0x2" }, "invalid value '0x2' for --interval: not a duration" },
		{ { "--count=\t-1" }, "invalid value '\t-1' for --count: not an integer" },
		{ { "--size=12X" }, "invalid value '12X' for --size: not a size" },
		{ { "--size=99999999T" }, "invalid value '99999999T' for --size: too large" },
		{ { "--interval=abc" }, "invalid value 'abc' for --interval: not a duration" },
		{ { "--interval=2h" }, "invalid value '2h' for --interval: must be between 1.0ms "
				       "and 60m00s" },
		{ { "--mode=medium" }, "invalid value 'medium' for --mode: expected one of fast, "
				       "slow" },
		{ { "--name=" }, "invalid value '' for --name: must not be empty" },
		{ { "--color=maybe" }, "invalid value 'maybe' for --color: expected yes or no" },
		{ { "--name" }, "option '--name' needs a value" },
		{ { "-j" }, "option '-j' needs a value" },
		{ { "-vx" }, "option '-v' takes no value" },
		{ { "--bogus" }, "unknown option '--bogus' for 't' (see 'patchbench t --help')" },
		{ { "--bogus=1" }, "unknown option '--bogus' for 't'" },
		{ { "-z" }, "unknown option '-z' for 't'" },
		{ { "--no-jobs" }, "unknown option '--no-jobs' for 't'" },
		{ { "--no-color=yes" }, "unknown option '--no-color' for 't'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *argv[6] = { "t" };
		int k, ret;

		for (k = 0; bad[i].argv[k]; k++)
			argv[k + 1] = (char *)bad[i].argv[k];
		ret = run_parse(&cmd, argv);
		tap_ok(ret == -1 && strstr(captured, bad[i].want),
		       "%s%s%s: -1, \"%s\" (ret %d)", bad[i].argv[0], bad[i].argv[1] ? " " : "",
		       bad[i].argv[1] ? bad[i].argv[1] : "", bad[i].want, ret);
	}
}

/*
 * Method: --help and -h, with stdout captured.
 * Pass: -2, and the usage, summary and option lines (with argument names,
 * choices and defaults) printed; after '--' a --help is an argument.
 */
static void test_help(void)
{
	static const char help_head[] = "usage: patchbench t [options] [ARG...]\n\n"
					"A command for the tests.\n\noptions:\n";
	int saved, tmp, ret;
	char line[128];

	tmp = capture_begin(1, &saved);
	ret = PARSE("-j3", "--help", "--bogus");
	if (tmp >= 0)
		capture_end(1, saved, tmp);
	tap_ok(ret == -2, "--help returns -2 before later errors (ret %d)", ret);
	tap_ok(!strncmp(captured, help_head, strlen(help_head)),
	       "help starts with usage, summary and 'options:'");
	snprintf(line, sizeof(line), "\n%-30s %s\n", "  -j, --jobs N", "parallel jobs [2]");
	tap_ok(strstr(captured, line) != NULL, "help has the line for --jobs");
	snprintf(line, sizeof(line), "\n%-30s %s\n", "      --color", "colour output");
	tap_ok(strstr(captured, line) != NULL, "a bool has no argument name nor default");
	snprintf(line, sizeof(line), "\n%-30s %s\n", "  -m, --mode MODE",
		 "speed (fast|slow) [fast]");
	tap_ok(strstr(captured, line) != NULL, "a choice lists its choices and default");
	tap_ok(strstr(captured, "  -h, --help ") != NULL, "help lists -h, --help");
	tmp = capture_begin(1, &saved);
	ret = PARSE("-h");
	if (tmp >= 0)
		capture_end(1, saved, tmp);
	tap_ok(ret == -2 && !strncmp(captured, "usage: ", 7), "-h returns -2 (ret %d)", ret);
	ret = PARSE("--", "--help");
	tap_ok(ret == 2, "--help after '--' is an argument (ret %d)", ret);
}

/*
 * Method: options no table knows go to the callback.
 * Pass: it gets the name without "--" and the value (after '=' or the next
 * argument); answering 1 consumes a separate value, 0 does not, -ENOENT or
 * another error makes opt_parse fail.
 */
static void test_unknown(void)
{
	int ret;

	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = 1;
	ret = PARSE_CB("--wl.anon=5", "-j3");
	tap_ok(ret == 3 && ulog.calls == 1 && !strcmp(ulog.name, "wl.anon") &&
	       !strcmp(ulog.value, "5") && o.jobs == 3,
	       "--wl.anon=5: callback gets 'wl.anon' and '5' (ret %d, '%s'='%s')", ret,
	       ulog.name, ulog.value);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = 1;
	ret = PARSE_CB("--wl.anon", "7", "rest");
	tap_ok(ret == 3 && !strcmp(ulog.name, "wl.anon") && !strcmp(ulog.value, "7"),
	       "--wl.anon 7 rest: the value is consumed, index of 'rest' (ret %d)", ret);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = 0;
	ret = PARSE_CB("--flag", "next");
	tap_ok(ret == 2 && ulog.calls == 1 && !strcmp(ulog.name, "flag") && ulog.had_value,
	       "answer 0: the next argument is not consumed (ret %d)", ret);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = 0;
	ret = PARSE_CB("--flag");
	tap_ok(ret == 2 && !ulog.had_value, "the last argument: value NULL (ret %d)", ret);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = -ENOENT;
	ret = PARSE_CB("--nope");
	tap_ok(ret == -1 && ulog.calls == 1 && strstr(captured, "unknown option '--nope'"),
	       "answer -ENOENT: -1 with 'unknown option' (ret %d)", ret);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = -EINVAL;
	ret = PARSE_CB("--bad=1");
	tap_ok(ret == -1 && !strstr(captured, "unknown option"),
	       "answer -EINVAL: -1, the callback's own message only (ret %d)", ret);
	memset(&ulog, 0, sizeof(ulog));
	ulog.answer = 1;
	ret = PARSE_CB("--jobs=6", "--no-color", "-z");
	tap_ok(ret == -1 && ulog.calls == 0 && strstr(captured, "unknown option '-z'"),
	       "known options and short options never reach the callback");
}

/* Method: bad defaults in a table. Pass: opt_defaults -EINVAL, opt_parse -1. */
static void test_bad_default(void)
{
	static const struct option bad[] = {
		{ "jobs", 'j', OPT_INT, offsetof(struct opts, jobs), "many", "N", "jobs" },
		{ 0 }
	};
	static const struct opt_cmd c = { .name = "b", .usage = "b", .summary = "b",
					  .opts = bad };
	int ret, saved, tmp;

	tmp = capture_begin(2, &saved);
	ret = opt_defaults(bad, &o);
	if (tmp >= 0)
		capture_end(2, saved, tmp);
	tap_ok(ret == -EINVAL && strstr(captured, "invalid value 'many' for --jobs"),
	       "opt_defaults of a bad default: -EINVAL (%d)", ret);
	ret = run_parse(&c, (char *[]){ "b", NULL });
	tap_ok(ret == -1, "opt_parse with a bad default: -1 (%d)", ret);
}

/*
 * Method: opt_format of every type, then opt_set of that text into a fresh
 * struct. Pass: the texts listed (a duration exactly, in ns); every value
 * survives the round trip.
 */
static void test_format(void)
{
	static const struct {
		const char *opt, *want;
	} want[] = {
		{ "verbose", "yes" }, { "color", "no" }, { "jobs", "12" }, { "count", "-3" },
		{ "size", "16777216" }, { "interval", "1234567000ns" }, { "name", "a \"b\"" },
		{ "mode", "slow" }, { "out", "" },
	};
	const struct option *op;
	size_t i;
	int ret;

	ret = PARSE("-v", "--no-color", "-j12", "--count=-3", "--size=16M", "--interval=1234567us",
		    "--name=a \"b\"", "--mode=slow");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		char *s = NULL;

		for (op = opts; op->type != OPT_END; op++)
			if (!strcmp(op->name, want[i].opt))
				s = opt_format(op, &o);
		tap_ok(ret == 9 && s && !strcmp(s, want[i].want),
		       "opt_format --%s: '%s' (got '%s')", want[i].opt, want[i].want,
		       s ? s : "(null)");
		free(s);
	}
	{
		struct opts back = { 0 };
		bool same = true;

		for (op = opts; op->type != OPT_END; op++) {
			char *s = opt_format(op, &o);

			if (op->offset != offsetof(struct opts, out) && opt_set(op, &back, s))
				same = false;
			free(s);
		}
		same = same && back.verbose == o.verbose && back.color == o.color &&
		       back.jobs == o.jobs && back.count == o.count && back.size == o.size &&
		       back.interval == o.interval && !strcmp(back.name, o.name) &&
		       !strcmp(back.mode, o.mode);
		tap_ok(same, "opt_format output parses back to the same values");
		opt_release(opts, &back);
	}
	opt_release(opts, &o);
	tap_ok(!o.name && !o.mode && !o.out && o.jobs == 12,
	       "opt_release frees and clears only the string fields");
	opt_release(opts, &o);
}

int main(void)
{
	tap_plan(4 + 18 + 25 + 8 + 7 + 2 + 11);
	test_defaults();
	test_forms();
	test_errors();
	test_help();
	test_unknown();
	test_bad_default();
	test_format();
	return tap_done();
}
