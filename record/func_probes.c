// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "func_probes.h"
#include "log.h"

struct stat_prev {
	struct func_key key;
	uint64_t count, total_ns;
	uint64_t hist[TT_FUNC_BUCKETS];
};

struct func_probes {
	struct func_list funcs;
	enum func_backend backend;
	bool fentry_ok, kprobes_ok;
	bool cookies; /* bpf_get_attach_cookie (5.15): else a probe clone per function */
	uint32_t template_target; /* BTF id the fentry templates were loaded for */
	struct bpf_link **links;
	int nlinks, caplinks;
	int *fds; /* clone programs and their links */
	int nfds, capfds;
	int stats_fd; /* count mode's map, -1 before attach */
	struct stat_prev *prev; /* count mode: totals at the previous read, sorted */
	int nprev;
};

/* The kernel has kprobes when it has their perf event type. */
static bool have_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK);
}

/* Does the kernel have bpf_get_attach_cookie (5.15)? As func.bpf.c's
 * probe_id() decides it: by the helper's name in the kernel's BTF. */
static bool have_attach_cookies(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	bool found = false;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_func_id", BTF_KIND_ENUM);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (int i = 0; t && i < btf_vlen(t) && !found; i++)
		found = !strcmp(btf__name_by_offset(btf, btf_enum(t)[i].name_off),
				"BPF_FUNC_get_attach_cookie");
	btf__free(btf);
	return found;
}

/* Can a trivial fentry program load for this function? (libbpf-tools'
 * fentry_can_attach: trampolines may be missing or locked down.) */
static int fentry_probe(uint32_t btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                        /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "tt_fentry_probe", "GPL", insns, 2, &opts);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

struct func_probes *func_probes__new(struct func_list *funcs, enum func_backend backend, char *err,
				     size_t errlen)
{
	struct func_probes *fp = calloc(1, sizeof(*fp));
	uint32_t first = 0;
	int fentry_err = -ENOENT;

	if (!fp)
		return NULL;
	fp->funcs = *funcs;
	fp->stats_fd = -1;
	memset(funcs, 0, sizeof(*funcs));
	fp->backend = backend;
	fp->cookies = have_attach_cookies();
	if (!fp->funcs.nkernel)
		return fp;
	for (int i = 0; i < fp->funcs.n && !first; i++)
		if (fp->funcs.v[i].kind == TT_FUNC_KERNEL && fp->funcs.v[i].btf_id)
			first = fp->funcs.v[i].btf_id;
	fp->kprobes_ok = have_kprobes();
	if (first && backend != FUNC_BACKEND_KPROBE) {
		fentry_err = fentry_probe(first);
		fp->fentry_ok = !fentry_err;
		fp->template_target = first;
	}
	if (backend == FUNC_BACKEND_FENTRY && !fp->fentry_ok) {
		snprintf(err, errlen, "--func-backend fentry: this kernel cannot load fentry programs "
			 "(%s)", first ? strerror(-fentry_err) : "no kernel function asked for is in its BTF");
		goto fail;
	}
	if (backend == FUNC_BACKEND_KPROBE && !fp->kprobes_ok) {
		snprintf(err, errlen, "--func-backend kprobe: this kernel has no kprobes (CONFIG_KPROBES is off)");
		goto fail;
	}
	if (!fp->fentry_ok && !fp->kprobes_ok) {
		snprintf(err, errlen, "kernel functions cannot be traced on this kernel: it has no kprobes "
			 "(CONFIG_KPROBES is off) and cannot load fentry programs (BPF trampolines: %s); "
			 "user functions (--func u:BINARY:SYMBOL) can still be traced",
			 strerror(-fentry_err));
		goto fail;
	}
	return fp;
fail:
	func_probes__destroy(fp);
	errno = ENOTSUP;
	return NULL;
}

void func_probes__disable(const struct func_progs *progs)
{
	bpf_program__set_autoload(progs->entry, false);
	bpf_program__set_autoload(progs->ret, false);
	bpf_program__set_autoload(progs->fentry, false);
	bpf_program__set_autoload(progs->fexit, false);
}

