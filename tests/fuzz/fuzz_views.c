// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every view and export on one trace, through analyze's and csv-export's own
 * main(): each view of views.def (text, then --json where it has one),
 * --html to a file, --format prometheus and influx, --flow with --calls, and
 * csv-export of every monitor, as CSV and as Parquet (--with-host). The input is records, as trace_records takes
 * them (u8 flags, bit 0: index and seek table; u8 records per chunk; the
 * records), so that mutations change field values behind valid framing.
 * Checked: no crash, leak or hang, and an exit status of 0 or 1 (2 is a
 * usage error, which a trace must never cause).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "views.h"

int analyze__main(int argc, char **argv);
int csv_export__main(int argc, char **argv);

static char dir[] = "/tmp/fuzz_views.XXXXXX";

/* One run of a tool's main() as a command line, its stdout discarded. */
static int run(int (*tool)(int, char **), char **argv)
{
	static int null_fd = -1;
	int argc = 0, saved, status;

	while (argv[argc])
		argc++;
	if (null_fd < 0 && (null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		abort();
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(null_fd, STDOUT_FILENO) < 0)
		abort();
	optind = 0; /* glibc: start getopt afresh */
	status = tool(argc, argv);
	fflush(stdout);
	clearerr(stdout);
	if (dup2(saved, STDOUT_FILENO) < 0)
		abort();
	close(saved);
	fuzz_assert(status == 0 || status == 1);
	return status;
}

/* Empty the output directory for the next run. */
static void clean_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char html[64], flow[] = "10.0.0.1 10.0.0.2";
	char path[64], opt[64];
	int fd;

	if (size < 2)
		return 0;
	if (!html[0]) {
		if (!mkdtemp(dir))
			abort();
		snprintf(html, sizeof(html), "%s/r.html", dir);
	}
	fd = fuzz__pack_records(data + 2, size - 2, data[0] & 1, data[1], NULL, path, sizeof(path));
	if (fd < 0)
		return 0;
	for (const struct view_option *o = view_options; o->synopsis; o++) {
		if (!o->name)
			continue;
		snprintf(opt, sizeof(opt), "--%s", o->name);
		if (o->view == &view_html) {
			run(analyze__main, (char *[]){ "analyze", opt, html, path, NULL });
		} else if (o->view == &view_flow) {
			run(analyze__main, (char *[]){ "analyze", opt, flow, path, NULL });
			run(analyze__main, (char *[]){ "analyze", opt, flow, "--calls", path, NULL });
		} else {
			run(analyze__main, (char *[]){ "analyze", opt, path, NULL });
			run(analyze__main, (char *[]){ "analyze", opt, "--json", path, NULL });
		}
	}
	/* the fd tables (replay/fdtable.c) from hostile syscalls and FD records */
	run(analyze__main, (char *[]){ "analyze", "--events", "--fd-names", path, NULL });
	run(analyze__main, (char *[]){ "analyze", "--format", "prometheus", path, NULL });
	run(analyze__main, (char *[]){ "analyze", "--format", "influx", path, NULL });
	run(csv_export__main, (char *[]){ "csv-export", "-d", dir, path, NULL });
	run(csv_export__main, (char *[]){ "csv-export", "--format", "parquet", "--with-host", "-d", dir,
					  path, NULL });
	clean_dir();
	close(fd);
	return 0;
}
