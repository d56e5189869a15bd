// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "cgroup2.h"
#include "func_probes.h"
#include "load_report.h"
#include "log.h"
#include "programs.h"
#include "rec.skel.h"
#include "records.h"
#include "sock_bootstrap.h"
#include "tc_capture.h"
#include "tracefs.h"

/*
 * sc_desc[] and syscall_mask[] (TT_NR_SYSCALLS entries, bpf/events.h) are
 * filled from the syscall table, which knows SYSCALL_MAX_NR numbers; the BPF
 * programs bound a number with & (TT_NR_SYSCALLS - 1) for the verifier.
 */
_Static_assert(TT_NR_SYSCALLS == SYSCALL_MAX_NR, "bpf/events.h and common/syscalls.h disagree");
_Static_assert((TT_NR_SYSCALLS & (TT_NR_SYSCALLS - 1)) == 0, "TT_NR_SYSCALLS is not a power of 2");

#define MAX_RINGS 64

struct programs {
	struct rec_bpf *skel;
	int ncpus;
	int nrings;
	int ring_fds[MAX_RINGS]; /* the event rings, in event_rings */
	bool pids_set;
	struct bpf_link *cg_links[16]; /* the packet monitor's cgroup programs */
	int ncg_links;
	struct func_probes *funcs; /* -m func, else NULL */
	struct tc_capture *tc;     /* -i, else NULL */
	uint64_t *scope_cgroups; /* -c: ids of the cgroups in scope when last set, sorted */
	size_t nscope_cgroups;
	FILE *report; /* rec --check: each loaded program's verified size, else NULL */
};

/* The packet monitor's programs: autoloaded only when it is on, so that
 * without it nothing of it is loaded or attached. */
static struct bpf_program **packet_programs(struct rec_bpf *skel, int *n)
{
	static struct bpf_program *progs[16];
	struct bpf_program *list[] = {
		skel->progs.sock_create, skel->progs.post_bind4, skel->progs.post_bind6,
		skel->progs.connect4, skel->progs.connect6, skel->progs.sendmsg4,
		skel->progs.sendmsg6, skel->progs.recvmsg4, skel->progs.recvmsg6,
		skel->progs.sock_send_length, skel->progs.sock_recv_length,
		skel->progs.inet_sock_set_state, skel->progs.skb_ingress, skel->progs.skb_egress,
	};

	*n = sizeof(list) / sizeof(list[0]);
	memcpy(progs, list, sizeof(list));
	return progs;
}

/*
 * What a program of the skeleton serves, for messages and rec --check: the
 * monitor that cannot work without it.
 */
static const char *program_role(struct rec_bpf *skel, const struct bpf_program *prog)
{
	const char *name = bpf_program__name(prog);
	struct bpf_program **pkt;
	int n;

	if (prog == skel->progs.tc_ingress || prog == skel->progs.tc_egress)
		return "packet monitor, -i";
	pkt = packet_programs(skel, &n);
	for (int i = 0; i < n; i++)
		if (pkt[i] == prog)
			return "packet monitor";
	if (!strncmp(name, "func_", 5))
		return "func monitor";
	if (!strncmp(name, "signal_", 7))
		return "signal monitor";
	if (!strncmp(name, "sched_process_", 14) || !strcmp(name, "task_rename"))
		return "process tracking, every recording";
	if (!strncmp(name, "cgroup_", 7))
		return "scope, -c";
	return "syscall and exec monitors";
}

/*
 * What the kernel's BPF has that the programs adapt to. Every monitor needs
 * the ring buffer (5.8) and BTF; the rest have fallbacks, chosen before load
 * through the programs' read-only settings (the verifier drops the branch
 * not taken, helpers the kernel lacks included).
 */
struct kernel_bpf {
	bool ringbuf;       /* BPF_MAP_TYPE_RINGBUF, 5.8 */
	bool task_storage;  /* task storage, bpf_get_current_task_btf, socket
			     * storage in tracing programs: 5.11 */
};

