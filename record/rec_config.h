/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec's settings: defaults, then the --config YAML file, then the command
 * line, each overriding the one before.
 */
#ifndef __TT_REC_CONFIG_H
#define __TT_REC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slow.h"

#define REC_MAX_FILTER 64 /* entries in each of the pid/comm/uid lists */
#define REC_MAX_CONTAINERS 8 /* -c entries (the BPF side's TT_MAX_CGROUPS) */
#define REC_DEFAULT_STRSIZE 256
#define REC_DEFAULT_ARGSIZE 4096
#define REC_DEFAULT_BUFFER (64u << 20)
#define REC_DEFAULT_SNAPLEN 262144 /* as tcpdump's */

struct rec_config {
	/* monitors */
	uint32_t monitors;           /* 1 << enum tt_monitor_id */
	uint32_t strsize;            /* bytes kept of a path string */
	uint32_t argsize;            /* bytes kept of an exec's argv */
	uint32_t datasize;           /* bytes kept of a read/write buffer (--datasize); 0 none */
	uint32_t envsize;            /* bytes kept of an exec's envp (--envsize); 0 none */
	uint32_t snaplen;            /* bytes kept of each packet */
	char *packet_filter;         /* -f: a libpcap expression, NULL for all packets */
	char *interfaces;            /* -i: "IFACE,..." captured whole at tc, NULL for none */
	char *funcs;                 /* --func: function patterns, NULL for none */
	uint32_t probe_limit;        /* --probe-limit: functions a pattern (and all) may match */
	uint32_t func_mode;          /* --func-mode: 0 count, 1 calls */
	uint32_t func_backend;       /* --func-backend: enum func_backend (func_probes.h) */

	/* output */
	char *output;                /* NULL: trace-YYYYmmdd-HHMMSS.zst */
	char *pcap;                  /* --pcap; NULL: the trace's name with .pcapng */
	uint64_t rotate_bytes;       /* -C, 0 for none */
	uint32_t rotate_seconds;     /* -G, 0 for none */
	uint32_t rotate_count;       /* -W, 0 for unlimited */
	int level;                   /* zstd level */
	uint32_t compress_threads;   /* --compress-threads, 0: the writer's default */
	uint32_t rings;              /* --rings, 0: one per 4 CPUs, up to 16 */
	uint64_t buffer_size;        /* ring buffer bytes */

	/* filters (applied in the kernel) */
	uint32_t pids[REC_MAX_FILTER];
	int npids;
	char comms[REC_MAX_FILTER][16];
	int ncomms;
	uint32_t uids[REC_MAX_FILTER];
	int nuids;
	char containers[REC_MAX_CONTAINERS][256]; /* -c: ids or cgroup paths, as given */
	int ncontainers;
	char *syscalls;              /* -e: "name|category,..." as given, NULL for all */

	/* volume (decided in the kernel, at each syscall's exit) */
	bool errors_only;            /* --errors-only: only failed syscalls */
	bool slow;                   /* --slow: only calls over their category's threshold */
	struct slow_thresholds thresholds; /* of --slow: analyze's, as --threshold changes them */
	bool thresholds_set;         /* a --threshold was given (it needs --slow) */
	uint32_t max_rate;           /* --max-rate: syscall events a second per CPU, 0 for no limit */

	/* run */
	double duration;             /* -T seconds, 0 for until stopped */
	bool quiet;
	bool check; /* --check: load, attach, list the programs, exit */
	int verbose;
	char *drop_user;             /* -Z */
	bool force;                  /* --force: replace files that are not traces */
	bool drop_oldest;            /* --on-full drop-oldest */

	/* flight recorder (rec --flight) */
	uint64_t flight_bytes;       /* --flight SIZE: the ring's compressed bytes */
	uint64_t flight_ns;          /* --flight DURATION: the event time it spans */
	double post;                 /* --post: seconds a snapshot goes on after its trigger */
	bool post_set;
	uint32_t max_snapshots;      /* keep this run's newest N, 0 all */
	char *trigger_rules;         /* --trigger RULES.yaml, "builtin" for the built-in rules alone */
	bool trigger_cmd;            /* a snapshot when the command exits non-zero */
	bool flight_on_exit;         /* a snapshot when rec stops */
};

