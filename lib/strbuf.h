/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_STRBUF_H
#define PB_STRBUF_H

#include <stddef.h>

/* A growable byte buffer, always NUL-terminated. sb_init/sb_release. */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
/* Hands the buffer to the caller (who frees it) and reinitialises @sb. */
char *sb_detach(struct strbuf *sb);
/*
 * sb_add_squoted - @s in single quotes, each quote in it written as
 * @quote_as: "'\\''" for sh, "''" for gnuplot.
 */
void sb_add_squoted(struct strbuf *sb, const char *s, const char *quote_as);

#endif
