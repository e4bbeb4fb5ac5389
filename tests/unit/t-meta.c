// SPDX-License-Identifier: GPL-2.0
/*
 * t-meta.c - unit tests for lib/resultdir.c: meta.json round trips of
 * every field, its refusals, the atomic write, and resultdir_create's rules
 * about which directories it may replace, in a private mkdtemp directory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "resultdir.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-meta.XXXXXX";

/* Every string field of struct meta, to fill and compare them in one loop. */
static const struct {
	const char *name;
	size_t offset;
} str_fields[] = {
	{ "tool_version", offsetof(struct meta, tool_version) },
	{ "run_id", offsetof(struct meta, run_id) },
	{ "status", offsetof(struct meta, status) },
	{ "target", offsetof(struct meta, target) },
	{ "kernel_release", offsetof(struct meta, kernel_release) },
	{ "kernel_version", offsetof(struct meta, kernel_version) },
	{ "kernel_name", offsetof(struct meta, kernel_name) },
	{ "series", offsetof(struct meta, series) },
	{ "config_hash", offsetof(struct meta, config_hash) },
	{ "cgroup_version", offsetof(struct meta, cgroup_version) },
	{ "cgroup_path", offsetof(struct meta, cgroup_path) },
	{ "workloads", offsetof(struct meta, workloads) },
	{ "scale", offsetof(struct meta, scale) },
	{ "perf_event", offsetof(struct meta, perf_event) },
	{ "start", offsetof(struct meta, start) },
	{ "end", offsetof(struct meta, end) },
	{ "error", offsetof(struct meta, error) },
	{ "failed_log", offsetof(struct meta, failed_log) },
	{ "notes", offsetof(struct meta, notes) },
	{ "pair", offsetof(struct meta, pair) },
	{ "node", offsetof(struct meta, node) },
};

#define STR(m, i) (*(char **)((char *)(m) + str_fields[i].offset))

/* Values that exercise the JSON string escaper; one per string field, cycled. */
static const char *const tricky[] = {
	"0.1 \"beta\"",				/* quotes */
	"C:\\runs\\x\\",			/* backslashes, one at the end */
	"#1 SMP\tPREEMPT_DYNAMIC\nsecond line\r",	/* control characters */
	"\xc4\xb8\x65rnel-\xc2\xb5-\xf0\x9f\x90\xa7",	/* UTF-8: U+0138, U+00B5, U+1F427 */
	"mm/memcg: \"fix\" \\ drift </script>",
	"\x01\x1f\x7f",				/* C0 controls and DEL */
	"",					/* empty, which is not NULL */
	"plain",
};

