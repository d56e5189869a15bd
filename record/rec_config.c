// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec's settings. Each is one row of settings[] below, which ties its YAML
 * key, its field in struct rec_config, its parser and its command-line
 * option with the option's --help text: the --config loader walks the
 * rows, and rec_options.c makes getopt_long's tables, --help and the
 * dispatch from them. The parsers before the table are the ones a row
 * names; those of scalars (counts, sizes, durations) are the table's own.
 */
#include <errno.h>
#include <limits.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "cli.h"
#include "events.h"
#include "funcs.h"
#include "rec_config.h"
#include "yamldoc.h"
#include "records.h"
#include "trace.h"
#include "userdb.h"

void rec_config__defaults(struct rec_config *c)
{
	*c = (struct rec_config){
		.monitors = 1u << TT_MONITOR_SYSCALL | 1u << TT_MONITOR_EXEC | 1u << TT_MONITOR_SIGNAL,
		.strsize = REC_DEFAULT_STRSIZE,
		.argsize = REC_DEFAULT_ARGSIZE,
		.level = TT_DEFAULT_LEVEL,
		.buffer_size = REC_DEFAULT_BUFFER,
		.snaplen = REC_DEFAULT_SNAPLEN,
		.probe_limit = FUNC_DEFAULT_LIMIT,
		.post = REC_DEFAULT_POST,
	};
	slow_thresholds__init(&c->thresholds);
}

/* A config's malloc'd strings, in one list for copying and freeing. */
#define REC_STRINGS(c) { &(c)->output, &(c)->syscalls, &(c)->drop_user, &(c)->pcap, \
			 &(c)->packet_filter, &(c)->interfaces, &(c)->funcs, &(c)->trigger_rules }

void rec_config__free(struct rec_config *c)
{
	char **strs[] = REC_STRINGS(c);

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
}

int rec_config__set_func_mode(struct rec_config *c, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "count") && strcmp(v, "calls")) {
		snprintf(err, errlen, "bad function mode '%s' (count or calls)", v);
		return -EINVAL;
	}
	c->func_mode = !strcmp(v, "calls");
	return 0;
}

int rec_config__add_threshold(struct rec_config *c, const char *spec, char *err, size_t errlen)
{
	if (slow_thresholds__parse(&c->thresholds, spec)) {
		snprintf(err, errlen, "bad threshold '%s' (CATEGORY=DURATION, like file_io=2ms; "
			 "categories file_io, network, memory, process, signal, time, ipc, other)", spec);
		return -EINVAL;
	}
	c->thresholds_set = true;
	return 0;
}

int rec_config__set_func_backend(struct rec_config *c, const char *v, char *err, size_t errlen)
{
	static const char *const names[] = { "auto", "fentry", "kprobe" };

	for (uint32_t i = 0; i < 3; i++) {
		if (!strcmp(v, names[i])) {
			c->func_backend = i;
			return 0;
		}
	}
	snprintf(err, errlen, "bad function backend '%s' (auto, fentry or kprobe)", v);
	return -EINVAL;
}

