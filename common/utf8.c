// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Unicode's table of well-formed byte sequences (The Unicode Standard,
 * table 3-7): the second byte's range depends on the first. */
size_t utf8__seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (!n)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* no overlong 3-byte forms */
	else if (c == 0xed)
		hi = 0x9f; /* no surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* no overlong 4-byte forms */
	else if (c == 0xf4)
		hi = 0x8f; /* nothing past U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

const char *utf8__escape_next(const char *s, size_t n, const char *keep, char *buf, size_t *len,
			      size_t *used)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t seq = utf8__seq_len(u, n);

	if (seq == 1 && u[0] == '\\') {
		memcpy(buf, "\\\\", 2);
		*len = 2;
		*used = 1;
		return buf;
	}
	if (!seq || ((u[0] < 0x20 || u[0] == 0x7f) && !(u[0] && strchr(keep, u[0])))) {
		*len = (size_t)snprintf(buf, 5, "\\x%02x", u[0]);
		*used = 1;
		return buf;
	}
	*len = *used = seq;
	return s;
}

size_t utf8__printable_len(const unsigned char *s, size_t n)
{
	size_t seq = utf8__seq_len(s, n);

	if (seq == 1 && (s[0] < 0x20 || s[0] == 0x7f))
		return 0;
	if (seq == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return seq;
}

void utf8__put_terminal(FILE *f, const char *s, size_t len, const char *keep)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8__printable_len(u + i, len - i);

		if (!n && u[i] && strchr(keep, u[i]))
			n = 1;
		if (n) {
			fwrite(s + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\%03o", u[i++]);
		}
	}
}
