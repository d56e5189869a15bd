// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parquet writer, from the Apache Parquet format specification
 * (parquet-format's README and parquet.thrift): "PAR1", the column chunks
 * of each row group, the FileMetaData in Thrift's compact protocol, its
 * length (u32 LE) and "PAR1". Every column chunk is one data page (v1) with
 * the column's definition levels first when it is optional, preceded by a
 * dictionary page for PARQUET_NAME columns; pages are ZSTD frames.
 */
#include "config.h" /* PACKAGE_VERSION */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "le.h"
#include "parquet.h"
#include "thrift.h"

#define ZSTD_LEVEL 6
#define STATS_MAX 64 /* longer strings get no min/max */
#define DICT_SLOTS (2 * PARQUET_DICT_MAX) /* open addressing, a power of 2 */

/* parquet.thrift's enums, the values this writer uses. */
enum { T_BOOLEAN = 0, T_INT32 = 1, T_INT64 = 2, T_BYTE_ARRAY = 6 };
enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { CODEC_ZSTD = 6 };
enum { CT_UTF8 = 0, CT_DECIMAL = 5, CT_UINT_32 = 13, CT_UINT_64 = 14, CT_INT_32 = 17,
       CT_INT_64 = 18 };

struct chunk_meta {
	int64_t data_offset, dict_offset; /* dict_offset -1: none */
	int64_t usize, csize;             /* pages with their headers */
	int64_t nulls;
	bool has_stats;
	unsigned char min[STATS_MAX], max[STATS_MAX];
	uint8_t min_len, max_len;
};

struct group_meta {
	int64_t rows, bytes;
	struct chunk_meta *chunks; /* ncols */
};

struct column {
	struct parquet_column def;
	struct bbuf vals;  /* PLAIN values, or u32 dictionary indices */
	struct bbuf defs;  /* a byte per row: 1 set, 0 null (optional columns) */
	bool set;          /* the current row has its value */
	int64_t nulls;
	/* min/max of the group's values */
	bool has_stats, no_stats;
	int64_t imin, imax;
	struct bbuf smin, smax;
	/* PARQUET_NAME: the dictionary page's PLAIN values and their index */
	struct bbuf dict;
	uint32_t ndict;
	uint32_t *offsets; /* of each entry in dict */
	uint32_t *slots;   /* entry + 1, 0 for free */
};

struct parquet_writer {
	FILE *f;
	int ncols;
	struct column cols[PARQUET_MAX_COLUMNS];
	uint64_t rows, group_rows;
	uint32_t group_max; /* rows a group ends at */
	int64_t pos; /* bytes written to f */
	struct group_meta *groups;
	size_t ngroups;
	ZSTD_CCtx *zc;
	struct bbuf page, zpage, hdr;
	int err; /* the first error; later calls return it */
};

static int physical(enum parquet_kind k)
{
	switch (k) {
	case PARQUET_BOOL: return T_BOOLEAN;
	case PARQUET_I32:
	case PARQUET_U32: return T_INT32;
	case PARQUET_I64:
	case PARQUET_U64:
	case PARQUET_DECIMAL: return T_INT64;
	case PARQUET_TEXT:
	case PARQUET_NAME: break;
	}
	return T_BYTE_ARRAY;
}

static bool is_bytes(enum parquet_kind k)
{
	return k == PARQUET_TEXT || k == PARQUET_NAME;
}

static void write_out(struct parquet_writer *w, const void *p, size_t n)
{
	if (!w->err && n && fwrite(p, 1, n, w->f) != n)
		w->err = -EIO;
	w->pos += (int64_t)n;
}

struct parquet_writer *parquet_writer__new(FILE *f, const struct parquet_column *cols, int ncols)
{
	struct parquet_writer *w;

	if (ncols < 1 || ncols > PARQUET_MAX_COLUMNS) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->f = f;
	w->ncols = ncols;
	w->group_max = PARQUET_GROUP_ROWS;
	w->zc = ZSTD_createCCtx();
	if (!w->zc)
		goto fail;
	for (int i = 0; i < ncols; i++) {
		struct column *c = &w->cols[i];

		if (cols[i].scale < 0 || cols[i].scale > 18) {
			errno = EINVAL;
			goto fail;
		}
		c->def = cols[i];
		if (c->def.kind == PARQUET_NAME) {
			c->offsets = malloc(PARQUET_DICT_MAX * sizeof(*c->offsets));
			c->slots = calloc(DICT_SLOTS, sizeof(*c->slots));
			if (!c->offsets || !c->slots)
				goto fail;
		}
	}
	write_out(w, "PAR1", 4);
	return w;
fail:
	parquet_writer__free(w);
	errno = errno ? errno : ENOMEM;
	return NULL;
}

void parquet_writer__free(struct parquet_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->ncols; i++) {
		struct column *c = &w->cols[i];

		bbuf__free(&c->vals);
		bbuf__free(&c->defs);
		bbuf__free(&c->smin);
		bbuf__free(&c->smax);
		bbuf__free(&c->dict);
		free(c->offsets);
		free(c->slots);
	}
	for (size_t g = 0; g < w->ngroups; g++)
		free(w->groups[g].chunks);
	free(w->groups);
	bbuf__free(&w->page);
	bbuf__free(&w->zpage);
	bbuf__free(&w->hdr);
	ZSTD_freeCCtx(w->zc);
	free(w);
}