#define REC_DEFAULT_POST 5.0 /* seconds of events a snapshot holds after its trigger */

/* Fill c with the defaults. */
void rec_config__defaults(struct rec_config *c);

/*
 * Read a YAML config file into c, overriding what it sets. On error returns
 * -EINVAL (or -errno for I/O) and writes "FILE:LINE:COLUMN: what is wrong"
 * into err.
 */
int rec_config__load_yaml(struct rec_config *c, const char *path, char *err, size_t errlen);

/*
 * Parsers shared by the command line and the YAML loader. Each returns 0 or
 * -EINVAL and writes what is wrong (without a location) into err.
 */
int rec_config__set_monitors(struct rec_config *c, const char *list, char *err, size_t errlen);
int rec_config__add_pids(struct rec_config *c, const char *list, char *err, size_t errlen);
int rec_config__add_comms(struct rec_config *c, const char *list, char *err, size_t errlen);
/* --func-mode count|calls, --func-backend auto|fentry|kprobe */
int rec_config__set_func_mode(struct rec_config *c, const char *value, char *err, size_t errlen);
int rec_config__set_func_backend(struct rec_config *c, const char *value, char *err, size_t errlen);
int rec_config__add_users(struct rec_config *c, const char *list, char *err, size_t errlen);
int rec_config__add_containers(struct rec_config *c, const char *list, char *err, size_t errlen);
/* --flight SIZE|DURATION: "256M" a size, "5m" a time span. */
int rec_config__set_flight(struct rec_config *c, const char *value, char *err, size_t errlen);
/* --post SECONDS (0 allowed: the snapshot ends at its trigger). */
int rec_config__set_post(struct rec_config *c, const char *value, char *err, size_t errlen);
/* --threshold CATEGORY=DURATION, as analyze's (slow_thresholds__parse). */
int rec_config__add_threshold(struct rec_config *c, const char *spec, char *err, size_t errlen);
/* A scalar setting by its YAML name (strsize, argsize, rotate_size,
 * rotate_seconds, rotate_count, level, buffer_size, duration, snaplen, probe_limit,
 * max_rate). */
int rec_config__set(struct rec_config *c, const char *name, const char *value, char *err, size_t errlen);

/*
 * The command line. Each settings row may have an option: rec_options.c
 * builds getopt_long's tables and --help's option lines from the rows, in
 * their order, under the headings of their groups (in this order).
 */
enum rec_group {
	REC_G_MONITORS, REC_G_VOLUME, REC_G_PACKETS, REC_G_FUNCS, REC_G_SCOPE,
	REC_G_OUTPUT, REC_G_FLIGHT, REC_G_RUNNING,
	REC_G__COUNT,
};

struct rec_option {
	const char *name;     /* the long option, without "--"; NULL for none */
	char letter;          /* the short option, 0 for none */
	const char *arg;      /* its argument in --help ("N", "SIZE"); NULL: a flag */
	enum rec_group group;
	const char *help;     /* its --help text, lines joined with "\n" */
};

/* The option of settings row i (its name NULL when it has none), or NULL
 * past the last row. */
const struct rec_option *rec_config__option(int i);
/*
 * Applies row i's option as given on the command line (value NULL for a
 * flag); again: given before on this command line. Errors as the parsers'.
 */
int rec_config__set_option(struct rec_config *c, int i, const char *value, bool again,
			   char *err, size_t errlen);

/* The settings as "key=value\n" lines, for the trace header. Caller frees. */
char *rec_config__describe(const struct rec_config *c);

void rec_config__free(struct rec_config *c);

#endif /* __TT_REC_CONFIG_H */