int func_probes__prepare(struct func_probes *fp, const struct func_progs *progs)
{
	int ret;

	/* Attached here, function by function, never by the skeleton. */
	bpf_program__set_autoattach(progs->entry, false);
	bpf_program__set_autoattach(progs->ret, false);
	bpf_program__set_autoattach(progs->fentry, false);
	bpf_program__set_autoattach(progs->fexit, false);
	if (!fp->fentry_ok) {
		bpf_program__set_autoload(progs->fentry, false);
		bpf_program__set_autoload(progs->fexit, false);
		return 0;
	}
	/* The templates load against a real function; their clones against theirs. */
	{
		const struct func *f = NULL;

		for (int i = 0; i < fp->funcs.n && !f; i++)
			if (fp->funcs.v[i].btf_id == fp->template_target)
				f = &fp->funcs.v[i];
		ret = bpf_program__set_attach_target(progs->fentry, 0, f->name);
		if (!ret)
			ret = bpf_program__set_attach_target(progs->fexit, 0, f->name);
	}
	return ret;
}

/* strerror, and the kernel's own codes (ENOTSUPP, 524) libc does not know. */
static const char *errno_name(int ret)
{
	if (ret == -524)
		return "not supported for this function (ENOTSUPP)";
	return strerror(-ret);
}

