// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec: record syscall and process events with eBPF into zstd trace files.
 * Threads: main (signals, timers, status line), the consumer (drains the
 * ring, builds chunks), the writer (compresses, writes, rotates) and the
 * flusher (ships the per-CPU batches of idle CPUs, and every CPU's
 * shipping mark).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <seccomp.h>

#include "config.h" /* autoconf: PACKAGE_VERSION */
#include "caps.h"
#include "cli.h"
#include "consumer.h"
#include "fdtouch.h"
#include "flight.h"
#include "triggers.h"
#include "log.h"
#include "output.h"
#include "packets.h"
#include "proctrack.h"
#include "programs.h"
#include "tc_capture.h"
#include "rec_config.h"
#include "rec_options.h"
#include "syscalls.h"
#include "trace.h"
#include "tracefs.h"
#include "userdb.h"
#include "func_probes.h"

_Static_assert((int)TT_MON_SYSCALL == (int)TT_MONITOR_SYSCALL && (int)TT_MON_EXEC == (int)TT_MONITOR_EXEC &&
	       (int)TT_MON_PACKET == (int)TT_MONITOR_PACKET && (int)TT_MON_FUNC == (int)TT_MONITOR_FUNC &&
	       (int)TT_MON_SIGNAL == (int)TT_MONITOR_SIGNAL &&
	       (int)TT_NR_MONITORS == (int)TT_MONITOR__COUNT,
	       "the BPF monitor bits are the trace header's");

#define FLUSHER_PERIOD_NS 100000000ull /* between its passes over the CPUs */

