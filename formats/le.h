/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Little-endian loads and stores at any alignment. Trace layouts have no
 * padding, so most fields are unaligned: go through memcpy, which compilers
 * turn into a plain load or store where the CPU allows it.
 */
#ifndef __TT_LE_H
#define __TT_LE_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline void put_le16(void *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_le32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_le64(void *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static inline uint16_t get_le16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline uint32_t get_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t get_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

#endif /* __TT_LE_H */