/* Calls add(c, item) for each item of a comma list; empty items are errors. */
static int for_each_item(struct rec_config *c, const char *list, const char *what,
			 int (*add)(struct rec_config *, const char *, char *, size_t),
			 char *err, size_t errlen)
{
	char *copy, *rest, *item;
	int ret = 0;

	copy = rest = strdup(list);
	if (!copy)
		return -ENOMEM;
	while ((item = strsep(&rest, ","))) {
		if (!*item) {
			snprintf(err, errlen, "empty item in %s list '%s'", what, list);
			ret = -EINVAL;
			break;
		}
		ret = add(c, item, err, errlen);
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

static int add_monitor(struct rec_config *c, const char *name, char *err, size_t errlen)
{
	int m = tt_monitor__from_name(name);
	int n;

	if (m >= 0) {
		c->monitors |= 1u << m;
		return 0;
	}
	n = snprintf(err, errlen, "unknown monitor '%s' (known: ", name);
	for (int i = 0; i < TT_MONITOR__COUNT && n >= 0 && (size_t)n < errlen; i++)
		n += snprintf(err + n, errlen - n, "%s%s", i ? ", " : "", tt_monitor__name(i));
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - n, ")");
	return -EINVAL;
}

int rec_config__set_monitors(struct rec_config *c, const char *list, char *err, size_t errlen)
{
	uint32_t old = c->monitors;
	int ret;

	c->monitors = 0;
	ret = for_each_item(c, list, "monitor", add_monitor, err, errlen);
	if (ret)
		c->monitors = old;
	return ret;
}

static int add_pid(struct rec_config *c, const char *s, char *err, size_t errlen)
{
	uint64_t v;

	if (cli__parse_u64(s, &v) || v == 0 || v > INT_MAX) {
		snprintf(err, errlen, "bad pid '%s' (a positive integer)", s);
		return -EINVAL;
	}
	for (int i = 0; i < c->npids; i++) {
		if (c->pids[i] == v)
			return 0;
	}
	if (c->npids == REC_MAX_FILTER) {
		snprintf(err, errlen, "too many pids (at most %d)", REC_MAX_FILTER);
		return -EINVAL;
	}
	c->pids[c->npids++] = v;
	return 0;
}

int rec_config__add_pids(struct rec_config *c, const char *list, char *err, size_t errlen)
{
	return for_each_item(c, list, "pid", add_pid, err, errlen);
}

static int add_comm(struct rec_config *c, const char *s, char *err, size_t errlen)
{
	size_t max = sizeof(c->comms[0]) - 1; /* the kernel's TASK_COMM_LEN - 1 */

	if (strlen(s) > max) {
		snprintf(err, errlen, "comm '%s' is longer than %zu characters", s, max);
		return -EINVAL;
	}
	for (int i = 0; i < c->ncomms; i++) {
		if (!strcmp(c->comms[i], s))
			return 0;
	}
	if (c->ncomms == REC_MAX_FILTER) {
		snprintf(err, errlen, "too many comms (at most %d)", REC_MAX_FILTER);
		return -EINVAL;
	}
	strcpy(c->comms[c->ncomms++], s);
	return 0;
}

int rec_config__add_comms(struct rec_config *c, const char *list, char *err, size_t errlen)
{
	return for_each_item(c, list, "comm", add_comm, err, errlen);
}

/* Kept as given: the cgroup is looked up when the filters are applied
 * (cgroup2__resolve), so a SIGHUP finds a container started since. */
static int add_container(struct rec_config *c, const char *s, char *err, size_t errlen)
{
	if (strlen(s) >= sizeof(c->containers[0])) {
		snprintf(err, errlen, "container '%.40s...' is longer than %zu characters", s,
			 sizeof(c->containers[0]) - 1);
		return -EINVAL;
	}
	for (int i = 0; i < c->ncontainers; i++) {
		if (!strcmp(c->containers[i], s))
			return 0;
	}
	if (c->ncontainers == REC_MAX_CONTAINERS) {
		snprintf(err, errlen, "too many containers (at most %d)", REC_MAX_CONTAINERS);
		return -EINVAL;
	}
	strcpy(c->containers[c->ncontainers++], s);
	return 0;
}

int rec_config__add_containers(struct rec_config *c, const char *list, char *err, size_t errlen)
{
	return for_each_item(c, list, "container", add_container, err, errlen);
}

static int user_uid(const char *s, uint32_t *uid, char *err, size_t errlen)
{
	struct userdb_user u;
	uint64_t v;
	int ret;

	/* (uid_t)-1 means "no change" to the kernel, never a user */
	if (!cli__parse_u64(s, &v)) {
		if (v >= UINT32_MAX) {
			snprintf(err, errlen, "bad uid '%s'", s);
			return -EINVAL;
		}
		*uid = v;
		return 0;
	}
	ret = userdb__user(s, &u);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "unknown user '%s'", s);
		return -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "cannot look up user '%s': %s", s, strerror(-ret));
		return ret;
	}
	*uid = u.uid;
	return 0;
}

static int add_user(struct rec_config *c, const char *s, char *err, size_t errlen)
{
	uint32_t uid;
	int ret = user_uid(s, &uid, err, errlen);

	if (ret)
		return ret;
	for (int i = 0; i < c->nuids; i++) {
		if (c->uids[i] == uid)
			return 0;
	}
	if (c->nuids == REC_MAX_FILTER) {
		snprintf(err, errlen, "too many users (at most %d)", REC_MAX_FILTER);
		return -EINVAL;
	}
	c->uids[c->nuids++] = uid;
	return 0;
}

int rec_config__add_users(struct rec_config *c, const char *list, char *err, size_t errlen)
{
	return for_each_item(c, list, "user", add_user, err, errlen);
}

/* YAML ----------------------------------------------------------------- */

/* A parser of rec_config.h: a value into c, or -EINVAL with err said. */
typedef int (*value_parser)(struct rec_config *c, const char *value, char *err, size_t errlen);

struct loader {
	struct yamldoc y;
	struct rec_config *c;
};

#define fail(l, n, ...) yamldoc__fail(&(l)->y, n, __VA_ARGS__)

