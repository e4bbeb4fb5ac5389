// SPDX-License-Identifier: GPL-2.0
/*
 * t-json.c - unit tests for lib/json.c: exact writer output, round
 * trips through the parser, error messages with positions, the depth limit
 * and the json_get helpers and the index of an object.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"
#include "util.h"

static struct json *parse_str(const char *s, char *err, size_t errlen)
{
	return json_parse(s, strlen(s), err, errlen);
}

/*
 * Method: build a small nested document covering every value kind,
 * empty containers and NaN.
 * Pass: byte-exact match with the expected pretty-printed text.
 */
static void test_writer_exact(void)
{
	static const char want[] =
		"{\n"
		"  \"schema\": 1,\n"
		"  \"kernel\": \"6.8.0-rc1\",\n"
		"  \"cpus\": [\n"
		"    0,\n"
		"    -1\n"
		"  ],\n"
		"  \"empty\": {},\n"
		"  \"none\": [],\n"
		"  \"nested\": {\n"
		"    \"ok\": true,\n"
		"    \"ratio\": 0.5,\n"
		"    \"null\": null,\n"
		"    \"deep\": [\n"
		"      {\n"
		"        \"x\": false\n"
		"      }\n"
		"    ]\n"
		"  },\n"
		"  \"big\": 18446744073709551615,\n"
		"  \"one\": 1.0,\n"
		"  \"nan\": null,\n"
		"  \"nostr\": null\n"
		"}";
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_kstr(&w, "kernel", "6.8.0-rc1");
	jw_key(&w, "cpus");
	jw_arr_begin(&w);
	jw_int(&w, 0);
	jw_int(&w, -1);
	jw_arr_end(&w);
	jw_key(&w, "empty");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_key(&w, "none");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_key(&w, "nested");
	jw_obj_begin(&w);
	jw_kbool(&w, "ok", true);
	jw_kdouble(&w, "ratio", 0.5);
	jw_key(&w, "null");
	jw_null(&w);
	jw_key(&w, "deep");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kbool(&w, "x", false);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_kuint(&w, "big", UINT64_MAX);
	jw_kdouble(&w, "one", 1.0);
	jw_kdouble(&w, "nan", NAN);
	jw_kstr(&w, "nostr", NULL);
	jw_obj_end(&w);
	if (!tap_ok(sb.len == strlen(want) && !strcmp(sb.buf, want), "writer output is exact"))
		tap_diag("got:\n%s", sb.buf);
	sb_release(&sb);

	/* escaping: short escapes, \u00XX for other controls, UTF-8 as-is */
	sb_init(&sb);
	jw_init(&w, &sb);
	jw_str(&w, "a\"b\\c\n\t\r\b\f\x01\x1f/\xc3\xa9");
	tap_ok(!strcmp(sb.buf, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f/\xc3\xa9\""),
	       "string escaping is exact: %s", sb.buf);
	sb_release(&sb);

	/* doubles: shortest text that reads back, always with a fraction or exponent */
	sb_init(&sb);
	jw_init(&w, &sb);
	jw_arr_begin(&w);
	jw_double(&w, 0.1);
	jw_double(&w, 1.0 / 3);
	jw_double(&w, -0.0);
	jw_double(&w, 1e300);
	jw_double(&w, 100);
	jw_double(&w, -INFINITY);
	jw_arr_end(&w);
	tap_ok(!strcmp(sb.buf, "[\n  0.1,\n  0.3333333333333333,\n  -0.0,\n  1e+300,\n"
			       "  100.0,\n  null\n]"), "double formatting is exact");
	sb_release(&sb);
}

static const char *const strings[] = {
	"",
	"plain",
	"quote \" backslash \\ slash /",
	"controls \x01\x02\x1f\x7f and \n\r\t\b\f",
	"utf-8: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	"memory.stat:inactive_file",
};

static const int64_t ints[] = { 0, 1, -1, INT64_MAX, INT64_MIN, INT64_MIN + 1, 4294967296LL };

