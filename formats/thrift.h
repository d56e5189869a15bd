/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thrift's compact protocol, the writing half: what formats/parquet.c needs
 * for Parquet's metadata (structs, lists, integers, binaries, booleans),
 * appended to a growable byte buffer. A failed allocation is remembered
 * (bbuf.failed) and the rest of the writes do nothing: check once at the end.
 */
#ifndef __TT_THRIFT_H
#define __TT_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bbuf {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

void bbuf__put(struct bbuf *b, const void *p, size_t n);
void bbuf__byte(struct bbuf *b, unsigned char c);
void bbuf__varint(struct bbuf *b, uint64_t v);
void bbuf__free(struct bbuf *b);

/* The compact protocol's type codes. */
enum thrift_type {
	THRIFT_TRUE = 1,
	THRIFT_FALSE = 2,
	THRIFT_BYTE = 3,
	THRIFT_I16 = 4,
	THRIFT_I32 = 5,
	THRIFT_I64 = 6,
	THRIFT_BINARY = 8,
	THRIFT_LIST = 9,
	THRIFT_STRUCT = 12,
};

#define THRIFT_MAX_DEPTH 8

/* A struct being written, fields in increasing id order; nested structs
 * push the enclosing one's last field id. */
struct thrift {
	struct bbuf *out;
	int depth;
	int16_t last[THRIFT_MAX_DEPTH];
};

void thrift__init(struct thrift *t, struct bbuf *out);
void thrift__i32(struct thrift *t, int16_t id, int32_t v);
void thrift__i64(struct thrift *t, int16_t id, int64_t v);
void thrift__byte(struct thrift *t, int16_t id, int8_t v);
void thrift__bool(struct thrift *t, int16_t id, bool v);
void thrift__binary(struct thrift *t, int16_t id, const void *p, size_t n);
void thrift__string(struct thrift *t, int16_t id, const char *s);
/* A struct field (id > 0) or a list's struct element (id 0): then its
 * fields, then thrift__end. */
void thrift__begin(struct thrift *t, int16_t id);
void thrift__end(struct thrift *t);
/* A list field's header: n elements of type follow (written bare: list
 * elements have no field header; structs through thrift__begin(t, 0)). */
void thrift__list(struct thrift *t, int16_t id, enum thrift_type type, uint32_t n);
/* A bare element of a list. */
void thrift__elem_i32(struct thrift *t, int32_t v);
void thrift__elem_binary(struct thrift *t, const void *p, size_t n);

#endif /* __TT_THRIFT_H */