void parquet_writer__set_group_rows(struct parquet_writer *w, uint32_t n)
{
	w->group_max = n < 1 ? 1 : n > PARQUET_GROUP_ROWS ? PARQUET_GROUP_ROWS : n;
}

uint64_t parquet_writer__rows(const struct parquet_writer *w)
{
	return w->rows;
}

static struct column *column(struct parquet_writer *w, int col)
{
	if (col < 0 || col >= w->ncols || w->cols[col].set)
		return NULL;
	return &w->cols[col];
}

static void mark(struct column *c, bool present)
{
	c->set = true;
	if (c->def.optional)
		bbuf__byte(&c->defs, present);
}

static bool is_unsigned(enum parquet_kind k)
{
	return k == PARQUET_U32 || k == PARQUET_U64;
}

static void stats_int(struct column *c, int64_t v)
{
	bool u = is_unsigned(c->def.kind);

	if (c->def.kind == PARQUET_U32)
		v = (int64_t)(uint32_t)v;
	if (!c->has_stats) {
		c->imin = c->imax = v;
		c->has_stats = true;
	} else if (u) {
		if ((uint64_t)v < (uint64_t)c->imin)
			c->imin = v;
		if ((uint64_t)v > (uint64_t)c->imax)
			c->imax = v;
	} else {
		if (v < c->imin)
			c->imin = v;
		if (v > c->imax)
			c->imax = v;
	}
}

/* Unsigned byte order, a prefix first (the specification's for strings). */
static int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0; /* an empty one may be NULL */

	return r ? r : (alen > blen) - (alen < blen);
}

static void stats_bytes(struct column *c, const void *p, size_t len)
{
	if (c->no_stats)
		return;
	if (len > STATS_MAX) {
		c->no_stats = true;
		c->has_stats = false;
		return;
	}
	if (!c->has_stats || bytes_cmp(p, len, c->smin.data, c->smin.len) < 0) {
		c->smin.len = 0;
		bbuf__put(&c->smin, p, len);
	}
	if (!c->has_stats || bytes_cmp(p, len, c->smax.data, c->smax.len) > 0) {
		c->smax.len = 0;
		bbuf__put(&c->smax, p, len);
	}
	c->has_stats = true;
}

int parquet_writer__int(struct parquet_writer *w, int col, int64_t v)
{
	struct column *c = column(w, col);
	unsigned char b[8];

	if (!c || is_bytes(c->def.kind))
		return -EINVAL;
	mark(c, true);
	stats_int(c, v);
	switch (physical(c->def.kind)) {
	case T_BOOLEAN:
		bbuf__byte(&c->vals, v != 0);
		break;
	case T_INT32:
		put_le32(b, (uint32_t)v);
		bbuf__put(&c->vals, b, 4);
		break;
	default:
		put_le64(b, (uint64_t)v);
		bbuf__put(&c->vals, b, 8);
		break;
	}
	return 0;
}