static struct kernel_bpf kernel_bpf__probe(void)
{
	return (struct kernel_bpf){
		.ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1,
		.task_storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1,
	};
}

/* The kernel's pid_max: no more threads than this can be alive. */
static uint32_t pid_max(void)
{
	unsigned int v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v >= 1024 && v <= (1u << 22) ? v : 1u << 22;
}

/*
 * Before 5.11 the per-task maps become hashes by thread id (task_data() in
 * rec.bpf.h), as large as the number of threads there can be. They fill on
 * use; func_stacks, which kprobe programs use, is preallocated, as the
 * kernel wants of maps used there.
 */
static void per_task_hashes(struct rec_bpf *skel, bool func_on)
{
	struct bpf_map *maps[] = { skel->maps.task_states, skel->maps.exec_paths };
	uint32_t threads = pid_max();

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		bpf_map__set_type(maps[i], BPF_MAP_TYPE_HASH);
		bpf_map__set_max_entries(maps[i], threads);
	}
	bpf_map__set_type(skel->maps.func_stacks, BPF_MAP_TYPE_HASH);
	bpf_map__set_map_flags(skel->maps.func_stacks, 0);
	bpf_map__set_max_entries(skel->maps.func_stacks, func_on ? (threads < 32768 ? threads : 32768) : 1);
}

/* Does the running kernel (its BTF) have this tracepoint (tp_btf needs it)? */
static bool have_btf_tracepoint(const struct btf *btf, const char *name)
{
	char type[128];

	if (!btf)
		return false;
	snprintf(type, sizeof(type), "btf_trace_%s", name);
	return btf__find_by_name_kind(btf, type, BTF_KIND_TYPEDEF) > 0;
}

static uint32_t encode_desc(const struct syscall_args *a, uint8_t nargs)
{
	uint32_t d = (uint32_t)(nargs < 6 ? nargs : 6) << SC_NARGS_SHIFT;

	if (a->path[0] >= 0)
		d |= (uint32_t)(a->path[0] + 1) << SC_STR1_SHIFT;
	if (a->path[1] >= 0)
		d |= (uint32_t)(a->path[1] + 1) << SC_STR2_SHIFT;
	if (a->addr >= 0) {
		d |= (uint32_t)(a->addr + 1) << SC_ADDR_SHIFT;
		if (a->addrlen >= 0)
			d |= (uint32_t)(a->addrlen + 1) << SC_ALEN_SHIFT;
		if (a->addrlen_ptr)
			d |= SC_ALEN_PTR;
	}
	if (a->data >= 0) {
		d |= (uint32_t)(a->data + 1) << SC_DATA_SHIFT;
		if (a->data_ret)
			d |= SC_DATA_RET;
		else if (a->datalen >= 0)
			d |= (uint32_t)(a->datalen + 1) << SC_DLEN_SHIFT;
	}
	return d;
}

static int make_rings(struct programs *p, uint32_t size, char *err, size_t errlen);
static int fill_rings(struct programs *p, char *err, size_t errlen);

/* --rings, or one ring per 4 CPUs (up to 16): each ring has its own
 * draining thread in rec, and fewer CPUs contend for each. */
static int rings_for(const struct rec_config *c, int ncpus)
{
	int n = c->rings ? (int)c->rings : (ncpus + 3) / 4;

	if (n > 16 && !c->rings)
		n = 16;
	return n < 1 ? 1 : n > MAX_RINGS ? MAX_RINGS : n;
}

static uint32_t pow2_at_least(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v && p < (1ull << 31))
		p <<= 1;
	return p;
}

static struct func_progs func_progs_of(struct rec_bpf *skel)
{
	return (struct func_progs){
		.entry = skel->progs.func_entry, .ret = skel->progs.func_return_probe,
		.fentry = skel->progs.func_fentry, .fexit = skel->progs.func_fexit,
		.stats = skel->maps.func_stats,
	};
}

