// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "human.h"

/* v scaled by unit, with as many decimals as keep three significant digits. */
static char *scaled(char *buf, size_t size, double v, const char *unit)
{
	int prec = v >= 100 ? 0 : v >= 10 ? 1 : 2;

	snprintf(buf, size, "%.*f %s", prec, v, unit);
	return buf;
}

char *human__duration(char *buf, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, size, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		scaled(buf, size, ns / 1e3, "us");
	else if (ns < 1000000000)
		scaled(buf, size, ns / 1e6, "ms");
	else if (ns < 60000000000ull)
		scaled(buf, size, ns / 1e9, "s");
	else if (ns < 3600000000000ull)
		scaled(buf, size, ns / 60e9, "min");
	else
		scaled(buf, size, ns / 3600e9, "h");
	return buf;
}

char *human__bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	return scaled(buf, size, v, units[u]);
}

char *human__count(char *buf, size_t size, uint64_t n)
{
	if (n < 100000)
		snprintf(buf, size, "%llu", (unsigned long long)n);
	else if (n < 100000000)
		snprintf(buf, size, "%.1fk", n / 1e3);
	else
		snprintf(buf, size, "%.1fM", n / 1e6);
	return buf;
}

char *human__time(char *buf, size_t size, int64_t unix_ns, enum human_time_fmt fmt, bool utc)
{
	time_t sec = unix_ns / 1000000000;
	long ns = unix_ns % 1000000000;
	struct tm tm;
	char base[64];

	if (ns < 0) {
		ns += 1000000000;
		sec--;
	}
	if (utc)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	switch (fmt) {
	case HUMAN_TIME_CLOCK:
		strftime(base, sizeof(base), "%H:%M:%S", &tm);
		snprintf(buf, size, "%s.%06ld", base, ns / 1000);
		break;
	case HUMAN_TIME_FULL:
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
		break;
	case HUMAN_TIME_MS:
		strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(buf, size, "%s.%03ld", base, ns / 1000000);
		break;
	case HUMAN_TIME_FILE:
		strftime(buf, size, "%Y%m%d_%H%M%S", &tm);
		break;
	}
	return buf;
}

int human__parse_time(const char *s, int64_t ref_unix_ns, bool utc, int64_t *out)
{
	time_t ref = ref_unix_ns / 1000000000;
	struct tm tm;
	double frac = 0;
	const char *rest;
	char *end;
	time_t t;

	if (utc)
		gmtime_r(&ref, &tm);
	else
		localtime_r(&ref, &tm);
	rest = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (!rest) {
		/* The failed attempt may have set fields: start again from ref's day. */
		if (utc)
			gmtime_r(&ref, &tm);
		else
			localtime_r(&ref, &tm);
		rest = strptime(s, "%H:%M:%S", &tm);
		if (!rest)
			return -EINVAL;
	}
	if (*rest == '.') {
		errno = 0;
		frac = strtod(rest, &end);
		if (errno || *end)
			return -EINVAL;
	} else if (*rest) {
		return -EINVAL;
	}
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)t * 1000000000 + (int64_t)(frac * 1e9);
	return 0;
}
