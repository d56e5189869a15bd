// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* The built-in alert rules and the matching of every rule against events. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "container.h"
#include "fdtable.h"
#include "filter.h"
#include "tape.h"

static const char *const severities[SEV__COUNT] = { "info", "low", "medium", "high", "critical" };

const char *alert_severity__name(int sev)
{
	return sev >= 0 && sev < SEV__COUNT ? severities[sev] : "?";
}

int alert_severity__from_name(const char *name)
{
	for (int i = 0; i < SEV__COUNT; i++)
		if (!strcmp(name, severities[i]))
			return i;
	return -EINVAL;
}

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET | 0x80 /* CLONE_NEWTIME */)

/* A built-in rule as text: lists are comma-separated. */
struct builtin {
	const char *id;
	int severity;
	const char *message;
	const char *syscalls;
	const char *paths;
	bool write, exec, interactive, in_container;
	int arg;             /* with mask: an argument that must have one of its bits */
	uint64_t mask;
	const char *ports;
};

static const struct builtin builtins[] = {
	{ "mount", SEV_HIGH, "mount or unmount: changes the filesystems a namespace sees",
	  "mount,umount2" },
	{ "pivot-root", SEV_HIGH, "pivot_root: swaps the root filesystem", "pivot_root" },
	{ "unshare-namespace", SEV_MEDIUM, "unshare of namespaces: a new view of the system",
	  "unshare", .arg = 0, .mask = NS_FLAGS },
	{ "setns", SEV_HIGH, "setns: joins another process's namespace", "setns" },
	{ "ptrace", SEV_HIGH, "ptrace: reads or controls another process", "ptrace" },
	{ "process-vm-writev", SEV_HIGH, "process_vm_writev: writes another process's memory",
	  "process_vm_writev" },
	{ "kernel-module", SEV_CRITICAL, "kernel module loaded or removed",
	  "init_module,finit_module,delete_module" },
	{ "kexec", SEV_CRITICAL, "kexec_load: loads a new kernel", "kexec_load,kexec_file_load" },
	{ "bpf", SEV_MEDIUM, "bpf: loads programs or maps into the kernel", "bpf" },
	{ "perf-event-open", SEV_LOW, "perf_event_open: kernel performance monitoring",
	  "perf_event_open" },
	{ "keyring", SEV_LOW, "kernel keyring access", "keyctl,add_key" },
	{ "open-by-handle", SEV_HIGH, "open_by_handle_at: opens files outside the mount namespace",
	  "open_by_handle_at" },
	{ "userfaultfd", SEV_MEDIUM, "userfaultfd: a tool for kernel race exploits", "userfaultfd" },
	{ "personality", SEV_LOW, "personality: changes the execution domain", "personality" },
	{ "sensitive-write", SEV_CRITICAL, "write to a sensitive path",
	  "open,openat,openat2,creat,truncate",
	  "/etc/shadow,/etc/sudoers*,/etc/ld.so.preload,/root/.ssh/*,"
	  "/proc/sys/kernel/core_pattern,/proc/sysrq-trigger,/sys/kernel/*,/dev/mem",
	  .write = true },
	/* the trace holds no file modes: the usual setuid-root programs, by name */
	{ "setuid-exec", SEV_MEDIUM, "exec of a setuid program", NULL,
	  "*/sudo,*/su,*/pkexec,*/passwd,*/chsh,*/chfn,*/newgrp,*/gpasswd,*/mount,*/umount,"
	  "*/fusermount,*/fusermount3,*/doas",
	  .exec = true },
	{ "container-shell", SEV_HIGH, "interactive shell inside a container", NULL,
	  "*/sh,*/bash,*/dash,*/zsh,*/ksh,*/ash,*/fish,*/busybox",
	  .exec = true, .interactive = true, .in_container = true },
	{ "connect-port", SEV_MEDIUM, "connect to a port listed in the rules",
	  "connect,sendto,sendmsg", .ports = "4444,1337,31337" },
};

static int add_list(char **out, int *n, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		if (*n == ALERT_MAX_LIST)
			ret = -E2BIG;
		else if (!(out[(*n)++] = strdup(w)))
			ret = -ENOMEM;
	}
	free(copy);
	return ret;
}