/* -m func: resolve --func and set up only the probe programs it needs. */
static int prepare_funcs(struct programs *p, const struct rec_config *c, char *err, size_t errlen)
{
	struct rec_bpf *skel = p->skel;
	struct func_progs progs = func_progs_of(skel);
	struct func_list list;
	int ret;

	if (!(c->monitors & (1u << TT_MON_FUNC))) {
		func_probes__disable(&progs);
		bpf_map__set_max_entries(skel->maps.func_stats, 1);
		return 0;
	}
	ret = funcs__resolve(&list, c->funcs ? c->funcs : "", c->probe_limit, err, errlen);
	if (ret)
		return ret;
	p->funcs = func_probes__new(&list, c->func_backend, err, errlen);
	if (!p->funcs) {
		ret = -errno;
		funcs__free(&list);
		return ret;
	}
	skel->rodata->func_calls = c->func_mode == 1;
	skel->rodata->func_wakeup_bytes = pow2_at_least(c->buffer_size) / 4;
	if (c->func_mode == 1)
		bpf_map__set_max_entries(skel->maps.func_events, pow2_at_least(c->buffer_size));
	ret = func_probes__prepare(p->funcs, &progs);
	if (ret)
		snprintf(err, errlen, "preparing the function probes: %s", strerror(-ret));
	return ret;
}

/*
 * --errors-only, --slow and --max-rate into rodata. --slow's thresholds go
 * per slot (native numbers, then compat ones): the kernel then looks up
 * one number, the category of each call being fixed by the syscall table.
 */
static void set_volume(struct rec_bpf *skel, const struct rec_config *c,
		       const struct syscall_table *t, const struct syscall_table *compat, int ncpus)
{
	skel->rodata->volume_on = c->errors_only || c->slow || c->max_rate;
	skel->rodata->errors_only = c->errors_only;
	skel->rodata->slow_only = c->slow;
	for (int nr = 0; c->slow && nr < TT_NR_SYSCALLS; nr++) {
		skel->rodata->slow_ns[nr] = c->thresholds.ns[syscall_table__category(t, nr)];
		skel->rodata->slow_ns[TT_NR_SYSCALLS + nr] =
			c->thresholds.ns[compat ? syscall_table__category(compat, nr) : CAT_OTHER];
	}
	skel->rodata->max_rate = c->max_rate;
	if (c->max_rate)
		bpf_map__set_max_entries(skel->maps.sampled, ncpus);
}

