/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_SHA256_H
#define PB_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), for cache keys and config hashes. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into @hex. */
void sha256_final_hex(struct sha256 *s, char hex[65]);
/* Hash of a whole file into @hex; 0 or -errno. */
int sha256_file(const char *path, char hex[65]);

#endif
