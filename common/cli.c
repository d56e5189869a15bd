// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#include <bpf/libbpf.h>
#include <seccomp.h>
#include <yaml.h>
#include <zstd.h>

#include "config.h" /* autoconf: PACKAGE_VERSION */
#include "cli.h"
#include "log.h"

int cli__parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli__parse_threads(const char *s, int max, int *out)
{
	uint64_t v;

	if (cli__parse_u64(s, &v) || !v || v > (uint64_t)max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli__default_threads(int max)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > max ? max : n;
}

int cli__parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mult = 1;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -EINVAL; /* strtod takes "nan" and "inf" */
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mult = 1ull << 10; break;
		case 'm': case 'M': mult = 1ull << 20; break;
		case 'g': case 'G': mult = 1ull << 30; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (v * mult > (double)UINT64_MAX)
		return -EINVAL;
	*out = (uint64_t)(v * mult);
	return 0;
}

int cli__parse_seconds(const char *s, double *out)
{
	static const struct { const char *suffix; double scale; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
		{ "m", 60 }, { "min", 60 }, { "h", 3600 },
	};
	char *end;
	double v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].suffix)) {
			*out = v * units[i].scale;
			return 0;
		}
	}
	return -EINVAL;
}

void cli__print_version(FILE *f)
{
	const struct scmp_version *sv = seccomp_version();

	fprintf(f, "%s (%s) %s\n", log__progname(), PACKAGE_NAME, PACKAGE_VERSION);
	fprintf(f, "libbpf %s\n", libbpf_version_string());
	fprintf(f, "zstd %s\n", ZSTD_versionString());
	if (sv)
		fprintf(f, "libseccomp %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	fprintf(f, "libyaml %s\n", yaml_get_version_string());
#ifdef TT_STATIC
	fprintf(f, "glibc %s, every library linked statically\n", gnu_get_libc_version());
#else
	fprintf(f, "glibc %s\n", gnu_get_libc_version());
#endif
}