int alert_rules__builtin(struct alert_rules *rs, const struct syscall_table *st)
{
	char bad[64];

	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		const struct builtin *b = &builtins[i];
		struct alert_rule *r = alert_rules__add(rs, b->id);
		int ret = 0;

		if (!r)
			return -ENOMEM;
		r->severity = b->severity;
		snprintf(r->message, sizeof(r->message), "%s", b->message);
		r->on = b->exec ? ALERT_ON_EXEC : ALERT_ON_SYSCALL;
		/* a failed exec runs nothing: $PATH lookups would alert for each try */
		r->result = b->exec ? ALERT_RESULT_SUCCESS : ALERT_RESULT_ANY;
		/* an arch without one of these syscalls still has the others */
		for (const char *s = b->syscalls; s && *s;) {
			size_t len = strcspn(s, ",");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)len, s);
			if (syscall_table__nr(st, name) >= 0 &&
			    !syscall_table__select(st, name, r->nr_mask, bad, sizeof(bad)))
				r->have_nr = true;
			s += len + (s[len] == ',');
		}
		if (b->syscalls && !r->have_nr)
			r->enabled = false; /* none exists on this arch */
		if (b->paths)
			ret = add_list(r->paths, &r->npaths, b->paths);
		if (!ret && b->ports) {
			const char *s = b->ports;

			while (*s && r->nports < ALERT_MAX_LIST) {
				r->ports[r->nports++] = strtoul(s, (char **)&s, 10);
				s += *s == ',';
			}
		}
		if (ret)
			return ret;
		r->write = b->write;
		r->interactive = b->interactive;
		r->container = b->in_container ? 1 : 0;
		if (b->mask) {
			r->args[0] = (struct alert_arg){ b->arg, true, b->mask };
			r->nargs = 1;
		}
	}
	return 0;
}

struct alert_rule *alert_rules__find(struct alert_rules *rs, const char *id)
{
	for (int i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].id, id))
			return &rs->rules[i];
	return NULL;
}

struct alert_rule *alert_rules__add(struct alert_rules *rs, const char *id)
{
	struct alert_rule *r;

	if (rs->n == rs->cap) {
		int ncap = rs->cap ? rs->cap * 2 : 32;
		struct alert_rule *nr = realloc(rs->rules, ncap * sizeof(*nr));

		if (!nr)
			return NULL;
		rs->rules = nr;
		rs->cap = ncap;
	}
	r = &rs->rules[rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->enabled = true;
	return r;
}

void alert_rule__clear(struct alert_rule *r)
{
	struct alert_rule keep = *r;

	for (int i = 0; i < r->npaths; i++)
		free(r->paths[i]);
	for (int i = 0; i < r->ncomms; i++)
		free(r->comms[i]);
	free(r->cgroup);
	memset(r, 0, sizeof(*r));
	memcpy(r->id, keep.id, sizeof(r->id));
	memcpy(r->message, keep.message, sizeof(r->message));
	r->severity = keep.severity;
	r->enabled = keep.enabled;
}

void alert_rules__free(struct alert_rules *rs)
{
	for (int i = 0; i < rs->n; i++)
		alert_rule__clear(&rs->rules[i]);
	free(rs->rules);
	memset(rs, 0, sizeof(*rs));
}

static const char *tape_cgroup(void *ctx, uint64_t id)
{
	return tape__cgroup_path(ctx, id);
}

void alert_state__of_tape(struct alert_state *s, struct tape *t)
{
	*s = (struct alert_state){ .st = t->st, .procs = t->procs, .fds = t->fds,
				   .cgroup_path = tape_cgroup, .ctx = t };
}

const char *alerts__cgroup(const struct alert_state *s, uint32_t pid, uint64_t cgroup_id)
{
	const struct proc *p;

	if (!cgroup_id && (p = procs__find(s->procs, pid)))
		cgroup_id = p->cgroup_id;
	return cgroup_id && s->cgroup_path ? s->cgroup_path(s->ctx, cgroup_id) : NULL;
}

const char *alerts__trigger_what(const struct tt_trigger *g, char *buf, size_t size)
{
	if (g->kind == TT_TRIGGER_RULE)
		snprintf(buf, size, "rule %.*s (%s)", (int)g->rule.len, g->rule.data,
			 alert_severity__name(g->severity));
	else
		snprintf(buf, size, "%.*s", (int)g->message.len, g->message.data);
	return buf;
}

static bool any_glob(char *const *globs, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!fnmatch(globs[i], s, 0))
			return true;
	return false;
}