struct programs *programs__load(const struct rec_config *c, const struct syscall_table *t,
				char *err, size_t errlen)
{
	struct syscall_table *compat = NULL;
	struct btf *vmlinux = NULL; /* the kernel's BTF, parsed once for the checks below */
	uint8_t nargs[SYSCALL_MAX_NR];
	uint32_t ring_size;
	struct kernel_bpf kernel;
	struct programs *p;
	struct rec_bpf *skel;
	int ret;

	load_report__install();
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(err, errlen, "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); "
			 "rec needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		errno = ENOTSUP;
		return NULL;
	}
	vmlinux = btf__load_vmlinux_btf();
	kernel = kernel_bpf__probe();
	/* Checked before anything loads: without it every program fails,
	 * with no verifier log to show (map creation comes first). */
	if (!kernel.ringbuf) {
		snprintf(err, errlen, "kernel %s is too old: rec needs Linux 5.10 or later "
			 "(the BPF ring buffer, from 5.8, is missing)", load_report__kernel());
		btf__free(vmlinux);
		errno = ENOTSUP;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		btf__free(vmlinux);
		return NULL;
	}
	for (int i = 0; i < MAX_RINGS; i++)
		p->ring_fds[i] = -1;
	compat = syscall_table__new(AUDIT_ARCH_I386);
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0 || p->ncpus > TT_MAX_CPUS) {
		snprintf(err, errlen, "cannot handle %d possible CPUs", p->ncpus);
		ret = -ENOTSUP;
		skel = NULL;
		goto fail;
	}
	skel = p->skel = rec_bpf__open();
	if (!skel) {
		ret = -errno;
		snprintf(err, errlen, "opening the BPF programs: %s", strerror(-ret));
		goto fail;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->monitors = c->monitors;
	skel->rodata->strsize = c->strsize;
	skel->rodata->argsize = c->argsize;
	skel->rodata->datasize = c->datasize;
	skel->rodata->envsize = c->envsize;
	skel->rodata->flush_ns = 50 * 1000000ull;
	skel->rodata->nr_execve = syscall_table__nr(t, "execve");
	skel->rodata->nr_execveat = syscall_table__nr(t, "execveat");
	skel->rodata->nr_exit = syscall_table__nr(t, "exit");
	skel->rodata->nr_exit_group = syscall_table__nr(t, "exit_group");
	skel->rodata->nr_rt_sigreturn = syscall_table__nr(t, "rt_sigreturn");
	skel->rodata->nr_clone = syscall_table__nr(t, "clone");
	skel->rodata->nr_clone3 = syscall_table__nr(t, "clone3");
	skel->rodata->nr_fork = syscall_table__nr(t, "fork");
	skel->rodata->nr_vfork = syscall_table__nr(t, "vfork");
	if (compat) {
		skel->rodata->nr_exit_compat = syscall_table__nr(compat, "exit");
		skel->rodata->nr_exit_group_compat = syscall_table__nr(compat, "exit_group");
	}
	/* Each event keeps the arguments its syscall takes (tracefs says). */
	if (tracefs__syscall_nargs(t, nargs) < 0) {
		if (c->monitors & (1u << TT_MON_SYSCALL) && !caps__have(CAP_DAC_READ_SEARCH) && !c->quiet)
			pr_warn("without cap_dac_read_search tracefs is not readable: "
				"all six arguments of every syscall are kept");
		else
			pr_info("tracefs is not readable: all six arguments of every syscall are kept");
	}
	for (int nr = 0; nr < TT_NR_SYSCALLS; nr++) {
		struct syscall_args a;

		if (!syscall_table__args(t, nr, &a))
			a = (struct syscall_args){ .path = { -1, -1 }, .addr = -1, .addrlen = -1,
						   .data = -1, .datalen = -1 };
		skel->rodata->sc_desc[nr] = encode_desc(&a, nr < SYSCALL_MAX_NR ? nargs[nr] : 6);
	}
	/* --buffer-size is shared by the rings; each is a power of two. */
	p->nrings = rings_for(c, p->ncpus);
	ring_size = pow2_at_least(c->buffer_size / p->nrings);
	skel->rodata->nrings = p->nrings;
	skel->rodata->wakeup_bytes = ring_size / 4;
	bpf_map__set_max_entries(skel->maps.event_rings, p->nrings);
	ret = make_rings(p, ring_size, err, errlen);
	if (ret)
		goto fail;
	bpf_map__set_max_entries(skel->maps.stages, p->ncpus);
	bpf_map__set_max_entries(skel->maps.exec_scratches, p->ncpus);
	set_volume(skel, c, t, compat, p->ncpus);
	skel->rodata->task_storage = kernel.task_storage;
	if (!kernel.task_storage)
		per_task_hashes(skel, c->monitors & (1u << TT_MON_FUNC));
	if (c->monitors & (1u << TT_MON_PACKET)) {
		skel->rodata->snaplen = c->snaplen;
		skel->rodata->pkt_wakeup_bytes = pow2_at_least(c->buffer_size) / 4;
		bpf_map__set_max_entries(skel->maps.packets, pow2_at_least(c->buffer_size));
		bpf_map__set_max_entries(skel->maps.pkt_scratches, p->ncpus * TT_PKT_NEST_MAX);
		/* Added in 6.3; without them an accepted socket keeps the
		 * listener's owner until the process connects or sends with an address. */
		if (!have_btf_tracepoint(vmlinux, "sock_send_length") || !kernel.task_storage) {
			pr_info("no sock_send_length tracepoint, or no socket storage in tracing "
				"programs: accepted sockets keep their listener's owner");
			bpf_program__set_autoload(skel->progs.sock_send_length, false);
			bpf_program__set_autoload(skel->progs.sock_recv_length, false);
		}
		if (!kernel.task_storage) {
			pr_info("no socket storage in tracing programs (5.11): a connecting "
				"socket's owner comes from connect() only");
			bpf_program__set_autoload(skel->progs.inet_sock_set_state, false);
		}
		if (c->interfaces) {
			p->tc = tc_capture__new(c->interfaces, err, errlen);
			if (!p->tc) {
				ret = -errno;
				goto fail;
			}
			skel->rodata->tc_capture = true;
			skel->rodata->tc_netns = tc_capture__netns(p->tc);
		}
	} else {
		int n;
		struct bpf_program **progs = packet_programs(skel, &n);

		for (int i = 0; i < n; i++)
			bpf_program__set_autoload(progs[i], false);
		bpf_map__set_max_entries(skel->maps.packets, 4096);
	}
	if (!(c->monitors & (1u << TT_MON_SIGNAL))) {
		bpf_program__set_autoload(skel->progs.signal_generate, false);
		bpf_program__set_autoload(skel->progs.signal_deliver, false);
	}
	if (!p->tc) {
		bpf_program__set_autoload(skel->progs.tc_ingress, false);
		bpf_program__set_autoload(skel->progs.tc_egress, false);
	}
	ret = prepare_funcs(p, c, err, errlen);
	if (ret)
		goto fail;
	if (c->check)
		load_report__keep_stats(skel->obj);
	load_report__begin();
	ret = rec_bpf__load(skel);
	syscall_table__free(compat);
	compat = NULL;
	if (ret) {
		const char *prog = load_report__refused();
		struct bpf_program *bp = prog ? bpf_object__find_program_by_name(skel->obj, prog) : NULL;

		if (bp)
			snprintf(err, errlen, "kernel %s refused the BPF program %s (%s): %s%s",
				 load_report__kernel(), prog, program_role(skel, bp), strerror(-ret),
				 log__level() < LOG_INFO ? " (run with -v for the verifier's log)" : "");
		else
			snprintf(err, errlen, "loading the BPF programs on kernel %s: %s",
				 load_report__kernel(), strerror(-ret));
		goto fail;
	}
	btf__free(vmlinux);
	ret = fill_rings(p, err, errlen);
	if (ret)
		goto fail;
	return p;
fail:
	func_probes__destroy(p->funcs);
	tc_capture__destroy(p->tc);
	rec_bpf__destroy(skel);
	for (int i = 0; i < p->nrings; i++)
		if (p->ring_fds[i] >= 0)
			close(p->ring_fds[i]);
	syscall_table__free(compat);
	btf__free(vmlinux);
	free(p);
	errno = -ret;
	return NULL;
}

