/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_XALLOC_H
#define PB_XALLOC_H

#include <stddef.h>

/* Allocation that dies on failure (out of memory is not a recoverable state here). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a string the caller must free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
