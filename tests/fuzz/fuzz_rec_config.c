// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec's YAML config (record/rec_config.c) from a file. A file that loads
 * gives settings rec can describe; one that does not leaves the config as it
 * was and says where it is wrong, on one line starting with the file name.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "rec_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the defaults, described once: they are the same for every input */
	static char *before;
	struct rec_config c;
	char path[64], err[512] = "";
	char *after;
	int fd, ret;

	if (!before) {
		rec_config__defaults(&c);
		before = rec_config__describe(&c);
		fuzz_assert(before);
		rec_config__free(&c);
	}
	fd = fuzz__memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	rec_config__defaults(&c);
	ret = rec_config__load_yaml(&c, path, err, sizeof(err));
	after = rec_config__describe(&c);
	fuzz_assert(after);
	if (ret) {
		fuzz__check_message(err);
		fuzz_assert(!strncmp(err, path, strlen(path)));
		fuzz_assert(!strcmp(before, after));
	}
	free(after);
	rec_config__free(&c);
	close(fd);
	return 0;
}
