// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec recording for real: each test runs the built rec on tests/workload and
 * checks the trace holds exactly what the workload did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "syscalls.h"
#include "testutil.h"

static char *dir;
static struct syscall_table *table;

static void setup(void)
{
	tu_require_bpf();
	dir = tu_mkdtemp();
	table = syscall_table__native();
	cr_assert(table);
}

static void teardown(void)
{
	tu_rmdir(dir);
	dir = NULL;
	syscall_table__free(table);
	table = NULL;
}

TestSuite(record, .init = setup, .fini = teardown, .timeout = 120);

static const char *in_dir(const char *name)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

static int nr_of(const char *name)
{
	int nr = syscall_table__nr(table, name);

	cr_assert(nr >= 0, "no syscall %s", name);
	return nr;
}

/* Until rec has attached and started path (its .partial file exists); a
 * loaded machine can take seconds to load the programs, so up to 30 s. */
static void wait_writing(const char *path)
{
	char partial[4300];

	snprintf(partial, sizeof(partial), "%s.partial", path);
	for (int i = 0; i < 600 && access(partial, F_OK); i++)
		usleep(50000);
	cr_assert(!access(partial, F_OK), "rec never started %s", partial);
}

static bool str_eq(struct tt_bytes b, const char *s)
{
	return b.len == strlen(s) && !memcmp(b.data, s, b.len);
}

struct workload_view {
	uint32_t pid;         /* the workload's (rec's child) */
	long getppid, opens_ok, opens_enoent, nanosleeps, exit_groups;
	uint64_t sleep_ns;
	int exit_code;        /* from exit_group's argument, -1 if not seen */
	long exec_awkward, exec_failed, exec_workload, exit_records;
	int exit_status;      /* of the workload's EXIT record */
	long foreign;         /* syscalls from processes other than the workload tree */
	uint32_t child_pids[16];
	int nchildren;
	const char *open_path, *missing_path;
};

static bool in_tree(struct workload_view *v, uint32_t pid)
{
	if (pid == v->pid)
		return true;
	for (int i = 0; i < v->nchildren; i++)
		if (v->child_pids[i] == pid)
			return true;
	return false;
}

static void view_record(const struct tt_record *rec, void *ctx)
{
	struct workload_view *v = ctx;
	static const char awkward[] = "/bin/true\0two words\0comma,separated\0quote\"d 'single'\0new\nline";

	switch (rec->type) {
	case TT_REC_EXEC:
		if (rec->exec.ret == 0 && rec->exec.argv.len == sizeof(awkward) &&
		    !memcmp(rec->exec.argv.data, awkward, sizeof(awkward)) &&
		    str_eq(rec->exec.filename, "/bin/true"))
			v->exec_awkward++;
		if (rec->exec.ret == -ENOENT && str_eq(rec->exec.filename, "/nonexistent/tracetape-missing"))
			v->exec_failed++;
		if (rec->exec.ret == 0 && rec->exec.pid == v->pid)
			v->exec_workload++;
		break;
	case TT_REC_EXIT:
		if (rec->exit.pid == v->pid && rec->exit.group_dead) {
			v->exit_records++;
			v->exit_status = rec->exit.status;
		}
		break;
	case TT_REC_SYSCALL: {
		const struct tt_syscall *s = &rec->syscall;
		const char *name = syscall_table__name(table, s->nr);

		if (!in_tree(v, s->pid)) {
			v->foreign++;
			break;
		}
		if (s->pid != v->pid || !name)
			break;
		if (!strcmp(name, "getppid"))
			v->getppid++;
		if (!strcmp(name, "openat") && s->nstr == 1 && s->strs[0].arg == 1) {
			if (v->open_path && str_eq(s->strs[0].value, v->open_path) && s->ret >= 0)
				v->opens_ok++;
			if (v->missing_path && str_eq(s->strs[0].value, v->missing_path) && s->ret == -ENOENT)
				v->opens_enoent++;
		}
		if (!strcmp(name, "nanosleep")) {
			v->nanosleeps++;
			v->sleep_ns = s->duration;
		}
		if (!strcmp(name, "exit_group")) {
			v->exit_groups++;
			v->exit_code = (int)s->args[0];
			cr_expect(s->flags & TT_SYSCALL_NORETURN);
		}
		break;
	}
	}
}