/* cgroup programs are not attached by the skeleton: they go on the root
 * cgroup, which every socket of every namespace is under. */
static int attach_packet_programs(struct programs *p, char *err, size_t errlen)
{
	int nprogs;
	struct bpf_program **progs = packet_programs(p->skel, &nprogs);
	char root[4096];
	int fd, ret = cgroup2__mount(root, sizeof(root));

	if (ret) {
		snprintf(err, errlen, "-m packet needs a cgroup v2 mount (mount -t cgroup2 none "
			 "/sys/fs/cgroup); under `ip netns exec`, which mounts /sys again without "
			 "it, run rec outside instead: it sees the sockets of every namespace");
		return ret;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "opening the cgroup v2 root %s: %s%s", root, strerror(-ret),
			 strncmp(root, "/proc/1/root/", 13) ? "" :
			 " (under `ip netns exec`? run rec outside instead: it sees the sockets "
			 "of every namespace)");
		return ret;
	}
	for (int i = 0; i < nprogs && !ret; i++) {
		struct bpf_link *l;

		if (bpf_program__type(progs[i]) == BPF_PROG_TYPE_TRACING)
			continue; /* attached by the skeleton, or the iterator */
		l = bpf_program__attach_cgroup(progs[i], fd);

		if (!l) {
			ret = -errno;
			snprintf(err, errlen, "attaching %s to the cgroup %s: %s",
				 bpf_program__name(progs[i]), root, strerror(-ret));
			continue;
		}
		p->cg_links[p->ncg_links++] = l;
	}
	close(fd);
	return ret;
}

