// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
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
	/* rounded: 50us is 5e-5 s, whose product with 1e9 truncates to 49999 */
	th->ns[cat] = (uint64_t)(sec * 1e9 + 0.5);
	return 0;
}

char *slow_thresholds__describe(const struct slow_thresholds *th, char *buf, size_t size)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 },
	};
	size_t used = 0;

	if (size)
		buf[0] = 0;
	for (int c = 0; c < CAT__COUNT && used < size; c++) {
		size_t u = 0;

		/* the largest unit that keeps it whole: 1ms rather than 1000us */
		while (th->ns[c] % units[u].ns && u < sizeof(units) / sizeof(units[0]) - 1)
			u++;
		used += snprintf(buf + used, size - used, "%s%s=%llu%s", c ? "," : "",
				 syscall_category__name(c),
				 (unsigned long long)(th->ns[c] / units[u].ns), units[u].unit);
	}
	return buf;
}