/* The workload's pid is the one that exec'd tests/workload first. */
static void find_workload(const struct tt_record *rec, void *ctx)
{
	uint32_t *pid = ctx;

	if (!*pid && rec->type == TT_REC_EXEC && rec->exec.ret == 0 &&
	    rec->exec.filename.len >= 8 &&
	    !memcmp(rec->exec.filename.data + rec->exec.filename.len - 8, "workload", 8))
		*pid = rec->exec.pid;
}

/* Its children, from the fork records (which may come after the children's
 * own events: a trace is ordered per CPU, not overall). */
static void find_children(const struct tt_record *rec, void *ctx)
{
	struct workload_view *v = ctx;

	if (rec->type == TT_REC_FORK && rec->fork.parent_pid == v->pid && v->nchildren < 16 &&
	    rec->fork.child_pid != v->pid)
		v->child_pids[v->nchildren++] = rec->fork.child_pid;
}

static void view_trace(const char *path, struct workload_view *v, struct tu_counts *c)
{
	tu_read(path, find_workload, &v->pid, c);
	cr_assert(v->pid, "no exec of the workload in %s", path);
	tu_read(path, find_children, v, c);
	v->exit_code = -1;
	tu_read(path, view_record, v, c);
}

Test(record, command_exact)
{
	const char *trace = in_dir("t.zst"), *log = in_dir("rec.log");
	char open_arg[4200], fail_arg[4200];
	const char *open_path = tu_built("tests/workload");
	const char *missing = "/tmp/tracetape-no-such-file";
	struct workload_view v = { .open_path = open_path, .missing_path = missing };
	struct tu_counts c;
	struct stat st;
	int code;

	snprintf(open_arg, sizeof(open_arg), "%s:7", open_path);
	snprintf(fail_arg, sizeof(fail_arg), "%s:5", missing);
	code = tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", (char *)trace, "--",
				  (char *)tu_built("tests/workload"), "--getppid", "1234", "--open", open_arg,
				  "--fail-open", fail_arg, "--sleep", "30", "--exec", "--fail-exec",
				  "--exit", "42", NULL },
		      log);
	cr_assert_eq(code, 42, "rec should pass the exit status through (got %d, see %s)", code, log);
	cr_assert(!stat(trace, &st), "no trace file %s", trace);
	cr_expect_eq(st.st_mode & 0777, 0600, "trace mode %o", st.st_mode & 0777);
	view_trace(trace, &v, &c);
	cr_expect(!c.truncated, "a cleanly closed trace is not truncated");
	cr_expect_eq(c.lost_events, 0);
	cr_expect_eq(v.getppid, 1234, "getppid calls: %ld", v.getppid);
	cr_expect_eq(v.opens_ok, 7, "successful opens: %ld", v.opens_ok);
	cr_expect_eq(v.opens_enoent, 5, "failed opens: %ld", v.opens_enoent);
	cr_expect_eq(v.nanosleeps, 1);
	cr_expect(v.sleep_ns >= 30000000 && v.sleep_ns < 2000000000ull, "sleep took %lu ns",
		  (unsigned long)v.sleep_ns);
	cr_expect_eq(v.exec_awkward, 1, "argv with spaces, commas, quotes, newline round-trips");
	cr_expect_eq(v.exec_failed, 1, "the failed exec is recorded with ENOENT");
	cr_expect_eq(v.exec_workload, 1);
	cr_expect_eq(v.exit_groups, 1);
	cr_expect_eq(v.exit_code, 42);
	cr_expect_eq(v.exit_records, 1);
	cr_expect_eq(v.exit_status, 42 << 8, "exit status %#x", v.exit_status);
	cr_expect_eq(v.foreign, 0, "only the workload and its children are recorded");
	cr_expect(c.procs > 0, "the state prologue lists processes");
}

