/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UTF-8 validity, for outputs that must stay valid UTF-8 whatever bytes a
 * trace holds. */
#ifndef __TT_UTF8_H
#define __TT_UTF8_H

#include <stddef.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence that starts at s,
 * of the n bytes there, or 0 if none does: overlong forms, surrogates,
 * code points past U+10FFFF and cut sequences are not well-formed.
 */
size_t utf8__seq_len(const unsigned char *s, size_t n);

#endif /* __TT_UTF8_H */
