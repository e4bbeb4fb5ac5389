// SPDX-License-Identifier: GPL-2.0
/*
 * wrap.c - text_wrap(), the word-wrap every text report and benchmark uses.
 */
#include "wrap.h"

#include <stdbool.h>
#include <string.h>

/**
 * text_wrap - print @text after @lead, folded at spaces to @width columns
 * @out: where to
 * @lead: printed first, counts towards the first line
 * @indent: spaces before every continuation line
 * @text: the words
 * @width: at most this many columns per line (a longer word is cut)
 */
void text_wrap(FILE *out, const char *lead, int indent, const char *text, int width)
{
	size_t col = strlen(lead), len, room;
	const char *p = text;
	bool line_start = true;

	fputs(lead, out);
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/*
		 * Up to one past the width only: a word that long is cut anyway,
		 * and measuring all of a 60 MB word for each line of it is
		 * quadratic.
		 */
		for (len = 0; p[len] && p[len] != ' ' && len <= (size_t)width; len++)
			;
		if (!line_start && col + 1 + len > (size_t)width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			line_start = true;
		} else if (!line_start) {
			fputc(' ', out);
			col++;
		}
		/* a word longer than the line is cut where the line ends */
		room = col < (size_t)width ? width - col : 1;
		if (len > room)
			len = room;
		fwrite(p, 1, len, out);
		col += len;
		p += len;
		line_start = false;
	}
	fputc('\n', out);
}
