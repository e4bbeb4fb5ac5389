// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - JSON writer and DOM parser (RFC 8259).
 *
 * The parser is a recursive descent over (buf, len) with the nesting depth
 * capped at JSON_MAX_DEPTH, so hostile input cannot blow the stack. Memory
 * comes from xmalloc() and friends: out of memory is fatal in patchbench, so
 * the only errors reported are syntax errors.
 *
 * Numbers go through printf("%.*g")/strtod(), which follow LC_NUMERIC:
 * patchbench never calls setlocale(), so the decimal point is always '.'.
 */
#ifndef _GNU_SOURCE
#endif
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---------------------------------------------------------- */

static void jw_newline(struct json_writer *w)
{
	int i;

	sb_grow(w->sb, 1 + 2 * (size_t)w->depth);
	w->sb->buf[w->sb->len++] = '\n';
	for (i = 0; i < w->depth; i++) {
		w->sb->buf[w->sb->len++] = ' ';
		w->sb->buf[w->sb->len++] = ' ';
	}
	w->sb->buf[w->sb->len] = '\0';
}

/* Everything that starts a value or a key goes through here first. */
static void jw_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma)
		sb_add(w->sb, ",", 1);
	if (w->depth > 0)
		jw_newline(w);
}

static void jw_open(struct json_writer *w, char c)
{
	jw_prefix(w);
	sb_add(w->sb, &c, 1);
	w->depth++;
	w->need_comma = false;
}

static void jw_close(struct json_writer *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	/* need_comma is set iff the container got at least one member */
	if (w->need_comma)
		jw_newline(w);
	sb_add(w->sb, &c, 1);
	w->need_comma = true;
	w->after_key = false;
}

static void jw_escaped(struct strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	sb_add(sb, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_add(sb, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':  esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\t': esc[1] = 't'; break;
		case '\r': esc[1] = 'r'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			elen = 6;
			break;
		}
		sb_add(sb, esc, elen);
	}
	sb_add(sb, s + run, len - run);
	sb_add(sb, "\"", 1);
}

/**
 * jw_init - start writing JSON into a string buffer
 * @w: writer to initialise; holds no resources, so there is no release
 * @sb: buffer the output is appended to; stays owned by the caller
 */
void jw_init(struct json_writer *w, struct strbuf *sb)
{
	w->sb = sb;
	w->depth = 0;
	w->need_comma = false;
	w->after_key = false;
}

/**
 * jw_obj_begin - open an object ('{') as the next value
 * @w: writer
 */
void jw_obj_begin(struct json_writer *w)
{
	jw_open(w, '{');
}

/**
 * jw_obj_end - close the innermost object
 * @w: writer
 */
void jw_obj_end(struct json_writer *w)
{
	jw_close(w, '}');
}

/**
 * jw_arr_begin - open an array ('[') as the next value
 * @w: writer
 */
void jw_arr_begin(struct json_writer *w)
{
	jw_open(w, '[');
}

/**
 * jw_arr_end - close the innermost array
 * @w: writer
 */
void jw_arr_end(struct json_writer *w)
{
	jw_close(w, ']');
}

/**
 * jw_key - write an object key; the next value written belongs to it
 * @w: writer, inside an object
 * @key: key, escaped like jw_str(); not retained
 */
void jw_key(struct json_writer *w, const char *key)
{
	jw_prefix(w);
	jw_escaped(w->sb, key, strlen(key));
	sb_add(w->sb, ": ", 2);
	w->after_key = true;
}

/**
 * jw_strn - write a string of known length, which may contain NUL bytes
 * @w: writer
 * @s: bytes, written as-is except that '"', '\\' and control characters are
 *     escaped; NULL writes null. Not retained.
 * @len: number of bytes at @s
 */
void jw_strn(struct json_writer *w, const char *s, size_t len)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_prefix(w);
	jw_escaped(w->sb, s, len);
	w->need_comma = true;
}