Test(record, syscall_filter)
{
	const char *trace = in_dir("f.zst");
	struct workload_view v = { 0 };
	struct tu_counts c;
	int getppid_nr = nr_of("getppid"), others = 0;
	int code = tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-e", "getppid", "-o",
				      (char *)trace, "--", (char *)tu_built("tests/workload"),
				      "--getppid", "500", "--sleep", "1", NULL },
			  NULL);

	cr_assert_eq(code, 0);
	view_trace(trace, &v, &c);
	cr_expect_eq(v.getppid, 500);
	cr_expect_eq(v.nanosleeps, 0, "-e getppid excludes nanosleep");
	(void)getppid_nr;
	(void)others;
	cr_expect_eq(c.syscalls, 500, "only getppid is recorded: %ld syscalls", c.syscalls);
}

struct comm_view {
	long workload, other;
};

/*
 * A copy of the workload under a name no other test uses: system-wide
 * recordings filtered by comm must not pick up tests running beside them.
 */
static const char *unique_workload(char *comm, size_t size)
{
	static char path[4200];
	char cmd[8600];

	snprintf(comm, size, "wl%d", getpid() % 1000000);
	snprintf(path, sizeof(path), "%s/%s", dir, comm);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", tu_built("tests/workload"), path);
	cr_assert_eq(system(cmd), 0);
	return path;
}

static char unique_comm[16];

static void count_comms(const struct tt_record *rec, void *ctx)
{
	struct comm_view *v = ctx;

	if (rec->type == TT_REC_EXEC)
		*(strncmp(rec->exec.comm, unique_comm, 16) ? &v->other : &v->workload) += 1;
}

Test(record, comm_filter_systemwide)
{
	const char *trace = in_dir("c.zst");
	const char *prog = unique_workload(unique_comm, sizeof(unique_comm));
	struct comm_view v = { 0 };
	struct tu_counts c;
	pid_t rec, load, noise;
	int code;

	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "--comm", unique_comm, "-T", "2",
				   "-o", (char *)trace, NULL },
		       NULL);
	wait_writing(trace);
	load = tu_spawn((char *[]){ (char *)prog, "--getppid", "100", NULL }, NULL);
	noise = tu_spawn((char *[]){ "/bin/sh", "-c", "/bin/true; /bin/true", NULL }, NULL);
	tu_wait(load);
	tu_wait(noise);
	code = tu_wait(rec);
	cr_assert_eq(code, 0, "rec -T exits 0");
	tu_read(trace, count_comms, &v, &c);
	cr_expect(v.workload >= 1, "the workload's exec is in the trace");
	cr_expect_eq(v.other, 0, "--comm workload keeps out other commands' execs");
	cr_expect(c.syscalls >= 100, "the workload's getppid calls are there (%ld)", c.syscalls);
}

struct pid_view {
	uint32_t pid;
	long mine, others;
	uint32_t rec_pid;
	long rec_events;
};

static void count_pids(const struct tt_record *rec, void *ctx)
{
	struct pid_view *v = ctx;

	if (rec->type == TT_REC_SYSCALL) {
		*(rec->syscall.pid == v->pid ? &v->mine : &v->others) += 1;
		if (rec->syscall.pid == v->rec_pid)
			v->rec_events++;
	}
}

Test(record, attach_pid)
{
	const char *trace = in_dir("p.zst");
	struct pid_view v = { 0 };
	struct tu_counts c;
	char pidarg[32];
	pid_t load, rec;

	load = tu_spawn((char *[]){ (char *)tu_built("tests/workload"), "--loop", "3", NULL }, NULL);
	snprintf(pidarg, sizeof(pidarg), "%d", load);
	usleep(200000);
	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-p", pidarg, "-T", "1", "-o",
				   (char *)trace, NULL },
		       NULL);
	v.pid = load;
	v.rec_pid = rec;
	cr_assert_eq(tu_wait(rec), 0);
	tu_wait(load);
	tu_read(trace, count_pids, &v, &c);
	cr_expect(v.mine > 1000, "events of the attached process: %ld", v.mine);
	cr_expect_eq(v.others, 0, "-p keeps out everyone else");
	cr_expect_eq(v.rec_events, 0, "rec never records itself");
}

