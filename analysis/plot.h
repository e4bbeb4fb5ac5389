/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plot.h - run the gnuplot scripts of analysis/plots/ and inline their SVG
 * into an HTML page (compare's html report, the dashboard).
 *
 * The scripts read the result TSV files directly; C only passes them the
 * file names and labels as gnuplot variables.
 */
#ifndef PB_PLOT_H
#define PB_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * plot_script - the path of plot script @name ("drift.gp"): in
 * $PATCHBENCH_PLOTS, else the source tree's analysis/plots (built in), else
 * ../analysis/plots next to the binary. NULL when none exists. The caller
 * frees the string.
 */
char *plot_script(const char *name);

/* Whether a gnuplot binary is on $PATH. */
bool plot_have_gnuplot(void);

/*
 * plot_run - run gnuplot on script @name with @vars, a NULL-terminated list
 * of name, value pairs passed as gnuplot string variables, plus "out" =
 * @svg. Returns 0, or -errno with @err (the last line gnuplot printed on
 * stderr when it failed).
 */
int plot_run(const char *name, const char *const *vars, const char *svg, char *err,
	     size_t errlen);

/*
 * plot_svg_inline - append the SVG file @path to @sb without its XML prolog,
 * every id (and reference to one) prefixed with @prefix, so that several
 * gnuplot SVGs can share one HTML document. 0 or -errno.
 */
int plot_svg_inline(const char *path, const char *prefix, struct strbuf *sb);

/* A fresh temporary directory for plot files ($TMPDIR or /tmp); caller removes and frees. */
char *plot_tmpdir(void);

/* Append @s to @sb with &, <, >, " and ' escaped for HTML. */
void html_escape(struct strbuf *sb, const char *s);

/* An HTML page being written that holds plots: its text, a scratch directory, a counter. */
struct plot_page {
	struct strbuf sb;
	char *tmp;		/* scratch directory for data and SVG files, NULL if none */
	int nplots;
	bool gnuplot;		/* gnuplot is installed */
};

/* Start a page: empty text, a fresh scratch directory. Release with plot_page_release(). */
void plot_page_init(struct plot_page *p);
/* Remove the scratch directory and free the text. */
void plot_page_release(struct plot_page *p);

/*
 * plot_figure - run script @name with @vars (as plot_run()) and append a
 * <figure> with the SVG inlined and @caption to @p, or, when the plot
 * cannot be made, a note that says why in its place.
 */
void plot_figure(struct plot_page *p, const char *name, const char *const *vars,
		 const char *caption);

#endif