/**
 * jw_str - write a string
 * @w: writer
 * @s: NUL-terminated string or NULL (writes null); not retained
 *
 * '"' and '\\' are backslash-escaped, \n \t \r \b \f use their short
 * escapes and other control characters are written as \u00XX. Bytes >= 0x80
 * are copied unchanged, so UTF-8 stays UTF-8.
 */
void jw_str(struct json_writer *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

static void jw_raw(struct json_writer *w, const char *s, size_t len)
{
	jw_prefix(w);
	sb_add(w->sb, s, len);
	w->need_comma = true;
}

static size_t fmt_u64(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return end - p;
}

/**
 * jw_int - write a signed integer, exactly
 * @w: writer
 * @v: value
 */
void jw_int(struct json_writer *w, int64_t v)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	size_t n;

	/* 0 - (uint64_t)v is well defined for INT64_MIN */
	n = fmt_u64(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0) {
		n++;
		end[-(ptrdiff_t)n] = '-';
	}
	jw_raw(w, end - n, n);
}

/**
 * jw_uint - write an unsigned integer, exactly
 * @w: writer
 * @v: value
 */
void jw_uint(struct json_writer *w, uint64_t v)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	size_t n = fmt_u64(end, v);

	jw_raw(w, end - n, n);
}

/**
 * jw_double - write a double in the shortest form that reads back exactly
 * @w: writer
 * @v: value; NaN and infinities have no JSON form and are written as null
 *
 * An integral value gets a ".0" suffix so that the reader still sees a
 * fraction (e.g. 3.0 is written "3.0", not "3").
 */
void jw_double(struct json_writer *w, double v)
{
	char buf[40];
	int prec, len = 0;

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, sizeof(buf) - 2, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strspn(buf, "-0123456789") == (size_t)len) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	jw_raw(w, buf, len);
}

/**
 * jw_bool - write true or false
 * @w: writer
 * @v: value
 */
void jw_bool(struct json_writer *w, bool v)
{
	if (v)
		jw_raw(w, "true", 4);
	else
		jw_raw(w, "false", 5);
}

/**
 * jw_null - write null
 * @w: writer
 */
void jw_null(struct json_writer *w)
{
	jw_raw(w, "null", 4);
}

/**
 * jw_kstr - write "key": string (NULL @s writes null)
 * @w: writer, inside an object
 * @key: key; not retained
 * @s: value; not retained
 */
