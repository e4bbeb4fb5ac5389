/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wrap.h - the one word-wrap of patchbench's text output: reports, compare
 * and the benchmarks fold their prose with it to fit a 72-column email.
 */
#ifndef PB_WRAP_H
#define PB_WRAP_H

#include <stdio.h>

/*
 * text_wrap - print @text after @lead, folded at spaces to @width columns;
 * continuation lines start with @indent spaces, runs of spaces count as
 * one, a word longer than a line is cut. Always ends with a newline.
 */
void text_wrap(FILE *out, const char *lead, int indent, const char *text, int width);

#endif