static const double doubles[] = {
	0.1, 1.0 / 3, -2.5, 1e300, -1e-300, DBL_MAX, DBL_MIN, 5e-324, 123456789.0,
	0.30000000000000004, 9007199254740993.0, -0.0, 3.0,
};

/*
 * Method: write strings (incl. an embedded NUL), int64 extremes, UINT64_MAX
 * and awkward doubles, parse the text back.
 * Pass: every value comes back bit for bit, with the right type flags; and
 * writing the parsed tree again reproduces the text exactly.
 */
static void test_round_trip(void)
{
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	struct json_writer w;
	struct json *j, *arr;
	char err[256], key[32];
	size_t i;
	int bad;

	sb_init(&sb);
	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_key(&w, "strings");
	jw_arr_begin(&w);
	for (i = 0; i < ARRAY_SIZE(strings); i++)
		jw_str(&w, strings[i]);
	jw_strn(&w, "a\0b", 3);
	jw_arr_end(&w);
	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		snprintf(key, sizeof(key), "i%zu", i);
		jw_kint(&w, key, ints[i]);
	}
	jw_kuint(&w, "umax", UINT64_MAX);
	jw_kuint(&w, "ubig", 1ULL << 63);
	jw_key(&w, "doubles");
	jw_arr_begin(&w);
	for (i = 0; i < ARRAY_SIZE(doubles); i++)
		jw_double(&w, doubles[i]);
	jw_arr_end(&w);
	jw_kstr(&w, "\"odd\tkey\"", "v");
	jw_obj_end(&w);

	j = json_parse(sb.buf, sb.len, err, sizeof(err));
	if (!tap_ok(j != NULL, "written document parses back (%s)", j ? "ok" : err)) {
		tap_diag("%s", sb.buf);
		exit(tap_done());
	}

	arr = (struct json *)json_get(j, "strings");
	bad = !arr || arr->type != JSON_ARRAY || arr->n != ARRAY_SIZE(strings) + 1;
	for (i = 0; !bad && i < ARRAY_SIZE(strings); i++)
		bad = arr->items[i]->type != JSON_STRING ||
		      arr->items[i]->n != strlen(strings[i]) ||
		      strcmp(arr->items[i]->str, strings[i]);
	tap_ok(!bad, "%zu strings with escapes and UTF-8 round-trip", ARRAY_SIZE(strings));
	tap_ok(!bad && arr->items[i]->n == 3 && !memcmp(arr->items[i]->str, "a\0b", 4),
	       "a string with an embedded NUL keeps its length");

	bad = 0;
	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		const struct json *v;
		int64_t got;

		snprintf(key, sizeof(key), "i%zu", i);
		v = json_get(j, key);
		if (!v || !v->is_int || v->i != ints[i] || json_get_i64(j, key, &got) ||
		    got != ints[i])
			bad++;
	}
	tap_ok(!bad, "int64 values incl. INT64_MIN/INT64_MAX round-trip exactly");
	{
		const struct json *v = json_get(j, "umax");
		uint64_t u = 0;

		tap_ok(v && v->is_uint && !v->is_int && v->u == UINT64_MAX &&
		       !json_get_u64(j, "umax", &u) && u == UINT64_MAX,
		       "UINT64_MAX round-trips as is_uint, not is_int");
		v = json_get(j, "ubig");
		tap_ok(v && v->is_uint && !v->is_int && v->u == 1ULL << 63, "2^63 is uint only");
	}

	arr = (struct json *)json_get(j, "doubles");
	bad = !arr || arr->n != ARRAY_SIZE(doubles);
	for (i = 0; !bad && i < ARRAY_SIZE(doubles); i++) {
		if (memcmp(&arr->items[i]->num, &doubles[i], sizeof(double)) ||
		    arr->items[i]->is_int) {
			tap_diag("double %zu: wrote %.17g read %.17g", i, doubles[i],
				 arr->items[i]->num);
			bad = 1;
		}
	}
	tap_ok(!bad, "%zu doubles (incl. -0.0, denormal, DBL_MAX) round-trip bit-exactly",
	       ARRAY_SIZE(doubles));
	tap_ok(!strcmp(json_get_str(j, "\"odd\tkey\"") ?: "", "v"), "escaped key round-trips");

	sb_init(&sb2);
	jw_init(&w, &sb2);
	jw_value(&w, j);
	tap_ok(sb.len == sb2.len && !strcmp(sb.buf, sb2.buf), "write(parse(text)) == text");

	json_free(j);
	sb_release(&sb);
	sb_release(&sb2);
}