void jw_kstr(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

/**
 * jw_kint - write "key": signed integer
 * @w: writer, inside an object
 * @key: key; not retained
 * @v: value
 */
void jw_kint(struct json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

/**
 * jw_kuint - write "key": unsigned integer
 * @w: writer, inside an object
 * @key: key; not retained
 * @v: value
 */
void jw_kuint(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

/**
 * jw_kdouble - write "key": double (null for NaN and infinities)
 * @w: writer, inside an object
 * @key: key; not retained
 * @v: value
 */
void jw_kdouble(struct json_writer *w, const char *key, double v)
{
	jw_key(w, key);
	jw_double(w, v);
}

/**
 * jw_kbool - write "key": true/false
 * @w: writer, inside an object
 * @key: key; not retained
 * @v: value
 */
void jw_kbool(struct json_writer *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

/* ---- parser ---------------------------------------------------------- */

struct jparser {
	const char *buf;
	size_t len;
	size_t pos;
	int depth;
	bool failed;
	char *err;
	size_t errlen;
};

static __attribute__((format(printf, 3, 4)))
void jp_error(struct jparser *p, size_t at, const char *fmt, ...)
{
	size_t line = 1, col = 1, i, n;
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	if (!p->err || !p->errlen)
		return;
	for (i = 0; i < at && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(p->err, p->errlen, "line %zu column %zu: ", line, col);
	if (n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
}

/* Reports the character at p->pos (or end of input) as unexpected. */
static void jp_unexpected(struct jparser *p, const char *what)
{
	unsigned char c;

	if (p->pos >= p->len) {
		jp_error(p, p->pos, "unexpected end of input%s%s", what ? ", " : "",
			 what ? what : "");
		return;
	}
	c = p->buf[p->pos];
	if (c > 0x20 && c < 0x7f && c != '\'')
		jp_error(p, p->pos, "unexpected character '%c'%s%s", c, what ? ", " : "",
			 what ? what : "");
	else
		jp_error(p, p->pos, "unexpected byte 0x%02x%s%s", c, what ? ", " : "",
			 what ? what : "");
}

static void jp_skip_ws(struct jparser *p)
{
	while (p->pos < p->len) {
		char c = p->buf[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static struct json *jp_value(struct jparser *p);

static struct json *json_new(enum json_type type)
{
	struct json *j = xcalloc(1, sizeof(*j));

	j->type = type;
	return j;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the 4 hex digits of a \u escape starting at @at; -1 if invalid. */
static long jp_hex4(struct jparser *p, size_t at)
{
	long v = 0;
	int k;

	if (p->len - at < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		int h = hexval(p->buf[at + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void put_utf8(struct strbuf *sb, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	sb_add(sb, u, n);
}

/*
 * Parses a string starting at the opening quote. On success returns 0 and
 * hands the decoded bytes to *out (caller frees) with their length in *outlen.
 */
static int jp_string(struct jparser *p, char **out, size_t *outlen)
{
	struct strbuf sb = STRBUF_INIT;
	size_t run;

	p->pos++;	/* opening quote */
	sb_init(&sb);
	run = p->pos;
	for (;;) {
		unsigned char c;
		size_t esc;
		long cp, lo;

		if (p->pos >= p->len) {
			jp_error(p, p->pos, "unterminated string");
			goto out_fail;
		}
		c = p->buf[p->pos];
		if (c >= 0x20 && c != '"' && c != '\\') {
			p->pos++;
			continue;
		}
		sb_add(&sb, p->buf + run, p->pos - run);
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			jp_error(p, p->pos, "unescaped control character 0x%02x in string", c);
			goto out_fail;
		}
		/* backslash */
		esc = p->pos;
		if (esc + 1 >= p->len) {
			jp_error(p, esc + 1, "unterminated string");
			goto out_fail;
		}
		c = p->buf[esc + 1];
		p->pos = esc + 2;
		switch (c) {
		case '"':  sb_add(&sb, "\"", 1); break;
		case '\\': sb_add(&sb, "\\", 1); break;
		case '/':  sb_add(&sb, "/", 1); break;
		case 'b':  sb_add(&sb, "\b", 1); break;
		case 'f':  sb_add(&sb, "\f", 1); break;
		case 'n':  sb_add(&sb, "\n", 1); break;
		case 'r':  sb_add(&sb, "\r", 1); break;
		case 't':  sb_add(&sb, "\t", 1); break;
		case 'u':
			cp = jp_hex4(p, p->pos);
			if (cp < 0) {
				jp_error(p, esc, "invalid \\u escape: expected 4 hex digits");
				goto out_fail;
			}
			p->pos += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				jp_error(p, esc, "unpaired surrogate \\u%04lx", cp);
				goto out_fail;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->pos < 2 || p->buf[p->pos] != '\\' ||
				    p->buf[p->pos + 1] != 'u' ||
				    (lo = jp_hex4(p, p->pos + 2)) < 0xdc00 || lo > 0xdfff) {
					jp_error(p, esc, "unpaired surrogate \\u%04lx", cp);
					goto out_fail;
				}
				p->pos += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(&sb, cp);
			break;
		default:
			if (c > 0x20 && c < 0x7f && c != '\'')
				jp_error(p, esc, "invalid escape '\\%c'", c);
			else
				jp_error(p, esc, "invalid escape: byte 0x%02x after backslash", c);
			goto out_fail;
		}
		run = p->pos;
	}
	*outlen = sb.len;
	*out = sb_detach(&sb);
	return 0;

out_fail:
	sb_release(&sb);
	return -EINVAL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct json *jp_number(struct jparser *p)
{
	size_t start = p->pos, i = p->pos;
	bool neg = false, integer = true;
	struct json *j;
	char tmp[64];
	char *tok;
	size_t toklen;

	if (p->buf[i] == '-') {
		neg = true;
		i++;
	}
	if (i < p->len && p->buf[i] == '0') {
		i++;
		if (i < p->len && is_digit(p->buf[i])) {
			jp_error(p, start, "invalid number: leading zero");
			return NULL;
		}
	} else if (i < p->len && is_digit(p->buf[i])) {
		while (i < p->len && is_digit(p->buf[i]))
			i++;
	} else {
		jp_error(p, start, "invalid number: expected a digit after '-'");
		return NULL;
	}
	if (i < p->len && p->buf[i] == '.') {
		integer = false;
		i++;
		if (i >= p->len || !is_digit(p->buf[i])) {
			jp_error(p, start, "invalid number: expected a digit after '.'");
			return NULL;
		}
		while (i < p->len && is_digit(p->buf[i]))
			i++;
	}
	if (i < p->len && (p->buf[i] == 'e' || p->buf[i] == 'E')) {
		integer = false;
		i++;
		if (i < p->len && (p->buf[i] == '+' || p->buf[i] == '-'))
			i++;
		if (i >= p->len || !is_digit(p->buf[i])) {
			jp_error(p, start, "invalid number: expected a digit in the exponent");
			return NULL;
		}
		while (i < p->len && is_digit(p->buf[i]))
			i++;
	}

	/* buf need not be NUL-terminated after the token: copy it for strtod */
	toklen = i - start;
	tok = toklen < sizeof(tmp) ? tmp : xmalloc(toklen + 1);
	memcpy(tok, p->buf + start, toklen);
	tok[toklen] = '\0';

	j = json_new(JSON_NUMBER);
	j->num = strtod(tok, NULL);
	if (tok != tmp)
		free(tok);
	if (isinf(j->num)) {
		jp_error(p, start, "number out of range");
		free(j);
		return NULL;
	}
	if (integer) {
		uint64_t u = 0;
		bool ovf = false;
		size_t k;

		for (k = start + neg; k < i; k++) {
			unsigned d = p->buf[k] - '0';

			if (u > (UINT64_MAX - d) / 10) {
				ovf = true;
				break;
			}
			u = u * 10 + d;
		}
		if (!ovf && !neg) {
			j->u = u;
			j->is_uint = true;
			if (u <= INT64_MAX) {
				j->i = (int64_t)u;
				j->is_int = true;
			}
		} else if (!ovf && u <= (uint64_t)INT64_MAX + 1) {
			j->i = (int64_t)(0 - u);
			j->is_int = true;
		}
	}
	p->pos = i;
	return j;
}

static struct json *jp_literal(struct jparser *p)
{
	static const struct {
		const char *text;
		enum json_type type;
		bool b;
	} lits[] = {
		{ "true", JSON_BOOL, true },
		{ "false", JSON_BOOL, false },
		{ "null", JSON_NULL, false },
	};
	size_t k;

	for (k = 0; k < sizeof(lits) / sizeof(lits[0]); k++) {
		size_t n = strlen(lits[k].text);
		struct json *j;

		if (p->len - p->pos < n || memcmp(p->buf + p->pos, lits[k].text, n))
			continue;
		j = json_new(lits[k].type);
		j->b = lits[k].b;
		p->pos += n;
		return j;
	}
	jp_error(p, p->pos, "invalid literal: expected true, false or null");
	return NULL;
}

static void json_append(struct json *j, size_t *alloc, struct json *item, char *key)
{
	if (j->n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 4;
		j->items = xrealloc(j->items, *alloc * sizeof(*j->items));
		if (j->type == JSON_OBJECT)
			j->keys = xrealloc(j->keys, *alloc * sizeof(*j->keys));
	}
	j->items[j->n] = item;
	if (j->type == JSON_OBJECT)
		j->keys[j->n] = key;
	j->n++;
}

static struct json *jp_container(struct jparser *p, bool is_obj)
{
	struct json *j = json_new(is_obj ? JSON_OBJECT : JSON_ARRAY);
	char close = is_obj ? '}' : ']';
	size_t alloc = 0;

	if (++p->depth > JSON_MAX_DEPTH) {
		jp_error(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		goto out_fail;
	}
	p->pos++;
	jp_skip_ws(p);
	if (p->pos < p->len && p->buf[p->pos] == close) {
		p->pos++;
		goto out;
	}
	for (;;) {
		struct json *item;
		char *key = NULL;
		size_t keylen;

		if (is_obj) {
			jp_skip_ws(p);
			if (p->pos >= p->len || p->buf[p->pos] != '"') {
				jp_unexpected(p, "expected a string key");
				goto out_fail;
			}
			if (jp_string(p, &key, &keylen))
				goto out_fail;
			jp_skip_ws(p);
			if (p->pos >= p->len || p->buf[p->pos] != ':') {
				jp_error(p, p->pos, "expected ':' after object key");
				free(key);
				goto out_fail;
			}
			p->pos++;
		}
		item = jp_value(p);
		if (!item) {
			free(key);
			goto out_fail;
		}
		json_append(j, &alloc, item, key);
		jp_skip_ws(p);
		if (p->pos < p->len && p->buf[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->buf[p->pos] == close) {
			p->pos++;
			break;
		}
		jp_error(p, p->pos, is_obj ? "expected ',' or '}' after object member" :
					     "expected ',' or ']' after array element");
		goto out_fail;
	}
out:
	p->depth--;
	return j;

out_fail:
	json_free(j);
	return NULL;
}

static struct json *jp_value(struct jparser *p)
{
	struct json *j;
	char c;

	jp_skip_ws(p);
	if (p->pos >= p->len) {
		jp_unexpected(p, "expected a value");
		return NULL;
	}
	c = p->buf[p->pos];
	switch (c) {
	case '{':
		return jp_container(p, true);
	case '[':
		return jp_container(p, false);
	case '"':
		j = json_new(JSON_STRING);
		if (jp_string(p, &j->str, &j->n)) {
			free(j);
			return NULL;
		}
		return j;
	case 't':
	case 'f':
	case 'n':
		return jp_literal(p);
	default:
		if (c == '-' || is_digit(c))
			return jp_number(p);
		jp_unexpected(p, "expected a value");
		return NULL;
	}
}

/**
 * json_parse - parse one JSON document
 * @buf: text; need not be NUL-terminated
 * @len: bytes at @buf
 * @err: where a one-line message goes on failure, e.g.
 *       "line 3 column 7: expected ':' after object key" (columns count
 *       bytes from 1); may be NULL
 * @errlen: size of @err
 *
 * Strict RFC 8259: no comments, no trailing commas, nothing but whitespace
 * after the value, nesting at most JSON_MAX_DEPTH deep. \uXXXX escapes,
 * including surrogate pairs, are decoded to UTF-8; other bytes are copied
 * as they are (the input's UTF-8 is not validated).
 *
 * Return: the root value, which the caller frees with json_free(), or NULL
 * with @err set and errno = EINVAL.
 */
struct json *json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct jparser p = {
		.buf = buf, .len = len, .err = err, .errlen = errlen,
	};
	struct json *j;

	if (err && errlen)
		err[0] = '\0';
	j = jp_value(&p);
	if (j) {
		jp_skip_ws(&p);
		if (p.pos < p.len) {
			jp_error(&p, p.pos, "trailing characters after the JSON value");
			json_free(j);
			j = NULL;
		}
	}
	if (!j)
		errno = EINVAL;
	return j;
}

/**
 * json_free - free a tree returned by json_parse()
 * @j: root, or NULL
 */
void json_free(struct json *j)
{
	size_t k;

	if (!j)
		return;
	if (j->type == JSON_ARRAY || j->type == JSON_OBJECT) {
		for (k = 0; k < j->n; k++) {
			json_free(j->items[k]);
			if (j->keys)
				free(j->keys[k]);
		}
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

/**
 * json_get - look up a member of an object
 * @obj: object (anything else, or NULL, finds nothing)
 * @key: key to find; with duplicate keys the first one wins
 *
 * Return: the member, owned by @obj's tree, or NULL.
 */
const struct json *json_get(const struct json *obj, const char *key)
{
	size_t k;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (k = 0; k < obj->n; k++)
		if (!strcmp(obj->keys[k], key))
			return obj->items[k];
	return NULL;
}

/* FNV-1a of a key: the slot of json_index */
static uint32_t json_key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/**
 * json_index_init - index the members of an object by key
 * @x: index to fill; release it with json_index_release()
 * @obj: object (anything else, or NULL, gives an index that finds nothing);
 *       it must outlive @x
 *
 * json_index_get() then finds a member in about one comparison, where
 * json_get() compares the key with each member before it: for a reader that
 * looks up every field of its schema in an object of about as many members.
 */
void json_index_init(struct json_index *x, const struct json *obj)
{
	size_t k, i, n = 8;

	memset(x, 0, sizeof(*x));
	x->obj = obj;
	if (!obj || obj->type != JSON_OBJECT || !obj->n)
		return;
	while (n < 2 * obj->n)
		n <<= 1;
	x->mask = n - 1;
	x->slot = xcalloc(n, sizeof(*x->slot));
	x->hash = xcalloc(n, sizeof(*x->hash));
	for (k = 0; k < obj->n; k++) {
		uint32_t h = json_key_hash(obj->keys[k]);

		for (i = h & x->mask; x->slot[i]; i = (i + 1) & x->mask)
			if (x->hash[i] == h && !strcmp(obj->keys[x->slot[i] - 1], obj->keys[k]))
				break;
		/* with duplicate keys the first one wins, as in json_get() */
		if (!x->slot[i]) {
			x->slot[i] = k + 1;
			x->hash[i] = h;
		}
	}
}

/**
 * json_index_get - json_get() through an index
 * @x: index of json_index_init()
 * @key: key to find; with duplicate keys the first one wins
 *
 * Return: the member, owned by the indexed object's tree, or NULL.
 */
const struct json *json_index_get(const struct json_index *x, const char *key)
{
	uint32_t h;
	size_t i;

	if (!x->slot)
		return NULL;
	h = json_key_hash(key);
	for (i = h & x->mask; x->slot[i]; i = (i + 1) & x->mask)
		if (x->hash[i] == h && !strcmp(x->obj->keys[x->slot[i] - 1], key))
			return x->obj->items[x->slot[i] - 1];
	return NULL;
}

/* json_index_release - free what json_index_init() allocated; NULL is fine */
void json_index_release(struct json_index *x)
{
	if (!x)
		return;
	free(x->slot);
	free(x->hash);
	memset(x, 0, sizeof(*x));
}

/**
 * json_get_str - look up a string member of an object
 * @obj: object
 * @key: key
 *
 * Return: the string, owned by @obj's tree, or NULL if missing or not a string.
 */
const char *json_get_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->str : NULL;
}

/**
 * json_i64 - the integer a parsed value holds
 * @v: value (NULL: a missing member)
 * @out: receives the value on success
 *
 * A number written with a fraction or exponent is accepted when its value
 * is integral and fits (e.g. 1e3, 2.0).
 *
 * Return: 0, -ENOENT if @v is NULL, -EINVAL if not a number or not
 * representable as int64_t.
 */
int json_i64(const struct json *v, int64_t *out)
{
	if (!v)
		return -ENOENT;
	if (v->type != JSON_NUMBER)
		return -EINVAL;
	if (v->is_int) {
		*out = v->i;
		return 0;
	}
	/* -2^63 <= num < 2^63, both bounds exact as doubles */
	if (v->num == trunc(v->num) && v->num >= -9223372036854775808.0 &&
	    v->num < 9223372036854775808.0) {
		*out = (int64_t)v->num;
		return 0;
	}
	return -EINVAL;
}

/**
 * json_u64 - the non-negative integer a parsed value holds
 * @v: value (NULL: a missing member)
 * @out: receives the value on success
 *
 * Return: 0, -ENOENT if @v is NULL, -EINVAL if not a number or not
 * representable as uint64_t.
 */
int json_u64(const struct json *v, uint64_t *out)
{
	if (!v)
		return -ENOENT;
	if (v->type != JSON_NUMBER)
		return -EINVAL;
	if (v->is_uint) {
		*out = v->u;
		return 0;
	}
	if (v->is_int)
		return -EINVAL;	/* a negative integer literal */
	if (v->num == trunc(v->num) && v->num >= 0 && v->num < 18446744073709551616.0) {
		*out = (uint64_t)v->num;
		return 0;
	}
	return -EINVAL;
}

/**
 * json_get_i64 - look up an integer member of an object
 * @obj: object
 * @key: key
 * @out: receives the value on success
 *
 * Return: as json_i64() of the member: 0, -ENOENT if missing, -EINVAL if not
 * a number or not representable as int64_t (1e3 and 2.0 are integers).
 */
int json_get_i64(const struct json *obj, const char *key, int64_t *out)
{
	return json_i64(json_get(obj, key), out);
}

/**
 * json_get_u64 - look up a non-negative integer member of an object
 * @obj: object
 * @key: key
 * @out: receives the value on success
 *
 * Return: as json_u64() of the member: 0, -ENOENT if missing, -EINVAL if not
 * a number or not representable as uint64_t.
 */
int json_get_u64(const struct json *obj, const char *key, uint64_t *out)
{
	return json_u64(json_get(obj, key), out);
}

/**
 * json_get_bool - look up a boolean member of an object
 * @obj: object
 * @key: key
 * @out: receives the value on success
 *
 * Return: 0, -ENOENT if missing, -EINVAL if not true/false.
 */
int json_get_bool(const struct json *obj, const char *key, bool *out)
{
	const struct json *v = json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (v->type != JSON_BOOL)
		return -EINVAL;
	*out = v->b;
	return 0;
}

/**
 * json_get_num - look up a numeric member of an object
 * @obj: object
 * @key: key
 * @def: returned when the member is missing or not a number (pass NAN to
 *       tell "missing" apart; jw_double() writes NaN as null)
 *
 * Return: the member's value as a double, or @def.
 */
double json_get_num(const struct json *obj, const char *key, double def)
{
	const struct json *v = json_get(obj, key);

	return v && v->type == JSON_NUMBER ? v->num : def;
}

/**
 * jw_value - write a parsed tree (json_parse()) back with @w
 * @w: writer
 * @j: tree; integers are written as integers, other numbers with jw_double()
 */
void jw_value(struct json_writer *w, const struct json *j)
{
	size_t k;

	switch (j->type) {
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_BOOL:
		jw_bool(w, j->b);
		break;
	case JSON_NUMBER:
		if (j->is_int)
			jw_int(w, j->i);
		else if (j->is_uint)
			jw_uint(w, j->u);
		else
			jw_double(w, j->num);
		break;
	case JSON_STRING:
		jw_strn(w, j->str, j->n);
		break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (k = 0; k < j->n; k++)
			jw_value(w, j->items[k]);
		jw_arr_end(w);
		break;
	case JSON_OBJECT:
		jw_obj_begin(w);
		for (k = 0; k < j->n; k++) {
			jw_key(w, j->keys[k]);
			jw_value(w, j->items[k]);
		}
		jw_obj_end(w);
		break;
	}
}