Test(record, systemwide_excludes_self)
{
	const char *trace = in_dir("s.zst");
	struct pid_view v = { 0 };
	struct tu_counts c;
	pid_t rec, load;

	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-T", "1.5", "-o", (char *)trace,
				   NULL },
		       NULL);
	wait_writing(trace); /* -T counts from there */
	load = tu_spawn((char *[]){ (char *)tu_built("tests/workload"), "--getppid", "3000", NULL }, NULL);
	v.pid = load;
	v.rec_pid = rec;
	tu_wait(load);
	cr_assert_eq(tu_wait(rec), 0);
	tu_read(trace, count_pids, &v, &c);
	cr_expect(v.mine >= 3000, "a process started during the recording is seen (%ld)", v.mine);
	cr_expect_eq(v.rec_events, 0, "rec never records itself");
}

struct rot_view {
	long getppid;
	int getppid_nr;
	/* pids with syscalls in the file, and pids the file describes */
	uint32_t used[64], described[256];
	int nused, ndescribed;
};

static void add_pid(uint32_t *set, int *n, int cap, uint32_t pid)
{
	for (int i = 0; i < *n; i++)
		if (set[i] == pid)
			return;
	if (*n < cap)
		set[(*n)++] = pid;
}

/* Self-contained: every process with events in the file is named in it. */
static void note_pids(const struct tt_record *rec, void *ctx)
{
	struct rot_view *v = ctx;

	if (rec->type == TT_REC_SYSCALL)
		add_pid(v->used, &v->nused, 64, rec->syscall.pid);
	if (rec->type == TT_REC_PROC)
		add_pid(v->described, &v->ndescribed, 256, rec->proc.pid);
	if (rec->type == TT_REC_FORK)
		add_pid(v->described, &v->ndescribed, 256, rec->fork.child_pid);
	if (rec->type == TT_REC_EXEC)
		add_pid(v->described, &v->ndescribed, 256, rec->exec.pid);
}

static void count_getppid(const struct tt_record *rec, void *ctx)
{
	struct rot_view *v = ctx;

	if (rec->type == TT_REC_SYSCALL && rec->syscall.nr == v->getppid_nr)
		v->getppid++;
}

Test(record, rotation_under_load)
{
	char base[4200], name[4200];
	struct rot_view total = { .getppid_nr = nr_of("getppid") };
	long sum = 0;
	struct tu_counts c;
	int files = 0;

	snprintf(base, sizeof(base), "%s/rot.zst", dir);
	cr_assert_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-C", "1", "-o", base, "--",
					(char *)tu_built("tests/workload"), "--getppid", "3000000", NULL },
			    NULL),
		     0);
	/* Every file reads alone: header, state prologue, trailer. */
	for (uint32_t seq = 0;; seq++) {
		struct rot_view one = { .getppid_nr = total.getppid_nr };

		cr_assert(!trace_rotation__name(name, sizeof(name), base, seq));
		if (access(name, R_OK))
			break;
		tu_read(name, count_getppid, &one, &c);
		cr_expect(!c.truncated, "%s is complete", name);
		tu_read(name, note_pids, &one, &c);
		for (int i = 0; i < one.nused; i++) {
			bool found = false;

			for (int j = 0; j < one.ndescribed && !found; j++)
				found = one.described[j] == one.used[i];
			cr_expect(found, "%s names process %u, whose events it holds", name, one.used[i]);
		}
		sum += one.getppid;
		files++;
	}
	cr_expect(files >= 3, "-C 1 with ~3M events makes several files (%d)", files);
	tu_read(dir, count_getppid, &total, &c);
	cr_expect_eq(c.lost_events, 0);
	cr_expect_eq(total.getppid + c.lost_events, 3000000, "all getppid calls across files: %ld",
		     total.getppid);
	cr_expect_eq(sum, total.getppid, "the files' union is the whole");
}

