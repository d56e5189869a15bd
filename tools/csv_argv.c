// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv_argv.h"
#include "utf8.h"

static bool plain(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-",
			    s[i]))
			return false;
	return true;
}

/* One argument as a shell word into out; the bytes written, or 0 if it
 * does not fit (the longest expansion of a byte is its 4-byte \xHH). */
static size_t put_word(char *out, size_t size, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;

	if (plain(s, n)) {
		if (n > size)
			return 0;
		memcpy(out, s, n);
		return n;
	}
	if (size < 2)
		return 0;
	out[o++] = '\'';
	for (size_t i = 0; i < n;) {
		char buf[5];
		const char *piece;
		size_t len, used;

		if (u[i] == '\'') {
			piece = "'\\''";
			len = 4;
			used = 1;
		} else {
			/* tab and newline are safe inside the quotes */
			piece = utf8__escape_next(s + i, n - i, "\t\n", buf, &len, &used);
		}
		if (size - o < len + 1) /* and the closing quote */
			return 0;
		memcpy(out + o, piece, len);
		o += len;
		i += used;
	}
	out[o++] = '\'';
	return o;
}

size_t csv_argv__encode(char *out, size_t size, const char *argv, size_t len)
{
	size_t o = 0, i = 0;

	/* The NUL after the last argument ends it; a cut one has none. */
	while (i < len) {
		size_t n = strnlen(argv + i, len - i), w;

		if (o && o + 1 > size)
			break;
		w = put_word(out + o + !!o, size - o - !!o, argv + i, n);
		if (!w)
			break;
		if (o)
			out[o++] = ' ';
		o += w;
		i += n + 1;
	}
	return o;
}
