// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The chunk index and the zstd seekable-format seek table that close a trace.
 * The seek table is what generic seekable-zstd tools understand; the index
 * adds what tracetape needs to seek by time. Both describe the same chunks,
 * and a reader only trusts them when they agree with each other and with the
 * file's layout, since a wrong index would silently hide records.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "le.h"
#include "zstd_seek.h"

#define SEEK_ENTRY_SIZE 8 /* u32 cSize, u32 dSize: we write no checksums */

static uint64_t index_frame_size(uint64_t n)
{
	return ZSTD_SKIPPABLE_HDR_SIZE + TT_INDEX_HDR_SIZE + n * TT_INDEX_ENTRY_SIZE;
}

static uint64_t seek_frame_size(uint64_t n, size_t entry_size)
{
	return ZSTD_SKIPPABLE_HDR_SIZE + n * entry_size + ZSTD_SEEKABLE_FOOTER_SIZE;
}

size_t tt_footer__size(uint32_t n)
{
	return index_frame_size(n) + seek_frame_size(n, SEEK_ENTRY_SIZE);
}

void tt_footer__encode(void *buf, const struct tt_chunk *chunks, uint32_t n)
{
	unsigned char *p = buf;

	put_le32(p, TT_INDEX_MAGIC);
	put_le32(p + 4, index_frame_size(n) - ZSTD_SKIPPABLE_HDR_SIZE);
	put_le32(p + 8, TT_INDEX_VERSION);
	put_le32(p + 12, n);
	p += ZSTD_SKIPPABLE_HDR_SIZE + TT_INDEX_HDR_SIZE;
	for (uint32_t i = 0; i < n; i++, p += TT_INDEX_ENTRY_SIZE) {
		put_le64(p, chunks[i].offset);
		put_le32(p + 8, chunks[i].csize);
		put_le32(p + 12, chunks[i].dsize);
		put_le64(p + 16, chunks[i].first_ts);
		put_le64(p + 24, chunks[i].last_ts);
		put_le32(p + 32, chunks[i].nrecords);
		put_le32(p + 36, 0);
	}

	put_le32(p, ZSTD_SEEKABLE_MAGIC);
	put_le32(p + 4, seek_frame_size(n, SEEK_ENTRY_SIZE) - ZSTD_SKIPPABLE_HDR_SIZE);
	p += ZSTD_SKIPPABLE_HDR_SIZE;
	for (uint32_t i = 0; i < n; i++, p += SEEK_ENTRY_SIZE) {
		put_le32(p, chunks[i].csize);
		put_le32(p + 4, chunks[i].dsize);
	}
	put_le32(p, n);
	p[4] = 0; /* descriptor: no checksums */
	put_le32(p + 5, ZSTD_SEEKABLE_FOOTER_MAGIC);
}

/* pread all of len bytes at off: 0, -ENOENT if the file is shorter, -errno. */
int tt_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOENT;
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* Read the seek table: the frames' sizes, and where the seek table starts. */
static int seek_table__read(int fd, uint64_t file_size, struct tt_chunk **chunks,
			    uint32_t *n, uint64_t *seek_start)
{
	unsigned char footer[ZSTD_SEEKABLE_FOOTER_SIZE], *table;
	uint64_t size, off = 0;
	size_t esize;
	uint32_t nframes;
	int err;

	if (file_size < ZSTD_SKIPPABLE_HDR_SIZE + ZSTD_SEEKABLE_FOOTER_SIZE)
		return -ENOENT;
	err = tt_pread_full(fd, footer, sizeof(footer), file_size - sizeof(footer));
	if (err)
		return err;
	if (get_le32(footer + 5) != ZSTD_SEEKABLE_FOOTER_MAGIC)
		return -ENOENT;
	/* bits 2-6 are reserved and must be zero */
	if (footer[4] & 0x7c)
		return -ENOENT;
	nframes = get_le32(footer);
	esize = footer[4] & ZSTD_SEEKABLE_CHECKSUM_FLAG ? 12 : 8;
	size = seek_frame_size(nframes, esize);
	if (size > file_size)
		return -ENOENT;
	*seek_start = file_size - size;

	table = malloc(size);
	*chunks = calloc(nframes ?: 1, sizeof(**chunks));
	if (!table || !*chunks) {
		err = -ENOMEM;
		goto out;
	}
	err = tt_pread_full(fd, table, size, *seek_start);
	if (err)
		goto out;
	if (get_le32(table) != ZSTD_SEEKABLE_MAGIC ||
	    get_le32(table + 4) != size - ZSTD_SKIPPABLE_HDR_SIZE) {
		err = -ENOENT;
		goto out;
	}
	for (uint32_t i = 0; i < nframes; i++) {
		const unsigned char *e = table + ZSTD_SKIPPABLE_HDR_SIZE + i * esize;

		(*chunks)[i].offset = off;
		(*chunks)[i].csize = get_le32(e);
		(*chunks)[i].dsize = get_le32(e + 4);
		off += (*chunks)[i].csize;
	}
	*n = nframes;
out:
	free(table);
	if (err) {
		free(*chunks);
		*chunks = NULL;
	}
	return err;
}

/* Read the index in front of the seek table into chunks, checking it agrees. */
static int index__read(int fd, struct tt_chunk *chunks, uint32_t n, uint64_t data_end,
		       uint64_t seek_start)
{
	uint64_t size = index_frame_size(n);
	unsigned char *buf;
	int err;

	if (data_end > seek_start || seek_start - data_end != size)
		return -ENOENT;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	err = tt_pread_full(fd, buf, size, data_end);
	if (err)
		goto out;
	err = -ENOENT;
	if (get_le32(buf) != TT_INDEX_MAGIC || get_le32(buf + 4) != size - ZSTD_SKIPPABLE_HDR_SIZE ||
	    get_le32(buf + 8) != TT_INDEX_VERSION || get_le32(buf + 12) != n)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = buf + ZSTD_SKIPPABLE_HDR_SIZE + TT_INDEX_HDR_SIZE +
					 i * TT_INDEX_ENTRY_SIZE;
		struct tt_chunk *c = &chunks[i];

		if (get_le64(e) != c->offset || get_le32(e + 8) != c->csize ||
		    get_le32(e + 12) != c->dsize)
			goto out;
		c->first_ts = get_le64(e + 16);
		c->last_ts = get_le64(e + 24);
		c->nrecords = get_le32(e + 32);
		if (c->first_ts > c->last_ts)
			goto out;
	}
	err = 0;
out:
	free(buf);
	return err;
}

int tt_footer__read(int fd, uint64_t file_size, struct tt_chunk **chunks, uint32_t *n,
		    uint64_t *data_end)
{
	uint64_t seek_start;
	int err;

	*chunks = NULL;
	*n = 0;
	err = seek_table__read(fd, file_size, chunks, n, &seek_start);
	if (err)
		return err;
	/* the data chunks are contiguous from offset 0 */
	*data_end = *n ? (*chunks)[*n - 1].offset + (*chunks)[*n - 1].csize : 0;
	err = index__read(fd, *chunks, *n, *data_end, seek_start);
	if (err) {
		free(*chunks);
		*chunks = NULL;
		*n = 0;
	}
	return err;
}
