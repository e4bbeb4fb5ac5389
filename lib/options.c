// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - parse command lines from declarative option tables.
 */
#include "options.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void *field(const struct option *o, void *base)
{
	return (char *)base + o->offset;
}

static bool bounded(const struct option *o)
{
	return o->max > o->min;
}

static int bad_value(const struct option *o, const char *value, const char *why)
{
	pr_err("invalid value '%s' for --%s: %s", value, o->name, why);
	return -EINVAL;
}

int opt_set(const struct option *o, void *base, const char *value)
{
	void *f = field(o, base);
	char buf[128];
	int ret;

	switch (o->type) {
	case OPT_BOOL:
		if (!value || !strcmp(value, "yes") || !strcmp(value, "1") || !strcmp(value, "true"))
			*(bool *)f = true;
		else if (!strcmp(value, "no") || !strcmp(value, "0") || !strcmp(value, "false"))
			*(bool *)f = false;
		else
			return bad_value(o, value, "expected yes or no");
		return 0;
	case OPT_INT: {
		int64_t v;

		ret = parse_i64(value, &v);
		if (ret)
			return bad_value(o, value,
					 ret == -ERANGE ? "out of range" : "not an integer");
		if (v < INT_MIN || v > INT_MAX)
			return bad_value(o, value, "out of range");
		if (bounded(o) && (v < o->min || v > o->max)) {
			snprintf(buf, sizeof(buf), "must be between %lld and %lld", o->min, o->max);
			return bad_value(o, value, buf);
		}
		*(int *)f = (int)v;
		return 0;
	}
	case OPT_SIZE: {
		uint64_t v;

		ret = parse_size(value, &v);
		if (ret)
			return bad_value(o, value, ret == -ERANGE ? "too large" :
					 "not a size (examples: 4096, 64K, 16M, 1G)");
		if (bounded(o) && (v < (uint64_t)o->min || v > (uint64_t)o->max)) {
			snprintf(buf, sizeof(buf), "must be between %lld and %lld bytes",
				 o->min, o->max);
			return bad_value(o, value, buf);
		}
		*(uint64_t *)f = v;
		return 0;
	}
	case OPT_DURATION: {
		int64_t v;
		char a[32], b[32];

		ret = parse_duration(value, &v);
		if (ret)
			return bad_value(o, value, ret == -ERANGE ? "out of range" :
					 "not a duration (examples: 1s, 250ms, 10m)");
		if (bounded(o) && (v < o->min || v > o->max)) {
			snprintf(buf, sizeof(buf), "must be between %s and %s",
				 fmt_duration(a, sizeof(a), o->min), fmt_duration(b, sizeof(b), o->max));
			return bad_value(o, value, buf);
		}
		*(int64_t *)f = v;
		return 0;
	}
	case OPT_CHOICE: {
		const char *const *c;
		struct strbuf sb = STRBUF_INIT;

		for (c = o->choices; *c; c++) {
			if (!strcmp(*c, value)) {
				free(*(char **)f);
				*(char **)f = xstrdup(value);
				return 0;
			}
		}
		sb_adds(&sb, "expected one of");
		for (c = o->choices; *c; c++)
			sb_addf(&sb, "%s %s", c == o->choices ? "" : ",", *c);
		bad_value(o, value, sb.buf);
		sb_release(&sb);
		return -EINVAL;
	}
	case OPT_STRING:
		if (!*value)
			return bad_value(o, value, "must not be empty");
		free(*(char **)f);
		*(char **)f = xstrdup(value);
		return 0;
	case OPT_END:
		break;
	}
	return -EINVAL;
}

int opt_defaults(const struct option *opts, void *base)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++) {
		if (o->type == OPT_BOOL && !o->def)
			*(bool *)field(o, base) = false;
		if (o->def && opt_set(o, base, o->def))
			return -EINVAL;
	}
	return 0;
}

void opt_release(const struct option *opts, void *base)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++) {
		if (o->type == OPT_STRING || o->type == OPT_CHOICE) {
			free(*(char **)field(o, base));
			*(char **)field(o, base) = NULL;
		}
	}
}

