/* SPDX-License-Identifier: GPL-2.0 */
/*
 * u64map.h - an open-addressing hash map from a 64-bit key to a 32-bit
 * value (typically an index into an array the caller owns). For the hot
 * paths that see one lookup per trace event.
 *
 *	struct u64map m = U64MAP_INIT;
 *	bool found;
 *	uint32_t *v = u64map_slot(&m, key, &found);
 *	if (!found) *v = n++;
 *	u64map_release(&m);
 */
#ifndef PB_U64MAP_H
#define PB_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;		/* key + 1; 0 marks an empty slot */
	uint32_t *vals;
	size_t cap, n;
};
#define U64MAP_INIT { NULL, NULL, 0, 0 }

/*
 * u64map_slot - the value slot of @key, inserted (with *@found false and
 * the value 0) when missing. The pointer is valid until the next insertion.
 * Any key except UINT64_MAX.
 */
uint32_t *u64map_slot(struct u64map *m, uint64_t key, bool *found);
/* The value slot of @key, or NULL. */
uint32_t *u64map_find(const struct u64map *m, uint64_t key);
void u64map_release(struct u64map *m);

#endif