/*
 * The syscall's first path, resolved against its dirfd or the process's
 * cwd where the trace knows them (t->fds) and made canonical, into buf:
 * /etc//shadow, /etc/./shadow, ../etc/shadow from /tmp and openat(fd of
 * /etc, "shadow") are the file /etc/shadow that rules name. Symbolic links
 * are not resolved. FDTABLE_PATH_NONE if it has none.
 */
static enum fdtable_path syscall_path(const struct alert_state *t, const struct tt_syscall *s,
				      char *buf, size_t size)
{
	return fdtable__path(t->fds, s, buf, size);
}

/*
 * A relative path whose base the trace does not know could be any file
 * ending with it: does a glob match it as the end of its path? Its leading
 * ".." stand for directories not known either. An end of wildcards alone
 * (the last "*" of "/root/.ssh/" "*") would take in every relative path:
 * the end needs a name of the rule's in it.
 */
static bool any_glob_ends(char *const *globs, int n, const char *rel)
{
	while (!strncmp(rel, "../", 3))
		rel += 3;
	for (int i = 0; i < n; i++)
		for (const char *g = strchr(globs[i], '/'); g; g = strchr(g + 1, '/'))
			if (g[1 + strspn(g + 1, "*?/")] && !fnmatch(g + 1, rel, 0))
				return true;
	return false;
}

const char *alerts__path_note(const struct alert_state *t, const struct tt_record *rec, char *buf,
			      size_t size)
{
	char path[4096];
	const struct tt_str *str = NULL;
	enum fdtable_path kind;

	if (rec->type != TT_REC_SYSCALL || !size)
		return "";
	kind = syscall_path(t, &rec->syscall, path, sizeof(path));
	for (int i = 0; i < rec->syscall.nstr && !str; i++)
		if (rec->syscall.strs[i].kind == TT_STR_PATH)
			str = &rec->syscall.strs[i];
	if (kind == FDTABLE_PATH_RELATIVE)
		return " (a relative path: its directory is not in the trace)";
	if (kind == FDTABLE_PATH_NONE ||
	    (str && str->value.len == strlen(path) && !memcmp(str->value.data, path, str->value.len)))
		return "";
	snprintf(buf, size, " (path %s)", path);
	return buf;
}

/* The destination port of an IPv4 or IPv6 sockaddr argument, or -1. */
static int syscall_port(const struct tt_syscall *s)
{
	for (int i = 0; i < s->nstr; i++) {
		const unsigned char *a = (const unsigned char *)s->strs[i].value.data;
		uint16_t family;

		if (s->strs[i].kind != TT_STR_SOCKADDR || s->strs[i].value.len < 4)
			continue;
		memcpy(&family, a, 2); /* sa_family is in the recorded host's order */
		if (family == 2 || family == 10)
			return a[2] << 8 | a[3];
	}
	return -1;
}

/* Opened for writing: by its flags where the syscall has them. */
static bool syscall_writes(const struct alert_state *t, const struct tt_syscall *s)
{
	const char *name = syscall_table__name(t->st, s->nr);
	uint64_t flags;

	if (!name)
		return false;
	if (!strcmp(name, "open"))
		flags = s->args[1];
	else if (!strcmp(name, "openat"))
		flags = s->args[2];
	else
		return true; /* creat, truncate; openat2's flags are behind a pointer */
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
}

/* A shell run with no script and no -c: its arguments are all options. */
static bool is_interactive(const struct tt_exec *e)
{
	size_t i = 0;
	int argc = 0;

	while (i < e->argv.len) {
		const char *a = e->argv.data + i;
		size_t n = strnlen(a, e->argv.len - i);

		if (argc++ && (a[0] != '-' || (n == 2 && a[1] == 'c')))
			return false;
		i += n + 1;
	}
	return true;
}

static bool match_common(const struct alert_rule *r, const struct alert_state *t, uint32_t pid,
			 const char *comm, uint32_t uid, uint64_t cgroup_id)
{
	const char *cg;

	if (r->ncomms && !any_glob(r->comms, r->ncomms, comm))
		return false;
	if (r->have_uid && uid != r->uid)
		return false;
	if (!r->container && !r->cgroup)
		return true;
	cg = alerts__cgroup(t, pid, cgroup_id);
	if (r->container && container__path_is_container(cg) != (r->container > 0))
		return false;
	return !r->cgroup || (cg && !fnmatch(r->cgroup, cg, 0));
}

