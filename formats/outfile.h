/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rules every file the tools write follows, as rec's traces do: created
 * mode 0600 (the umask may narrow it) with O_EXCL|O_NOFOLLOW under a
 * temporary name beside the final one, then renamed over it, so that a
 * symlink planted at either name is never followed, a reader never sees a
 * half-written file, and an existing file is replaced only when asked.
 */
#ifndef __TT_OUTFILE_H
#define __TT_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum outfile_flags {
	OUTFILE_FORCE = 1 << 0, /* replace an existing file (--force) */
};

/* O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600: an fd or -errno. */
int outfile__create(const char *path);

/*
 * May path be written? 0 when nothing is there, or when what is there may
 * be replaced: with force, any file or symlink (unlinked when unlink_it);
 * without, a file that is_ours() accepts (NULL: none). Else -EEXIST or
 * -EISDIR with one line in why; what names the kind of file ("a trace").
 */
int outfile__check(const char *path, unsigned int flags, bool (*is_ours)(const char *path),
		   const char *what, char *why, size_t whylen);

struct outfile {
	char *path;  /* the final name */
	char *tmp;   /* the temporary name beside it; NULL when written in place */
	FILE *f;
	unsigned int flags;
};

/*
 * Open of->f to write path: a temporary file beside it, or a device or FIFO
 * at path itself (/dev/null), written in place. 0, or -errno with one line
 * in why naming path.
 */
int outfile__open(struct outfile *of, const char *path, unsigned int flags, char *why,
		  size_t whylen);

/* Flush, sync and close, then rename over the final name (without
 * OUTFILE_FORCE, never over a file that appeared meanwhile). 0 or -errno
 * with why; the temporary file is gone either way. */
int outfile__commit(struct outfile *of, char *why, size_t whylen);

/* Close and remove the temporary file: nothing is left under either name. */
void outfile__discard(struct outfile *of);

#endif /* __TT_OUTFILE_H */