static yaml_node_t *node(struct loader *l, int id)
{
	return yamldoc__node(&l->y, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, "~" or "null" scalar: YAML's null. */
static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	return (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

static int want_scalar(struct loader *l, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(l, n, "'%s' must be a value, not a %s", key,
			    n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	if (is_null(n))
		return fail(l, n, "'%s' needs a value", key);
	return 0;
}

static int get_string(struct loader *l, const yaml_node_t *n, const char *key, char **out)
{
	int ret = want_scalar(l, n, key);
	char *s;

	if (ret)
		return ret;
	s = strdup(scalar(n));
	if (!s)
		return -ENOMEM;
	free(*out);
	*out = s;
	return 0;
}

/* Apply a list parser to one scalar, reporting its error at the scalar. */
static int apply_scalar(struct loader *l, const yaml_node_t *n, const char *key,
			value_parser parse)
{
	char msg[256] = "";
	int ret = want_scalar(l, n, key);

	if (ret)
		return ret;
	ret = parse(l->c, scalar(n), msg, sizeof(msg));
	if (ret)
		fail(l, n, "%s", *msg ? msg : strerror(-ret));
	return ret;
}

/* A YAML list item by item, or a comma list as on the command line. */
static int apply_list(struct loader *l, const yaml_node_t *n, const char *key,
		      value_parser parse)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return apply_scalar(l, n, key, parse);
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		int ret = apply_scalar(l, node(l, *i), key, parse);

		if (ret)
			return ret;
	}
	return 0;
}

static int set_monitors(struct loader *l, const yaml_node_t *n, const char *key,
			value_parser parse)
{
	uint32_t all = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return apply_scalar(l, n, key, parse);
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(l, n, "'%s' is empty", key);
	/* rec_config__set_monitors replaces the mask: gather the union item by item */
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		int ret = apply_scalar(l, node(l, *i), key, parse);

		if (ret)
			return ret;
		all |= l->c->monitors;
	}
	l->c->monitors = all;
	return 0;
}

/* A string, or a sequence of them joined with commas, into *out. */
static int get_list(struct loader *l, const yaml_node_t *n, const char *key, char **out)
{
	char *list = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (n->type != YAML_SEQUENCE_NODE)
		return get_string(l, n, key, out);
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(l, n, "'%s' is empty", key);
	f = open_memstream(&list, &len);
	if (!f)
		return -errno;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *item = node(l, *i);

		ret = want_scalar(l, item, key);
		if (ret) {
			fclose(f);
			free(list);
			return ret;
		}
		fprintf(f, "%s%s", i == n->data.sequence.items.start ? "" : ",", scalar(item));
	}
	if (fclose(f)) {
		free(list);
		return -ENOMEM;
	}
	free(*out);
	*out = list;
	return 0;
}

static int set_bool(struct loader *l, const yaml_node_t *n, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "off" };
	int ret = want_scalar(l, n, key);

	if (ret)
		return ret;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(scalar(n), yes[i]) || !strcmp(scalar(n), no[i])) {
			*out = !strcmp(scalar(n), yes[i]);
			return 0;
		}
	}
	return fail(l, n, "bad %s '%s' (true or false)", key, scalar(n));
}

/* The settings ------------------------------------------------------------ */

/* How a setting's value is read. The scalars (up to V_SECONDS) are parsed
 * alike from YAML and the command line (rec_config__set). */
enum value_kind {
	V_COUNT, V_LEVEL, V_BYTES, V_MEGABYTES, V_WHOLE_SECONDS, V_SECONDS,
	V_STRING,   /* char *, as given */
	V_JOINED,   /* char *: a YAML list joined with commas, as -e takes it */
	V_LIST,     /* each item of a YAML or comma list through parse */
	V_WORD,     /* one word through parse */
	V_MONITORS, /* the monitor mask: a YAML list adds up */
	V_BOOL,
};

/* The --on-full ACTION of the command line: stop or drop-oldest. */
static int set_on_full(struct rec_config *c, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "stop") && strcmp(v, "drop-oldest")) {
		snprintf(err, errlen, "--on-full takes stop or drop-oldest, not '%s'", v);
		return -EINVAL;
	}
	c->drop_oldest = !strcmp(v, "drop-oldest");
	return 0;
}

int rec_config__set_flight(struct rec_config *c, const char *v, char *err, size_t errlen)
{
	size_t len = strlen(v);
	double secs;
	uint64_t bytes;

	c->flight_bytes = c->flight_ns = 0;
	/* a time ends with ms, s, m or h; a size with K, M or G (or is bytes) */
	if (len && strchr("smh", v[len - 1]) && !cli__parse_seconds(v, &secs) && secs >= 1 &&
	    secs <= 86400 * 7) {
		c->flight_ns = secs * 1e9;
		return 0;
	}
	if (!cli__parse_size(v, &bytes) && bytes >= (1u << 20) && bytes <= (64ull << 30)) {
		c->flight_bytes = bytes;
		return 0;
	}
	snprintf(err, errlen, "bad --flight '%s' (a size from 1M to 64G like 256M, or a time "
		 "from 1s to 7 days like 5m)", v);
	return -EINVAL;
}

int rec_config__set_post(struct rec_config *c, const char *v, char *err, size_t errlen)
{
	double secs;

	if (cli__parse_seconds(v, &secs) || secs < 0 || secs > 3600) {
		snprintf(err, errlen, "bad --post '%s' (seconds, 0 to 3600)", v);
		return -EINVAL;
	}
	c->post = secs;
	c->post_set = true;
	return 0;
}

#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * One row per setting: its YAML section and key, its field in struct
 * rec_config, how its value is read and, for a scalar, its range and the
 * help that ends its "bad KEY 'VALUE' (HELP)" message; then its option on
 * the command line. The rows are in the order of rec --help, whose option
 * lines, getopt_long's tables and dispatch are all made from them: adding
 * a setting is adding its row (and its option to rec.8).
 */
