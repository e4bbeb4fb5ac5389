// SPDX-License-Identifier: GPL-2.0
/*
 * changed.c - stat-delta.tsv as metrics, for compare's "what else changed".
 */
#include "changed.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct delta_row {
	const char *source, *cgroup, *key;
	int64_t level, delta;
};

static const struct tsv_bind binds[] = {
	{ "source", TSV_STR, offsetof(struct delta_row, source) },
	{ "cgroup", TSV_STR, offsetof(struct delta_row, cgroup) },
	{ "level", TSV_I64, offsetof(struct delta_row, level), 0, 64 },
	{ "key", TSV_STR, offsetof(struct delta_row, key) },
	{ "delta", TSV_I64, offsetof(struct delta_row, delta), INT64_MIN, INT64_MAX },
	{ NULL },
};

int changed_load(const char *dir, struct metric_set *ms, char *err, size_t errlen)
{
	char *p = xasprintf("%s/%s", dir, CHANGED_FILE);
	struct delta_row *rows = NULL;
	struct tsv t = { 0 };
	size_t i;
	int ret;

	if (!path_exists(p)) {
		ret = -ENOENT;
		goto out;
	}
	ret = tsv_load(&t, p, err, errlen);
	if (ret)
		goto out;
	ret = tsv_bind_rows(&t, binds, sizeof(*rows), &rows, NULL, err, errlen);
	if (ret)
		goto out;
	for (i = 0; i < t.nrows; i++) {
		const struct delta_row *r = &rows[i];
		struct metric m = { .group = CHANGED_GROUP, .unit = MU_COUNT, .better = MB_LOWER,
				    .thr_rel = CHANGED_THR_REL };

		if (!*r->source || !*r->key) {
			snprintf(err, errlen, "'%s': line %zu: empty source or key", p, i + 2);
			ret = -EINVAL;
			goto out;
		}
		m.key = xasprintf("changed:%s:%s:%s", r->source, r->cgroup, r->key);
		if (!strcmp(r->source, "vmstat"))
			m.label = xasprintf("vmstat:%s", r->key);
		else
			m.label = xasprintf("%s %s:%s", r->cgroup, r->source, r->key);
		metric_set_add(ms, &m, (double)r->delta);
		free(m.key);
		free(m.label);
	}
out:
	free(rows);
	tsv_release(&t);
	free(p);
	return ret;
}
