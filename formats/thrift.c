// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Thrift compact protocol writer (the Thrift project's
 * doc/specs/thrift-compact-protocol.md): a field is a byte of its id's
 * delta from the previous field (when 1 to 15) and its type, or the type
 * then the id as a zigzag varint; integers are zigzag varints; a binary is
 * its length (varint) then its bytes; a boolean field's value is its type
 * (1 true, 2 false); a struct ends with a 0 byte.
 */
#include <stdlib.h>
#include <string.h>

#include "thrift.h"

void bbuf__put(struct bbuf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *d;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			cap *= 2;
		}
		d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void bbuf__byte(struct bbuf *b, unsigned char c)
{
	if (!b->failed && b->len < b->cap)
		b->data[b->len++] = c;
	else
		bbuf__put(b, &c, 1);
}

void bbuf__varint(struct bbuf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (unsigned char)v;
	bbuf__put(b, tmp, n);
}

void bbuf__free(struct bbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void thrift__init(struct thrift *t, struct bbuf *out)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
}

static void field(struct thrift *t, int16_t id, enum thrift_type type)
{
	int16_t *last = &t->last[t->depth];

	if (id > *last && id - *last <= 15) {
		bbuf__byte(t->out, (unsigned char)((id - *last) << 4 | type));
	} else {
		bbuf__byte(t->out, (unsigned char)type);
		bbuf__varint(t->out, zigzag(id));
	}
	*last = id;
}

void thrift__i32(struct thrift *t, int16_t id, int32_t v)
{
	field(t, id, THRIFT_I32);
	bbuf__varint(t->out, zigzag(v));
}

void thrift__i64(struct thrift *t, int16_t id, int64_t v)
{
	field(t, id, THRIFT_I64);
	bbuf__varint(t->out, zigzag(v));
}

void thrift__byte(struct thrift *t, int16_t id, int8_t v)
{
	field(t, id, THRIFT_BYTE);
	bbuf__byte(t->out, (unsigned char)v);
}

void thrift__bool(struct thrift *t, int16_t id, bool v)
{
	field(t, id, v ? THRIFT_TRUE : THRIFT_FALSE);
}

void thrift__binary(struct thrift *t, int16_t id, const void *p, size_t n)
{
	field(t, id, THRIFT_BINARY);
	thrift__elem_binary(t, p, n);
}

void thrift__string(struct thrift *t, int16_t id, const char *s)
{
	thrift__binary(t, id, s, strlen(s));
}

void thrift__begin(struct thrift *t, int16_t id)
{
	if (id)
		field(t, id, THRIFT_STRUCT);
	if (t->depth + 1 >= THRIFT_MAX_DEPTH) {
		t->out->failed = true;
		return;
	}
	t->last[++t->depth] = 0;
}

void thrift__end(struct thrift *t)
{
	bbuf__byte(t->out, 0);
	if (t->depth > 0)
		t->depth--;
}

void thrift__list(struct thrift *t, int16_t id, enum thrift_type type, uint32_t n)
{
	field(t, id, THRIFT_LIST);
	if (n < 15) {
		bbuf__byte(t->out, (unsigned char)(n << 4 | type));
	} else {
		bbuf__byte(t->out, (unsigned char)(0xf0 | type));
		bbuf__varint(t->out, n);
	}
}

void thrift__elem_i32(struct thrift *t, int32_t v)
{
	bbuf__varint(t->out, zigzag(v));
}

void thrift__elem_binary(struct thrift *t, const void *p, size_t n)
{
	bbuf__varint(t->out, n);
	bbuf__put(t->out, p, n);
}