static int keep_link(struct func_probes *fp, struct bpf_link *l)
{
	if (fp->nlinks == fp->caplinks) {
		int cap = fp->caplinks ? 2 * fp->caplinks : 64;
		struct bpf_link **v = realloc(fp->links, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fp->links = v;
		fp->caplinks = cap;
	}
	fp->links[fp->nlinks++] = l;
	return 0;
}

static int keep_fd(struct func_probes *fp, int fd)
{
	if (fp->nfds == fp->capfds) {
		int cap = fp->capfds ? 2 * fp->capfds : 64;
		int *v = realloc(fp->fds, cap * sizeof(*v));

		if (!v) {
			close(fd);
			return -ENOMEM;
		}
		fp->fds = v;
		fp->capfds = cap;
	}
	fp->fds[fp->nfds++] = fd;
	return 0;
}

/* Keep an entry/return pair of links, or neither (a NULL one failed: errno). */
static int keep_pair(struct func_probes *fp, struct bpf_link *in, struct bpf_link *out)
{
	int ret = in && out ? 0 : -errno;

	if (!ret && !(ret = keep_link(fp, in)))
		in = NULL;
	if (!ret && !(ret = keep_link(fp, out)))
		out = NULL;
	bpf_link__destroy(in);
	bpf_link__destroy(out);
	return ret;
}

/*
 * A copy of a loaded template (its instructions are final: maps are fds,
 * CO-RE is applied) for function id, with the id mark replaced, loaded.
 * Returns its fd, or -errno.
 */
static int clone_load(struct func_probes *fp, const struct bpf_program *tmpl,
		      enum bpf_attach_type type, uint32_t id)
{
	size_t n = bpf_program__insn_cnt(tmpl);
	struct bpf_insn *insns = malloc(n * sizeof(*insns));
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int marks = 0, fd;

	if (!insns)
		return -ENOMEM;
	if (bpf_program__type(tmpl) == BPF_PROG_TYPE_TRACING)
		opts.attach_btf_id = fp->funcs.v[id].btf_id;
	memcpy(insns, bpf_program__insns(tmpl), n * sizeof(*insns));
	for (size_t i = 0; i < n; i++) {
		uint8_t cls = insns[i].code & 0x07, op = insns[i].code & 0xf0, src = insns[i].code & 0x08;

		/* mov rX, imm (ALU or ALU64) carrying the mark */
		if ((cls == 0x04 || cls == 0x07) && op == 0xb0 && !src &&
		    insns[i].imm == (int32_t)TT_FUNC_ID_MARK) {
			insns[i].imm = id;
			marks++;
		}
	}
	if (marks != 1) {
		free(insns);
		return -ENOEXEC; /* the template is not what this code expects */
	}
	fd = bpf_prog_load(bpf_program__type(tmpl), bpf_program__name(tmpl), "Dual BSD/GPL", insns, n,
			   &opts);
	free(insns);
	return fd < 0 ? -errno : fd;
}

/* The perf event type of a dynamic PMU ("kprobe", "uprobe"), and the
 * config bit that makes its probe a return probe. */
static int pmu_type(const char *pmu, int *retbit)
{
	char path[128];
	int type = -1, bit = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%d", &type) != 1)
		type = -1;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	f = fopen(path, "re");
	if (!f || fscanf(f, "config:%d", &bit) != 1)
		bit = -1;
	if (f)
		fclose(f);
	*retbit = bit;
	return type < 0 || bit < 0 ? -ENOTSUP : type;
}

/*
 * Before 5.15 (no attach cookies): a clone of the kprobe/uprobe program
 * for this one function, attached through its own perf event, as libbpf
 * does for a program of its object. Both are kept until destroy.
 */
static int attach_probe_clone(struct func_probes *fp, const struct bpf_program *tmpl, bool ret,
			      uint32_t id)
{
	const struct func *f = &fp->funcs.v[id];
	bool user = f->kind == TT_FUNC_USER;
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int retbit, type = pmu_type(user ? "uprobe" : "kprobe", &retbit), prog, ev, err;

	if (type < 0)
		return type;
	attr.type = type;
	attr.config = ret ? 1ull << retbit : 0;
	attr.config1 = (uintptr_t)(user ? f->module : f->name);
	attr.config2 = user ? f->addr : 0;
	prog = clone_load(fp, tmpl, 0, id);
	if (prog < 0)
		return prog;
	ev = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (ev < 0 || ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(ev, PERF_EVENT_IOC_ENABLE, 0)) {
		err = -errno;
		if (ev >= 0)
			close(ev);
		close(prog);
		return err;
	}
	err = keep_fd(fp, prog);
	if (err) {
		close(ev);
		return err;
	}
	return keep_fd(fp, ev);
}

/* The entry and return probes of one function, clones, or none. */
static int attach_probe_clones(struct func_probes *fp, const struct func_progs *progs, uint32_t id)
{
	int nfds = fp->nfds, ret = attach_probe_clone(fp, progs->entry, false, id);

	if (!ret)
		ret = attach_probe_clone(fp, progs->ret, true, id);
	if (ret) {
		while (fp->nfds > nfds)
			close(fp->fds[--fp->nfds]);
	}
	return ret;
}

static int attach_uprobe(struct func_probes *fp, const struct func_progs *progs, uint32_t id)
{
	const struct func *f = &fp->funcs.v[id];
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = id);
	struct bpf_link *in;

	if (!fp->cookies)
		return attach_probe_clones(fp, progs, id);
	in = bpf_program__attach_uprobe_opts(progs->entry, -1, f->module, f->addr, &opts);
	opts.retprobe = true;
	return keep_pair(fp, in, in ? bpf_program__attach_uprobe_opts(progs->ret, -1, f->module,
								      f->addr, &opts) : NULL);
}

static int attach_kprobe(struct func_probes *fp, const struct func_progs *progs, uint32_t id)
{
	const struct func *f = &fp->funcs.v[id];
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = id);
	struct bpf_link *in;

	if (!fp->cookies)
		return attach_probe_clones(fp, progs, id);
	in = bpf_program__attach_kprobe_opts(progs->entry, f->name, &opts);
	opts.retprobe = true;
	return keep_pair(fp, in, in ? bpf_program__attach_kprobe_opts(progs->ret, f->name, &opts) : NULL);
}

/* A clone of an fentry/fexit template for this function, attached. Returns
 * 0, or -errno leaving nothing behind. */
static int attach_clone(struct func_probes *fp, const struct bpf_program *tmpl,
			enum bpf_attach_type type, uint32_t id)
{
	int fd = clone_load(fp, tmpl, type, id), link, ret;

