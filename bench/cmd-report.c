// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-report.c - "patchbench report DIR": the summary of a result directory.
 */
#include "builtin.h"
#include "format.h"
#include "options.h"
#include "report.h"
#include "util.h"

#include <stddef.h>

struct report_opts {
	char *format;
};

static const struct option report_options[] = {
	{ "format", 'F', OPT_CHOICE, offsetof(struct report_opts, format), "text", "FMT",
	  "output format", out_formats_text_json },
	{ NULL },
};

int cmd_report(int argc, char **argv)
{
	struct report_opts o = { NULL };
	struct opt_cmd cmd = {
		.name = "report",
		.usage = "patchbench report [--format text|json] DIR...",
		.summary = "Print the summary of one or more result directories: drift per check,\n"
			   "memory.stat read latency per level, builder wall and CPU time.",
		.opts = report_options,
	};
	char err[256];
	int i, fmt, ret = 0;

	i = opt_parse(&cmd, &o, argc, argv);
	if (i == -2)
		return 0;
	if (i < 0)
		return 2;
	if (i >= argc) {
		pr_err("no result directory given (usage: %s)", cmd.usage);
		opt_release(report_options, &o);
		return 2;
	}
	fmt = out_format_parse(o.format, out_formats_text_json, err, sizeof(err));
	if (fmt < 0) {
		pr_err("%s", err);
		ret = 2;
	}
	for (; i < argc && fmt >= 0; i++) {
		if (report_print_dir(argv[i], fmt, stdout))
			ret = 2;
		if (i + 1 < argc)
			printf("\n");
	}
	opt_release(report_options, &o);
	return ret;
}
