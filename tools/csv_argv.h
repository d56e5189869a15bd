/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec CSV's argv column: one field, the arguments separated by spaces
 * as the columns have always been, but each written as a POSIX shell word,
 * so that the list comes back exactly (csv-export(1)):
 *   - an argument of only A-Z a-z 0-9 and @%+=:,./_- is written as it is;
 *   - any other, the empty one included, in single quotes, a ' in it as '\''
 *     (shlex.split and sh read these back);
 *   - inside the quotes, a backslash is written \\, and a byte that is not
 *     part of well-formed UTF-8, or a control character other than tab and
 *     newline, as \xHH: the field is always valid UTF-8, and the one rule
 *     "\\ is a backslash, \xHH the byte HH" undoes it after shlex.split.
 */
#ifndef __TT_CSV_ARGV_H
#define __TT_CSV_ARGV_H

#include <stddef.h>

/* Encode argv (len bytes, each argument NUL-terminated, the last maybe cut
 * short) into out (size bytes); returns the bytes written, stopping before
 * an argument that does not fit whole. */
size_t csv_argv__encode(char *out, size_t size, const char *argv, size_t len);

#endif /* __TT_CSV_ARGV_H */