/* Fills every field of @m with a value that is not its zero value. */
static void fill(struct meta *m)
{
	size_t i;

	meta_init(m);
	for (i = 0; i < ARRAY_SIZE(str_fields); i++) {
		char *v = xasprintf("%s=%s", str_fields[i].name, tricky[i % ARRAY_SIZE(tricky)]);

		STR(m, i) = v;
	}
	m->cpus = 512;
	m->page_size = 65536;
	m->mem_total = (1ULL << 53) + 1;	/* not representable as a double */
	m->depth = 3;
	m->builders = -2;
	m->idle = 7;
	m->jobs = 2147483647;
	m->batch = 64;
	m->interval_ns = 1234567890123456789LL;
	m->duration_s = 0.1 + 0.2;		/* 0.30000000000000004 */
	m->samples = UINT64_MAX - 1;
	m->missed_intervals = 7;
	meta_add_param(m, "idle-anon", "32M");
	meta_add_param(m, "quote\"key", "back\\slash");
	meta_add_param(m, "\xc2\xb5s", "\xf0\x9f\x90\xa7");
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Compares @a and @b field by field, one TAP line per field group; returns fails. */
static int compare(const struct meta *a, const struct meta *b, const char *what)
{
	int fails = 0;
	size_t i;
	bool p;

	for (i = 0; i < ARRAY_SIZE(str_fields); i++)
		fails += !tap_ok(str_eq(STR(a, i), STR(b, i)), "%s: %s round-trips", what,
				 str_fields[i].name);
	fails += !tap_ok(a->schema == b->schema && a->cpus == b->cpus &&
			 a->page_size == b->page_size && a->depth == b->depth &&
			 a->builders == b->builders && a->idle == b->idle &&
			 a->jobs == b->jobs && a->batch == b->batch,
			 "%s: int fields round-trip", what);
	fails += !tap_ok(a->mem_total == b->mem_total && a->samples == b->samples &&
			 a->missed_intervals == b->missed_intervals,
			 "%s: u64 fields round-trip exactly (mem_total %" PRIu64 ", samples %"
			 PRIu64 ")", what, b->mem_total, b->samples);
	fails += !tap_ok(a->interval_ns == b->interval_ns,
			 "%s: interval_ns round-trips exactly (%" PRId64 ")", what, b->interval_ns);
	fails += !tap_ok(!memcmp(&a->duration_s, &b->duration_s, sizeof(double)),
			 "%s: duration_s round-trips to the bit (%.17g)", what, b->duration_s);
	p = a->nparams == b->nparams;
	for (i = 0; p && i < a->nparams; i++)
		p = !strcmp(a->params[i].key, b->params[i].key) &&
		    !strcmp(a->params[i].value, b->params[i].value);
	fails += !tap_ok(p, "%s: %zu params round-trip in order", what, b->nparams);
	return fails;
}

/*
 * Method: fill every field (strings with quotes, backslashes, controls and
 * UTF-8; a u64 and an i64 above 2^53; a double that needs 17 digits), write
 * with meta_to_json, read with meta_from_json.
 * Pass: every field equal; the document has "schema": 1; no member of the
 * document is null or 0, so a field added to meta.json but not to this test
 * is noticed.
 */
static void test_roundtrip(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct meta a, b;
	struct json *j;
	char err[256] = "";
	const char *zero = NULL;
	int64_t schema = 0;
	size_t i;
	int ret;

	fill(&a);
	meta_to_json(&a, &sb);
	ret = meta_from_json(&b, sb.buf, sb.len, err, sizeof(err));
	tap_ok(!ret, "meta_from_json reads what meta_to_json wrote (ret %d) %s", ret, err);
	compare(&a, &b, "json");
	j = json_parse(sb.buf, sb.len, err, sizeof(err));
	tap_ok(j && j->type == JSON_OBJECT && !json_get_i64(j, "schema", &schema) &&
	       schema == META_SCHEMA && sb.len && sb.buf[sb.len - 1] == '\n',
	       "the document is an object with \"schema\": %d and ends in a newline",
	       META_SCHEMA);
	for (i = 0; j && i < j->n; i++) {
		const struct json *v = j->items[i];

		if (v->type == JSON_NULL || (v->type == JSON_NUMBER && v->num == 0) ||
		    (v->type == JSON_OBJECT && v->n == 0)) {
			zero = j->keys[i];
			break;
		}
	}
	tap_ok(j && !zero, "the test fills every member of meta.json (empty: %s)",
	       zero ? zero : "none");
	json_free(j);
	tap_ok(!strcmp(meta_param(&b, "idle-anon"), "32M") &&
	       !strcmp(meta_param(&b, "\xc2\xb5s"), "\xf0\x9f\x90\xa7") &&
	       !meta_param(&b, "idle") && !meta_param(&b, "idle-anon2"),
	       "meta_param finds exact keys only");
	meta_release(&b);

	/* NULL strings come back NULL, not "" */
	meta_release(&a);
	meta_init(&a);
	a.error = xstrdup("");
	sb_reset(&sb);
	meta_to_json(&a, &sb);
	ret = meta_from_json(&b, sb.buf, sb.len, err, sizeof(err));
	tap_ok(!ret && !b.run_id && !b.kernel_name && !b.notes && b.error && !*b.error &&
	       b.nparams == 0 && !b.params, "NULL strings stay NULL, \"\" stays \"\", no params");
	tap_ok(!strstr(sb.buf, "\"pair\"") && !strstr(sb.buf, "\"node\"") && !b.pair && !b.node,
	       "a run without pair and node (an older or local one): neither is written, both "
	       "read back NULL");
	meta_release(&b);
	meta_release(&a);
	tap_ok(!a.error && !a.params && a.schema == META_SCHEMA,
	       "meta_release leaves an initialised meta");
	meta_release(&a);
	meta_release(NULL);
	sb_release(&sb);
}

/*
 * Method: documents meta_from_json must refuse, and lenient cases.
 * Pass: -EINVAL with the messages quoted below; JSON \u escapes decode to
 * UTF-8; a known member of the wrong type is an error naming it (it was
 * ignored: a report showed defaults), unknown members are ignored.
 */
static void test_from_json(void)
{
	static const struct {
		const char *doc, *want, *why;
	} bad[] = {
		{ "not json", "", "non-JSON" },
		{ "{\"schema\": 1,", "", "truncated JSON" },
		{ "", "", "an empty file" },
		{ "{\"run_id\": \"x\"}", "not a patchbench meta.json (no \"schema\")",
		  "a JSON without schema" },
		{ "[1, 2]", "not a patchbench meta.json (no \"schema\")", "an array" },
		{ "{\"schema\": \"1\"}", "not a patchbench meta.json (no \"schema\")",
		  "a string schema" },
		{ "{\"schema\": 2}", "meta.json schema 2 is newer than this patchbench (1)",
		  "a newer schema" },
		{ "{\"schema\": -44444444442}",
		  "field 'schema': -44444444442 is not a schema version (1..1)",
		  "a negative schema (fuzz-meta: cut to an int, written back as another)" },
		{ "{\"schema\": 0}", "field 'schema': 0 is not a schema version (1..1)",
		  "schema 0" },
		{ "{\"schema\": 1, \"cpus\": \"4\"}",
		  "field 'cpus': expected an integer that fits an int, got a string",
		  "a string cpus" },
		{ "{\"schema\": 1, \"cpus\": null}", "field 'cpus': expected an integer",
		  "a null cpus" },
		{ "{\"schema\": 1, \"depth\": 1e10}",
		  "field 'depth': expected an integer that fits an int, got a number out of range",
		  "a depth over INT_MAX" },
		{ "{\"schema\": 1, \"mem_total_bytes\": -1}",
		  "field 'mem_total_bytes': expected a non-negative integer", "a negative u64" },
		{ "{\"schema\": 1, \"status\": 5}",
		  "field 'status': expected a string or null, got a number", "a number status" },
		{ "{\"schema\": 1, \"duration_s\": \"x\"}",
		  "field 'duration_s': expected a number or null, got a string",
		  "a string double" },
		{ "{\"schema\": 1, \"params\": {\"a\": \"b\", \"n\": 5}}",
		  "field 'params.n': expected a string, got a number", "a number param" },
		{ "{\"schema\": 1, \"params\": [1]}",
		  "field 'params': expected an object, got an array", "an array of params" },
	};
	static const char ok[] = "{\"schema\": 1, \"kernel_name\": \"\\u00b5\\ud83d\\udc27\","
				 " \"cpus\": 4, \"status\": null, \"duration_s\": null, "
				 "\"params\": {\"a\": \"b\"}, \"future_key\": [1]}";
	struct meta m;
	char err[256];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		ret = meta_from_json(&m, bad[i].doc, strlen(bad[i].doc), err, sizeof(err));
		tap_ok(ret == -EINVAL && *err && strstr(err, bad[i].want),
		       "rejects %s (ret %d, err \"%s\")", bad[i].why, ret, err);
		meta_release(&m);
	}
	ret = meta_from_json(&m, ok, strlen(ok), err, sizeof(err));
	tap_ok(!ret && m.schema == 1 && str_eq(m.kernel_name, "\xc2\xb5\xf0\x9f\x90\xa7"),
	       "\\u escapes, surrogate pair included, decode to UTF-8 (ret %d)", ret);
	tap_ok(!ret && m.cpus == 4 && !m.status && m.duration_s == 0 && m.nparams == 1 &&
	       str_eq(meta_param(&m, "a"), "b"),
	       "null strings and doubles are unset, unknown keys are ignored");
	meta_release(&m);
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (read_file(path, &sb)) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/*
 * Method: meta_write into the temporary directory, twice, then meta_load.
 * Pass: equal fields; no meta.json.tmp left; the second write replaced the
 * first; load errors name the path.
 */
static void test_write_load(void)
{
	char *dir = xasprintf("%s/run", tmpdir), *path = xasprintf("%s/meta.json", dir);
	char *tmp = xasprintf("%s.tmp", path), *text;
	struct meta a, b;
	char err[512] = "", want[600];
	int ret;

	mkdir(dir, 0755);
	fill(&a);
	ret = meta_write(&a, dir);
	tap_ok(!ret && path_exists(path) && !path_exists(tmp),
	       "meta_write creates meta.json and leaves no meta.json.tmp (ret %d)", ret);
	ret = meta_load(&b, dir, err, sizeof(err));
	tap_ok(!ret, "meta_load reads it back (ret %d) %s", ret, err);
	compare(&a, &b, "file");
	meta_release(&b);

	free(a.status);
	a.status = xstrdup("complete");
	ret = meta_write(&a, dir);
	text = slurp(path);
	tap_ok(!ret && text && strstr(text, "\"status\": \"complete\"") && !path_exists(tmp),
	       "a second meta_write replaces the file");
	free(text);

	write_atomic(path, "{\"schema\": 1", 12);
	ret = meta_load(&b, dir, err, sizeof(err));
	snprintf(want, sizeof(want), "'%s': ", path);
	tap_ok(ret == -EINVAL && !strncmp(err, want, strlen(want)),
	       "a corrupt meta.json: -EINVAL, message starts with the path (%s)", err);
	meta_release(&b);
	unlink(path);
	ret = meta_load(&b, dir, err, sizeof(err));
	snprintf(want, sizeof(want), "cannot read '%s': %s", path, strerror(ENOENT));
	tap_ok(ret == -ENOENT && !strcmp(err, want), "no meta.json: -ENOENT, \"%s\"", err);
	meta_release(&b);
	meta_release(&a);
	remove_tree(dir);
	free(tmp);
	free(path);
	free(dir);
}

/*
 * Method: resultdir_create on a new path, an existing one without and with
 * --force, with and without a meta.json inside.
 * Pass: only a directory holding meta.json is ever replaced, and only with
 * force; a refused directory keeps its files.
 */
static void test_resultdir(void)
{
	char *dir = xasprintf("%s/results/a/b", tmpdir);
	char *keep = xasprintf("%s/precious", dir), *meta = xasprintf("%s/meta.json", dir);
	char err[512] = "";
	int ret;

	ret = resultdir_create(dir, false, err, sizeof(err));
	tap_ok(!ret && is_dir(dir), "creates a new nested directory (ret %d) %s", ret, err);
	write_atomic(keep, "x", 1);
	ret = resultdir_create(dir, false, err, sizeof(err));
	tap_ok(ret == -EEXIST && strstr(err, "already exists") && strstr(err, dir) &&
	       path_exists(keep), "refuses an existing directory without force: \"%s\"", err);
	ret = resultdir_create(dir, true, err, sizeof(err));
	tap_ok(ret == -EPERM && strstr(err, "no meta.json") && path_exists(keep),
	       "refuses to replace a directory without meta.json even with force: \"%s\"", err);
	write_atomic(meta, "{}", 2);
	ret = resultdir_create(dir, false, err, sizeof(err));
	tap_ok(ret == -EEXIST && path_exists(meta), "with meta.json but no force: refused");
	err[0] = '\0';
	ret = resultdir_create(dir, true, err, sizeof(err));
	tap_ok(!ret && is_dir(dir) && !path_exists(keep) && !path_exists(meta),
	       "replaces a directory with meta.json when forced, emptied (ret %d) %s", ret, err);
	free(meta);
	free(keep);
	free(dir);
}

/* Method: known instants. Pass: their ISO 8601 UTC spelling. */
static void test_iso8601(void)
{
	char buf[32];

	tap_ok(!strcmp(iso8601(buf, sizeof(buf), 0), "1970-01-01T00:00:00Z") &&
	       !strcmp(iso8601(buf, sizeof(buf), 1700000000LL * NSEC_PER_SEC + 999999999),
		       "2023-11-14T22:13:20Z"),
	       "iso8601: epoch and 1700000000.999999999 s (%s)", buf);
}

int main(void)
{
	int per_compare = (int)ARRAY_SIZE(str_fields) + 5;

	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	tap_plan((1 + per_compare + 6) + 19 + (2 + per_compare + 3) + 5 + 1 + 1);
	test_roundtrip();
	test_from_json();
	test_write_load();
	test_resultdir();
	test_iso8601();
	tap_ok(!remove_tree(tmpdir) && !path_exists(tmpdir), "temporary directory removed");
	return tap_done();
}