	if (fd < 0)
		return fd;
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = keep_fd(fp, fd);
	return ret ?: keep_fd(fp, link);
}

static int attach_fentry(struct func_probes *fp, const struct func_progs *progs, uint32_t id)
{
	int nfds = fp->nfds, ret;

	if (!fp->funcs.v[id].btf_id)
		return -ENOENT;
	ret = attach_clone(fp, progs->fentry, BPF_TRACE_FENTRY, id);
	if (!ret)
		ret = attach_clone(fp, progs->fexit, BPF_TRACE_FEXIT, id);
	if (ret) {
		while (fp->nfds > nfds)
			close(fp->fds[--fp->nfds]);
	}
	return ret;
}

/*
 * Kernel functions fentry cannot attach to (struct arguments, more than six
 * arguments, notrace...): with --func-backend fentry they are left out, and
 * named, rather than failing the whole recording.
 */
static void report_skipped(const struct func_probes *fp, int skipped)
{
	char list[512] = "";
	size_t len = 0;
	int shown = 0;

	for (int i = 0; i < fp->funcs.n && len < sizeof(list) - 64; i++) {
		if (fp->funcs.v[i].kind != TT_FUNC_KERNEL || fp->funcs.v[i].probe)
			continue;
		len += snprintf(list + len, sizeof(list) - len, "%s%s", shown ? ", " : "",
				fp->funcs.v[i].name);
		shown++;
	}
	pr_warn("--func-backend fentry: fentry cannot attach to %d of the %d kernel functions, "
		"left out of the recording: %s%s", skipped, fp->funcs.nkernel, list,
		shown < skipped ? ", ..." : "");
}

int func_probes__attach(struct func_probes *fp, const struct func_progs *progs, char *err,
			size_t errlen)
{
	struct rlimit rl;
	int skipped = 0;

	/* Two or four descriptors per function (programs, links, perf events). */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	fp->stats_fd = bpf_map__fd(progs->stats);
	for (int i = 0; i < fp->funcs.n; i++) {
		struct func *f = &fp->funcs.v[i];
		int ret;

		if (f->kind == TT_FUNC_USER) {
			ret = attach_uprobe(fp, progs, i);
			if (ret) {
				snprintf(err, errlen, "attaching a uprobe to %s in %s: %s", f->name, f->module,
					 strerror(-ret));
				return ret;
			}
			f->probe = TT_PROBE_UPROBE;
			continue;
		}
		ret = -ENOTSUP;
		if (fp->fentry_ok) {
			ret = attach_fentry(fp, progs, i);
			if (!ret)
				f->probe = TT_PROBE_FENTRY;
			else if (fp->backend == FUNC_BACKEND_FENTRY) {
				pr_info("%s: fentry failed (%s)", f->name,
					f->btf_id ? errno_name(ret) : "not in the kernel's BTF");
				skipped++;
				continue;
			} else if (fp->kprobes_ok) {
				pr_info("%s: fentry failed (%s), using a kprobe", f->name, errno_name(ret));
			}
		}
		if (ret && fp->kprobes_ok) {
			ret = attach_kprobe(fp, progs, i);
			if (!ret)
				f->probe = TT_PROBE_KPROBE;
		}
		if (ret) {
			snprintf(err, errlen, "attaching to the kernel function %s: %s", f->name,
				 errno_name(ret));
			return ret;
		}
	}
	if (skipped == fp->funcs.nkernel && skipped) {
		snprintf(err, errlen, "--func-backend fentry: fentry attaches to none of the kernel "
			 "functions asked for");
		return -ENOTSUP;
	}
	if (skipped)
		report_skipped(fp, skipped);
	return 0;
}

