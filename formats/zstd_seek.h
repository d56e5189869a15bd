/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two skippable frames that close a trace (formats/TRACE-FORMAT.md): the
 * tracetape chunk index, then a zstd seekable-format seek table. Internal to
 * the formats library.
 */
#ifndef __TT_ZSTD_SEEK_H
#define __TT_ZSTD_SEEK_H

#include <stddef.h>
#include <stdint.h>

#define ZSTD_SKIPPABLE_MAGIC_MIN 0x184D2A50u
#define ZSTD_SKIPPABLE_MAGIC_MASK 0xFFFFFFF0u
#define ZSTD_SKIPPABLE_HDR_SIZE 8 /* u32 magic, u32 frame size */

#define TT_INDEX_MAGIC 0x184D2A5Bu
#define TT_INDEX_VERSION 1
#define TT_INDEX_HDR_SIZE 8 /* u32 index_version, u32 nentries */
#define TT_INDEX_ENTRY_SIZE 40

#define ZSTD_SEEKABLE_MAGIC 0x184D2A5Eu
#define ZSTD_SEEKABLE_FOOTER_MAGIC 0x8F92EAB1u
#define ZSTD_SEEKABLE_FOOTER_SIZE 9 /* u32 nframes, u8 descriptor, u32 magic */
#define ZSTD_SEEKABLE_CHECKSUM_FLAG 0x80

/* One data chunk (zstd frame) of a trace. */
struct tt_chunk {
	uint64_t offset;   /* of the frame in the file */
	uint32_t csize;    /* compressed: the frame's bytes */
	uint32_t dsize;    /* decompressed: its records' bytes */
	uint64_t first_ts, last_ts; /* min and max event time, 0 if no event */
	uint32_t nrecords;
};

static inline int zstd_is_skippable(uint32_t magic)
{
	return (magic & ZSTD_SKIPPABLE_MAGIC_MASK) == ZSTD_SKIPPABLE_MAGIC_MIN;
}

/* Bytes of the chunk index and seek table frames for n chunks. */
size_t tt_footer__size(uint32_t n);

/* Encode both frames into buf (tt_footer__size(n) bytes). */
void tt_footer__encode(void *buf, const struct tt_chunk *chunks, uint32_t n);

/*
 * Read the footer of the file fd (file_size bytes). Returns 0 with a malloc'd
 * array in *chunks (*n entries) and the offset where the data chunks end in
 * *data_end; -ENOENT if the file does not end with a consistent index and
 * seek table (it is then read frame by frame); -errno on I/O error.
 */
int tt_footer__read(int fd, uint64_t file_size, struct tt_chunk **chunks, uint32_t *n,
		    uint64_t *data_end);

/* Read len bytes at off: 0, -ENOENT if the file ends first, -errno. */
int tt_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif /* __TT_ZSTD_SEEK_H */