int programs__attach(struct programs *p, char *err, size_t errlen)
{
	int ret = rec_bpf__attach(p->skel);

	if (ret) {
		snprintf(err, errlen, "attaching the BPF programs: %s", strerror(-ret));
		return ret;
	}
	if (p->skel->rodata->monitors & (1u << TT_MON_PACKET)) {
		ret = attach_packet_programs(p, err, errlen);
		if (!ret) /* warns what is lost if it cannot */
			sock_bootstrap__run(bpf_map__fd(p->skel->maps.sk_owners), p->report);
		if (!ret && p->tc)
			ret = tc_capture__attach(p->tc, bpf_map__fd(p->skel->maps.tc_ifaces),
						 bpf_program__fd(p->skel->progs.tc_ingress),
						 bpf_program__fd(p->skel->progs.tc_egress), err, errlen);
	}
	if (!ret && p->funcs) {
		struct func_progs progs = func_progs_of(p->skel);

		ret = func_probes__attach(p->funcs, &progs, err, errlen);
	}
	return ret;
}

/* Replace the keys of a set-like hash map with n new ones, adding first. */
static int replace_keys(int fd, const void *keys, int n, size_t ksize)
{
	char key[32], next[32];
	uint8_t one = 1;
	bool more;

	for (int i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, (const char *)keys + i * ksize, &one, BPF_ANY))
			return -errno;
	more = !bpf_map_get_next_key(fd, NULL, key);
	while (more) {
		bool keep = false;

		more = !bpf_map_get_next_key(fd, key, next);
		for (int i = 0; i < n && !keep; i++)
			keep = !memcmp(key, (const char *)keys + i * ksize, ksize);
		if (!keep)
			bpf_map_delete_elem(fd, key);
		memcpy(key, next, sizeof(key));
	}
	return 0;
}

