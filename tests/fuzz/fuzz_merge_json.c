// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp-gen --merge: the JSON parser on exactly the bytes given (no NUL
 * after them, so a read past the end shows), then a document that parses
 * merged into a profile as from a file.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "jsonparse.h"
#include "merge.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512] = "";
	struct profile *p;
	struct jv doc;
	char *text;
	int fd, ret;

	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	ret = jv__parse(&doc, text, size, err, sizeof(err));
	free(text);
	if (ret) {
		fuzz__check_message(err);
		return 0;
	}
	jv__free(&doc);

	fd = fuzz__memfile(data, size, path, sizeof(path));
	p = profile__new();
	if (fd >= 0 && p && profile__merge_oci(p, path, err, sizeof(err)))
		fuzz__check_message(err);
	profile__free(p);
	if (fd >= 0)
		close(fd);
	return 0;
}