static const struct setting {
	const char *section; /* "" at the top of the file; NULL: the command line only */
	const char *name;    /* the YAML key; also rec_config__set's name */
	enum value_kind kind;
	size_t offset;       /* of its field in struct rec_config */
	value_parser parse;  /* V_LIST, V_WORD, V_MONITORS */
	uint64_t min, max;
	const char *help;
	struct rec_option opt;
	bool repeats;        /* V_JOINED: a repeated option adds to the list, not replaces it */
} settings[] = {
#define AT(field) offsetof(struct rec_config, field)
	{ "", "monitors", V_MONITORS, AT(monitors), rec_config__set_monitors,
	  .opt = { "monitors", 'm', "LIST", REC_G_MONITORS,
		   "syscall,exec,packet,func,signal (default: syscall,exec,signal)" } },
	/* rec checks the names against the syscall table of the machine it runs on */
	{ "syscall", "events", V_JOINED, AT(syscalls),
	  .opt = { "syscalls", 'e', "LIST", REC_G_MONITORS,
		   "only these syscalls or categories (file_io, network,\n"
		   "memory, process, signal, time, ipc, other)" } },
	{ "syscall", "strsize", V_COUNT, AT(strsize), .min = 1, .max = TT_MAX_STRSIZE,
	  .help = "bytes, 1 to 4096",
	  .opt = { "strsize", 0, "N", REC_G_MONITORS, "bytes kept of each path (default 256, max 4096)" } },
	/* 0, the default, captures none: the verifier prunes the code */
	{ "syscall", "datasize", V_COUNT, AT(datasize), .min = 0, .max = TT_MAX_DATASIZE,
	  .help = "bytes, 0 to 4096",
	  .opt = { "datasize", 0, "N", REC_G_MONITORS,
		   "bytes kept of read/write/send/recv buffers\n"
		   "(default 0: none; max 4096)" } },
	{ "exec", "argsize", V_COUNT, AT(argsize), .min = 1, .max = TT_MAX_ARGSIZE,
	  .help = "bytes, 1 to 32768",
	  .opt = { "argsize", 0, "N", REC_G_MONITORS, "bytes kept of each argv (default 4096, max 32768)" } },
	/* 0, the default, captures none: the verifier prunes the code */
	{ "exec", "envsize", V_COUNT, AT(envsize), .min = 0, .max = TT_MAX_ENVSIZE,
	  .help = "bytes, 0 to 16384",
	  .opt = { "envsize", 0, "N", REC_G_MONITORS,
		   "bytes kept of each exec's environment (envp)\n"
		   "(default 0: none; max 16384)" } },

	{ "syscall", "errors_only", V_BOOL, AT(errors_only),
	  .opt = { "errors-only", 0, NULL, REC_G_VOLUME, "only calls that failed (returned -4095..-1)" } },
	{ "syscall", "slow", V_BOOL, AT(slow),
	  .opt = { "slow", 0, NULL, REC_G_VOLUME,
		   "only calls slower than their category's threshold,\n"
		   "as analyze --slow (file_io=1ms network=5ms\n"
		   "memory=0.5ms process=10ms, others 100us)" } },
	{ "syscall", "thresholds", V_LIST, AT(thresholds), rec_config__add_threshold,
	  .opt = { "threshold", 0, "CAT=DUR", REC_G_VOLUME, "override one, as analyze's; may be repeated" } },
	{ "syscall", "max_rate", V_COUNT, AT(max_rate), .min = 1, .max = TT_MAX_RATE,
	  .help = "syscall events a second per CPU, 1 to 10000000",
	  .opt = { "max-rate", 0, "N", REC_G_VOLUME,
		   "at most N events a second per CPU (max 10000000);\n"
		   "the calls over it are counted per CPU and syscall\n"
		   "(SAMPLED records: analyze says \"1 in 7 recorded\")" } },

	{ "packet", "pcap", V_STRING, AT(pcap),
	  .opt = { "pcap", 0, "FILE", REC_G_PACKETS,
		   "pcapng file (default: the trace's name, .pcapng);\n"
		   "rotated with the trace" } },
	{ "packet", "snaplen", V_COUNT, AT(snaplen), .min = 1, .max = TT_MAX_SNAPLEN,
	  .help = "bytes, 1 to 262144",
	  .opt = { "snaplen", 0, "N", REC_G_PACKETS, "bytes kept of each packet (default 262144)" } },
	{ "packet", "filter", V_STRING, AT(packet_filter),
	  .opt = { "filter", 'f', "EXPR", REC_G_PACKETS,
		   "only packets matching this tcpdump expression\n"
		   "(applied by rec in user space, not in the kernel)" } },
	{ "packet", "interfaces", V_JOINED, AT(interfaces), .repeats = true, /* -i eth0 -i eth1 */
	  .opt = { "interface", 'i', "IF[,IF]", REC_G_PACKETS,
		   "also every packet crossing these interfaces of rec's\n"
		   "network namespace (forwarded, refused, ARP), with\n"
		   "the owner when a local socket has one (tc programs)" } },

	{ "func", "functions", V_JOINED, AT(funcs),
	  .opt = { "func", 0, "PATTERN[,...]", REC_G_FUNCS,
		   "kernel functions by name or glob (vfs_*,\n"
		   "tcp_sendmsg); user functions as\n"
		   "u:BINARY_OR_LIB:SYMBOL_GLOB\n"
		   "(u:libc:malloc, u:/usr/bin/python3:PyEval_*)" } },
	{ "func", "probe_limit", V_COUNT, AT(probe_limit), .min = 1, .max = TT_MAX_FUNCS,
	  .help = "a number of functions, 1 to 4096",
	  .opt = { "probe-limit", 0, "N", REC_G_FUNCS,
		   "refuse a pattern matching more than N functions\n"
		   "(default 64, max 4096)" } },
	{ "func", "mode", V_WORD, AT(func_mode), rec_config__set_func_mode,
	  .opt = { "func-mode", 0, "MODE", REC_G_FUNCS,
		   "count: calls and log2 latency histograms counted in\n"
		   "the kernel (default); calls: an event per entry and\n"
		   "return, with pid, tid, cpu and time" } },
	{ "func", "backend", V_WORD, AT(func_backend), rec_config__set_func_backend,
	  .opt = { "func-backend", 0, "B", REC_G_FUNCS,
		   "kernel functions: auto (fentry where it loads, else\n"
		   "kprobes; default), fentry or kprobe" } },

	{ "filter", "pids", V_LIST, AT(pids), rec_config__add_pids,
	  .opt = { "pid", 'p', "PID[,PID]", REC_G_SCOPE, "these processes and their new children" } },
	{ "filter", "comms", V_LIST, AT(comms), rec_config__add_comms,
	  .opt = { "comm", 0, "NAME[,NAME]", REC_G_SCOPE, "processes with these names" } },
	{ "filter", "users", V_LIST, AT(uids), rec_config__add_users,
	  .opt = { "user", 'u', "USER[,USER]", REC_G_SCOPE, "processes of these users (names or uids)" } },
	{ "filter", "containers", V_LIST, AT(containers), rec_config__add_containers,
	  .opt = { "container", 'c', "ID[,ID]", REC_G_SCOPE,
		   "tasks in these containers (an id, full or as\n"
		   "docker ps prints it; a pod uid; a systemd unit; or a\n"
		   "cgroup v2 path), and cgroups created under them later" } },

	{ "output", "file", V_STRING, AT(output),
	  .opt = { "output", 'o', "FILE", REC_G_OUTPUT,
		   "trace file (default trace-YYYYmmdd-HHMMSS.zst); it is\n"
		   "FILE.partial while being written" } },
	{ "output", "rotate_size", V_MEGABYTES, AT(rotate_bytes), .max = UINT64_MAX,
	  .help = "whole megabytes, or a size like 512K, 100M or 1G",
	  .opt = { "file-size", 'C', "SIZE", REC_G_OUTPUT,
		   "start a new file past SIZE (MB; or with K/M/G suffix)" } },
	{ "output", "rotate_seconds", V_WHOLE_SECONDS, AT(rotate_seconds), .max = UINT32_MAX,
	  .help = "whole seconds",
	  .opt = { "rotate-seconds", 'G', "N", REC_G_OUTPUT, "start a new file every N seconds" } },
	{ "output", "rotate_count", V_COUNT, AT(rotate_count), .max = UINT32_MAX,
	  .help = "a number of files",
	  .opt = { "file-count", 'W', "N", REC_G_OUTPUT, "keep at most N files, deleting the oldest" } },
	/* Negative levels are zstd's --fast modes. */
	{ "output", "level", V_LEVEL, AT(level), .help = "a zstd level from -7 to 19, not 0",
	  .opt = { "level", 0, "N", REC_G_OUTPUT,
		   "zstd level, -7 to 19 (below 0: fast modes; default " STR(TT_DEFAULT_LEVEL) ")\n"
		   "(chunks waiting behind the compressing threads go\n"
		   "faster, at -5, -30 or -100, until they catch up)" } },
	{ "output", "compress_threads", V_COUNT, AT(compress_threads), .min = 1, .max = 64,
	  .help = "a number of threads, 1 to 64",
	  .opt = { "compress-threads", 0, "N", REC_G_OUTPUT,
		   "threads compressing chunks, 1 to 64 (default: half\n"
		   "the CPUs, 1 to 8)" } },
	{ "", "buffer_size", V_BYTES, AT(buffer_size), .min = 4096, .max = 1ull << 31,
	  .help = "a size from 4K to 2G, like 64M",
	  .opt = { "buffer-size", 0, "SIZE", REC_G_OUTPUT,
		   "kernel ring buffer memory, shared by the rings\n"
		   "(default 64M)" } },
	{ "", "rings", V_COUNT, AT(rings), .min = 1, .max = 64, .help = "a number of rings, 1 to 64",
	  .opt = { "rings", 0, "N", REC_G_OUTPUT,
		   "event rings, each drained by its own thread, 1 to\n"
		   "64 (default one per 4 CPUs, up to 16)" } },
	{ NULL, "force", V_BOOL, AT(force),
	  .opt = { "force", 0, NULL, REC_G_OUTPUT, "replace an output that is not a trace, or a .partial" } },
	{ NULL, "on_full", V_WORD, AT(drop_oldest), set_on_full,
	  .opt = { "on-full", 0, "ACTION", REC_G_OUTPUT,
		   "on a full disk: stop (default; the file ends at its\n"
		   "last whole chunk, exit 1) or drop-oldest (delete\n"
		   "this recording's oldest file and go on)" } },

	{ "flight", "ring", V_WORD, 0, rec_config__set_flight,
	  .opt = { "flight", 0, "SIZE|TIME", REC_G_FLIGHT,
		   "keep the newest compressed chunks in memory, up to\n"
		   "SIZE (256M) or a span of TIME (5m), and write\n"
		   "nothing but a snapshot when a trigger fires" } },
	{ "flight", "post", V_WORD, 0, rec_config__set_post,
	  .opt = { "post", 0, "SECONDS", REC_G_FLIGHT,
		   "a snapshot goes on this long after its trigger\n"
		   "(default 5; a trigger meanwhile extends it)" } },
	{ "flight", "max_snapshots", V_COUNT, AT(max_snapshots), .max = UINT32_MAX,
	  .help = "a number of snapshots",
	  .opt = { "max-snapshots", 0, "N", REC_G_FLIGHT,
		   "keep this run's newest N snapshots, deleting the\n"
		   "oldest (default: all)" } },
	{ "flight", "trigger", V_STRING, AT(trigger_rules),
	  .opt = { "trigger", 0, "RULES", REC_G_FLIGHT,
		   "a snapshot when an alert rule matches an event:\n"
		   "analyze --alerts' built-in rules and those of the\n"
		   "YAML file RULES; \"builtin\" for the built-in ones\n"
		   "alone, or some of them by id (ptrace,setns)" } },
	{ "flight", "trigger_cmd", V_BOOL, AT(trigger_cmd),
	  .opt = { "trigger-cmd", 0, NULL, REC_G_FLIGHT,
		   "a snapshot when COMMAND exits non-zero or is killed" } },
	{ "flight", "on_exit", V_BOOL, AT(flight_on_exit),
	  .opt = { "flight-on-exit", 0, NULL, REC_G_FLIGHT, "a snapshot when rec stops" } },

	{ "", "duration", V_SECONDS, AT(duration), .help = "seconds, or a number with ms, s, m or h",
	  .opt = { "duration", 'T', "SECONDS", REC_G_RUNNING, "stop after this long" } },
	{ NULL, "drop_user", V_STRING, AT(drop_user),
	  .opt = { "relinquish-privileges", 'Z', "USER", REC_G_RUNNING,
		   "run as USER once the programs are attached" } },
	{ NULL, "check", V_BOOL, AT(check),
	  .opt = { "check", 0, NULL, REC_G_RUNNING,
		   "load and attach what these options need, list each\n"
		   "program with the instructions the verifier checked,\n"
		   "and exit: does rec work on this kernel?" } },
	{ "", "quiet", V_BOOL, AT(quiet),
	  .opt = { "quiet", 'q', NULL, REC_G_RUNNING, "no status line or summary" } },
#undef AT
	{ 0 },
};