Test(record, killed_recorder_leaves_readable_partial)
{
	const char *trace = in_dir("k.zst"), *partial = in_dir("k.zst.partial");
	struct rot_view v = { .getppid_nr = nr_of("getppid") };
	struct tu_counts c;
	pid_t rec;

	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", (char *)trace, "--",
				   (char *)tu_built("tests/workload"), "--loop", "4", NULL },
		       NULL);
	wait_writing(trace);
	sleep(2);
	kill(rec, SIGKILL);
	tu_wait(rec);
	cr_assert(access(trace, F_OK), "a killed rec never renames its .partial file");
	tu_read(partial, count_getppid, &v, &c);
	cr_expect(c.truncated, "the reader says the file was cut short");
	cr_expect(v.getppid > 10000, "events up to the last flush are there (%ld)", v.getppid);
}

Test(record, bad_usage)
{
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-m", "nope", NULL }, "/dev/null"), 2);
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-e", "nosuchcall", "-T", "1", NULL },
			    "/dev/null"),
		     2);
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "--bogus", NULL }, "/dev/null"), 2);
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-o", "/nonexistent-dir/t.zst",
					"-T", "1", NULL },
			    "/dev/null"),
		     1);
}

struct loss_view {
	int getppid_nr;
	long getppid, lost_syscall, loss_records;
};

static void count_loss(const struct tt_record *rec, void *ctx)
{
	struct loss_view *v = ctx;

	if (rec->type == TT_REC_SYSCALL && rec->syscall.nr == v->getppid_nr)
		v->getppid++;
	if (rec->type == TT_REC_LOSS) {
		v->loss_records++;
		cr_expect(rec->loss.to_ts >= rec->loss.from_ts, "a loss window runs forward");
		if (rec->loss.monitor == TT_MONITOR_SYSCALL)
			v->lost_syscall += rec->loss.count;
	}
}

/* A ring too small for a batch: everything is lost, and all of it counted. */
Test(record, losses_are_counted)
{
	const char *trace = in_dir("l.zst");
	struct loss_view v = { .getppid_nr = nr_of("getppid") };
	struct tu_counts c;

	cr_assert_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "--buffer-size", "8K", "-o",
					(char *)trace, "--", (char *)tu_built("tests/workload"),
					"--getppid", "200000", NULL },
			    NULL),
		     0);
	tu_read(trace, count_loss, &v, &c);
	cr_expect(v.loss_records > 0, "loss records are written");
	cr_expect(v.lost_syscall > 0);
	/* Every call is either in the trace or counted lost (with a few other
	 * syscalls of the workload among the lost). */
	cr_expect(v.getppid + v.lost_syscall >= 200000, "%ld recorded + %ld lost", v.getppid,
		  v.lost_syscall);
	cr_expect(v.getppid + v.lost_syscall < 200000 + 1000, "%ld recorded + %ld lost", v.getppid,
		  v.lost_syscall);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f && fputs(text, f) >= 0 && !fclose(f), "writing %s", path);
}

struct hup_view {
	long config_records, workload_execs;
	bool saw_comm_workload, saw_unapplied;
};

static void count_hup(const struct tt_record *rec, void *ctx)
{
	struct hup_view *v = ctx;

	if (rec->type == TT_REC_CONFIG) {
		char want[32];

		snprintf(want, sizeof(want), "comms=%s", unique_comm);
		v->config_records++;
		v->saw_comm_workload |= memmem(rec->config.text.data, rec->config.text.len, want,
					       strlen(want)) != NULL;
		v->saw_unapplied |= memmem(rec->config.text.data, rec->config.text.len, "level=19",
					   8) != NULL;
	}
	if (rec->type == TT_REC_EXEC && !strncmp(rec->exec.comm, unique_comm, 16))
		v->workload_execs++;
}