static uint32_t hash(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

/* The dictionary index of p, added if new. */
static uint32_t dict_index(struct column *c, const void *p, size_t len)
{
	uint32_t slot = hash(p, len) & (DICT_SLOTS - 1);
	unsigned char lb[4];

	for (;; slot = (slot + 1) & (DICT_SLOTS - 1)) {
		uint32_t e = c->slots[slot], off;

		if (!e)
			break;
		off = c->offsets[e - 1];
		if (get_le32(c->dict.data + off) == len &&
		    (!len || !memcmp(c->dict.data + off + 4, p, len)))
			return e - 1;
	}
	/* end_row ends the group before a row could fill the dictionary */
	c->offsets[c->ndict] = (uint32_t)c->dict.len;
	put_le32(lb, (uint32_t)len);
	bbuf__put(&c->dict, lb, 4);
	bbuf__put(&c->dict, p, len);
	c->slots[slot] = ++c->ndict;
	return c->ndict - 1;
}

int parquet_writer__bytes(struct parquet_writer *w, int col, const void *p, size_t len)
{
	struct column *c = column(w, col);
	unsigned char b[4];

	if (!c || !is_bytes(c->def.kind) || len > UINT32_MAX / 2)
		return -EINVAL;
	mark(c, true);
	stats_bytes(c, p, len);
	if (c->def.kind == PARQUET_NAME) {
		put_le32(b, dict_index(c, p, len));
	} else {
		put_le32(b, (uint32_t)len);
		bbuf__put(&c->vals, b, 4);
		bbuf__put(&c->vals, p, len);
		return 0;
	}
	bbuf__put(&c->vals, b, 4);
	return 0;
}

int parquet_writer__null(struct parquet_writer *w, int col)
{
	struct column *c = column(w, col);

	if (!c || !c->def.optional)
		return -EINVAL;
	mark(c, false);
	c->nulls++;
	return 0;
}

/* The RLE/bit-packed hybrid encoding of n values of width bits: one
 * bit-packed run of ceil(n / 8) groups of 8, the last padded with 0s. */
static void hybrid(struct bbuf *out, const unsigned char *vals, size_t n, size_t stride,
		   int width)
{
	size_t groups = (n + 7) / 8;
	uint64_t acc = 0;
	int nacc = 0;

	bbuf__varint(out, groups << 1 | 1);
	for (size_t i = 0; i < groups * 8; i++) {
		uint32_t v = i < n ? (stride == 1 ? vals[i] : get_le32(vals + i * stride)) : 0;

		acc |= (uint64_t)v << nacc;
		nacc += width;
		while (nacc >= 8) {
			bbuf__byte(out, (unsigned char)acc);
			acc >>= 8;
			nacc -= 8;
		}
	}
	if (nacc) /* groups of 8 values always end on a byte */
		bbuf__byte(out, (unsigned char)acc);
}

static int bit_width(uint32_t max)
{
	int b = 1;

	while (b < 32 && (max >> b))
		b++;
	return b;
}

/* Compress w->page into a page of type with its header; written to f. The
 * sizes with the header are added to m. */
static void write_page(struct parquet_writer *w, int type, uint32_t nvalues, int encoding,
		       struct chunk_meta *m)
{
	struct thrift t;
	size_t bound = ZSTD_compressBound(w->page.len), n;

	if (w->zpage.cap < bound) {
		unsigned char *d = realloc(w->zpage.data, bound);

		if (!d) {
			w->err = w->err ? w->err : -ENOMEM;
			return;
		}
		w->zpage.data = d;
		w->zpage.cap = bound;
	}
	n = ZSTD_compressCCtx(w->zc, w->zpage.data, bound, w->page.data ? w->page.data : (void *)"",
			      w->page.len, ZSTD_LEVEL);
	if (ZSTD_isError(n) || w->page.len > INT32_MAX || n > INT32_MAX) {
		w->err = w->err ? w->err : -EFBIG;
		return;
	}
	w->hdr.len = 0;
	thrift__init(&t, &w->hdr);
	thrift__i32(&t, 1, type);
	thrift__i32(&t, 2, (int32_t)w->page.len);
	thrift__i32(&t, 3, (int32_t)n);
	if (type == PAGE_DATA) {
		thrift__begin(&t, 5);
		thrift__i32(&t, 1, (int32_t)nvalues);
		thrift__i32(&t, 2, encoding);
		thrift__i32(&t, 3, ENC_RLE);
		thrift__i32(&t, 4, ENC_RLE);
	} else {
		thrift__begin(&t, 7);
		thrift__i32(&t, 1, (int32_t)nvalues);
		thrift__i32(&t, 2, ENC_PLAIN);
	}
	thrift__end(&t);
	thrift__end(&t);
	if (w->hdr.failed) {
		w->err = w->err ? w->err : -ENOMEM;
		return;
	}
	write_out(w, w->hdr.data, w->hdr.len);
	write_out(w, w->zpage.data, n);
	m->usize += (int64_t)(w->hdr.len + w->page.len);
	m->csize += (int64_t)(w->hdr.len + n);
}

static void stats_bytes_of(struct column *c, struct chunk_meta *m)
{
	unsigned char b[8];
	int size = physical(c->def.kind) == T_INT32 ? 4 : physical(c->def.kind) == T_BOOLEAN ? 1 : 8;

	m->has_stats = c->has_stats && !c->no_stats;
	if (!m->has_stats)
		return;
	if (is_bytes(c->def.kind)) {
		if (c->smin.len) /* an empty string has no buffer */
			memcpy(m->min, c->smin.data, c->smin.len);
		m->min_len = (uint8_t)c->smin.len;
		if (c->smax.len)
			memcpy(m->max, c->smax.data, c->smax.len);
		m->max_len = (uint8_t)c->smax.len;
		return;
	}
	put_le64(b, (uint64_t)c->imin);
	memcpy(m->min, b, size);
	put_le64(b, (uint64_t)c->imax);
	memcpy(m->max, b, size);
	m->min_len = m->max_len = (uint8_t)size;
}

/* Write column c's chunk of the group of rows rows. */
static void write_chunk(struct parquet_writer *w, struct column *c, uint64_t rows,
			struct chunk_meta *m)
{
	size_t nvals = rows - (uint64_t)c->nulls;
	bool dict = c->def.kind == PARQUET_NAME;

	m->dict_offset = -1;
	m->nulls = c->nulls;
	stats_bytes_of(c, m);
	if (dict) {
		m->dict_offset = w->pos;
		w->page.len = 0;
		bbuf__put(&w->page, c->dict.data, c->dict.len);
		write_page(w, PAGE_DICTIONARY, c->ndict, ENC_PLAIN, m);
	}
	m->data_offset = w->pos;
	w->page.len = 0;
	if (c->def.optional) {
		size_t at;

		bbuf__put(&w->page, "\0\0\0\0", 4);
		at = w->page.len;
		hybrid(&w->page, c->defs.data, rows, 1, 1);
		if (!w->page.failed)
			put_le32(w->page.data + at - 4, (uint32_t)(w->page.len - at));
	}
	if (dict) {
		int width = bit_width(c->ndict ? c->ndict - 1 : 0);

		bbuf__byte(&w->page, (unsigned char)width);
		hybrid(&w->page, c->vals.data, nvals, 4, width);
	} else if (c->def.kind == PARQUET_BOOL) {
		for (size_t i = 0; i < nvals; i += 8) {
			unsigned char byte = 0;

			for (size_t j = 0; j < 8 && i + j < nvals; j++)
				byte |= (unsigned char)(c->vals.data[i + j] << j);
			bbuf__byte(&w->page, byte);
		}
	} else {
		bbuf__put(&w->page, c->vals.data, c->vals.len);
	}
	if (w->page.failed) {
		w->err = w->err ? w->err : -ENOMEM;
		return;
	}
	write_page(w, PAGE_DATA, (uint32_t)rows, dict ? ENC_RLE_DICTIONARY : ENC_PLAIN, m);
}

static void reset_column(struct column *c)
{
	c->vals.len = 0;
	c->defs.len = 0;
	c->nulls = 0;
	c->has_stats = c->no_stats = false;
	if (c->def.kind == PARQUET_NAME) {
		c->dict.len = 0;
		c->ndict = 0;
		memset(c->slots, 0, DICT_SLOTS * sizeof(*c->slots));
	}
}

static int write_group(struct parquet_writer *w)
{
	struct group_meta *g;

	if (!w->group_rows)
		return w->err;
	g = realloc(w->groups, (w->ngroups + 1) * sizeof(*w->groups));
	if (!g)
		return w->err = -ENOMEM;
	w->groups = g;
	g = &w->groups[w->ngroups];
	g->rows = (int64_t)w->group_rows;
	g->bytes = 0;
	g->chunks = calloc(w->ncols, sizeof(*g->chunks));
	if (!g->chunks)
		return w->err = -ENOMEM;
	w->ngroups++;
	for (int i = 0; i < w->ncols; i++) {
		write_chunk(w, &w->cols[i], w->group_rows, &g->chunks[i]);
		g->bytes += g->chunks[i].usize;
		reset_column(&w->cols[i]);
	}
	w->group_rows = 0;
	return w->err;
}

int parquet_writer__end_row(struct parquet_writer *w)
{
	size_t bytes = 0;
	bool full = false;

	if (w->err)
		return w->err;
	for (int i = 0; i < w->ncols; i++)
		if (!w->cols[i].set)
			return -EINVAL;
	for (int i = 0; i < w->ncols; i++) {
		struct column *c = &w->cols[i];

		if (c->vals.failed || c->defs.failed || c->dict.failed || c->smin.failed ||
		    c->smax.failed)
			return w->err = -ENOMEM;
		c->set = false;
		bytes += c->vals.len + c->defs.len + c->dict.len;
		full |= c->ndict >= PARQUET_DICT_MAX - 1;
	}
	w->rows++;
	w->group_rows++;
	if (full || bytes >= PARQUET_GROUP_BYTES || w->group_rows >= w->group_max)
		return write_group(w);
	return 0;
}

static void schema_element(struct thrift *t, const struct parquet_column *c)
{
	static const int converted[] = {
		[PARQUET_I32] = CT_INT_32, [PARQUET_U32] = CT_UINT_32, [PARQUET_I64] = CT_INT_64,
		[PARQUET_U64] = CT_UINT_64, [PARQUET_DECIMAL] = CT_DECIMAL, [PARQUET_TEXT] = CT_UTF8,
		[PARQUET_NAME] = CT_UTF8,
	};

	thrift__begin(t, 0);
	thrift__i32(t, 1, physical(c->kind));
	thrift__i32(t, 3, c->optional ? 1 : 0); /* OPTIONAL, REQUIRED */
	thrift__string(t, 4, c->name);
	if (c->kind != PARQUET_BOOL)
		thrift__i32(t, 6, converted[c->kind]);
	if (c->kind == PARQUET_DECIMAL) {
		thrift__i32(t, 7, c->scale);
		thrift__i32(t, 8, 18);
	}
	if (c->kind != PARQUET_BOOL) {
		thrift__begin(t, 10); /* LogicalType */
		if (is_bytes(c->kind)) {
			thrift__begin(t, 1); /* STRING */
			thrift__end(t);
		} else if (c->kind == PARQUET_DECIMAL) {
			thrift__begin(t, 5);
			thrift__i32(t, 1, c->scale);
			thrift__i32(t, 2, 18);
			thrift__end(t);
		} else {
			thrift__begin(t, 10); /* INTEGER */
			thrift__byte(t, 1, physical(c->kind) == T_INT32 ? 32 : 64);
			thrift__bool(t, 2, !is_unsigned(c->kind));
			thrift__end(t);
		}
		thrift__end(t);
	}
	thrift__end(t);
}

static void column_chunk(struct thrift *t, const struct parquet_column *c,
			 const struct chunk_meta *m, int64_t rows)
{
	bool dict = c->kind == PARQUET_NAME;

	thrift__begin(t, 0);
	thrift__i64(t, 2, m->dict_offset >= 0 ? m->dict_offset : m->data_offset);
	thrift__begin(t, 3); /* ColumnMetaData */
	thrift__i32(t, 1, physical(c->kind));
	thrift__list(t, 2, THRIFT_I32, dict ? 3 : 2);
	thrift__elem_i32(t, ENC_PLAIN);
	thrift__elem_i32(t, ENC_RLE);
	if (dict)
		thrift__elem_i32(t, ENC_RLE_DICTIONARY);
	thrift__list(t, 3, THRIFT_BINARY, 1);
	thrift__elem_binary(t, c->name, strlen(c->name));
	thrift__i32(t, 4, CODEC_ZSTD);
	thrift__i64(t, 5, rows);
	thrift__i64(t, 6, m->usize);
	thrift__i64(t, 7, m->csize);
	thrift__i64(t, 9, m->data_offset);
	if (m->dict_offset >= 0)
		thrift__i64(t, 11, m->dict_offset);
	thrift__begin(t, 12); /* Statistics */
	thrift__i64(t, 3, m->nulls);
	if (m->has_stats) {
		thrift__binary(t, 5, m->max, m->max_len);
		thrift__binary(t, 6, m->min, m->min_len);
	}
	thrift__end(t);
	thrift__end(t);
	thrift__end(t);
}

int parquet_writer__finish(struct parquet_writer *w)
{
	struct bbuf meta = { 0 };
	struct thrift t;
	unsigned char lb[4];
	int err;

	for (int i = 0; i < w->ncols; i++)
		if (w->cols[i].set && !w->err)
			w->err = -EINVAL;
	if (!w->err)
		write_group(w);
	thrift__init(&t, &meta);
	thrift__i32(&t, 1, 1);
	thrift__list(&t, 2, THRIFT_STRUCT, (uint32_t)w->ncols + 1);
	thrift__begin(&t, 0); /* the root: a group of the columns */
	thrift__string(&t, 4, "schema");
	thrift__i32(&t, 5, w->ncols);
	thrift__end(&t);
	for (int i = 0; i < w->ncols; i++)
		schema_element(&t, &w->cols[i].def);
	thrift__i64(&t, 3, (int64_t)w->rows);
	thrift__list(&t, 4, THRIFT_STRUCT, (uint32_t)w->ngroups);
	for (size_t g = 0; g < w->ngroups; g++) {
		thrift__begin(&t, 0);
		thrift__list(&t, 1, THRIFT_STRUCT, (uint32_t)w->ncols);
		for (int i = 0; i < w->ncols; i++)
			column_chunk(&t, &w->cols[i].def, &w->groups[g].chunks[i], w->groups[g].rows);
		thrift__i64(&t, 2, w->groups[g].bytes);
		thrift__i64(&t, 3, w->groups[g].rows);
		thrift__end(&t);
	}
	thrift__string(&t, 6, "tracetape " PACKAGE_VERSION);
	/* min_value and max_value are in each type's order */
	thrift__list(&t, 7, THRIFT_STRUCT, (uint32_t)w->ncols);
	for (int i = 0; i < w->ncols; i++) {
		thrift__begin(&t, 0);
		thrift__begin(&t, 1); /* TYPE_ORDER */
		thrift__end(&t);
		thrift__end(&t);
	}
	thrift__end(&t);
	if (meta.failed || meta.len > UINT32_MAX) {
		w->err = w->err ? w->err : -ENOMEM;
	} else {
		write_out(w, meta.data, meta.len);
		put_le32(lb, (uint32_t)meta.len);
		write_out(w, lb, 4);
		write_out(w, "PAR1", 4);
		if (!w->err && fflush(w->f))
			w->err = -EIO;
	}
	bbuf__free(&meta);
	err = w->err;
	parquet_writer__free(w);
	return err;
}
