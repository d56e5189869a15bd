// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole trace files as they are on disk: zstd frames, skippable frames, the
 * chunk index and the seek table, all of them fuzzed. Seeds are the sample
 * traces, whose headers and footers the mutations then break.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long after, seek_after;
	uint64_t seek_ts = 0;
	char path[64];
	int fd;

	/* a time to seek to that mutations change: the file's middle bytes */
	if (size >= 16)
		memcpy(&seek_ts, data + size / 2, sizeof(seek_ts));
	fd = fuzz__memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	fuzz__read_trace(path, seek_ts, &after, &seek_after);
	close(fd);
	return 0;
}