/* SIGHUP re-reads --config: a filter that kept the workload out lets it in. */
Test(record, sighup_applies_new_filters)
{
	const char *trace = in_dir("h.zst"), *config = in_dir("rec.yaml");
	struct hup_view v = { 0 };
	const char *prog = unique_workload(unique_comm, sizeof(unique_comm));
	char rules[128];
	struct tu_counts c;
	pid_t rec;

	write_text(config, "filter:\n  comms: [no-such-comm]\n");
	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "--config", (char *)config, "-T", "3",
				   "-o", (char *)trace, NULL },
		       NULL);
	wait_writing(trace);
	tu_wait(tu_spawn((char *[]){ (char *)prog, "--getppid", "10", NULL }, NULL));
	/* and a setting SIGHUP does not apply: the record must not claim it */
	snprintf(rules, sizeof(rules), "output:\n  level: 19\nfilter:\n  comms: [%s]\n",
		 unique_comm);
	write_text(config, rules);
	kill(rec, SIGHUP);
	usleep(500000);
	tu_wait(tu_spawn((char *[]){ (char *)prog, "--getppid", "10", NULL }, NULL));
	cr_assert_eq(tu_wait(rec), 0);
	tu_read(trace, count_hup, &v, &c);
	cr_expect_eq(v.config_records, 1, "the change is marked in the trace");
	cr_expect(v.saw_comm_workload, "the CONFIG record holds the new settings");
	cr_expect(!v.saw_unapplied, "the CONFIG record describes what is in force, not level 19");
	cr_expect_eq(v.workload_execs, 1, "only the run after SIGHUP is recorded");
}

/* SIGUSR1 closes the file and starts the next, both complete. */
Test(record, sigusr1_rotates)
{
	char base[4200], second[4200];
	struct tu_counts c;
	pid_t rec;

	snprintf(base, sizeof(base), "%s/u.zst", dir);
	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-T", "2", "-o", base, NULL }, NULL);
	wait_writing(base);
	kill(rec, SIGUSR1);
	cr_assert_eq(tu_wait(rec), 0);
	cr_assert(!trace_rotation__name(second, sizeof(second), base, 1));
	tu_read(base, NULL, NULL, &c);
	cr_expect(!c.truncated && c.procs > 0, "the first file is whole");
	tu_read(second, NULL, NULL, &c);
	cr_expect(!c.truncated && c.procs > 0, "the second file is whole, with its own process table");
}

/* Recording needs privileges; without them one line names those missing
 * for the monitors asked for, and how to get them. */
Test(record, unprivileged_is_refused_clearly)
{
	const char *log = in_dir("nobody.log");
	char buf[512] = "";
	FILE *f;
	int code;

	chmod(dir, 0777);
	code = tu_run((char *[]){ "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
				  (char *)tu_built("record/rec"), "-T", "1", "-o", (char *)in_dir("n.zst"), NULL },
		      log);
	cr_expect_eq(code, 1);
	f = fopen(log, "r");
	cr_assert(f);
	cr_assert(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect(strstr(buf, "rec: the syscall, exec and signal monitors need cap_bpf,cap_perfmon (run it as root, "
			     "or: setcap cap_bpf,cap_perfmon,"),
		  "message: %s", buf);
}

/* The CapEff line of /proc/PID/status. */
static unsigned long long cap_eff(pid_t pid)
{
	char path[64], line[256];
	unsigned long long eff = ~0ull;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return eff;
}

/* -Z: once attached rec runs with no capabilities, and still records and
 * rotates; the files belong to the user it became. */
Test(record, relinquish_privileges)
{
	const char *trace = in_dir("z.zst");
	char second[4200];
	struct tu_counts c;
	struct stat st;
	pid_t rec;

	chmod(dir, 0777);
	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-Z", "nobody", "-G", "1", "-T", "2.5",
				   "-o", (char *)trace, NULL },
		       NULL);
	wait_writing(trace); /* after the drop */
	cr_expect_eq(cap_eff(rec), 0, "no effective capabilities (CapEff %llx)", cap_eff(rec));
	cr_assert_eq(tu_wait(rec), 0);
	cr_assert(!stat(trace, &st));
	cr_expect_eq(st.st_uid, 65534, "owned by nobody (uid %u)", st.st_uid);
	tu_read(trace, NULL, NULL, &c);
	cr_expect(c.procs > 0 && !c.truncated);
	cr_assert(!trace_rotation__name(second, sizeof(second), trace, 1));
	cr_expect(!access(second, R_OK), "-G rotated as the unprivileged user");
}

