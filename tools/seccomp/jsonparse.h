/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small JSON reader for the one document seccomp-gen reads (--merge): the
 * whole text into a tree of values. Strict RFC 8259, no extensions.
 */
#ifndef __TT_SG_JSONPARSE_H
#define __TT_SG_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	bool b;
	bool is_uint; /* a number that is a whole value in 0..UINT64_MAX */
	uint64_t u;
	char *s;          /* JV_STR, NUL-terminated (a \u0000 ends it early) */
	size_t n;         /* JV_ARR, JV_OBJ: members */
	size_t cap;       /* JV_ARR, JV_OBJ: room for members in items and keys */
	struct jv *items; /* n values */
	char **keys;      /* JV_OBJ: n keys */
};

/* Parse text (len bytes). Returns 0, or -EINVAL with "line N: what" in err. */
int jv__parse(struct jv *out, const char *text, size_t len, char *err, size_t errlen);

void jv__free(struct jv *v);

/* The member key of an object, or NULL (also when v is not an object). */
const struct jv *jv__get(const struct jv *v, const char *key);

#endif /* __TT_SG_JSONPARSE_H */
