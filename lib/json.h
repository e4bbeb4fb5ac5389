/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a small JSON writer (into a struct strbuf) and a DOM parser, used
 * for meta.json and the json report format. What the writer emits, the parser
 * reads back unchanged: strings byte for byte, integers exactly, doubles to
 * the last bit.
 */
#ifndef PB_JSON_H
#define PB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Deepest nesting of arrays/objects json_parse() accepts. */
#define JSON_MAX_DEPTH 64

/*
 * Writer. Output is pretty-printed with a 2-space indent; commas and
 * newlines are inserted automatically and empty containers print as {} and
 * []. No newline follows the closing bracket: add one when writing a file.
 * The writer only appends to @sb, which stays the caller's.
 *
 *	jw_init(&w, &sb);
 *	jw_obj_begin(&w);
 *	jw_kint(&w, "schema", 1);
 *	jw_key(&w, "cpus");
 *	jw_arr_begin(&w); jw_int(&w, 0); jw_int(&w, 1); jw_arr_end(&w);
 *	jw_obj_end(&w);
 */
struct json_writer {
	struct strbuf *sb;
	int depth;
	bool need_comma;	/* the current container already has a member */
	bool after_key;		/* a key was written, its value comes next */
};

void jw_init(struct json_writer *w, struct strbuf *sb);
void jw_obj_begin(struct json_writer *w);
void jw_obj_end(struct json_writer *w);
void jw_arr_begin(struct json_writer *w);
void jw_arr_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_str(struct json_writer *w, const char *s);
void jw_strn(struct json_writer *w, const char *s, size_t len);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_double(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
void jw_kstr(struct json_writer *w, const char *key, const char *s);
void jw_kint(struct json_writer *w, const char *key, int64_t v);
void jw_kuint(struct json_writer *w, const char *key, uint64_t v);
void jw_kdouble(struct json_writer *w, const char *key, double v);
void jw_kbool(struct json_writer *w, const char *key, bool v);

/* Parser. */
enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/*
 * A parsed value. Which fields mean something depends on @type:
 *   JSON_BOOL:   @b
 *   JSON_NUMBER: @num always; @i when @is_int (an integer literal that fits
 *                int64_t); @u when @is_uint (a non-negative integer literal
 *                that fits uint64_t)
 *   JSON_STRING: @str (NUL-terminated UTF-8) and @n, its length in bytes
 *                (a string may hold "\u0000", so @n is the real length)
 *   JSON_ARRAY:  @items[0..@n)
 *   JSON_OBJECT: @items[0..@n), @keys[k] is the key of @items[k], in document
 *                order; duplicate keys are kept
 * The whole tree is owned by its root: free it with json_free().
 */
struct json {
	enum json_type type;
	bool b;
	double num;
	int64_t i;
	bool is_int;
	uint64_t u;
	bool is_uint;
	char *str;
	size_t n;
	struct json **items;
	char **keys;
};

struct json *json_parse(const char *buf, size_t len, char *err, size_t errlen);
void json_free(struct json *j);
const struct json *json_get(const struct json *obj, const char *key);
const char *json_get_str(const struct json *obj, const char *key);
int json_i64(const struct json *v, int64_t *out);
int json_u64(const struct json *v, uint64_t *out);
int json_get_i64(const struct json *obj, const char *key, int64_t *out);
int json_get_u64(const struct json *obj, const char *key, uint64_t *out);
int json_get_bool(const struct json *obj, const char *key, bool *out);
double json_get_num(const struct json *obj, const char *key, double def);

/*
 * An index of an object's members by key (json_index_init()): a lookup takes
 * about one key comparison. The object must outlive it.
 */
struct json_index {
	const struct json *obj;
	size_t mask;		/* slots - 1 */
	size_t *slot;		/* member + 1 in each slot, 0 where free */
	uint32_t *hash;		/* the key hash of each used slot */
};

void json_index_init(struct json_index *x, const struct json *obj);
const struct json *json_index_get(const struct json_index *x, const char *key);
void json_index_release(struct json_index *x);

/* Write a tree json_parse() returned with @w. */
void jw_value(struct json_writer *w, const struct json *j);

#endif