Test(record, version_names_libraries)
{
	const char *log = in_dir("version.log");
	char text[2048] = "";
	FILE *f;

	cr_assert_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "--version", NULL }, log), 0);
	f = fopen(log, "r");
	cr_assert(f);
	text[fread(text, 1, sizeof(text) - 1, f)] = 0;
	fclose(f);
	cr_expect(strstr(text, "rec (tracetape) "), "%s", text);
	cr_expect(strstr(text, "\nlibbpf v1."), "%s", text);
	cr_expect(strstr(text, "\nzstd 1."), "%s", text);
}

/* A full disk: rec stops, says why, and what it wrote reads back. */
Test(record, disk_full_stops_cleanly)
{
	char mnt[4200], trace[4300], log[4300];
	struct rot_view v = { .getppid_nr = nr_of("getppid") };
	struct tu_counts c;
	FILE *f;
	char line[512] = "";
	int code;

	snprintf(mnt, sizeof(mnt), "%s/small", dir);
	snprintf(trace, sizeof(trace), "%s/t.zst", mnt);
	snprintf(log, sizeof(log), "%s/full.log", dir);
	cr_assert(!mkdir(mnt, 0700));
	cr_assert_eq(tu_run((char *[]){ "/bin/mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt, NULL },
			    NULL),
		     0, "mount tmpfs");
	code = tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", trace, "--",
				  (char *)tu_built("tests/workload"), "--getppid", "8000000", NULL },
		      log);
	cr_expect_eq(code, 1, "a full disk is a failure");
	f = fopen(log, "r");
	cr_assert(f);
	while (fgets(line, sizeof(line), f) && !strstr(line, "No space left on device"))
		;
	fclose(f);
	cr_expect(strstr(line, "rec: writing ") && strstr(line, "last whole chunk"), "message: %s", line);
	cr_expect(!access(trace, R_OK), "the file is closed under its name");
	tu_read(trace, count_getppid, &v, &c);
	cr_expect(c.truncated, "and reads as truncated");
	cr_expect(v.getppid > 100000, "with what fitted (%ld calls)", v.getppid);
	cr_expect_eq(tu_run((char *[]){ "/usr/bin/zstd", "-q", "-t", trace, NULL }, NULL), 0,
		     "zstd -t accepts it");
	tu_run((char *[]){ "/bin/umount", "-l", mnt, NULL }, NULL);
}

/* --on-full drop-oldest: the recording goes on in the room the oldest file left. */
Test(record, disk_full_drops_oldest)
{
	char mnt[4200], base[4300], name[4300];
	struct tu_counts c;
	int files = 0, code;

	snprintf(mnt, sizeof(mnt), "%s/small", dir);
	snprintf(base, sizeof(base), "%s/r.zst", mnt);
	cr_assert(!mkdir(mnt, 0700));
	cr_assert_eq(tu_run((char *[]){ "/bin/mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt, NULL },
			    NULL),
		     0, "mount tmpfs");
	code = tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-C", "1", "--on-full", "drop-oldest",
				  "-o", base, "--", (char *)tu_built("tests/workload"), "--getppid", "8000000",
				  NULL },
		      NULL);
	cr_expect_eq(code, 0, "the recording went on (exit %d)", code);
	cr_assert(!trace_rotation__name(name, sizeof(name), base, 0));
	cr_expect(access(name, F_OK), "the first file made room");
	for (uint32_t seq = 1; seq < 200; seq++) {
		cr_assert(!trace_rotation__name(name, sizeof(name), base, seq));
		if (access(name, R_OK))
			continue;
		tu_read(name, NULL, NULL, &c);
		files++;
	}
	cr_expect(files >= 1, "recent files are kept and read");
	tu_run((char *[]){ "/bin/umount", "-l", mnt, NULL }, NULL);
}

/* Hostile output paths: a planted symlink or a file that is not a trace. */
Test(record, output_paths_are_not_clobbered)
{
	const char *link = in_dir("link.zst"), *plain = in_dir("plain.zst");
	char buf[16] = "";
	FILE *f;

	cr_assert(!symlink("/etc/hostname", link));
	write_text(plain, "not a trace\n");
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-T", "0.2", "-o", (char *)link,
					NULL },
			    "/dev/null"),
		     1);
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-T", "0.2", "-o",
					(char *)plain, NULL },
			    "/dev/null"),
		     1);
	f = fopen(plain, "r");
	cr_assert(f && fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect_str_eq(buf, "not a trace\n", "the file is untouched");
	cr_expect_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-T", "0.2", "--force", "-o",
					(char *)plain, NULL },
			    "/dev/null"),
		     0, "--force replaces it");
}

