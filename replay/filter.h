/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event filters both tools take (-p, --children, --comm, -e, --since,
 * --until, --failed): their options, help text, parsing and matching.
 */
#ifndef __TT_FILTER_H
#define __TT_FILTER_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "procs.h"
#include "records.h"
#include "syscalls.h"

#define FILTER_MAX 16 /* pids or names one option may list */

enum filter_opt {
	OPT_CHILDREN = OPT_LONG_BASE + 64,
	OPT_COMM,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FAILED,
	OPT_UTC,
};

/* getopt_long entries and short letters ("p:e:") of the filter options. */
#define FILTER_SHORT_OPTS "p:e:c:"
#define FILTER_LONG_OPTS \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "children", no_argument, NULL, OPT_CHILDREN }, \
	{ "comm", required_argument, NULL, OPT_COMM }, \
	{ "container", required_argument, NULL, 'c' }, \
	{ "syscalls", required_argument, NULL, 'e' }, \
	{ "since", required_argument, NULL, OPT_SINCE }, \
	{ "until", required_argument, NULL, OPT_UNTIL }, \
	{ "failed", no_argument, NULL, OPT_FAILED }, \
	{ "utc", no_argument, NULL, OPT_UTC }

#define FILTER_HELP \
"Filters (combine with every view):\n" \
"  -p, --pid PID[,PID]      only these processes\n" \
"      --children           and their descendants\n" \
"      --comm NAME[,NAME]   only processes with these names\n" \
"  -c, --container ID[,ID]  only processes in these containers: an id (full or\n" \
"                           a prefix, as docker ps prints it), a pod uid, a\n" \
"                           systemd unit, or a cgroup path (and those below it)\n" \
"  -e, --syscalls LIST      only these syscalls or categories (file_io, network,\n" \
"                           memory, process, signal, time, ipc, other)\n" \
"      --since TIME         from TIME: seconds from the start (10, 1.5s, 2m) or\n" \
"                           wall-clock (12:00:01, \"2026-11-21 12:00:01.5\")\n" \
"      --until TIME         up to TIME, the same forms\n" \
"      --failed             only calls that returned an error\n" \
"      --utc                wall-clock times in UTC rather than local time\n"

/* What the options said, before a trace is open to resolve them against. */
struct filter_opts {
	const char *pids, *comms, *containers, *syscalls, *since, *until;
	bool children, failed, utc;
};

struct filter {
	uint32_t pids[FILTER_MAX];
	int npids;
	bool children;
	char comms[FILTER_MAX][TT_COMM_SIZE];
	int ncomms;
	const char *containers; /* -c: the list as given, NULL for none */
	/* Is cgroup id in the -c list? Set by the reader, which knows the
	 * cgroups' paths (tape__filter). */
	bool (*cgroup_match)(void *ctx, uint64_t cgroup_id);
	void *cgroup_ctx;
	bool have_mask;
	uint64_t mask[SYSCALL_MAX_NR / 64];
	uint64_t since_ts, until_ts; /* CLOCK_MONOTONIC ns; until 0 means none */
	bool failed;
	bool active; /* any of the above is set: false, every event passes */
};

/* The filter options set, as they were given ("-p 12 --failed"), for messages. */
void filter_opts__describe(const struct filter_opts *o, char *buf, size_t size);

/* Take option opt if it is a filter option: 1 if taken, 0 if not ours. */
int filter_opts__parse(struct filter_opts *o, int opt, const char *arg);

/*
 * Resolve o for a trace that started at start_ns (CLOCK_MONOTONIC), whose
 * wall clock is mono + wall_offset_ns, with syscall names from st. Returns 0,
 * or -EINVAL with a message (naming the option) in err.
 */
int filter__init(struct filter *f, const struct filter_opts *o, const struct syscall_table *st,
		 uint64_t start_ns, int64_t wall_offset_ns, char *err, size_t errlen);

/* Is this a syscall return value that is an error (-4095..-1)? */
static inline bool syscall_failed(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

/* Does the process filter (-p, --children, --comm) keep pid? */
/* As filter__match_pid, for thread tid of pid: --comm matches the thread's
 * own name (pthread_setname_np) if it has one, else its process's. */
bool filter__match_task(const struct filter *f, const struct procs *procs, uint32_t pid, uint32_t tid);
bool filter__match_pid(const struct filter *f, const struct procs *procs, uint32_t pid);

/* Does rec (an event) pass every filter? Other records always pass. */
bool filter__match(const struct filter *f, const struct procs *procs, const struct tt_record *rec);

#endif /* __TT_FILTER_H */