static bool setting__is_scalar(const struct setting *st)
{
	return st->kind <= V_SECONDS;
}

/* The setting key of section, or NULL. */
static const struct setting *setting__find(const char *section, const char *key)
{
	for (const struct setting *st = settings; st->name; st++) {
		if (st->section && !strcmp(st->section, section) && !strcmp(st->name, key))
			return st;
	}
	return NULL;
}

static bool is_section(const char *name)
{
	for (const struct setting *st = settings; st->name; st++) {
		if (st->section && !strcmp(st->section, name))
			return true;
	}
	return false;
}

/* Writes a scalar's value into its field, whose type the kind implies. */
static void setting__store(const struct setting *st, struct rec_config *c, uint64_t v, double secs)
{
	void *field = (char *)c + st->offset;

	switch (st->kind) {
	case V_SECONDS:
		*(double *)field = secs;
		break;
	case V_LEVEL:
		*(int *)field = (int64_t)v;
		break;
	case V_BYTES:
	case V_MEGABYTES:
		*(uint64_t *)field = v;
		break;
	default:
		*(uint32_t *)field = v;
		break;
	}
}

/* Parses a scalar's value into its field: 0, or -EINVAL with err said. */
static int setting__set_scalar(const struct setting *st, struct rec_config *c, const char *value,
			       char *err, size_t errlen)
{
	uint64_t v = 0;
	double secs = 0;
	bool ok = false;

	switch (st->kind) {
	case V_COUNT:
		ok = !cli__parse_u64(value, &v);
		break;
	case V_LEVEL: {
		char *end;
		long l = strtol(value, &end, 10);

		ok = *value && !*end && l >= -7 && l <= 19 && l != 0;
		v = l;
		break;
	}
	case V_BYTES:
		ok = !cli__parse_size(value, &v);
		break;
	case V_MEGABYTES:
		/* As tcpdump -C: a bare number counts millions of bytes. */
		if (*value && strchr("0123456789.", value[strlen(value) - 1])) {
			ok = !cli__parse_u64(value, &v) && v <= UINT64_MAX / 1000000;
			v *= 1000000;
		} else {
			ok = !cli__parse_size(value, &v);
		}
		break;
	case V_WHOLE_SECONDS:
		/* below 2^64 before the cast: converting more is undefined */
		ok = !cli__parse_seconds(value, &secs) && secs < 0x1p64 &&
		     secs == (double)(uint64_t)secs;
		v = ok ? (uint64_t)secs : 0;
		break;
	case V_SECONDS:
		ok = !cli__parse_seconds(value, &secs) && secs > 0;
		break;
	default:
		break;
	}
	if (ok && st->kind != V_SECONDS && st->kind != V_LEVEL)
		ok = v >= st->min && v <= st->max;
	if (!ok) {
		snprintf(err, errlen, "bad %s '%s' (%s)", st->name, value, st->help);
		return -EINVAL;
	}
	setting__store(st, c, v, secs);
	return 0;
}