/* kill -9 at random moments: every .partial reads back up to its last flush. */
Test(record, kill9_at_random_moments, .timeout = 300)
{
	struct rot_view v = { .getppid_nr = nr_of("getppid") };
	struct tu_counts c;
	char trace[4200], partial[4300];

	srand(getpid());
	for (int i = 0; i < 20; i++) {
		pid_t rec;

		snprintf(trace, sizeof(trace), "%s/k%d.zst", dir, i);
		snprintf(partial, sizeof(partial), "%s.partial", trace);
		rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", trace, "--",
					   (char *)tu_built("tests/workload"), "--loop", "3", NULL },
			       NULL);
		wait_writing(trace);
		usleep(rand() % 1500000);
		kill(rec, SIGKILL);
		tu_wait(rec);
		if (access(partial, F_OK) && !access(trace, F_OK))
			continue; /* it finished first */
		v.getppid = 0;
		tu_read(partial, count_getppid, &v, &c);
		cr_expect(c.truncated, "run %d: the cut is reported", i);
		cr_expect(c.procs > 0, "run %d: the header and process table are there", i);
	}
}

struct storm_view {
	long forks, exits;
	uint32_t parent;
};

static void count_storm(const struct tt_record *rec, void *ctx)
{
	struct storm_view *v = ctx;

	if (rec->type == TT_REC_FORK && rec->fork.parent_pid == v->parent)
		v->forks++;
	if (rec->type == TT_REC_EXIT && rec->exit.group_dead && rec->exit.pid != v->parent)
		v->exits++;
}

/* Ten thousand short-lived processes: every fork and exit is in the tree. */
Test(record, fork_storm)
{
	const char *trace = in_dir("storm.zst");
	struct storm_view v = { 0 };
	struct tu_counts c;

	cr_assert_eq(tu_run((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", (char *)trace, "--",
					(char *)tu_built("tests/workload"), "--forks", "10000", NULL },
			    NULL),
		     0);
	tu_read(trace, find_workload, &v.parent, &c);
	cr_assert(v.parent);
	tu_read(trace, count_storm, &v, &c);
	cr_expect_eq(c.lost_events, 0);
	cr_expect_eq(v.forks, 10000, "forks: %ld", v.forks);
	cr_expect_eq(v.exits, 10000, "exits: %ld", v.exits);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static long rss_anon_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* 30 s at full rate: memory stays flat and every call is recorded or counted lost. */
Test(record, soak_30s, .timeout = 300)
{
	const char *trace = in_dir("soak.zst"), *count = in_dir("count");
	struct loss_view v = { .getppid_nr = nr_of("getppid") };
	struct tu_counts c;
	long lo = -1, hi = -1, made;
	pid_t rec;

	rec = tu_spawn((char *[]){ (char *)tu_built("record/rec"), "-q", "-o", (char *)trace, "--",
				   (char *)tu_built("tests/workload"), "--loop", "30", "--count-file",
				   (char *)count, NULL },
		       NULL);
	for (int s = 0; s < 31; s++) {
		long kib;

		sleep(1);
		kib = rss_anon_kib(rec);
		if (kib < 0 || s < 3)
			continue; /* before its buffers are all in use */
		lo = lo < 0 || kib < lo ? kib : lo;
		hi = kib > hi ? kib : hi;
	}
	cr_assert_eq(tu_wait(rec), 0);
	cr_expect(hi - lo < 16 * 1024, "rec's own memory stays flat: %ld..%ld KiB", lo, hi);
	made = read_long(count);
	cr_assert(made > 0);
	tu_read(trace, count_loss, &v, &c);
	cr_expect(v.getppid + v.lost_syscall >= made && v.getppid <= made,
		  "%ld made, %ld recorded, %ld lost", made, v.getppid, v.lost_syscall);
}
