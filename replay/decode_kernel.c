// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The open flags as the kernel defines them. glibc's <fcntl.h> cannot stand
 * in: on 64-bit machines it defines O_LARGEFILE as 0 (open() there needs
 * no flag), yet the kernel sets its bit in every file's flags, and F_GETFL
 * returns it. The kernel's <linux/fcntl.h> clashes with glibc's, so it is
 * included here alone.
 */
#include <linux/fcntl.h>

#include "decode_args.h"

#define N(x) { x, #x }
/* O_SYNC holds O_DSYNC's bit and O_TMPFILE O_DIRECTORY's: those first, so
 * that their bits are not named twice. */
const struct decode_named decode_kernel__open_flags[] = {
	N(O_SYNC), N(O_TMPFILE), N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND),
	N(O_NONBLOCK), N(O_DSYNC),
	{ FASYNC, "O_ASYNC" }, /* the kernel's name for it is FASYNC; strace's is O_ASYNC */
	N(O_DIRECT), N(O_LARGEFILE), N(O_DIRECTORY), N(O_NOFOLLOW), N(O_NOATIME), N(O_CLOEXEC),
	N(O_PATH), { 0, NULL },
};
const unsigned int decode_kernel__o_accmode = O_ACCMODE;
const unsigned int decode_kernel__o_creat = O_CREAT;
const unsigned int decode_kernel__o_tmpfile = O_TMPFILE;