static const struct option *find_long(const struct option *opts, const char *name, size_t len)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct option *find_short(const struct option *opts, char c)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

static int parse_options(const struct opt_cmd *cmd, void *base, int argc, char **argv,
			 bool *operand)
{
	int i;

	if (!cmd->keep && opt_defaults(cmd->opts, base))
		return -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *value;
		const struct option *o;
		size_t len;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				operand[i] = true;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opt_usage(cmd);
			return -2;
		}
		if (a[0] != '-' || !a[1]) {
			operand[i] = true;
			continue;
		}
		if (a[1] != '-') {
			/* -j4, -j 4, -q */
			o = find_short(cmd->opts, a[1]);
			if (!o) {
				pr_err("unknown option '%s' for '%s' (see 'patchbench %s --help')",
				       a, cmd->name, cmd->name);
				return -1;
			}
			if (o->type == OPT_BOOL) {
				if (a[2]) {
					pr_err("option '-%c' takes no value", a[1]);
					return -1;
				}
				*(bool *)field(o, base) = true;
				continue;
			}
			value = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!value) {
				pr_err("option '-%c' needs a value", a[1]);
				return -1;
			}
			if (opt_set(o, base, value))
				return -1;
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_long(cmd->opts, a, len);
		if (!o && !eq && !strncmp(a, "no-", 3)) {
			o = find_long(cmd->opts, a + 3, len - 3);
			if (o && o->type == OPT_BOOL) {
				*(bool *)field(o, base) = false;
				continue;
			}
			o = NULL;
		}
		if (!o) {
			char *name = xstrndup(a, len);
			const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);
			int ret = cmd->unknown ? cmd->unknown(cmd->unknown_ctx, name, v) : -ENOENT;

			if (ret == -ENOENT)
				pr_err("unknown option '--%s' for '%s' (see 'patchbench %s --help')",
				       name, cmd->name, cmd->name);
			free(name);
			if (ret < 0)
				return -1;
			if (ret == 1 && !eq)
				i++;
			continue;
		}
		if (o->type == OPT_BOOL) {
			if (opt_set(o, base, eq ? eq + 1 : NULL))
				return -1;
			continue;
		}
		value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!value) {
			pr_err("option '--%s' needs a value", o->name);
			return -1;
		}
		if (opt_set(o, base, value))
			return -1;
	}
	return 0;
}

int opt_parse(const struct opt_cmd *cmd, void *base, int argc, char **argv)
{
	bool *operand = xcalloc(argc + 1, sizeof(*operand));
	char **tmp = xcalloc(argc + 1, sizeof(*tmp));
	int ret, i, n = 0, first;

	ret = parse_options(cmd, base, argc, argv, operand);
	if (ret < 0) {
		/* nothing for the caller to release after an error or --help */
		opt_release(cmd->opts, base);
		goto out;
	}
	/* GNU order: options first, then the operands in the order given */
	for (i = 1; i < argc; i++)
		if (!operand[i])
			tmp[n++] = argv[i];
	first = n + 1;
	for (i = 1; i < argc; i++)
		if (operand[i])
			tmp[n++] = argv[i];
	if (argc > 1)
		memcpy(argv + 1, tmp, n * sizeof(*tmp));
	ret = first;
out:
	free(tmp);
	free(operand);
	return ret;
}

/* "  --name ARG" in a 30-column field, then @help folded to 79 columns. */
static void print_help(const char *left, const char *help)
{
	size_t col;
	const char *p = help;

	if (strlen(left) >= 30) {
		printf("%s\n%31s", left, "");
	} else {
		printf("%-30s ", left);
	}
	col = 31;
	while (*p) {
		size_t len = strcspn(p, " ");

		if (col > 31 && col + 1 + len > 79) {
			printf("\n%31s", "");
			col = 31;
		} else if (col > 31) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, len, stdout);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

void opt_print_table(const struct option *opts, const char *prefix)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++) {
		char left[64];
		int n;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "  -%c, --%s%s", o->short_name, prefix,
				     o->name);
		else
			n = snprintf(left, sizeof(left), "      --%s%s", prefix, o->name);
		if (o->type != OPT_BOOL && n < (int)sizeof(left))
			snprintf(left + n, sizeof(left) - n, " %s", o->argname ? o->argname : "VAL");
		{
			struct strbuf h = STRBUF_INIT;

			sb_adds(&h, o->help);
			if (o->type == OPT_CHOICE) {
				const char *const *c;

				sb_adds(&h, " (");
				for (c = o->choices; *c; c++)
					sb_addf(&h, "%s%s", c == o->choices ? "" : "|", *c);
				sb_adds(&h, ")");
			}
			if (o->def && o->type != OPT_BOOL)
				sb_addf(&h, " [%s]", o->def);
			print_help(left, h.buf);
			sb_release(&h);
		}
	}
}

