/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A trace as both tools read it: the files (trace_set), the syscall table of
 * the recorded arch, the process model, the filters and the reorder window,
 * and what the views report about the recording (header, losses, truncation).
 * tape__next yields the events that pass the filters, in time order (unless
 * tape__any_order says the view does not need it).
 */
#ifndef __TT_TAPE_H
#define __TT_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "procs.h"
#include "records.h"
#include "syscalls.h"

#define TAPE_MAX_LOSS_WINDOWS 8 /* windows listed; later losses only add to counts */

struct tape_loss {
	uint16_t monitor, cpu;
	uint64_t count, from_ts, to_ts;
};

/* rec's volume controls, from the options of the first file's header
 * (format 1.6): what the recording left out by design. */
struct tape_volume {
	bool errors_only;     /* rec --errors-only: only failed calls */
	bool slow;            /* rec --slow: only calls over thresholds */
	char thresholds[256]; /* --slow's, "file_io=1ms,network=5ms,..." */
	uint64_t max_rate;    /* rec --max-rate: events a second per CPU, 0 for none */
};

#define TAPE_MAX_TRIGGERS 64 /* rec --flight triggers kept; later ones only counted */

/* A TRIGGER record read (rec --flight): what made a snapshot be written.
 * t.rule and t.message point at rule and message. */
struct tape_trigger {
	struct tt_trigger t;
	char rule[64], message[256];
};

struct tape_info {
	char host[256], kernel[128], machine[64], tool_version[64];
	uint32_t audit_arch, ncpus, monitors;
	uint64_t recording_id;  /* the same in every file of one recording */
	uint64_t start_ns;      /* of the first file */
	int64_t wall_offset_ns; /* of the first file */
	int nfiles;
	struct tape_volume volume;
};

struct tape {
	struct tape_info info;
	const struct syscall_table *st;
	struct procs *procs;
	struct filter filter;
	bool utc;
	/* Counted over every event read, before the filters. */
	uint64_t events, first_ts, last_ts;
	uint64_t matched;
	uint64_t lost_events[TT_MONITOR__COUNT];
	struct tape_loss loss_windows[TAPE_MAX_LOSS_WINDOWS];
	int nloss_windows, nlosses;
	uint64_t sampled_events; /* left out by rec --max-rate (SAMPLED records) */
	char *config; /* the latest CONFIG record's settings (rec's SIGHUP), or NULL */
	/* rec --flight: the TRIGGER records read so far, in file order */
	struct tape_trigger triggers[TAPE_MAX_TRIGGERS];
	int ntriggers, ntriggers_seen;
	/* How the recording ended: the trailer of its last file (reason
	 * TT_CLOSE_END and no signal until one is read). */
	struct tt_trailer end;
	/* The processes' fds and cwds (tape__track_fds), NULL unless asked;
	 * fd_names: decode__event names the fds (analyze --fd-names). */
	struct fdtable *fds;
	bool fd_names;
	struct tape_priv *priv;
};

/*
 * Open the traces at paths (files or directories). Returns 0, or -errno with
 * one line in err naming the file and what is wrong with it.
 */
int tape__open(struct tape **out, char *const *paths, int npaths, char *err, size_t errlen);

/*
 * Follow a recording still being written (trace_set__follow): base is the
 * name given to rec -o. -EAGAIN while it has no file with a header yet.
 * tape__next then returns -EAGAIN when it has handed out everything read so
 * far; call it again later.
 */
int tape__open_follow(struct tape **out, const char *base, char *err, size_t errlen);

/* Read with n threads in all (trace_set__set_threads): 0, or -EINVAL when
 * n is not 1..TT_MAX_READ_THREADS. Events come out the same for any n. */
int tape__set_threads(struct tape *t, int n);

/* Hand out the events held in the reorder window now, rather than when later
 * ones arrive (a follower with no new events for a while). */
void tape__flush(struct tape *t);

/* The function of this id in the trace's function table (rec -m func), or
 * NULL; name and module are NUL-terminated. */
const struct tt_func *tape__func(const struct tape *t, uint32_t id);