int rec_config__set(struct rec_config *c, const char *name, const char *value, char *err, size_t errlen)
{
	for (const struct setting *st = settings; st->name; st++) {
		if (setting__is_scalar(st) && !strcmp(st->name, name))
			return setting__set_scalar(st, c, value, err, errlen);
	}
	snprintf(err, errlen, "unknown setting '%s'", name);
	return -EINVAL;
}

/* The command line ------------------------------------------------------- */

const struct rec_option *rec_config__option(int i)
{
	if (i < 0 || i >= (int)(sizeof(settings) / sizeof(settings[0])) - 1)
		return NULL;
	return &settings[i].opt;
}

/* *field, a malloc'd string, replaced by value or, with add, value appended
 * after a comma. */
static int set_string(char **field, const char *value, bool add)
{
	size_t len = add && *field ? strlen(*field) + 1 + strlen(value) + 1 : 0;
	char *s = len ? malloc(len) : strdup(value);

	if (!s)
		return -ENOMEM;
	if (len)
		snprintf(s, len, "%s,%s", *field, value);
	free(*field);
	*field = s;
	return 0;
}

int rec_config__set_option(struct rec_config *c, int i, const char *value, bool again,
			   char *err, size_t errlen)
{
	const struct setting *st = &settings[i];
	void *field = (char *)c + st->offset;

	switch (st->kind) {
	case V_STRING:
		return set_string(field, value, false);
	case V_JOINED:
		/* The first replaces the --config file's list. */
		return set_string(field, value, again && st->repeats);
	case V_LIST:
	case V_WORD:
	case V_MONITORS:
		return st->parse(c, value, err, errlen);
	case V_BOOL:
		*(bool *)field = true; /* a flag: there is no --no-X */
		return 0;
	default:
		return setting__set_scalar(st, c, value, err, errlen);
	}
}