static char *default_output(void)
{
	char name[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(name, sizeof(name), "trace-%Y%m%d-%H%M%S.zst", &tm);
	return strdup(name);
}

/* Refuse an output we cannot create before anything is attached. */
static int check_output(const char *path)
{
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	int ret = access(dir, W_OK | X_OK) ? -errno : 0;

	if (ret)
		pr_warn("cannot write to the output directory '%s': %s", dir, strerror(-ret));
	free(copy);
	return ret;
}

static char *join_args(int argc, char **argv, size_t *len)
{
	size_t n = 0;
	char *buf, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	p = buf = malloc(n ?: 1);
	if (!buf)
		return NULL;
	for (int i = 0; i < argc; i++)
		p = stpcpy(p, argv[i]) + 1;
	*len = n;
	return buf;
}

/*
 * Fork COMMAND stopped on a pipe: it execs only once it is in the pid scope
 * and the programs are attached, so its exec is the first thing recorded.
 */
/*
 * The file `rec -- NAME` runs, found in PATH as execvp would, by rec itself:
 * the trace then holds the command's own execve only, not the failed tries
 * of a PATH search made in the traced child. 0, or -ENOENT / -EACCES.
 */
static int resolve_command(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *p;
	int ret = -ENOENT;

	if (strchr(name, '/')) {
		snprintf(path, size, "%s", name);
		return 0;
	}
	if (!dirs || !*dirs)
		dirs = "/bin:/usr/bin"; /* execvp's default */
	for (p = dirs; ; p = strchr(p, ':') + 1) {
		size_t len = strcspn(p, ":");
		struct stat st;

		/* An empty entry is the current directory. */
		snprintf(path, size, "%.*s%s%s", (int)len, len ? p : ".", "/", name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (!access(path, X_OK))
				return 0;
			ret = -EACCES;
		}
		if (!p[len])
			break;
	}
	return ret;
}

static pid_t spawn_stopped(char **cmd, int *go_fd)
{
	char path[PATH_MAX];
	int fds[2], ret = resolve_command(cmd[0], path, sizeof(path));
	pid_t pid;

	if (ret)
		return ret;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t all;
		char c;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		close(fds[1]);
		/* Named for what it will run, not "rec", in the trace's first exec. */
		prctl(PR_SET_NAME, strrchr(cmd[0], '/') ? strrchr(cmd[0], '/') + 1 : cmd[0]);
		if (read(fds[0], &c, 1) != 1)
			_exit(127); /* rec gave up before starting it */
		execv(path, cmd);
		fprintf(stderr, "rec: cannot run '%s': %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

static int drop_privileges(const char *user)
{
	struct userdb_user u;
	int ret = userdb__user(user, &u);

	if (ret == -ENOENT) {
		pr_warn("-Z: unknown user '%s'", user);
		return -EINVAL;
	}
	if (ret) {
		pr_warn("-Z: cannot look up user '%s': %s", user, strerror(-ret));
		return ret;
	}
	ret = userdb__setgroups(user, u.gid);
	if (ret || setgid(u.gid) || setuid(u.uid)) {
		ret = ret ? ret : -errno;
		pr_warn("-Z: cannot become '%s': %s", user, strerror(-ret));
		return ret;
	}
	return 0;
}

struct flusher {
	struct programs *programs;
	struct consumer *cons;
	pthread_t thread;
	atomic_bool stop;
};

/* Each pass ships every CPU's batch with its shipping mark, and tells the
 * consumer which CPUs it reached, whose marks the prologues wait for. */
static void *flusher_main(void *arg)
{
	struct flusher *f = arg;
	struct timespec period = { 0, FLUSHER_PERIOD_NS };
	bool *reached = calloc(programs__ncpus(f->programs), sizeof(*reached));

	while (!atomic_load(&f->stop)) {
		nanosleep(&period, NULL);
		programs__flush_cpus(f->programs, reached);
		if (reached)
			consumer__cpus_flushed(f->cons, reached);
	}
	free(reached);
	return NULL;
}

struct scope {
	struct programs *programs;
	const struct rec_config *cfg;
};

/* Which processes of the first /proc scan are in the recording's scope. */
static bool prologue_filter(const struct tt_proc *p, void *ctx)
{
	const struct scope *s = ctx;
	bool ok = s->cfg->ncomms == 0 && s->cfg->nuids == 0;

	if (!programs__pid_in_scope(s->programs, p->pid) ||
	    !programs__cgroup_in_scope(s->programs, p->cgroup_id))
		return false;
	for (int i = 0; i < s->cfg->ncomms && !ok; i++)
		ok = p->comm.len == strlen(s->cfg->comms[i]) && !memcmp(p->comm.data, s->cfg->comms[i], p->comm.len);
	for (int i = 0; i < s->cfg->nuids && !ok; i++)
		ok = p->uid == s->cfg->uids[i];
	return ok;
}

static void human_bytes(char *buf, size_t size, double v)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (v >= 1024 && u < 4)
		v /= 1024, u++;
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* rec's own memory: the ring buffer's pages are mapped from the kernel and
 * count as file pages, so anonymous pages are what rec itself allocated. */
static long anon_rss_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void print_status(struct consumer *cons, struct output *out, double elapsed,
			 uint64_t *last_events, double *last_t, bool final)
{
	struct consumer_stats cs;
	struct output_stats os;
	struct flight_stats fs;
	struct rusage ru;
	uint64_t events = 0, lost = 0;
	char written[32];
	double now = mono_s(), rate;

	consumer__stats(cons, &cs);
	output__stats(out, &os);
	for (int m = 0; m < TT_MONITOR__COUNT; m++)
		events += cs.events[m], lost += cs.lost[m];
	rate = now > *last_t ? (events - *last_events) / (now - *last_t) : 0;
	*last_events = events;
	*last_t = now;
	human_bytes(written, sizeof(written), os.written_bytes);
	if (!final && output__flight_stats(out, &fs)) {
		human_bytes(written, sizeof(written), fs.ring_bytes);
		fprintf(stderr, "\r%8.1fs  %10.0f ev/s  %llu lost  %s in the ring  %u snapshot%s   ",
			elapsed, rate, (unsigned long long)lost, written, fs.snapshots,
			fs.snapshots == 1 ? "" : "s");
		return;
	}
	if (!final) {
		fprintf(stderr, "\r%8.1fs  %10.0f ev/s  %llu lost  %s written  ratio %.1fx   ",
			elapsed, rate, (unsigned long long)lost, written,
			os.written_bytes ? (double)os.raw_bytes / os.written_bytes : 0.0);
		return;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (output__flight_stats(out, &fs)) {
		human_bytes(written, sizeof(written), fs.ring_bytes);
		fprintf(stderr, "rec: %llu events (syscall %llu, process %llu, signal %llu), %llu "
			"lost, %.1f s; %u snapshot%s written, %llu trigger%s; the ring held %s in "
			"%llu chunks at the end (%llu older ones let go)\nrec: used %.2f s CPU, %ld "
			"MiB of memory besides the ring buffer; %d process%s tracked at the end\n",
			(unsigned long long)events, (unsigned long long)cs.events[TT_MONITOR_SYSCALL],
			(unsigned long long)cs.events[TT_MONITOR_EXEC],
			(unsigned long long)cs.events[TT_MONITOR_SIGNAL], (unsigned long long)lost,
			elapsed, fs.snapshots,
			fs.snapshots == 1 ? "" : "s", (unsigned long long)cs.triggers,
			cs.triggers == 1 ? "" : "s", written, (unsigned long long)fs.ring_chunks,
			(unsigned long long)fs.dropped_chunks,
			ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
			ru.ru_stime.tv_usec / 1e6, anon_rss_kib() / 1024, cs.procs, cs.procs == 1 ? "" : "es");
	} else
	fprintf(stderr, "rec: %llu events (syscall %llu, process %llu, signal %llu), %llu lost, %.1f s; "
		"%s in %u file%s ending %s (ratio %.1fx)\nrec: used %.2f s CPU, %ld MiB of memory "
		"besides the ring buffer; %d process%s tracked at the end\n",
		(unsigned long long)events, (unsigned long long)cs.events[TT_MONITOR_SYSCALL],
		(unsigned long long)cs.events[TT_MONITOR_EXEC],
		(unsigned long long)cs.events[TT_MONITOR_SIGNAL], (unsigned long long)lost, elapsed,
		written, os.files, os.files == 1 ? "" : "s", output__current_name(out),
		os.written_bytes ? (double)os.raw_bytes / os.written_bytes : 0.0,
		ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
		anon_rss_kib() / 1024, cs.procs, cs.procs == 1 ? "" : "es");
	for (int k = 0; k < OUTPUT_CATCH_UP_STEPS; k++)
		if (os.caught_up[k])
			fprintf(stderr, "rec: %llu chunk%s compressed at zstd level %d to keep up with "
				"the events\n", (unsigned long long)os.caught_up[k],
				os.caught_up[k] == 1 ? "" : "s", output_catch_up_levels[k]);
	if (lost)
		fprintf(stderr, "rec: warning: %llu events were lost (ring buffer full); "
			"they are counted in the trace. Try a larger --buffer-size or a narrower scope.\n",
			(unsigned long long)lost);
}

static void fill_header(struct tt_file_header *h, const struct rec_config *c, char *cmdline,
			size_t cmdline_len, char *options, const struct utsname *u, char *host)
{
	memset(h, 0, sizeof(*h));
	h->format_major = TT_FORMAT_MAJOR;
	h->format_minor = TT_FORMAT_MINOR;
	h->audit_arch = seccomp_arch_native();
	h->ncpus = sysconf(_SC_NPROCESSORS_CONF);
	h->monitors = c->monitors;
	h->rec_pid = getpid();
	h->recording_id = ((uint64_t)time(NULL) << 32) ^ ((uint64_t)getpid() << 16) ^ (uint64_t)clock();
	h->tool_version = (struct tt_bytes){ PACKAGE_VERSION, strlen(PACKAGE_VERSION) };
	h->hostname = (struct tt_bytes){ host, strlen(host) };
	h->kernel_release = (struct tt_bytes){ u->release, strlen(u->release) };
	h->machine = (struct tt_bytes){ u->machine, strlen(u->machine) };
	h->cmdline = (struct tt_bytes){ cmdline, cmdline_len };
	h->options = (struct tt_bytes){ options, strlen(options) };
}

/*
 * rec --check: load and attach every program the options need, as a
 * recording would, list them (name, what needs it, verified instructions)
 * on stdout, and detach. Nothing is written.
 */
static int check_programs(const struct rec_config *cfg, const struct syscall_table *table)
{
	char err[1024];
	struct programs *p = NULL;
	int ret = EXIT_FAIL;

	if (!caps__check(cfg, true, err, sizeof(err)))
		p = programs__load(cfg, table, err, sizeof(err));
	if (!p) {
		pr_warn("%s", err);
		return EXIT_FAIL;
	}
	programs__report_to(p, stdout);
	if (programs__set_filters(p, cfg, table, err, sizeof(err)) ||
	    programs__attach(p, err, sizeof(err)))
		pr_warn("%s", err);
	else if (!programs__report(p))
		ret = EXIT_SUCCESS;
	programs__destroy(p);
	return ret;
}

/* One recording: its settings, what it started, and how it ends. */
struct recording {
	/* what every file header points to, for as long as files are written
	 * (the consumer writes a header at each rotation) */
	struct utsname uts;
	char host[256];
	char os[128];                /* the pcapng files' shb_os */
	int argc;
	char **argv;
	int cmd_index;               /* of the COMMAND in argv, argc for none */
	struct rec_config cfg;
	sigset_t sigs;               /* taken by the main loop */
	struct syscall_table *table;
	struct programs *programs;
	struct proctrack *procs;
	struct proctrack *flight_procs; /* --flight: the table as of the ring's start */
	struct flight_opts flight;
	struct triggers *triggers;   /* --trigger */
	struct fdtouch *fdtouch;     /* --flight: which calls touch an fd */
	struct scope scope;          /* proctrack's filter */
	struct output *out;
	struct consumer *cons;
	struct packet_sink *sink;
	struct flusher flusher;
	bool flusher_started;
	char *cmdline, *options, *cmdtext;
	size_t cmdline_len;
	pid_t child;                 /* the COMMAND, 0 for none */
	int go_fd;                   /* writing to it starts the command; -1 when done */
	bool child_done;
	int child_status;
	int stopping;                /* the SIGINT/SIGTERM passed on to the command */
	double start, last_t;        /* for the status line */
	uint64_t last_events;
	int status;                  /* the exit status */
};

/*
 * Signals are taken synchronously by the main loop, in every thread.
 * Blocked from the start: a SIGHUP or SIGUSR1 during start-up waits for
 * the loop instead of killing rec, and SIGINT then stops it at once.
 */
static void recording__block_signals(struct recording *r)
{
	sigemptyset(&r->sigs);
	sigaddset(&r->sigs, SIGINT);
	sigaddset(&r->sigs, SIGTERM);
	sigaddset(&r->sigs, SIGHUP);
	sigaddset(&r->sigs, SIGUSR1);
	sigaddset(&r->sigs, SIGUSR2);
	sigaddset(&r->sigs, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &r->sigs, NULL);
}

/* --flight and the options that go with it. 0, or -1 as recording__check. */
static int recording__check_flight(struct recording *r)
{
	struct rec_config *cfg = &r->cfg;
	const char *bad = NULL;

	if (!cfg->flight_bytes && !cfg->flight_ns) {
		if (cfg->post_set || cfg->max_snapshots || cfg->trigger_rules || cfg->trigger_cmd ||
		    cfg->flight_on_exit)
			bad = "--post, --max-snapshots, --trigger, --trigger-cmd and --flight-on-exit "
			      "need --flight";
	} else if (cfg->rotate_bytes || cfg->rotate_seconds || cfg->rotate_count) {
		bad = "--flight writes snapshots, not rotated files: no -C, -G or -W";
	} else if (cfg->monitors & (1u << TT_MONITOR_PACKET | 1u << TT_MONITOR_FUNC)) {
		bad = "--flight records no packets or functions (-m packet, -m func)";
	} else if (cfg->trigger_cmd && r->cmd_index >= r->argc) {
		bad = "--trigger-cmd needs a COMMAND";
	}
	if (bad) {
		pr_warn("%s", bad);
		r->status = EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* The settings, checked before anything starts. Returns 0, or -1 with the
 * error said and r->status set. */
static int recording__check(struct recording *r)
{
	struct rec_config *cfg = &r->cfg;
	char err[512];

	if (!cfg->monitors) {
		pr_warn("no monitors selected (-m syscall,exec)");
		r->status = EXIT_USAGE;
		return -1;
	}
	for (int i = 0; i < cfg->npids; i++) {
		if (kill(cfg->pids[i], 0) && errno == ESRCH) {
			pr_warn("-p %u: no such process", cfg->pids[i]);
			return -1;
		}
	}
	if (r->cmd_index < r->argc && cfg->npids) {
		pr_warn("-p and a COMMAND cannot be used together");
		r->status = EXIT_USAGE;
		return -1;
	}
	/* "rec -o x.zst --" with the command forgotten would record the
	 * whole system. */
	if (r->cmd_index == r->argc && r->cmd_index > 1 && !strcmp(r->argv[r->cmd_index - 1], "--") &&
	    !(cfg->output && !strcmp(cfg->output, "--") && !strcmp(r->argv[r->cmd_index - 2], "-o"))) {
		pr_warn("no COMMAND after '--'");
		r->status = EXIT_USAGE;
		return -1;
	}
	if (cfg->output && !*cfg->output) {
		pr_warn("-o: an empty file name");
		r->status = EXIT_USAGE;
		return -1;
	}
	if (cfg->drop_user && userdb__user(cfg->drop_user, &(struct userdb_user){ 0 })) {
		pr_warn("-Z: unknown user '%s'", cfg->drop_user); /* as -u says of one */
		r->status = EXIT_USAGE;
		return -1;
	}
	r->table = syscall_table__native();
	if (!r->table) {
		pr_warn("libseccomp does not know this architecture");
		return -1;
	}
	if (cfg->syscalls) {
		uint64_t mask[SYSCALL_MAX_NR / 64];
		char bad[64];

		if (syscall_table__select(r->table, cfg->syscalls, mask, bad, sizeof(bad))) {
			pr_warn("-e: unknown syscall or category '%s'", bad);
			r->status = EXIT_USAGE;
			return -1;
		}
	}
	if (!cfg->output)
		cfg->output = default_output();
	if (check_output(cfg->output))
		return -1;
	if (output__check_path(cfg->output, cfg->force, err, sizeof(err))) {
		pr_warn("%s", err);
		return -1;
	}
	if (!(cfg->monitors & (1u << TT_MONITOR_PACKET)) &&
	    (cfg->pcap || cfg->packet_filter || cfg->interfaces)) {
		pr_warn("--pcap, -f and -i need the packet monitor (-m packet)");
		r->status = EXIT_USAGE;
		return -1;
	}
	if (!(cfg->monitors & (1u << TT_MONITOR_FUNC)) != !cfg->funcs) {
		pr_warn(cfg->funcs ? "--func needs the function monitor (-m func)" :
			"-m func needs --func PATTERN (kernel functions, or u:BINARY:SYMBOL)");
		r->status = EXIT_USAGE;
		return -1;
	}
	if ((cfg->errors_only || cfg->slow || cfg->max_rate) &&
	    !(cfg->monitors & (1u << TT_MONITOR_SYSCALL))) {
		pr_warn("--errors-only, --slow and --max-rate need the syscall monitor (-m syscall)");
		r->status = EXIT_USAGE;
		return -1;
	}
	if (cfg->thresholds_set && !cfg->slow) {
		pr_warn("--threshold needs --slow (in --config: syscall.thresholds needs syscall.slow)");
		r->status = EXIT_USAGE;
		return -1;
	}
	if (recording__check_flight(r))
		return -1;
	if (cfg->trigger_rules &&
	    !(r->triggers = triggers__new(cfg->trigger_rules, r->table, err, sizeof(err)))) {
		pr_warn("--trigger: %s", err);
		r->status = EXIT_USAGE;
		return -1;
	}
	if (cfg->interfaces) { /* a bad name is a usage error, found before anything starts */
		struct tc_capture *tc = tc_capture__new(cfg->interfaces, err, sizeof(err));

		if (!tc) {
			pr_warn("%s", err);
			r->status = EXIT_USAGE;
			return -1;
		}
		tc_capture__destroy(tc);
	}
	return 0;
}

/* The pcapng files of -m packet. Returns 0, or -1 as recording__check. */
static int recording__open_packets(struct recording *r)
{
	struct rec_config *cfg = &r->cfg;
	struct packet_sink_opts popts = { .snaplen = cfg->snaplen, .filter = cfg->packet_filter,
					  .rotate_count = cfg->rotate_count };
	char err[512];
	size_t len = 0;

	if (!(cfg->monitors & (1u << TT_MONITOR_PACKET)))
		return 0;
	if (!cfg->pcap)
		cfg->pcap = packet_sink__default_name(cfg->output);
	if (!cfg->pcap || check_output(cfg->pcap))
		return -1;
	if (packet_sink__check_name(cfg->pcap, cfg->force, err, sizeof(err))) {
		pr_warn("%s", err);
		return -1;
	}
	uname(&r->uts);
	snprintf(r->os, sizeof(r->os), "Linux %s", r->uts.release);
	r->cmdtext = join_args(r->argc, r->argv, &len);
	for (size_t i = 0; r->cmdtext && i + 1 < len; i++)
		if (!r->cmdtext[i])
			r->cmdtext[i] = ' ';
	popts.base = cfg->pcap;
	popts.force = cfg->force;
	popts.comment = r->cmdtext;
	popts.os = r->os;
	popts.hardware = r->uts.machine;
	r->sink = packet_sink__new(&popts, err, sizeof(err));
	if (!r->sink) {
		pr_warn("%s", err);
		r->status = EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* The COMMAND, stopped until recording__start lets it go. Returns 0, or -1
 * as recording__check. */
static int recording__spawn(struct recording *r)
{
	const char *name = r->argv[r->cmd_index];

	if (r->cmd_index >= r->argc)
		return 0;
	r->child = spawn_stopped(r->argv + r->cmd_index, &r->go_fd);
	if (r->child < 0) {
		pr_warn("cannot run '%s': %s", name,
			r->child == -ENOENT && !strchr(name, '/') ? "command not found" :
			strerror(-r->child));
		r->child = 0;
		r->status = 127; /* as env, timeout and the shells say it */
		return -1;
	}
	return 0;
}

/* The BPF programs loaded, scoped and attached, the process table read,
 * privileges dropped. Returns 0, or -1 as recording__check. */
static int recording__load(struct recording *r)
{
	struct rec_config *cfg = &r->cfg;
	char err[1024];

	if (caps__check(cfg, r->child > 0, err, sizeof(err))) {
		pr_warn("%s", err);
		return -1;
	}
	r->programs = programs__load(cfg, r->table, err, sizeof(err));
	if (!r->programs) {
		pr_warn("%s", err);
		return -1;
	}
	if (programs__set_filters(r->programs, cfg, r->table, err, sizeof(err)) ||
	    (r->child && programs__add_pid(r->programs, r->child))) {
		pr_warn("%s", err);
		return -1;
	}
	r->scope = (struct scope){ r->programs, cfg };
	r->procs = proctrack__new(prologue_filter, &r->scope);
	if (!r->procs || proctrack__scan(r->procs)) {
		pr_warn("reading the process table from /proc failed");
		return -1;
	}
	/* --flight: a second table, moved on as the ring lets chunks go */
	if ((cfg->flight_bytes || cfg->flight_ns) &&
	    (!(r->flight_procs = proctrack__new(prologue_filter, &r->scope)) ||
	     proctrack__scan(r->flight_procs))) {
		pr_warn("reading the process table from /proc failed");
		return -1;
	}
	if (r->sink)
		packet_sink__set_procs(r->sink, r->procs);
	if (programs__attach(r->programs, err, sizeof(err))) {
		pr_warn("%s", err);
		return -1;
	}
	if (cfg->drop_user && drop_privileges(cfg->drop_user))
		return -1;
	return 0;
}

/* The writer, consumer and flusher threads started, then the command.
 * Returns 0, or -1 as recording__check. */
/* --flight's table of the calls that touch an fd, native and (on x86_64,
 * as programs.c records them) compat. */
static struct fdtouch *new_fdtouch(const struct syscall_table *native)
{
	struct syscall_table *compat = syscall_table__arch(native) == AUDIT_ARCH_X86_64 ?
					       syscall_table__new(AUDIT_ARCH_I386) : NULL;
	struct fdtouch *t = fdtouch__new(native, compat);

	syscall_table__free(compat);
	return t;
}

static int recording__start(struct recording *r)
{
	struct rec_config *cfg = &r->cfg;
	struct output_opts oopts;
	struct consumer_opts copts;
	char err[512];

	uname(&r->uts);
	gethostname(r->host, sizeof(r->host) - 1);
	r->cmdline = join_args(r->argc, r->argv, &r->cmdline_len);
	r->options = rec_config__describe(cfg);
	oopts = (struct output_opts){ .base = cfg->output, .rotate_bytes = cfg->rotate_bytes,
				      .rotate_count = cfg->rotate_count, .level = cfg->level,
				      .compressors = cfg->compress_threads,
				      .force = cfg->force, .drop_oldest = cfg->drop_oldest };
	if (r->flight_procs) {
		r->flight = (struct flight_opts){ .max_bytes = cfg->flight_bytes,
						  .max_ns = cfg->flight_ns,
						  .max_snapshots = cfg->max_snapshots,
						  .base = cfg->output, .force = cfg->force,
						  .level = cfg->level, .procs = r->flight_procs };
		if (!(r->fdtouch = new_fdtouch(r->table))) {
			pr_warn("setting up the flight recorder: %s", strerror(ENOMEM));
			return -1;
		}
		fill_header(&r->flight.header, cfg, r->cmdline, r->cmdline_len, r->options ?: "",
			    &r->uts, r->host);
		oopts.flight = &r->flight;
	}
	if (r->triggers)
		triggers__set_cgroups(r->triggers, r->procs);
	r->out = output__start(&oopts);
	if (!r->out) {
		pr_warn("starting the writer thread: %s", strerror(errno));
		return -1;
	}
	copts = (struct consumer_opts){ .programs = r->programs, .output = r->out,
					.procs = r->procs, .rotate_seconds = cfg->rotate_seconds,
					.packets = r->sink,
					.funcs = programs__funcs(r->programs),
					.flight = r->flight_procs != NULL,
					.triggers = r->triggers, .fdtouch = r->fdtouch,
					.post_ns = cfg->post * 1e9 };
	fill_header(&copts.header, cfg, r->cmdline, r->cmdline_len, r->options ?: "", &r->uts, r->host);
	r->cons = consumer__start(&copts, err, sizeof(err));
	if (!r->cons) {
		pr_warn("%s", err);
		return -1;
	}
	r->flusher.programs = r->programs;
	r->flusher.cons = r->cons;
	if (pthread_create(&r->flusher.thread, NULL, flusher_main, &r->flusher)) {
		pr_warn("starting the flusher thread failed");
		return -1;
	}
	r->flusher_started = true;
	pthread_setname_np(r->flusher.thread, "rec-flusher");
	if (r->child) {
		if (write(r->go_fd, "g", 1) != 1) {
			pr_warn("cannot start '%s'", r->argv[r->cmd_index]);
			return -1;
		}
		close(r->go_fd);
		r->go_fd = -1;
	}
	if (r->flight_procs)
		pr_info("flight recorder: snapshots named after %s", cfg->output);
	else
		pr_info("recording to %s", cfg->output);
	return 0;
}

/* SIGHUP: the settings read again; only the filters change. */
static void recording__reload(struct recording *r)
{
	struct rec_config fresh = { 0 };
	char err[512];
	int ignored;

	/* A bad file keeps the old settings: the recording goes on. */
	if (!rec_options__parse(r->argc, r->argv, &fresh, &ignored) &&
	    !programs__set_filters(r->programs, &fresh, r->table, err, sizeof(err))) {
		/* The CONFIG record says what is in force: the settings rec
		 * started with, but for the filters just changed (a shallow
		 * copy, only read). */
		struct rec_config in_force = r->cfg;
		char *text;

		memcpy(in_force.comms, fresh.comms, sizeof(fresh.comms));
		in_force.ncomms = fresh.ncomms;
		memcpy(in_force.uids, fresh.uids, sizeof(fresh.uids));
		in_force.nuids = fresh.nuids;
		memcpy(in_force.containers, fresh.containers, sizeof(fresh.containers));
		in_force.ncontainers = fresh.ncontainers;
		in_force.syscalls = fresh.syscalls;
		text = rec_config__describe(&in_force);

		consumer__config_changed(r->cons, text ?: "");
		free(text);
		pr_info("SIGHUP: filters re-read");
	} else {
		pr_warn("SIGHUP: settings not changed");
	}
	rec_config__free(&fresh);
}

/* SIGUSR2: a snapshot (--flight), else nothing. */
static void recording__sigusr2(struct recording *r, const siginfo_t *si)
{
	char msg[64];

	if (!r->flight_procs) {
		pr_warn("SIGUSR2 ignored: it triggers a snapshot with --flight");
		return;
	}
	snprintf(msg, sizeof(msg), "SIGUSR2 from pid %d", si->si_pid);
	consumer__trigger(r->cons, TT_TRIGGER_SIGNAL, si->si_pid, msg);
}

/* --trigger-cmd: the command failed (a non-zero exit, or a signal). */
static void recording__command_trigger(struct recording *r)
{
	char msg[128];
	int st = r->child_status;

	if (!r->cfg.trigger_cmd || (WIFEXITED(st) && !WEXITSTATUS(st)))
		return;
	if (WIFEXITED(st))
		snprintf(msg, sizeof(msg), "'%s' exited with status %d", r->argv[r->cmd_index],
			 WEXITSTATUS(st));
	else
		snprintf(msg, sizeof(msg), "'%s' was killed by %s", r->argv[r->cmd_index],
			 strsignal(WTERMSIG(st)));
	consumer__trigger(r->cons, TT_TRIGGER_COMMAND, st, msg);
}

/* Records until a signal, the command's exit or -T. Returns 0, or -1 when
 * writing failed (said). */
static int recording__run(struct recording *r)
{
	const struct rec_config *cfg = &r->cfg;
	double next_status;

	r->start = r->last_t = mono_s();
	next_status = r->start + 1;
	for (;;) {
		struct timespec wait = { 0, 250 * 1000000 };
		siginfo_t si;
		int sig = sigtimedwait(&r->sigs, &si, &wait);
		double now = mono_s();

		if ((sig == SIGINT || sig == SIGTERM) && r->child && !r->child_done && !r->stopping) {
			/*
			 * As timeout(1) does: the command gets the signal, and
			 * rec records until it exits. A signal from the terminal
			 * (Ctrl-C: si_code SI_KERNEL) reached its process group,
			 * the command included, already. A second one stops rec
			 * at once, leaving the command running.
			 */
			r->stopping = sig;
			if (si.si_code == SI_USER || si.si_code == SI_QUEUE)
				kill(r->child, sig);
			pr_info("%s: waiting for '%s' (pid %d) to exit; send it again to stop now",
				strsignal(sig), r->argv[r->cmd_index], r->child);
			continue;
		}
		if (sig == SIGINT || sig == SIGTERM) {
			/* Without a command, or a second signal: the end, now. */
			if (r->stopping)
				consumer__set_end(r->cons, TT_CLOSE_CUT, r->stopping);
			else
				consumer__set_end(r->cons, TT_CLOSE_END, sig);
			break;
		}
		if (sig == SIGUSR1 && !r->flight_procs)
			consumer__rotate(r->cons);
		if (sig == SIGUSR2)
			recording__sigusr2(r, &si);
		if (sig == SIGHUP)
			recording__reload(r);
		if (sig == SIGCHLD && r->child) {
			int st;
			pid_t w;

			while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
				if (w == r->child) {
					r->child_done = true;
					r->child_status = st;
				}
			}
			if (r->child_done) {
				recording__command_trigger(r);
				consumer__set_end(r->cons, TT_CLOSE_END, r->stopping);
				break;
			}
		}
		if (output__error(r->out)[0]) {
			pr_warn("%s", output__error(r->out));
			return -1;
		}
		if (cfg->duration && now - r->start >= cfg->duration)
			break;
		if (!cfg->quiet && isatty(STDERR_FILENO) && now >= next_status) {
			print_status(r->cons, r->out, now - r->start, &r->last_events, &r->last_t, false);
			next_status = now + 1;
		}
	}
	if (!cfg->quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);
	return 0;
}

/* The threads stopped and the last events written. Returns 0, or -1 when
 * writing failed (said). */
static int recording__finish(struct recording *r)
{
	atomic_store(&r->flusher.stop, true);
	pthread_join(r->flusher.thread, NULL);
	r->flusher_started = false;
	programs__flush_cpus(r->programs, NULL); /* what the CPUs still hold */
	if (r->cfg.flight_on_exit)
		consumer__trigger(r->cons, TT_TRIGGER_EXIT, 0, "rec stopped (--flight-on-exit)");
	if (consumer__finish(r->cons)) {
		pr_warn("%s", output__error(r->out)[0] ? output__error(r->out) :
			r->sink && packet_sink__error(r->sink)[0] ? packet_sink__error(r->sink) :
			"writing the trace failed");
		return -1;
	}
	return 0;
}

/* Stopped by -T, a second signal or a write error: the command goes on
 * without us, and the trace has no exit for it. Say so. */
static void recording__left_running(const struct recording *r)
{
	if (r->child && !r->child_done && r->go_fd < 0)
		pr_warn("'%s' (pid %d) is still running, no longer recorded", r->argv[r->cmd_index],
			r->child);
}

/* The totals on stderr, and the exit status: the command's, if it ended. */
static void recording__report(struct recording *r)
{
	const struct rec_config *cfg = &r->cfg;
	const struct func_probes *funcs = programs__funcs(r->programs);
	struct consumer_stats cs;

	if (!cfg->quiet)
		print_status(r->cons, r->out, mono_s() - r->start, &r->last_events, &r->last_t, true);
	consumer__stats(r->cons, &cs);
	if (!cfg->quiet && cfg->max_rate)
		fprintf(stderr, "rec: %llu syscall events over --max-rate %u/s per CPU left out, "
			"counted in the trace (SAMPLED)\n", (unsigned long long)cs.sampled, cfg->max_rate);
	if (!cfg->quiet && r->sink)
		fprintf(stderr, "rec: %llu packets, %llu lost, in %u pcapng file%s ending %s\n",
			(unsigned long long)cs.events[TT_MONITOR_PACKET],
			(unsigned long long)cs.lost[TT_MONITOR_PACKET], packet_sink__files(r->sink),
			packet_sink__files(r->sink) == 1 ? "" : "s", packet_sink__current_name(r->sink));
	if (!cfg->quiet && funcs)
		fprintf(stderr, "rec: %d function%s probed, %llu %s, %llu lost\n",
			func_probes__count(funcs), func_probes__count(funcs) == 1 ? "" : "s",
			(unsigned long long)cs.events[TT_MONITOR_FUNC],
			cfg->func_mode ? "entry and return events" : "calls counted",
			(unsigned long long)cs.lost[TT_MONITOR_FUNC]);
	r->status = EXIT_OK;
	if (!r->child)
		return;
	if (!r->child_done) {
		recording__left_running(r);
	} else if (WIFEXITED(r->child_status)) {
		r->status = WEXITSTATUS(r->child_status);
	} else if (WIFSIGNALED(r->child_status)) {
		r->status = 128 + WTERMSIG(r->child_status);
	}
}

int main(int argc, char **argv)
{
	struct recording r = { .argc = argc, .argv = argv, .go_fd = -1, .status = EXIT_FAIL };

	log__init(argv[0]);
	recording__block_signals(&r);
	if (rec_options__parse(argc, argv, &r.cfg, &r.cmd_index)) {
		r.status = EXIT_USAGE;
		goto cleanup;
	}
	log__set_level(r.cfg.verbose >= 2 ? LOG_DEBUG : r.cfg.verbose ? LOG_INFO : LOG_WARN);
	if (recording__check(&r))
		goto cleanup;
	if (r.cfg.check) {
		r.status = check_programs(&r.cfg, r.table);
		goto cleanup;
	}
	if (recording__open_packets(&r) || recording__spawn(&r) || recording__load(&r) ||
	    recording__start(&r))
		goto cleanup;
	if (recording__run(&r) || recording__finish(&r)) {
		recording__left_running(&r);
		goto cleanup;
	}
	recording__report(&r);
cleanup:
	if (r.flusher_started) {
		atomic_store(&r.flusher.stop, true);
		pthread_join(r.flusher.thread, NULL);
	}
	if (r.go_fd >= 0)
		close(r.go_fd); /* the command never starts */
	if (r.cons && r.status == EXIT_FAIL)
		consumer__finish(r.cons); /* close what was written so far */
	consumer__free(r.cons);
	packet_sink__free(r.sink);
	output__free(r.out);
	proctrack__free(r.procs);
	proctrack__free(r.flight_procs);
	triggers__free(r.triggers);
	fdtouch__free(r.fdtouch);
	programs__destroy(r.programs);
	syscall_table__free(r.table);
	free(r.cmdline);
	free(r.cmdtext);
	free(r.options);
	rec_config__free(&r.cfg);
	return r.status;
}