int func_probes__table(struct func_probes *fp, func_emit_fn emit, void *ctx)
{
	for (int i = 0; i < fp->funcs.n; i++) {
		const struct func *f = &fp->funcs.v[i];
		struct tt_record rec = { .type = TT_REC_FUNC };

		if (!f->probe)
			continue; /* left out (--func-backend fentry could not attach) */
		rec.func.id = i;
		rec.func.kind = f->kind;
		rec.func.probe = f->probe;
		rec.func.addr = f->addr;
		rec.func.name = (struct tt_bytes){ f->name, strlen(f->name) };
		rec.func.module = (struct tt_bytes){ f->module, strlen(f->module) };
		emit(&rec, ctx);
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct func_key *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static struct stat_prev *prev_find(struct func_probes *fp, const struct func_key *k)
{
	return bsearch(k, fp->prev, fp->nprev, sizeof(*fp->prev), cmp_key);
}

int func_probes__stats(struct func_probes *fp, uint64_t from_ts, uint64_t to_ts, func_emit_fn emit,
		       void *ctx)
{
	int ncpus = libbpf_num_possible_cpus(), n = 0, cap = 0, ret = 0;
	struct func_stat *per_cpu;
	struct stat_prev *now = NULL;
	struct func_key key, next;
	bool more;

	if (fp->stats_fd < 0 || ncpus <= 0)
		return 0;
	per_cpu = calloc(ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	more = !bpf_map_get_next_key(fp->stats_fd, NULL, &next);
	while (more && !ret) {
		struct tt_record rec = { .type = TT_REC_FUNC_STATS };
		struct stat_prev *p, cur = { 0 };
		uint64_t max = 0;

		key = next;
		more = !bpf_map_get_next_key(fp->stats_fd, &key, &next);
		if (bpf_map_lookup_elem(fp->stats_fd, &key, per_cpu))
			continue;
		cur.key = key;
		for (int c = 0; c < ncpus; c++) {
			cur.count += per_cpu[c].count;
			cur.total_ns += per_cpu[c].total_ns;
			if (per_cpu[c].max_ns > max)
				max = per_cpu[c].max_ns;
			for (int b = 0; b < TT_FUNC_BUCKETS; b++)
				cur.hist[b] += per_cpu[c].hist[b];
		}
		if (n == cap) {
			struct stat_prev *v = realloc(now, (cap = cap ? 2 * cap : 256) * sizeof(*v));

			if (!v) {
				ret = -ENOMEM;
				break;
			}
			now = v;
		}
		now[n++] = cur;
		p = prev_find(fp, &key);
		if (p && p->count == cur.count)
			continue;
		/* Counts since the previous file; the maximum is over the whole
		 * recording so far (the kernel keeps no per-window maximum). */
		rec.func_stats.from_ts = from_ts;
		rec.func_stats.to_ts = to_ts;
		rec.func_stats.pid = key.pid;
		rec.func_stats.func = key.func;
		rec.func_stats.count = cur.count - (p ? p->count : 0);
		rec.func_stats.total_ns = cur.total_ns - (p ? p->total_ns : 0);
		rec.func_stats.max_ns = max;
		for (int b = 0; b < TT_FUNC_BUCKETS; b++)
			rec.func_stats.hist[b] = cur.hist[b] - (p ? p->hist[b] : 0);
		emit(&rec, ctx);
	}
	free(per_cpu);
	if (ret) {
		free(now);
		return ret;
	}
	if (n)
		qsort(now, n, sizeof(*now), cmp_key);
	free(fp->prev);
	fp->prev = now;
	fp->nprev = n;
	return 0;
}

int func_probes__count(const struct func_probes *fp)
{
	int n = 0;

	for (int i = 0; i < fp->funcs.n; i++)
		n += fp->funcs.v[i].probe != 0;
	return n;
}

void func_probes__destroy(struct func_probes *fp)
{
	if (!fp)
		return;
	for (int i = 0; i < fp->nlinks; i++)
		bpf_link__destroy(fp->links[i]);
	for (int i = fp->nfds - 1; i >= 0; i--)
		close(fp->fds[i]);
	free(fp->links);
	free(fp->fds);
	free(fp->prev);
	funcs__free(&fp->funcs);
	free(fp);
}