static bool match_syscall(const struct alert_rule *r, const struct alert_state *t,
			  const struct tt_syscall *s)
{
	const struct proc *p;
	char buf[4096];

	if (r->on != ALERT_ON_SYSCALL || r->interactive)
		return false;
	if (r->have_nr && (s->nr >= SYSCALL_MAX_NR || !(r->nr_mask[s->nr / 64] >> (s->nr % 64) & 1)))
		return false;
	if (r->result == ALERT_RESULT_SUCCESS && syscall_failed(s->ret))
		return false;
	if (r->result == ALERT_RESULT_FAILURE && !syscall_failed(s->ret))
		return false;
	for (int i = 0; i < r->nargs; i++) {
		uint64_t v = s->args[r->args[i].index];

		if (r->args[i].mask ? !(v & r->args[i].value) : v != r->args[i].value)
			return false;
	}
	if (r->npaths) {
		enum fdtable_path kind = syscall_path(t, s, buf, sizeof(buf));

		if (kind == FDTABLE_PATH_NONE ||
		    (kind == FDTABLE_PATH_ABSOLUTE && !any_glob(r->paths, r->npaths, buf)) ||
		    (kind == FDTABLE_PATH_RELATIVE && !any_glob_ends(r->paths, r->npaths, buf)))
			return false;
	}
	if (r->write && !syscall_writes(t, s))
		return false;
	if (r->nports) {
		int port = syscall_port(s), i;

		for (i = 0; i < r->nports && port != r->ports[i]; i++)
			;
		if (i == r->nports)
			return false;
	}
	p = procs__find(t->procs, s->pid);
	return match_common(r, t, s->pid, procs__task_comm(t->procs, s->pid, s->tid), p ? p->uid : 0, 0) &&
	       (!r->have_uid || p);
}

static bool match_exec(const struct alert_rule *r, const struct alert_state *t, const struct tt_exec *e)
{
	char path[4096], comm[TT_COMM_SIZE + 1];
	size_t n = e->filename.len < sizeof(path) ? e->filename.len : sizeof(path) - 1;

	if (r->on != ALERT_ON_EXEC)
		return false;
	if (r->result == ALERT_RESULT_SUCCESS && e->ret)
		return false;
	if (r->result == ALERT_RESULT_FAILURE && !e->ret)
		return false;
	memcpy(path, e->filename.data, n);
	path[n] = 0;
	if (path[0] == '/') /* "./sudo" stays as written: a rule may end with it */
		path__normalize(path);
	if (r->npaths && !any_glob(r->paths, r->npaths, path))
		return false;
	if (r->interactive && !is_interactive(e))
		return false;
	memcpy(comm, e->comm, TT_COMM_SIZE);
	comm[TT_COMM_SIZE] = 0;
	return match_common(r, t, e->pid, comm, e->uid, e->cgroup_id);
}

/* A signal delivered (event: signal) or sent (event: signal-sent); comm and
 * uid are the receiving thread's, or the sender's. */
static bool match_signal(const struct alert_rule *r, const struct alert_state *t, const struct tt_signal *g)
{
	const struct proc *p;

	if (r->on != (g->event == TT_SIGNAL_DELIVER ? ALERT_ON_SIGNAL : ALERT_ON_SIGNAL_SENT))
		return false;
	if (r->signals && (g->signo < 1 || g->signo > 64 || !(r->signals >> (g->signo - 1) & 1)))
		return false;
	p = procs__find(t->procs, g->pid);
	return match_common(r, t, g->pid, procs__task_comm(t->procs, g->pid, g->tid), p ? p->uid : 0, 0) &&
	       (!r->have_uid || p);
}

bool alert_rule__match(const struct alert_rule *r, const struct alert_state *t,
		       const struct tt_record *rec)
{
	if (!r->enabled)
		return false;
	if (rec->type == TT_REC_SYSCALL)
		return match_syscall(r, t, &rec->syscall);
	if (rec->type == TT_REC_EXEC)
		return match_exec(r, t, &rec->exec);
	if (rec->type == TT_REC_SIGNAL)
		return match_signal(r, t, &rec->signal);
	return false;
}
