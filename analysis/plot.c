// SPDX-License-Identifier: GPL-2.0
/*
 * plot.c - gnuplot as a child process, and its SVG made fit for inlining.
 */
#include "plot.h"
#include "spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PB_PLOTS_DIR
#define PB_PLOTS_DIR "analysis/plots"
#endif

char *plot_script(const char *name)
{
	const char *env = getenv("PATCHBENCH_PLOTS");
	char exe[4096], *p;
	ssize_t n;

	if (env && *env) {
		p = xasprintf("%s/%s", env, name);
		if (path_exists(p))
			return p;
		free(p);
	}
	p = xasprintf("%s/%s", PB_PLOTS_DIR, name);
	if (path_exists(p))
		return p;
	free(p);
	/* bench/patchbench in a source tree, or <prefix>/bin/patchbench */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		if (strrchr(exe, '/'))
			*strrchr(exe, '/') = 0;
		p = xasprintf("%s/../analysis/plots/%s", exe, name);
		if (path_exists(p))
			return p;
		free(p);
	}
	return NULL;
}

bool plot_have_gnuplot(void)
{
	char *p = pb_which("gnuplot");

	free(p);
	return p != NULL;
}

/* 'value' as a gnuplot single-quoted string: a quote is written twice. */
static void gp_quote(struct strbuf *sb, const char *v)
{
	sb_add_squoted(sb, v, "''");
}

int plot_run(const char *name, const char *const *vars, const char *svg, char *err,
	     size_t errlen)
{
	struct strbuf e = STRBUF_INIT, out = STRBUF_INIT;
	char *script = plot_script(name);
	char *argv[] = { "gnuplot", "-e", NULL, NULL, NULL };
	struct child c = CHILD_INIT;
	int status, ret = 0;

	if (!script) {
		snprintf(err, errlen, "plot script '%s' not found (set PATCHBENCH_PLOTS)", name);
		return -ENOENT;
	}
	for (; vars && vars[0]; vars += 2) {
		sb_addf(&e, "%s=", vars[0]);
		gp_quote(&e, vars[1] ? vars[1] : "");
		sb_adds(&e, "; ");
	}
	sb_adds(&e, "out=");
	gp_quote(&e, svg);
	argv[2] = e.buf;
	argv[3] = script;
	c.argv = argv;
	c.in = c.out = CHILD_NULL;
	c.err = CHILD_CAPTURE;
	c.err_sb = &out;
	ret = child_start(&c);
	if (ret) {
		snprintf(err, errlen, "cannot fork: %s", strerror(-ret));
		goto out;
	}
	status = child_finish(&c);
	ret = 0;
	if (status || !path_exists(svg)) {
		char *last;

		while (out.len && out.buf[out.len - 1] == '\n')
			out.buf[--out.len] = 0;
		last = out.len ? strrchr(out.buf, '\n') : NULL;
		snprintf(err, errlen, "gnuplot %s failed%s%s", name,
			 status == 127 ? " (not installed?)" : "",
			 out.len ? ": " : "");
		if (out.len)
			snprintf(err + strlen(err), errlen - strlen(err), "%s",
				 last ? last + 1 : out.buf);
		ret = -EIO;
	}
out:
	sb_release(&e);
	sb_release(&out);
	free(script);
	return ret;
}

/* The id-bearing names gnuplot's SVG terminal uses. */
static const char *const svg_ids[] = {
	"gpDot", "gpPt", "gnuplot_", "textbox", "greybox",
};

int plot_svg_inline(const char *path, const char *prefix, struct strbuf *sb)
{
	struct strbuf f = STRBUF_INIT;
	const char *p;
	int ret = read_file(path, &f);
	size_t i;

	if (ret)
		goto out;
	p = strstr(f.buf, "<svg");
	if (!p) {
		ret = -EINVAL;
		goto out;
	}
	while (*p) {
		bool hit = false;

		/* only at an id='...', href='#...' or url(#...) */
		if (*p == '#' || (p > f.buf && (p[-1] == '\'' || p[-1] == '"'))) {
			const char *q = *p == '#' ? p + 1 : p;

			for (i = 0; i < ARRAY_SIZE(svg_ids); i++) {
				if (strncmp(q, svg_ids[i], strlen(svg_ids[i])))
					continue;
				sb_add(sb, p, q - p);
				sb_adds(sb, prefix);
				p = q;
				hit = true;
				break;
			}
		}
		if (hit) {
			/* copy the matched name itself, then carry on */
			size_t n = strcspn(p, "'\") ");

			sb_add(sb, p, n);
			p += n;
			continue;
		}
		sb_add(sb, p, 1);
		p++;
	}
out:
	sb_release(&f);
	return ret;
}

char *plot_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = xasprintf("%s/patchbench-plot.XXXXXX", t && *t ? t : "/tmp");

	if (!mkdtemp(d)) {
		free(d);
		return NULL;
	}
	return d;
}

void html_escape(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			sb_adds(sb, "&amp;");
			break;
		case '<':
			sb_adds(sb, "&lt;");
			break;
		case '>':
			sb_adds(sb, "&gt;");
			break;
		case '"':
			sb_adds(sb, "&quot;");
			break;
		case '\'':
			sb_adds(sb, "&#39;");
			break;
		default:
			sb_add(sb, s, 1);
		}
	}
}

void plot_page_init(struct plot_page *p)
{
	memset(p, 0, sizeof(*p));
	p->gnuplot = plot_have_gnuplot();
	p->tmp = plot_tmpdir();
}

void plot_page_release(struct plot_page *p)
{
	if (!p)
		return;
	if (p->tmp) {
		remove_tree(p->tmp);
		free(p->tmp);
	}
	sb_release(&p->sb);
	memset(p, 0, sizeof(*p));
}

void plot_figure(struct plot_page *p, const char *name, const char *const *vars,
		 const char *caption)
{
	char err[512] = "", *svg, prefix[16];
	int ret = -ENOENT;

	p->nplots++;
	svg = xasprintf("%s/plot-%d.svg", p->tmp ? p->tmp : "/nonexistent", p->nplots);
	/* ids unique in the page: gnuplot names them alike in every SVG */
	snprintf(prefix, sizeof(prefix), "p%d", p->nplots);
	sb_adds(&p->sb, "<figure>\n");
	if (!p->gnuplot)
		snprintf(err, sizeof(err), "gnuplot is not installed (make deps)");
	else if (!p->tmp)
		snprintf(err, sizeof(err), "no temporary directory for plots");
	else
		ret = plot_run(name, vars, svg, err, sizeof(err));
	if (!ret)
		ret = plot_svg_inline(svg, prefix, &p->sb);
	if (ret) {
		sb_adds(&p->sb, "<p class=\"note\">plot not made: ");
		html_escape(&p->sb, err[0] ? err : strerror(-ret));
		sb_adds(&p->sb, "</p>\n");
	}
	sb_adds(&p->sb, "\n<figcaption>");
	html_escape(&p->sb, caption);
	sb_adds(&p->sb, "</figcaption>\n</figure>\n");
	unlink(svg);
	free(svg);
}