/*
 * Method: parse escapes the writer never produces.
 * Pass: correct UTF-8 bytes, including a surrogate pair.
 */
static void test_unicode(void)
{
	char err[256];
	struct json *j;

	j = parse_str("\"\\u00e9\\u20ac\\ud83d\\ude00\\u0041\\/\"", err, sizeof(err));
	tap_ok(j && j->type == JSON_STRING && j->n == 2 + 3 + 4 + 1 + 1 &&
	       !strcmp(j->str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "A/"),
	       "\\u escapes and a surrogate pair decode to UTF-8");
	json_free(j);
	j = parse_str("\"x\\u0000y\"", err, sizeof(err));
	tap_ok(j && j->n == 3 && !memcmp(j->str, "x\0y", 4), "\\u0000 decodes to a NUL byte");
	json_free(j);
	j = parse_str("\"\\uDBFF\\uDFFF\"", err, sizeof(err));
	tap_ok(j && !strcmp(j->str, "\xf4\x8f\xbf\xbf"), "U+10FFFF via uppercase hex");
	json_free(j);
}

/*
 * Method: malformed documents.
 * Pass: NULL, errno EINVAL and the exact one-line message with line/column.
 */
static void test_errors(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{ "{\n  \"a\": 1,\n  \"b\" 2\n}", "line 3 column 7: expected ':' after object key" },
		{ "", "line 1 column 1: unexpected end of input, expected a value" },
		{ "  \n ", "line 2 column 2: unexpected end of input, expected a value" },
		{ "[1] x", "line 1 column 5: trailing characters after the JSON value" },
		{ "{} {}", "line 1 column 4: trailing characters after the JSON value" },
		{ "[1,]", "line 1 column 4: unexpected character ']', expected a value" },
		{ "{\"a\":1,}", "line 1 column 8: unexpected character '}', expected a string key" },
		{ "{\"a\":1 \"b\":2}", "line 1 column 8: expected ',' or '}' after object member" },
		{ "[1 2]", "line 1 column 4: expected ',' or ']' after array element" },
		{ "[1,\n", "line 2 column 1: unexpected end of input, expected a value" },
		{ "{1:2}", "line 1 column 2: unexpected character '1', expected a string key" },
		{ "\"a\\qb\"", "line 1 column 3: invalid escape '\\q'" },
		{ "\"\\u12G4\"", "line 1 column 2: invalid \\u escape: expected 4 hex digits" },
		{ "\"\\ud800\"", "line 1 column 2: unpaired surrogate \\ud800" },
		{ "\"\\ud800\\u0041\"", "line 1 column 2: unpaired surrogate \\ud800" },
		{ "\"\\udc00\"", "line 1 column 2: unpaired surrogate \\udc00" },
		{ "\"abc", "line 1 column 5: unterminated string" },
		{ "\"a\nb\"", "line 1 column 3: unescaped control character 0x0a in string" },
		{ "01", "line 1 column 1: invalid number: leading zero" },
		{ "-", "line 1 column 1: invalid number: expected a digit after '-'" },
		{ "[1.]", "line 1 column 2: invalid number: expected a digit after '.'" },
		{ "1e+", "line 1 column 1: invalid number: expected a digit in the exponent" },
		{ "1e999", "line 1 column 1: number out of range" },
		{ "[tru]", "line 1 column 2: invalid literal: expected true, false or null" },
		{ "nul", "line 1 column 1: invalid literal: expected true, false or null" },
		{ "truex", "line 1 column 5: trailing characters after the JSON value" },
		{ "'a'", "line 1 column 1: unexpected byte 0x27, expected a value" },
		{ "[+1]", "line 1 column 2: unexpected character '+', expected a value" },
		{ "// c\n{}", "line 1 column 1: unexpected character '/', expected a value" },
	};
	char err[256];
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json *j;

		errno = 0;
		j = parse_str(cases[i].in, err, sizeof(err));
		if (j || errno != EINVAL || strcmp(err, cases[i].msg)) {
			tap_diag("input %zu: got \"%s\", want \"%s\"", i, j ? "(parsed)" : err,
				 cases[i].msg);
			bad++;
		}
		json_free(j);
	}
	tap_ok(!bad, "%zu malformed inputs give the exact positioned message",
	       ARRAY_SIZE(cases));

	/* the length is respected: no reading past it, NUL inside is an error */
	{
		struct json *j = json_parse("123", 2, err, sizeof(err));

		tap_ok(j && j->is_int && j->i == 12, "parse stops at len (\"123\", 2) -> 12");
		json_free(j);
		j = json_parse("[1]\0", 4, err, sizeof(err));
		tap_ok(!j && !strcmp(err,
				       "line 1 column 4: trailing characters after the JSON value"),
		       "a NUL byte inside len is trailing garbage");
		j = json_parse("{", 1, NULL, 0);
		tap_ok(!j && errno == EINVAL, "NULL err buffer is allowed");
		j = json_parse("{\"a\" 1}", 7, err, 12);
		tap_ok(!j && strlen(err) == 11 && !strncmp(err, "line 1 colu", 11),
		       "a short err buffer gets a truncated message");
	}
}

