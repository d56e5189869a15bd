// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"

#define JV_MAX_DEPTH 64

struct parser {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *what)
{
	int line = 1;

	for (const char *c = ps->start; c < ps->p; c++)
		line += *c == '\n';
	snprintf(ps->err, ps->errlen, "line %d: %s", line, what);
	return -EINVAL;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && strchr(" \t\r\n", *ps->p) && *ps->p)
		ps->p++;
}

static bool eat(struct parser *ps, char c)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == c) {
		ps->p++;
		return true;
	}
	return false;
}

static int hex4(struct parser *ps, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, ps->p++) {
		char c = ps->p < ps->end ? *ps->p : 0;

		if (c >= '0' && c <= '9')
			*out = *out * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*out = *out * 16 + ((c | 0x20) - 'a' + 10);
		else
			return fail(ps, "bad \\u escape");
	}
	return 0;
}

static void put_utf8(char *dst, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		dst[(*n)++] = cp;
	} else if (cp < 0x800) {
		dst[(*n)++] = 0xc0 | cp >> 6;
		dst[(*n)++] = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		dst[(*n)++] = 0xe0 | cp >> 12;
		dst[(*n)++] = 0x80 | (cp >> 6 & 0x3f);
		dst[(*n)++] = 0x80 | (cp & 0x3f);
	} else {
		dst[(*n)++] = 0xf0 | cp >> 18;
		dst[(*n)++] = 0x80 | (cp >> 12 & 0x3f);
		dst[(*n)++] = 0x80 | (cp >> 6 & 0x3f);
		dst[(*n)++] = 0x80 | (cp & 0x3f);
	}
}

/* A string, the opening quote already eaten; escapes never grow the text. */
static int parse_string(struct parser *ps, char **out)
{
	const char *q = ps->p;
	char *s;
	size_t n = 0;
	unsigned cp, lo;

	while (q < ps->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	if (q >= ps->end)
		return fail(ps, "unterminated string");
	s = malloc(q - ps->p + 1);
	if (!s)
		return -ENOMEM;
	while (*ps->p != '"') {
		char c = *ps->p++;

		if ((unsigned char)c < 0x20) {
			free(s);
			return fail(ps, "control character in a string");
		}
		if (c != '\\') {
			s[n++] = c;
			continue;
		}
		c = *ps->p++;
		switch (c) {
		case '"': case '\\': case '/': s[n++] = c; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			if (hex4(ps, &cp)) {
				free(s);
				return -EINVAL;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
			    ps->p[1] == 'u') {
				ps->p += 2;
				if (hex4(ps, &lo)) {
					free(s);
					return -EINVAL;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(s, &n, cp);
			break;
		default:
			free(s);
			return fail(ps, "bad escape in a string");
		}
	}
	ps->p++;
	s[n] = 0;
	*out = s;
	return 0;
}

static int parse_number(struct parser *ps, struct jv *v)
{
	const char *q = ps->p;
	bool whole = true;
	char *endp;

	if (q < ps->end && *q == '-')
		q++, whole = false;
	if (q >= ps->end || *q < '0' || *q > '9')
		return fail(ps, "expected a value");
	while (q < ps->end && strchr("0123456789+-.eE", *q) && *q) {
		whole &= *q >= '0' && *q <= '9';
		q++;
	}
	v->type = JV_NUM;
	/* strtoull wants a NUL after the digits, and text need not have one
	 * (UINT64_MAX has 20 digits) */
	if (whole && q - ps->p <= 20) {
		char digits[24];

		memcpy(digits, ps->p, q - ps->p);
		digits[q - ps->p] = 0;
		errno = 0;
		v->u = strtoull(digits, &endp, 10);
		v->is_uint = !errno && !*endp;
	}
	ps->p = q;
	return 0;
}

static int parse_value(struct parser *ps, struct jv *v, int depth);

/* Room for one more member. The room doubles: growing it one member at a
 * time copied the array for each, so that a long array took quadratic time
 * (a 64 KiB "[0,0,...]" took over a second under ASan). */
static int grow(struct jv *v, bool obj)
{
	size_t ncap = v->cap ? v->cap * 2 : 4;
	struct jv *items;
	char **keys;

	if (v->n == v->cap) {
		items = realloc(v->items, ncap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		v->items = items;
		if (obj) {
			keys = realloc(v->keys, ncap * sizeof(*keys));
			if (!keys)
				return -ENOMEM;
			v->keys = keys;
		}
		v->cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof(*v->items));
	if (obj)
		v->keys[v->n] = NULL;
	return 0;
}

static int parse_members(struct parser *ps, struct jv *v, bool obj, int depth)
{
	char close = obj ? '}' : ']';
	int ret;

	if (eat(ps, close))
		return 0;
	do {
		if ((ret = grow(v, obj)))
			return ret;
		if (obj) {
			if (!eat(ps, '"'))
				return fail(ps, "expected a key");
			if ((ret = parse_string(ps, &v->keys[v->n])))
				return ret;
			if (!eat(ps, ':')) {
				v->n++;
				return fail(ps, "expected ':'");
			}
		}
		ret = parse_value(ps, &v->items[v->n], depth + 1);
		v->n++;
		if (ret)
			return ret;
	} while (eat(ps, ','));
	return eat(ps, close) ? 0 : fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return false;
	ps->p += n;
	return true;
}

static int parse_value(struct parser *ps, struct jv *v, int depth)
{
	if (depth > JV_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	skip_ws(ps);
	if (eat(ps, '{')) {
		v->type = JV_OBJ;
		return parse_members(ps, v, true, depth);
	}
	if (eat(ps, '[')) {
		v->type = JV_ARR;
		return parse_members(ps, v, false, depth);
	}
	if (eat(ps, '"')) {
		v->type = JV_STR;
		return parse_string(ps, &v->s);
	}
	if (word(ps, "true") || word(ps, "false")) {
		v->type = JV_BOOL;
		v->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return 0;
	}
	if (word(ps, "null")) {
		v->type = JV_NULL;
		return 0;
	}
	return parse_number(ps, v);
}

int jv__parse(struct jv *out, const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { text, text + len, text, err, errlen };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = parse_value(&ps, out, 0);
	if (!ret) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			ret = fail(&ps, "text after the document");
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		jv__free(out);
	return ret;
}

void jv__free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv__free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv__get(const struct jv *v, const char *key)
{
	if (v->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->keys[i] && !strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}