/* The file the last record came from, and its rotation number (0 for a
 * recording's first file, N for NAME.N.zst). */
const char *tape__current_file(const struct tape *t);
uint32_t tape__current_seq(const struct tape *t);

/* The trigger that event rec fired (rec --flight --trigger), or NULL. A
 * TRIGGER record follows its event in the file: it has been read by the
 * time the reorder window lets that event out. */
const struct tape_trigger *tape__trigger_of(const struct tape *t, const struct tt_record *rec);

/* The path of a cgroup id from the trace's CGROUP records, or NULL. */
const char *tape__cgroup_path(const struct tape *t, uint64_t id);

struct container;
/* The container (container.h) of a cgroup id, or of a process's cgroup;
 * NULL for none or an unknown cgroup. Valid until tape__close. */
const struct container *tape__container(struct tape *t, uint64_t cgroup_id);
const struct container *tape__proc_container(struct tape *t, uint32_t pid);
/* Does any cgroup the trace has seen so far belong to a container? Views
 * add a container column only then. */
bool tape__any_container(struct tape *t);
/* pid's container id, whole when full, else as text tables show it
 * (container__short_id); NULL for none. */
const char *tape__proc_container_id(struct tape *t, uint32_t pid, bool full, char *buf,
				    size_t size);

/*
 * rec --max-rate: of syscall nr (compat: a 32-bit one), the calls left out
 * (the return value) and, in *recorded, the calls recorded (before the
 * filters), over what tape__next has read so far.
 */
uint64_t tape__sampled(const struct tape *t, uint16_t nr, bool compat, uint64_t *recorded);

/* Resolve the filters against this trace (times, syscall names). Returns 0,
 * or -EINVAL with err naming the option (a usage error). */
int tape__filter(struct tape *t, const struct filter_opts *fo, char *err, size_t errlen);

/*
 * The next event that passes the filters (in time order), or a LOSS record
 * (always, when it is read). SAMPLED records are counted (tape__sampled),
 * not handed out. Returns 1 with *rec set (valid until the next
 * call), 0 at the end, -errno on a read error (tape__error says what).
 */
int tape__next(struct tape *t, const struct tt_record **rec);

const char *tape__error(const struct tape *t);

/* Following: 0 while a recorder still writes the trace, else -EPIPE
 * (tape__error says which file it left). */
int tape__check_writer(struct tape *t);

/* Names of the files that ended without their trailer, comma-separated into
 * buf; returns how many. Meaningful once tape__next has returned 0. */
int tape__truncated(const struct tape *t, char *buf, size_t size);

/* Batches of events missing from their CPU's numbers in the files
 * read (trace_reader__batches_missing), on cpu, or on all for -1. */
uint64_t tape__batches_missing(const struct tape *t, int cpu);

/* Unix ns of a CLOCK_MONOTONIC time of this recording. */
static inline int64_t tape__unix_ns(const struct tape *t, uint64_t ts)
{
	/* In unsigned arithmetic: a hostile offset wraps, never overflows. */
	return (int64_t)(ts + (uint64_t)t->info.wall_offset_ns);
}

/* Seconds from the start of the recording (negative before it). */
static inline double tape__offset(const struct tape *t, uint64_t ts)
{
	return ((double)ts - (double)t->info.start_ns) / 1e9;
}

/*
 * Hand out syscall events in the order they are read (per-CPU batches)
 * instead of through the reorder window: for views that only count, which
 * then skip the window's copy and heap work for nearly every event. Process
 * events keep their order; filters on names or descendants keep it all.
 * Call after tape__filter.
 */
void tape__any_order(struct tape *t);

/*
 * Keep the processes' fd tables and cwds in t->fds (replay/fdtable.h),
 * from every event read, filtered out or not, in time order: an event
 * tape__next hands out is applied at the next call, so that while a view
 * has it, its fds are named as when it began. Call before the first
 * tape__next. Returns 0 or -ENOMEM.
 */
int tape__track_fds(struct tape *t);

void tape__close(struct tape *t);

#endif /* __TT_TAPE_H */