static int add_scope_cgroup(void *ctx, const char *path, uint64_t id)
{
	struct programs *p = ctx;
	uint64_t *ids = realloc(p->scope_cgroups, (p->nscope_cgroups + 1) * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	ids[p->nscope_cgroups++] = id;
	p->scope_cgroups = ids;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * -c: each container's cgroup directory into traced_cgroups, where the
 * kernel checks a task's ancestry (cgroups made later below it count too).
 * Widens before narrowing, as the other filters.
 */
static int set_cgroups(struct programs *p, const struct rec_config *c, char *err, size_t errlen)
{
	int map = bpf_map__fd(p->skel->maps.traced_cgroups);
	uint32_t max = bpf_map__max_entries(p->skel->maps.traced_cgroups);
	char mount[4096], rel[REC_MAX_CONTAINERS][4096], path[8192];
	int ret;

	if (!c->ncontainers && !p->skel->bss->filter_cgroup)
		return 0;
	if (c->ncontainers > (int)max) {
		snprintf(err, errlen, "-c: at most %u containers", max);
		return -EINVAL;
	}
	if (c->ncontainers && cgroup2__mount(mount, sizeof(mount))) {
		snprintf(err, errlen, "-c needs a cgroup v2 mount (mount -t cgroup2 none /sys/fs/cgroup)");
		return -ENOENT;
	}
	/* All found before any is changed: a bad SIGHUP keeps the old scope. */
	for (int i = 0; i < c->ncontainers; i++) {
		ret = cgroup2__resolve(mount, c->containers[i], rel[i], sizeof(rel[i]), err, errlen);
		if (ret)
			return ret;
	}
	free(p->scope_cgroups);
	p->scope_cgroups = NULL;
	p->nscope_cgroups = 0;
	for (int i = 0; i < c->ncontainers; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s%s", mount, rel[i]);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "-c %s: opening %s: %s", c->containers[i], path, strerror(-ret));
			return ret;
		}
		/* The map keeps its own reference to the cgroup. */
		ret = bpf_map_update_elem(map, &(uint32_t){ i }, &fd, BPF_ANY) ? -errno : 0;
		close(fd);
		if (!ret)
			ret = cgroup2__walk(mount, rel[i], add_scope_cgroup, p);
		if (ret) {
			snprintf(err, errlen, "-c %s: %s: %s", c->containers[i], path, strerror(-ret));
			return ret;
		}
		pr_info("-c %s: the cgroup %s and those below it", c->containers[i], rel[i]);
	}
	if (p->nscope_cgroups) /* qsort(NULL, 0, ...) is undefined */
		qsort(p->scope_cgroups, p->nscope_cgroups, sizeof(uint64_t), cmp_u64);
	p->skel->bss->filter_cgroup = c->ncontainers;
	for (uint32_t i = c->ncontainers; i < max; i++)
		bpf_map_delete_elem(map, &i);
	return 0;
}

bool programs__cgroup_in_scope(struct programs *p, uint64_t id)
{
	if (!p->skel->bss->filter_cgroup)
		return true;
	return bsearch(&id, p->scope_cgroups, p->nscope_cgroups, sizeof(id), cmp_u64);
}

int programs__set_filters(struct programs *p, const struct rec_config *c,
			  const struct syscall_table *t, char *err, size_t errlen)
{
	struct rec_bpf *skel = p->skel;
	uint64_t mask[TT_NR_SYSCALLS / 64];
	char bad[64];
	int ret;

	memset(mask, c->syscalls ? 0 : 0xff, sizeof(mask));
	if (c->syscalls && syscall_table__select(t, c->syscalls, mask, bad, sizeof(bad))) {
		snprintf(err, errlen, "unknown syscall or category '%s' (categories: file_io, network, "
			 "memory, process, signal, time, ipc, other)", bad);
		return -EINVAL;
	}
	ret = set_cgroups(p, c, err, errlen);
	if (ret)
		return ret;
	ret = replace_keys(bpf_map__fd(skel->maps.traced_comms), c->comms, c->ncomms, sizeof(c->comms[0]));
	if (!ret)
		ret = replace_keys(bpf_map__fd(skel->maps.traced_uids), c->uids, c->nuids, sizeof(c->uids[0]));
	if (ret) {
		snprintf(err, errlen, "updating filters: %s", strerror(-ret));
		return ret;
	}
	/* Widen before narrowing: flags go on after their maps are filled. */
	skel->bss->compat_all = !c->syscalls;
	skel->bss->filter_comm = c->ncomms > 0;
	skel->bss->filter_uid = c->nuids > 0;
	for (int i = 0; i < TT_NR_SYSCALLS / 64; i++)
		skel->bss->syscall_mask[i] = mask[i];
	skel->data->scope_gen++; /* every task decides its scope again */
	if (!p->pids_set) {
		for (int i = 0; i < c->npids; i++) {
			ret = programs__add_pid(p, c->pids[i]);
			if (ret) {
				snprintf(err, errlen, "following pid %u: %s", c->pids[i], strerror(-ret));
				return ret;
			}
		}
		p->pids_set = true;
	}
	return 0;
}

int programs__add_pid(struct programs *p, uint32_t pid)
{
	uint8_t one = 1;

	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.traced_pids), &pid, &one, BPF_ANY))
		return -errno;
	p->skel->bss->filter_pid = 1;
	p->skel->data->scope_gen++;
	return 0;
}

bool programs__pid_in_scope(struct programs *p, uint32_t pid)
{
	uint8_t v;

	if (!p->skel->bss->filter_pid)
		return true;
	return !bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.traced_pids), &pid, &v);
}

/*
 * The event rings, made before load: the first is event_rings' template
 * (the kernel takes only values like it; setting the size of libbpf's own
 * template crashes libbpf 1.1, whose inner maps have no object).
 */
static int make_rings(struct programs *p, uint32_t size, char *err, size_t errlen)
{
	for (int i = 0; i < p->nrings; i++) {
		p->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "tt_events", 0, 0, size, NULL);
		if (p->ring_fds[i] < 0) {
			snprintf(err, errlen, "making event ring %d of %d (%u bytes) on kernel %s: %s", i + 1,
				 p->nrings, size, load_report__kernel(), strerror(errno));
			return -errno;
		}
	}
	return bpf_map__set_inner_map_fd(p->skel->maps.event_rings, p->ring_fds[0]);
}

