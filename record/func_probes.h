/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The function monitor's probes: which path each function takes (fentry,
 * kprobe, uprobe), the skeleton settings that go with it, the attachment,
 * and the records it adds to each file (the function table first, the
 * count mode's totals last).
 */
#ifndef __TT_FUNC_PROBES_H
#define __TT_FUNC_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "funcs.h"
#include "records.h"

struct bpf_object;
struct bpf_program;
struct bpf_map;

enum func_backend {
	FUNC_BACKEND_AUTO = 0, /* fentry where it loads, else kprobe, per function */
	FUNC_BACKEND_FENTRY,
	FUNC_BACKEND_KPROBE,
};

/* The func.bpf.c programs and maps, from the skeleton. */
struct func_progs {
	struct bpf_program *entry, *ret;    /* kprobe/uprobe and their returns (cookie = id) */
	struct bpf_program *fentry, *fexit; /* templates cloned per kernel function */
	struct bpf_map *stats;              /* count mode: func_key -> per-CPU func_stat */
};

struct func_probes;

/*
 * Take the resolved functions (ownership passes) and decide what the
 * kernel can do for them. Fails, with the reason in err, when kernel
 * functions are asked for and the kernel has neither kprobes nor fentry, or
 * not the one --func-backend forces.
 */
struct func_probes *func_probes__new(struct func_list *funcs, enum func_backend backend, char *err,
				     size_t errlen);

/* Before load: turn on the programs needed (none of the others load). */
int func_probes__prepare(struct func_probes *fp, const struct func_progs *progs);

/* Switch off every func program (the monitor is off). */
void func_probes__disable(const struct func_progs *progs);

/* After load: attach each function; err names the one that failed. */
int func_probes__attach(struct func_probes *fp, const struct func_progs *progs, char *err,
			size_t errlen);

typedef int (*func_emit_fn)(const struct tt_record *rec, void *ctx);

/* The function table, one FUNC record per function. */
int func_probes__table(struct func_probes *fp, func_emit_fn emit, void *ctx);

/*
 * Count mode: one FUNC_STATS record per (process, function) with calls
 * since the previous call, for the window [from_ts, to_ts].
 */
int func_probes__stats(struct func_probes *fp, uint64_t from_ts, uint64_t to_ts, func_emit_fn emit,
		       void *ctx);

/* Functions attached (those --func-backend fentry left out are not). */
int func_probes__count(const struct func_probes *fp);
void func_probes__destroy(struct func_probes *fp);

#endif /* __TT_FUNC_PROBES_H */
