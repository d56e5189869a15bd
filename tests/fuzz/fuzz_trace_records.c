// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records, compressed by pack.c: mutating compressed bytes rarely gets past zstd,
 * so this target fuzzes the decoded records (records.c) and the chunk paths
 * behind a valid zstd layer. The input is
 *
 *   u8 flags (bit 0: close the file with a chunk index and seek table)
 *   u8 records per chunk (0 means 1)
 *   the records, as `zstd -dc trace.zst` prints them
 *
 * The index written holds the chunks' true event times, so seeking must find
 * every event at or after the time sought: that is checked whenever the
 * whole file reads without an error.
 */
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long events, after, seek_after;
	uint64_t seek_ts = 0;
	char path[64];
	int fd;

	if (size < 2)
		return 0;
	fd = fuzz__pack_records(data + 2, size - 2, data[0] & 1, data[1], &seek_ts, path,
				sizeof(path));
	if (fd < 0)
		return 0;
	/* seek to the last event's time: the first chunk may not be the one */
	events = fuzz__read_trace(path, seek_ts, &after, &seek_after);
	if (events >= 0)
		fuzz_assert(seek_after == after);
	close(fd);
	return 0;
}