/*
 * Method: nest arrays 64 and 65 deep, and objects 65 deep.
 * Pass: 64 parses, 65 fails with the depth message at the 65th bracket.
 */
static void test_depth(void)
{
	char buf[512], err[256];
	struct json *j;
	int i, depth = 0;

	for (i = 0; i < 64; i++)
		buf[i] = '[';
	for (i = 0; i < 64; i++)
		buf[64 + i] = ']';
	j = json_parse(buf, 128, err, sizeof(err));
	for (const struct json *p = j; p && p->type == JSON_ARRAY; p = p->n ? p->items[0] : NULL)
		depth++;
	tap_ok(j && depth == 64, "64 nested arrays parse (depth %d)", depth);
	json_free(j);

	for (i = 0; i < 65; i++)
		buf[i] = '[';
	for (i = 0; i < 65; i++)
		buf[65 + i] = ']';
	j = json_parse(buf, 130, err, sizeof(err));
	tap_ok(!j && !strcmp(err, "line 1 column 65: nesting deeper than 64 levels"),
	       "65 nested arrays are rejected: %s", j ? "(parsed)" : err);
	json_free(j);

	buf[0] = '\0';
	for (i = 0; i < 65; i++)
		strcat(buf, "{\"\":");
	j = json_parse(buf, strlen(buf), err, sizeof(err));
	tap_ok(!j && !strcmp(err, "line 1 column 257: nesting deeper than 64 levels"),
	       "65 nested objects are rejected: %s", j ? "(parsed)" : err);
}

