/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF side of rec: open the embedded skeleton, set what is fixed at load
 * (rodata, map sizes), load, attach, and change filters while running.
 */
#ifndef __TT_PROGRAMS_H
#define __TT_PROGRAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "events.h"
#include "rec_config.h"
#include "syscalls.h"

struct programs;
struct ring_buffer;

/* Open and load. On failure returns NULL, sets errno and explains in err. */
struct programs *programs__load(const struct rec_config *c, const struct syscall_table *t,
				char *err, size_t errlen);
int programs__attach(struct programs *p, char *err, size_t errlen);

/*
 * Apply the comm/uid/container/syscall filters of c, and the pid scope on the first
 * call. Safe while attached: new entries go in before the switch flips and
 * old ones come out after, so no event in scope before and after is missed.
 */
int programs__set_filters(struct programs *p, const struct rec_config *c,
			  const struct syscall_table *t, char *err, size_t errlen);

/* Trace this process (and, through the fork hook, its new children). */
int programs__add_pid(struct programs *p, uint32_t pid);
/* Is pid in the -p / -- CMD scope (always true without one)? */
bool programs__pid_in_scope(struct programs *p, uint32_t pid);
/* Was cgroup id in the -c scope when the filters were last set (always true
 * without -c)? For the /proc scan: the kernel decides for events. */
bool programs__cgroup_in_scope(struct programs *p, uint64_t id);

typedef int (*programs_batch_fn)(void *ctx, void *data, size_t size);
/* The event rings: CPU c ships its batches to ring c % programs__nrings(). */
int programs__nrings(const struct programs *p);
/* A ring buffer manager for event ring `ring` (fn: its batches) and, for
 * ring 0, with the packet monitor, the packets (packet_fn, one struct
 * ev_packet per record), and in --func-mode calls the function events
 * (func_fn, one struct ev_func each). */
struct ring_buffer *programs__ring(struct programs *p, int ring, programs_batch_fn fn,
				   programs_batch_fn packet_fn, programs_batch_fn func_fn, void *ctx);

struct func_probes;
/* The function monitor's probes, NULL without -m func. */
struct func_probes *programs__funcs(struct programs *p);

/*
 * Ship every CPU's staged batch, or a batch of no events from a CPU with
 * none, each with the CPU's shipping mark (bpf/events.h, ev_batch): the
 * calling thread visits each CPU and makes a syscall there, which the BPF
 * side takes as the signal to flush. reached[cpu] (programs__ncpus of
 * them; NULL for none) says which CPUs it could run on: not those offline
 * or outside its cpuset.
 */
void programs__flush_cpus(struct programs *p, bool *reached);

/* Sum of the per-CPU loss counters into out[ncpus] (ncpus from programs__ncpus). */
int programs__read_losses(struct programs *p, struct ev_loss *out);
/* rec --max-rate: the events a second per CPU, 0 without it. */
uint64_t programs__max_rate(const struct programs *p);
/* One CPU's counts of the calls --max-rate left out. 0, or -errno
 * (-ENODATA without --max-rate). */
int programs__read_sampled(struct programs *p, int cpu, struct ev_sampled *out);
int programs__ncpus(const struct programs *p);

/* rec --check: list each loaded program with its verified size on f
 * (programs__attach adds those it loads and unloads itself there). */
void programs__report_to(struct programs *p, FILE *f);
int programs__report(struct programs *p);

void programs__destroy(struct programs *p);

#endif /* __TT_PROGRAMS_H */
