// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-options.c - the option and value parsers: opt_parse_mixed() on a
 * command line (the input split at NUL bytes) with an option of every type,
 * or one value through opt_set(), parse_u64/i64/size/duration(), the list
 * splitter (workload lists) and the formatters that print the value back.
 *
 * First byte: bit 0 chooses the mode (0: one value, 1: a command line); in
 * value mode the next byte chooses the option.
 */
#include <stdio.h>

#include "fuzz.h"
#include "options.h"

struct fopts {
	bool flag;
	int n, jobs;
	uint64_t size, mem;
	int64_t dur, interval;
	char *str, *choice;
};

static const char *const choices[] = { "text", "md", "json", "html", NULL };

#define F(x) offsetof(struct fopts, x)
static const struct option opts[] = {
	{ "flag", 'f', OPT_BOOL, F(flag), NULL, NULL, "a bool" },
	{ "repeat", 'n', OPT_INT, F(n), "1", "N", "bounded int", .min = 1, .max = 1000 },
	{ "jobs", 'j', OPT_INT, F(jobs), "0", "N", "any int" },
	{ "size", 's', OPT_SIZE, F(size), "64M", "SIZE", "any size" },
	{ "mem", 0, OPT_SIZE, F(mem), "4K", "SIZE", "bounded size", .min = 4096,
	  .max = 1LL << 40 },
	{ "duration", 'd', OPT_DURATION, F(dur), "10s", "TIME", "any duration" },
	{ "interval", 'i', OPT_DURATION, F(interval), "1s", "TIME", "bounded duration",
	  .min = 1000000, .max = 3600000000000LL },
	{ "out", 'o', OPT_STRING, F(str), NULL, "DIR", "a string" },
	{ "format", 0, OPT_CHOICE, F(choice), "text", "FMT", "a choice", choices },
	{ NULL }
};

static const struct opt_cmd cmd = {
	.name = "fuzz",
	.usage = "fuzz [options] [ARG...]",
	.summary = "the option parser under libFuzzer",
	.opts = opts,
};

static void values(const char *s)
{
	char buf[64];
	uint64_t u;
	int64_t i;
	char **v;

	if (!parse_u64(s, &u))
		fmt_size(buf, sizeof(buf), (double)u);
	parse_i64(s, &i);
	if (!parse_size(s, &u))
		fmt_size(buf, sizeof(buf), (double)u);
	if (!parse_duration(s, &i))
		fmt_duration(buf, sizeof(buf), i);
	v = strv_split(s, ',');
	name_index((const char *const *)v, strv_len(v), "idle");
	strv_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fopts fo = { 0 };
	char *s, **argv, **pos;
	const struct option *o;
	size_t i, n = ARRAY_SIZE(opts) - 1;
	int argc = 1;

	if (size < 2)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	if (opt_defaults(opts, &fo))
		abort();
	if (!(data[0] & 1)) {
		o = &opts[data[1] % n];
		values(s + 1);
		opt_set(o, &fo, s + 1);
	} else {
		for (i = 0; i < size - 1; i++)
			argc += !s[i];
		argv = xcalloc(argc + 2, sizeof(*argv));
		pos = xcalloc(argc + 2, sizeof(*pos));
		argv[0] = "fuzz";
		argv[1] = s;
		for (argc = 2, i = 0; i < size - 1; i++)
			if (!s[i])
				argv[argc++] = s + i + 1;
		argv[argc] = NULL;
		opt_parse_mixed(&cmd, &fo, argc, argv, pos);
		free(pos);
		free(argv);
	}
	for (o = opts; o->type != OPT_END; o++)
		free(opt_format(o, &fo));
	opt_release(opts, &fo);
	free(s);
	return 0;
}