static void test_get(void)
{
	static const char doc[] =
		"{ \"s\": \"str\", \"i\": -42, \"f\": 1.5, \"e\": 1e3, \"two\": 2.0,\n"
		"  \"t\": true, \"n\": null, \"neg\": -1, \"huge\": 1e30,\n"
		"  \"dup\": 1, \"dup\": 2, \"a\": [1, 2], \"o\": {\"k\": \"v\"} }";
	char err[256];
	struct json *j = json_parse(doc, strlen(doc), err, sizeof(err));
	int64_t i = 0;
	uint64_t u = 0;
	bool b = false;

	if (!tap_ok(j && j->type == JSON_OBJECT && j->n == 13, "helper fixture parses")) {
		tap_diag("%s", err);
		exit(tap_done());
	}
	tap_ok(!strcmp(json_get_str(j, "s"), "str") && !json_get_str(j, "i") &&
	       !json_get_str(j, "missing") && !strcmp(json_get_str(json_get(j, "o"), "k"), "v"),
	       "json_get_str finds strings only");
	tap_ok(!json_get_i64(j, "i", &i) && i == -42 && !json_get_i64(j, "e", &i) && i == 1000 &&
	       !json_get_i64(j, "two", &i) && i == 2, "json_get_i64 reads -42, 1e3, 2.0");
	tap_ok(json_get_i64(j, "missing", &i) == -ENOENT && json_get_i64(j, "s", &i) == -EINVAL &&
	       json_get_i64(j, "f", &i) == -EINVAL && json_get_i64(j, "huge", &i) == -EINVAL,
	       "json_get_i64: -ENOENT when missing, -EINVAL for string/1.5/1e30");
	tap_ok(json_get_u64(j, "neg", &u) == -EINVAL && !json_get_u64(j, "e", &u) && u == 1000,
	       "json_get_u64 rejects -1, accepts 1e3");
	tap_ok(json_get_num(j, "f", -1) == 1.5 && json_get_num(j, "i", 0) == -42 &&
	       json_get_num(j, "s", -7) == -7 && isnan(json_get_num(j, "zz", NAN)),
	       "json_get_num returns numbers or the default");
	tap_ok(!json_get_bool(j, "t", &b) && b && json_get_bool(j, "n", &b) == -EINVAL,
	       "json_get_bool");
	tap_ok(json_get(j, "n") && json_get(j, "n")->type == JSON_NULL, "null member is JSON_NULL");
	tap_ok(!json_get_i64(j, "dup", &i) && i == 1, "duplicate keys: the first wins");
	tap_ok(!json_get(json_get(j, "a"), "k") && !json_get(NULL, "k") && !json_get(j, ""),
	       "json_get on an array, NULL or a missing key is NULL");
	tap_ok(json_get(j, "f")->is_int == false && json_get(j, "i")->is_int &&
	       json_get(j, "two")->is_int == false, "is_int only for integer literals");
	json_free(j);
	json_free(NULL);
}

/*
 * Method: json_index_init() on the test_get() document, on an object of 300
 * members with 50 duplicated keys (the index grows past its first 8 slots and
 * its probes collide), on an empty object, an array and NULL; json_i64() and
 * json_u64() on values.
 * Pass: json_index_get() returns what json_get() does for every key, the
 * first of duplicates, NULL for missing keys and what is not an object.
 */
