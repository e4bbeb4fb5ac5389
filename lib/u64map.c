// SPDX-License-Identifier: GPL-2.0
/*
 * u64map.c - linear-probing hash map, grown at half full (see u64map.h).
 */
#include "u64map.h"
#include "util.h"

#include <stdlib.h>

static size_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

static void grow(struct u64map *m)
{
	struct u64map n = U64MAP_INIT;
	size_t i;

	n.cap = m->cap ? m->cap * 2 : 1024;
	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->keys[i])
			continue;
		j = mix(m->keys[i]) & (n.cap - 1);
		while (n.keys[j])
			j = (j + 1) & (n.cap - 1);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	n.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = n;
}

uint32_t *u64map_slot(struct u64map *m, uint64_t key, bool *found)
{
	uint64_t k = key + 1;
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	i = mix(k) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	*found = m->keys[i] == k;
	if (!*found) {
		m->keys[i] = k;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}

uint32_t *u64map_find(const struct u64map *m, uint64_t key)
{
	uint64_t k = key + 1;
	size_t i;

	if (!m->cap)
		return NULL;
	i = mix(k) & (m->cap - 1);
	while (m->keys[i]) {
		if (m->keys[i] == k)
			return &m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