static int set_scalar(struct loader *l, const yaml_node_t *n, const char *name)
{
	char msg[256];
	int ret = want_scalar(l, n, name);

	if (ret)
		return ret;
	if (rec_config__set(l->c, name, scalar(n), msg, sizeof(msg)))
		return fail(l, n, "%s", msg);
	return 0;
}

/* Applies YAML node n to setting st. */
static int setting__load(const struct setting *st, struct loader *l, const yaml_node_t *n)
{
	void *field = (char *)l->c + st->offset;

	switch (st->kind) {
	case V_STRING:
		return get_string(l, n, st->name, field);
	case V_JOINED:
		return get_list(l, n, st->name, field);
	case V_LIST:
		return apply_list(l, n, st->name, st->parse);
	case V_WORD:
		return apply_scalar(l, n, st->name, st->parse);
	case V_MONITORS:
		return set_monitors(l, n, st->name, st->parse);
	case V_BOOL:
		return set_bool(l, n, st->name, field);
	default:
		return set_scalar(l, n, st->name);
	}
}

/* Apply mapping n, the settings of section where ("" at the top). */
static int load_mapping(struct loader *l, const yaml_node_t *n, const char *where)
{
	/* a section whose keys are all commented out is empty, not wrong */
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE) {
		if (!*where)
			return fail(l, n, "expected a mapping of settings");
		return fail(l, n, "'%s' must be a mapping", where);
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		const struct setting *st;
		bool section;
		int ret;

		if (k->type != YAML_SCALAR_NODE)
			return fail(l, k, "keys must be plain names");
		st = setting__find(where, scalar(k));
		section = !st && !*where && is_section(scalar(k));
		if (!st && !section) {
			if (*where)
				return fail(l, k, "unknown key '%s' in '%s'", scalar(k), where);
			return fail(l, k, "unknown key '%s'", scalar(k));
		}
		/* libyaml keeps duplicates; the lists would silently add up */
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = node(l, q->key);

			if (prev->type == YAML_SCALAR_NODE && !strcmp(scalar(prev), scalar(k)))
				return fail(l, k, "duplicate key '%s'", scalar(k));
		}
		ret = section ? load_mapping(l, v, scalar(k)) : setting__load(st, l, v);
		if (ret)
			return ret;
	}
	return 0;
}

