/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A streaming JSON writer: one document, written as it is built, so that
 * --events --json needs no memory per event. Keys are given for members of
 * objects and NULL for array elements; commas and escaping are handled here.
 */
#ifndef __TT_JSON_H
#define __TT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json__init(struct json *j, FILE *f);
void json__obj_begin(struct json *j, const char *key);
void json__obj_end(struct json *j);
void json__arr_begin(struct json *j, const char *key);
void json__arr_end(struct json *j);
void json__str(struct json *j, const char *key, const char *s);
/* len bytes that may hold NULs and any other byte (invalid UTF-8 as \u00XX). */
void json__strn(struct json *j, const char *key, const char *s, size_t len);
void json__int(struct json *j, const char *key, int64_t v);
void json__uint(struct json *j, const char *key, uint64_t v);
void json__double(struct json *j, const char *key, double v);
void json__bool(struct json *j, const char *key, bool v);
void json__null(struct json *j, const char *key);

#endif /* __TT_JSON_H */
