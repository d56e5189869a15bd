/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Alert rules: the built-in ones (privilege and escape primitives, writes to
 * sensitive paths, setuid execs, shells in containers, connects to listed
 * ports) and those of a YAML file, matched against events.
 */
#ifndef __TT_ALERTS_H
#define __TT_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "syscalls.h"

struct tape;

enum alert_severity {
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
	SEV__COUNT,
};

const char *alert_severity__name(int sev);
/* The severity named name, or -EINVAL. */
int alert_severity__from_name(const char *name);

/* ALERT_ON_SIGNAL: a signal delivered; ALERT_ON_SIGNAL_SENT: one generated. */
enum alert_on { ALERT_ON_SYSCALL, ALERT_ON_EXEC, ALERT_ON_SIGNAL, ALERT_ON_SIGNAL_SENT };
enum alert_result { ALERT_RESULT_ANY, ALERT_RESULT_SUCCESS, ALERT_RESULT_FAILURE };

#define ALERT_MAX_LIST 32 /* globs, names or ports one rule lists */

struct alert_arg {
	int index;    /* 0-5 */
	bool mask;    /* any of these bits set, rather than equal */
	uint64_t value;
};

struct alert_rule {
	char id[64];
	char message[256];
	int severity;
	bool enabled;
	/* conditions, all of which must hold */
	enum alert_on on;
	bool have_nr;
	uint64_t nr_mask[SYSCALL_MAX_NR / 64];
	char *paths[ALERT_MAX_LIST];  /* globs on the path, or the exec's filename */
	int npaths;
	bool write;                   /* opened for writing (or created, truncated) */
	char *comms[ALERT_MAX_LIST];  /* globs on the process name */
	int ncomms;
	bool have_uid;
	uint32_t uid;
	int container;                /* 1 inside one, -1 outside, 0 either */
	char *cgroup;                 /* glob on the cgroup path */
	struct alert_arg args[6];
	int nargs;
	enum alert_result result;
	uint16_t ports[ALERT_MAX_LIST]; /* connect/sendto destination ports */
	int nports;
	bool interactive;             /* an exec of a shell without a script or -c */
	uint64_t signals;             /* bit (signo - 1) of the signals a signal rule takes; 0: any */
};

struct alert_rules {
	struct alert_rule *rules;
	int n, cap;
};

/* The built-in rules, their syscall names resolved with st. 0 or -errno. */
int alert_rules__builtin(struct alert_rules *rs, const struct syscall_table *st);

/*
 * Add the rules of a YAML file: a rule with a built-in's id changes it (its
 * severity, message or enabled alone, or all its conditions when it gives
 * any). 0, or -errno with "PATH:LINE:COLUMN: what" (or "PATH: what") in err.
 */
int alert_rules__load(struct alert_rules *rs, const char *path, const struct syscall_table *st,
		      char *err, size_t errlen);

/* The rule with this id, or NULL. */
struct alert_rule *alert_rules__find(struct alert_rules *rs, const char *id);
/* A new rule with this id at the end (conditions empty), or NULL on ENOMEM. */
struct alert_rule *alert_rules__add(struct alert_rules *rs, const char *id);
/* Drop a rule's conditions (before new ones replace them). */
void alert_rule__clear(struct alert_rule *r);
void alert_rules__free(struct alert_rules *rs);

/*
 * What the rules read besides the event: a tape's state (analyze), or
 * rec's own as it records (rec --flight --trigger), which has no fd table.
 */
struct procs;
struct fdtable;
struct alert_state {
	const struct syscall_table *st;
	const struct procs *procs;
	const struct fdtable *fds; /* NULL: paths as the events give them */
	const char *(*cgroup_path)(void *ctx, uint64_t id); /* NULL if unknown */
	void *ctx;
};

/* A tape's state (its fd table as tape__track_fds keeps it). */
void alert_state__of_tape(struct alert_state *s, struct tape *t);

/*
 * What an alert on rec adds about its path: " (path /etc/shadow)" when
 * the rules matched it resolved from the cwd or a dirfd (s->fds) or made
 * canonical, a note that it is relative when its directory is not in the
 * trace, else "" (buf holds the text when needed).
 */
const char *alerts__path_note(const struct alert_state *s, const struct tt_record *rec, char *buf,
			      size_t size);

/* Does the rule hold for rec (a SYSCALL, EXEC or SIGNAL event) in state s?
 * A path is matched resolved (alerts__path_note); a relative one whose
 * directory the trace lacks, against the ends of the rule's paths. */
bool alert_rule__match(const struct alert_rule *r, const struct alert_state *s,
		       const struct tt_record *rec);

/* The cgroup path of pid (NULL if unknown); container.h says whether it is a
 * container's. */
const char *alerts__cgroup(const struct alert_state *s, uint32_t pid, uint64_t cgroup_id);

/* What fired a TRIGGER record, in words: "rule unshare-namespace (medium)",
 * or its message ("SIGUSR2 from pid 7"). */
const char *alerts__trigger_what(const struct tt_trigger *g, char *buf, size_t size);

/*
 * view_alerts.c: hand each alert that fires, as one JSON object of len bytes
 * (the form of --alerts --json's entries), to sink rather than to the
 * report (analyze --serve's /events). state is view_alerts's.
 */
typedef void alert_sink(void *ctx, const char *json, size_t len);
void view_alerts__set_sink(void *state, alert_sink *sink, void *ctx);

#endif /* __TT_ALERTS_H */