/* Strings the loader may replace, duplicated so c is untouched on error. */
static int dup_strings(struct rec_config *dst, const struct rec_config *src)
{
	char **to[] = REC_STRINGS(dst);
	char *const *from[] = REC_STRINGS(src);
	bool failed = false;

	for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		*to[i] = *from[i] ? strdup(*from[i]) : NULL;
		failed |= *from[i] && !*to[i];
	}
	if (failed) {
		rec_config__free(dst);
		return -ENOMEM;
	}
	return 0;
}

int rec_config__load_yaml(struct rec_config *c, const char *path, char *err, size_t errlen)
{
	struct rec_config next = *c;
	struct loader l = { .c = &next };
	yaml_node_t *root;
	int ret;

	ret = yamldoc__load(&l.y, path, err, errlen);
	if (ret)
		return ret;
	ret = dup_strings(&next, c);
	if (ret)
		goto out;
	root = yamldoc__root(&l.y);
	/* An empty file (or only comments, or a lone "---") changes nothing. */
	if (root)
		ret = load_mapping(&l, root, "");
	if (ret) {
		rec_config__free(&next);
	} else {
		rec_config__free(c);
		*c = next;
	}
out:
	yamldoc__free(&l.y);
	return ret;
}

char *rec_config__describe(const struct rec_config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool first = true;
	char thresholds[256];

	if (!f)
		return NULL;
	fprintf(f, "monitors=");
	for (int i = 0; i < TT_MONITOR__COUNT; i++) {
		if (c->monitors & 1u << i) {
			fprintf(f, "%s%s", first ? "" : ",", tt_monitor__name(i));
			first = false;
		}
	}
	fprintf(f, "\nstrsize=%u\nargsize=%u\n", c->strsize, c->argsize);
	fprintf(f, "datasize=%u\n", c->datasize);
	fprintf(f, "envsize=%u\n", c->envsize);
	fprintf(f, "syscalls=%s\n", c->syscalls ? c->syscalls : "");
	fprintf(f, "errors_only=%d\nslow=%d\n", c->errors_only, c->slow);
	fprintf(f, "slow_thresholds=%s\n",
		slow_thresholds__describe(&c->thresholds, thresholds, sizeof(thresholds)));
	fprintf(f, "max_rate=%u\n", c->max_rate);
	fprintf(f, "output=%s\n", c->output ? c->output : "");
	fprintf(f, "rotate_size=%llu\n", (unsigned long long)c->rotate_bytes);
	fprintf(f, "rotate_seconds=%u\nrotate_count=%u\n", c->rotate_seconds, c->rotate_count);
	fprintf(f, "level=%d\ncompress_threads=%u\n", c->level, c->compress_threads);
	fprintf(f, "buffer_size=%llu\nrings=%u\n", (unsigned long long)c->buffer_size, c->rings);
	fprintf(f, "pids=");
	for (int i = 0; i < c->npids; i++)
		fprintf(f, "%s%u", i ? "," : "", c->pids[i]);
	fprintf(f, "\ncomms=");
	for (int i = 0; i < c->ncomms; i++)
		fprintf(f, "%s%s", i ? "," : "", c->comms[i]);
	fprintf(f, "\nuids=");
	for (int i = 0; i < c->nuids; i++)
		fprintf(f, "%s%u", i ? "," : "", c->uids[i]);
	fprintf(f, "\ncontainers=");
	for (int i = 0; i < c->ncontainers; i++)
		fprintf(f, "%s%s", i ? "," : "", c->containers[i]);
	fprintf(f, "\nduration=%g\n", c->duration);
	fprintf(f, "quiet=%d\nverbose=%d\n", c->quiet, c->verbose);
	fprintf(f, "drop_user=%s\n", c->drop_user ? c->drop_user : "");
	fprintf(f, "snaplen=%u\n", c->snaplen);
	fprintf(f, "pcap=%s\n", c->pcap ? c->pcap : "");
	fprintf(f, "packet_filter=%s\n", c->packet_filter ? c->packet_filter : "");
	fprintf(f, "interfaces=%s\n", c->interfaces ? c->interfaces : "");
	fprintf(f, "funcs=%s\nprobe_limit=%u\n", c->funcs ? c->funcs : "", c->probe_limit);
	fprintf(f, "func_mode=%s\nfunc_backend=%s\n", c->func_mode ? "calls" : "count",
		c->func_backend == 1 ? "fentry" : c->func_backend == 2 ? "kprobe" : "auto");
	if (c->flight_bytes || c->flight_ns)
		fprintf(f, "flight_bytes=%llu\nflight_seconds=%g\npost=%g\nmax_snapshots=%u\n"
			"trigger=%s\ntrigger_cmd=%d\nflight_on_exit=%d\n",
			(unsigned long long)c->flight_bytes, c->flight_ns / 1e9, c->post,
			c->max_snapshots, c->trigger_rules ? c->trigger_rules : "", c->trigger_cmd,
			c->flight_on_exit);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