static void test_index(void)
{
	static const char doc[] =
		"{ \"s\": \"str\", \"i\": -42, \"dup\": 1, \"dup\": 2, \"\": 3, \"o\": {\"k\": 1} }";
	static const char *const keys[] = { "s", "i", "dup", "", "o", "k", "missing", "S" };
	struct strbuf sb = STRBUF_INIT;
	struct json_index x;
	struct json *j, *big, *arr;
	char err[256], key[16];
	size_t k, same = 0;
	int64_t i = 0;
	uint64_t u = 0;

	j = parse_str(doc, err, sizeof(err));
	json_index_init(&x, j);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		same += json_index_get(&x, keys[k]) == json_get(j, keys[k]);
	tap_ok(j && same == ARRAY_SIZE(keys) && json_index_get(&x, "dup") == j->items[2] &&
	       !json_index_get(&x, "k") && !json_index_get(&x, "missing"),
	       "json_index_get finds what json_get does: first duplicate, no nested or missing key");
	json_index_release(&x);

	sb_adds(&sb, "{");
	for (k = 0; k < 300; k++)
		sb_addf(&sb, "%s\"key%zu\": %zu", k ? ", " : "", k % 250, k);
	sb_adds(&sb, "}");
	big = json_parse(sb.buf, sb.len, err, sizeof(err));
	json_index_init(&x, big);
	for (k = same = 0; k < 260; k++) {
		snprintf(key, sizeof(key), "key%zu", k);
		same += json_index_get(&x, key) == json_get(big, key) &&
			(k < 250 ? json_i64(json_index_get(&x, key), &i) == 0 && i == (int64_t)k :
				   !json_index_get(&x, key));
	}
	tap_ok(big && big->n == 300 && same == 260,
	       "300 members, 50 keys twice: the index agrees with json_get for 260 keys");
	json_index_release(&x);
	json_index_release(&x);
	json_index_release(NULL);

	arr = parse_str("[1, 2]", err, sizeof(err));
	json_index_init(&x, arr);
	tap_ok(!json_index_get(&x, "1"), "an index of an array finds nothing");
	json_index_release(&x);
	json_index_init(&x, NULL);
	tap_ok(!json_index_get(&x, ""), "an index of NULL finds nothing");
	json_index_release(&x);
	json_free(arr);
	arr = parse_str("{}", err, sizeof(err));
	json_index_init(&x, arr);
	tap_ok(!json_index_get(&x, ""), "an index of {} finds nothing");
	json_index_release(&x);

	tap_ok(json_i64(NULL, &i) == -ENOENT && json_u64(NULL, &u) == -ENOENT &&
	       json_i64(j->items[0], &i) == -EINVAL && json_u64(j->items[1], &u) == -EINVAL &&
	       !json_i64(j->items[1], &i) && i == -42 && !json_u64(j->items[2], &u) && u == 1,
	       "json_i64/json_u64 of a value: -ENOENT for NULL, -EINVAL for a string or -42 unsigned");
	json_free(arr);
	json_free(big);
	json_free(j);
	sb_release(&sb);
}

/*
 * Method: deterministic mutations (byte flips, truncations) of a valid
 * document; meant to run under ASan/valgrind too.
 * Pass: every input either parses or fails with a "line N column M: "
 * message.
 */
static void test_mutations(void)
{
	static const char doc[] =
		"{\"schema\": 1, \"kernel\": \"6.8\\u00e9\", \"v\": [1.5e3, -0, true, null,"
		" {\"x\": \"\\ud83d\\ude00\"}], \"e\": {}}";
	static const char alphabet[] = "{}[]\",:\\u0e.-+ tfn\n\x01\x80";
	char buf[sizeof(doc)], err[256];
	uint64_t s = 12345;
	size_t len = sizeof(doc) - 1;
	int i, bad = 0, parsed = 0;

	for (i = 0; i < 20000; i++) {
		struct json *j;
		size_t n = len, k;

		memcpy(buf, doc, len);
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		for (k = 0; k < 1 + s % 3; k++) {
			size_t at = (s >> (8 + 8 * k)) % len;

			buf[at] = alphabet[(s >> (32 + 4 * k)) % (sizeof(alphabet) - 1)];
		}
		if (s % 5 == 0)
			n = (s >> 40) % len;
		err[0] = '\0';
		j = json_parse(buf, n, err, sizeof(err));
		if (j)
			parsed++;
		else if (strncmp(err, "line ", 5) || !strstr(err, " column "))
			bad++;
		json_free(j);
	}
	tap_ok(!bad && parsed > 0 && parsed < 20000,
	       "20000 mutated documents: %d parsed, the rest failed cleanly", parsed);
}

int main(void)
{
	tap_plan(41);
	test_writer_exact();
	test_round_trip();
	test_unicode();
	test_errors();
	test_depth();
	test_get();
	test_index();
	test_mutations();
	return tap_done();
}
