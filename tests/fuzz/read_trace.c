// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a fuzzed trace through the public reader API. Every byte a
 * record's strings point to is read, so that a pointer past the reader's
 * buffer shows up under ASan rather than only in a tool that prints it.
 */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "trace.h"

static volatile unsigned sink;

static void touch(struct tt_bytes b)
{
	unsigned sum = 0;

	for (uint32_t i = 0; i < b.len; i++)
		sum += (unsigned char)b.data[i];
	sink += sum;
}

static void touch_record(const struct tt_record *rec)
{
	fuzz_assert(rec->size >= TT_RECORD_HDR_SIZE && rec->size <= TT_MAX_RECORD_SIZE);
	switch (rec->type) {
	case TT_REC_PROC:
		touch(rec->proc.comm);
		touch(rec->proc.exe);
		touch(rec->proc.argv);
		break;
	case TT_REC_CGROUP:
		touch(rec->cgroup.path);
		break;
	case TT_REC_SYSCALL:
		fuzz_assert(rec->syscall.nstr <= TT_MAX_STRS);
		for (int i = 0; i < rec->syscall.nstr; i++)
			touch(rec->syscall.strs[i].value);
		break;
	case TT_REC_EXEC:
		touch(rec->exec.filename);
		touch(rec->exec.argv);
		touch(rec->exec.envp);
		break;
	case TT_REC_CONFIG:
		touch(rec->config.text);
		break;
	default:
		break;
	}
}

static void touch_header(const struct tt_file_header *h)
{
	touch(h->tool_version);
	touch(h->hostname);
	touch(h->kernel_release);
	touch(h->machine);
	touch(h->cmdline);
	touch(h->options);
}

static bool is_event_from(const struct tt_record *rec, uint64_t ts)
{
	return tt_record__is_event(rec) && tt_record__ts(rec) >= ts;
}

/* All of a set's records, read with threads threads; the events, or -1
 * after an error. */
static long read_set(const char *path, int threads, uint64_t seek_ts, long *after)
{
	char *paths[] = { (char *)path }, err[512];
	struct trace_set *s = trace_set__open(paths, 1, err, sizeof(err));
	struct tt_record rec;
	long events = 0;
	int ret;

	*after = 0;
	if (!s) {
		fuzz__check_message(err);
		return -1;
	}
	fuzz_assert(trace_set__set_threads(s, threads) == 0);
	touch_header(trace_reader__header(trace_set__reader(s, 0)));
	while ((ret = trace_set__next(s, &rec)) > 0) {
		touch_record(&rec);
		events += tt_record__is_event(&rec);
		*after += is_event_from(&rec, seek_ts);
	}
	if (ret < 0)
		fuzz__check_message(trace_set__error(s));
	/* the end (or the error) stays put */
	fuzz_assert(trace_set__next(s, &rec) <= 0);
	trace_set__close(s);
	return ret < 0 ? -1 : events;
}

/* Seek, then follow: the end of an incomplete file is "not yet" (-EAGAIN)
 * until following stops, and then it is the end. */
static long read_seek_follow(const char *path, uint64_t seek_ts)
{
	struct trace_reader *r = trace_reader__open(path, NULL, 0);
	struct tt_record rec;
	long after = 0;
	int ret;

	if (!r)
		return 0;
	if (trace_reader__seek_time(r, seek_ts) < 0) {
		fuzz__check_message(trace_reader__error(r));
		trace_reader__close(r);
		return 0;
	}
	trace_reader__follow(r, true);
	for (int pass = 0; pass < 2; pass++) {
		while ((ret = trace_reader__next(r, &rec)) > 0) {
			touch_record(&rec);
			after += is_event_from(&rec, seek_ts);
		}
		if (ret != -EAGAIN)
			break;
		/* nothing is writing to it: it cannot have grown */
		fuzz_assert(trace_reader__refresh(r) == 0);
		trace_reader__follow(r, false);
	}
	fuzz_assert(ret <= 0 && ret != -EAGAIN);
	if (ret < 0)
		fuzz__check_message(trace_reader__error(r));
	trace_reader__close(r);
	return after;
}

long fuzz__read_trace(const char *path, uint64_t seek_ts, long *events_after,
		      long *seek_events_after)
{
	long events = read_set(path, 1, seek_ts, events_after), after;

	/* chunks decompressed ahead (a valid index, several chunks) read the
	 * same, and a damaged one fails the same */
	fuzz_assert(read_set(path, 3, seek_ts, &after) == events && after == *events_after);
	*seek_events_after = read_seek_follow(path, seek_ts);
	return events;
}
