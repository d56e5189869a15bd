// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "slow.h"

void slow_thresholds__init(struct slow_thresholds *th)
{
	for (int c = 0; c < CAT__COUNT; c++)
		th->ns[c] = 100000; /* 100 us for the categories not named below */
	th->ns[CAT_FILE_IO] = 1000000;
	th->ns[CAT_NETWORK] = 5000000;
	th->ns[CAT_MEMORY] = 500000;
	th->ns[CAT_PROCESS] = 10000000;
}

int slow_thresholds__parse(struct slow_thresholds *th, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[32];
	double sec;
	int cat;

	if (!eq || (size_t)(eq - spec) >= sizeof(name))
		return -EINVAL;
	memcpy(name, spec, eq - spec);
	name[eq - spec] = 0;
	cat = syscall_category__from_name(name);
	if (cat < 0 || cli__parse_seconds(eq + 1, &sec))
		return -EINVAL;
	th->ns[cat] = (uint64_t)(sec * 1e9);
	return 0;
}
