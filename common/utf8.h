/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UTF-8 validity, for outputs that must stay valid UTF-8 whatever bytes a
 * trace holds. */
#ifndef __TT_UTF8_H
#define __TT_UTF8_H

#include <stddef.h>
#include <stdio.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence that starts at s,
 * of the n bytes there, or 0 if none does: overlong forms, surrogates,
 * code points past U+10FFFF and cut sequences are not well-formed.
 */
size_t utf8__seq_len(const unsigned char *s, size_t n);

/*
 * How many bytes at s (n > 0 of them) a terminal may be given as they are:
 * a well-formed UTF-8 sequence of a printable character; 0 for a byte to
 * escape: C0 controls (ESC starts escape sequences) and DEL, C1 controls
 * raw (0x9b is CSI on 8-bit terminals) or as UTF-8 (U+0080 to U+009F,
 * which some terminals obey too), and bytes that are not UTF-8.
 */
size_t utf8__printable_len(const unsigned char *s, size_t n);

/* The one escaping of a trace's bytes for a terminal: to f, what is not
 * printable as it is (but the controls in keep) as \ooo, byte by byte. */
void utf8__put_terminal(FILE *f, const char *s, size_t len, const char *keep);

/*
 * The next piece of s (n > 0 bytes) as text that is valid UTF-8 without
 * control characters, and from which the bytes can be told back: a
 * backslash becomes \\, a control character (but those in keep) or a
 * byte that starts no well-formed sequence becomes \xHH, anything else
 * stays as it is. Returns the piece, *len bytes at s itself or in buf (5
 * bytes at least); *used is how many bytes of s it stands for.
 */
const char *utf8__escape_next(const char *s, size_t n, const char *keep, char *buf, size_t *len,
			      size_t *used);

#endif /* __TT_UTF8_H */