void opt_usage(const struct opt_cmd *cmd)
{
	printf("usage: %s\n\n%s\n\n", cmd->usage, cmd->summary);
	if (cmd->opts[0].type != OPT_END) {
		printf("options:\n");
		opt_print_table(cmd->opts, "");
	}
	printf("  -h, --help                   show this help\n");
	if (cmd->extra_help)
		cmd->extra_help();
}

char *opt_format(const struct option *o, const void *base)
{
	const void *f = (const char *)base + o->offset;

	switch (o->type) {
	case OPT_BOOL:
		return xstrdup(*(const bool *)f ? "yes" : "no");
	case OPT_INT:
		return xasprintf("%d", *(const int *)f);
	case OPT_SIZE:
		return xasprintf("%llu", (unsigned long long)*(const uint64_t *)f);
	case OPT_DURATION:
		/* exact, so a value survives a round trip through text */
		return xasprintf("%lldns", (long long)*(const int64_t *)f);
	case OPT_STRING:
	case OPT_CHOICE:
		return xstrdup(*(char *const *)f ? *(char *const *)f : "");
	case OPT_END:
		break;
	}
	return xstrdup("");
}

int opt_parse_mixed(const struct opt_cmd *cmd, void *base, int argc, char **argv, char **pos)
{
	int i = opt_parse(cmd, base, argc, argv), n = 0;

	if (i < 0)
		return i;
	while (i < argc)
		pos[n++] = argv[i++];
	return n;
}

int opt_parse_all(const struct opt_cmd *cmd, void *base, int argc, char **argv)
{
	int i = opt_parse(cmd, base, argc, argv);

	if (i < 0 || i == argc)
		return i < 0 ? i : 0;
	pr_err("unexpected argument '%s' (see 'patchbench %s --help')", argv[i], cmd->name);
	if (base)
		opt_release(cmd->opts, base);
	return -1;
}

/* Is @arg (with its value, *@value, when attached) an option of @opts? */
static bool own_option(const struct option *opts, const char *arg, const struct option **opt,
		       const char **value)
{
	const struct option *o;
	const char *name = arg + 2;
	size_t len;

	*value = NULL;
	if (strncmp(arg, "--", 2)) {
		for (o = opts; arg[0] == '-' && o->type != OPT_END; o++) {
			if (o->short_name && arg[1] == o->short_name) {
				*opt = o;
				*value = arg[2] ? arg + 2 : NULL;
				return true;
			}
		}
		return false;
	}
	len = strcspn(name, "=");
	for (o = opts; o->type != OPT_END; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
			*opt = o;
			*value = name[len] == '=' ? name + len + 1 : NULL;
			return true;
		}
	}
	return false;
}

int opt_split(const struct option *opts, int argc, char **argv, char **own, char **rest,
	      char *rest_first, int *nrest)
{
	int n = 1, i;

	own[0] = argv[0];
	*nrest = 0;
	rest[(*nrest)++] = rest_first;
	for (i = 1; i < argc; i++) {
		const struct option *op;
		const char *val;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return -2;
		if (own_option(opts, argv[i], &op, &val)) {
			own[n++] = argv[i];
			if (op->type != OPT_BOOL && !val && i + 1 < argc)
				own[n++] = argv[++i];
			continue;
		}
		rest[(*nrest)++] = argv[i];
	}
	own[n] = NULL;
	rest[*nrest] = NULL;
	return n;
}