/* The rings put in event_rings after load, before anything is attached. */
static int fill_rings(struct programs *p, char *err, size_t errlen)
{
	int outer = bpf_map__fd(p->skel->maps.event_rings);

	for (int i = 0; i < p->nrings; i++) {
		if (bpf_map_update_elem(outer, &i, &p->ring_fds[i], BPF_ANY)) {
			snprintf(err, errlen, "putting event ring %d of %d in on kernel %s: %s", i + 1,
				 p->nrings, load_report__kernel(), strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int programs__nrings(const struct programs *p)
{
	return p->nrings;
}

struct ring_buffer *programs__ring(struct programs *p, int ring, programs_batch_fn fn,
				   programs_batch_fn packet_fn, programs_batch_fn func_fn, void *ctx)
{
	struct ring_buffer *rb = ring_buffer__new(p->ring_fds[ring], fn, ctx, NULL);

	if (rb && ring == 0 && (((p->skel->rodata->monitors & (1u << TT_MON_PACKET)) &&
		    ring_buffer__add(rb, bpf_map__fd(p->skel->maps.packets), packet_fn, ctx)) ||
		   (p->funcs && p->skel->rodata->func_calls &&
		    ring_buffer__add(rb, bpf_map__fd(p->skel->maps.func_events), func_fn, ctx)))) {
		int err = errno;

		ring_buffer__free(rb);
		errno = err;
		return NULL;
	}
	return rb;
}

void programs__flush_cpus(struct programs *p, bool *reached)
{
	cpu_set_t saved, one;

	if (reached)
		memset(reached, 0, p->ncpus * sizeof(*reached));
	if (sched_getaffinity(0, sizeof(saved), &saved))
		return;
	p->skel->bss->flusher_tid = syscall(SYS_gettid);
	for (int cpu = 0; cpu < p->ncpus; cpu++) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue; /* offline, or not in rec's cpuset */
		syscall(SYS_getppid); /* its entry, on this CPU, ships the batch */
		if (reached)
			reached[cpu] = true;
	}
	sched_setaffinity(0, sizeof(saved), &saved);
}

int programs__read_losses(struct programs *p, struct ev_loss *out)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.losses), &zero, out))
		return -errno;
	return 0;
}

uint64_t programs__max_rate(const struct programs *p)
{
	return p->skel->rodata->max_rate;
}

int programs__read_sampled(struct programs *p, int cpu, struct ev_sampled *out)
{
	uint32_t key = cpu;

	if (!p->skel->rodata->max_rate)
		return -ENODATA;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.sampled), &key, out))
		return -errno;
	return 0;
}

struct func_probes *programs__funcs(struct programs *p)
{
	return p->funcs;
}

void programs__report_to(struct programs *p, FILE *f)
{
	p->report = f;
}

int programs__report(struct programs *p)
{
	struct bpf_program *prog;

	if (!p->report)
		return 0;
	bpf_object__for_each_program(prog, p->skel->obj) {
		if (bpf_program__fd(prog) < 0)
			continue; /* not needed by these options */
		load_report__program(p->report, prog, program_role(p->skel, prog));
	}
	return 0;
}

int programs__ncpus(const struct programs *p)
{
	return p->ncpus;
}

void programs__destroy(struct programs *p)
{
	if (!p)
		return;
	tc_capture__destroy(p->tc); /* first: until then cgroup_skb leaves its packets to tc */
	for (int i = 0; i < p->ncg_links; i++)
		bpf_link__destroy(p->cg_links[i]);
	func_probes__destroy(p->funcs); /* its links before the programs they use */
	rec_bpf__destroy(p->skel);
	for (int i = 0; i < p->nrings; i++)
		if (p->ring_fds[i] >= 0)
			close(p->ring_fds[i]);
	free(p->scope_cgroups);
	free(p);
}
