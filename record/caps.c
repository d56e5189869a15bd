// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "caps.h"
#include "events.h"
#include "log.h"
#include "records.h"

#define CAP(c) (1ull << (c))

static const struct cap_name {
	int cap;
	const char *name;
} cap_names[] = {
	{ CAP_BPF, "cap_bpf" },
	{ CAP_PERFMON, "cap_perfmon" },
	{ CAP_NET_ADMIN, "cap_net_admin" },
	{ CAP_SYS_ADMIN, "cap_sys_admin" },
	{ CAP_SYS_RESOURCE, "cap_sys_resource" },
	{ CAP_DAC_READ_SEARCH, "cap_dac_read_search" },
	{ CAP_SYS_PTRACE, "cap_sys_ptrace" },
	{ CAP_SETUID, "cap_setuid" },
	{ CAP_SETGID, "cap_setgid" },
};

/*
 * What each monitor needs (found by experiment on 6.18, rec(8) has the
 * table): loading and attaching tracing programs take CAP_BPF and
 * CAP_PERFMON; the packet monitor's cgroup and tc programs CAP_NET_ADMIN;
 * the func monitor's uprobes CAP_SYS_ADMIN.
 */
static const uint64_t monitor_needs[TT_NR_MONITORS] = {
	[TT_MON_SYSCALL] = CAP(CAP_BPF) | CAP(CAP_PERFMON),
	[TT_MON_EXEC] = CAP(CAP_BPF) | CAP(CAP_PERFMON),
	[TT_MON_SIGNAL] = CAP(CAP_BPF) | CAP(CAP_PERFMON),
	[TT_MON_PACKET] = CAP(CAP_BPF) | CAP(CAP_PERFMON) | CAP(CAP_NET_ADMIN),
	[TT_MON_FUNC] = CAP(CAP_BPF) | CAP(CAP_PERFMON) | CAP(CAP_SYS_ADMIN),
};

static uint64_t effective_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return 0;
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

/* Before 5.11 BPF maps count against RLIMIT_MEMLOCK, which libbpf raises. */
static bool memlock_limited(void)
{
	struct utsname u;
	struct rlimit rl;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	if (major > 5 || (major == 5 && minor >= 11))
		return false;
	return !getrlimit(RLIMIT_MEMLOCK, &rl) && rl.rlim_max != RLIM_INFINITY;
}

/* "cap_a,cap_b" into buf; returns buf. */
static char *cap_list(uint64_t caps, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (caps & CAP(cap_names[i].cap) && n < size)
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "", cap_names[i].name);
	return buf;
}

bool caps__have(int cap)
{
	return effective_caps() & CAP(cap);
}

/* "the syscall, exec and signal monitors" for the monitors set in mask. */
static size_t monitor_names(uint32_t mask, char *buf, size_t size)
{
	int count = __builtin_popcount(mask), i = 0;
	size_t n = snprintf(buf, size, "the ");

	for (int m = 0; m < TT_NR_MONITORS; m++) {
		if (!(mask & (1u << m)))
			continue;
		i++;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%s", i == 1 ? "" : i == count ? " and " : ", ",
			      tt_monitor__name(m));
	}
	n += snprintf(buf + n, n < size ? size - n : 0, count > 1 ? " monitors" : " monitor");
	return n;
}

int caps__check(const struct rec_config *c, bool command, char *err, size_t errlen)
{
	uint64_t have = effective_caps(), wanted = 0, missing_any = 0, missing[TT_NR_MONITORS] = { 0 };
	char self[PATH_MAX], list[256], names[128];
	uint32_t done = 0;
	size_t n = 0;
	ssize_t len;

	/* CAP_SYS_ADMIN stood for CAP_BPF and CAP_PERFMON before 5.8 and still does. */
	if (have & CAP(CAP_SYS_ADMIN))
		have |= CAP(CAP_BPF) | CAP(CAP_PERFMON);
	for (int m = 0; m < TT_NR_MONITORS; m++) {
		if (c->monitors & (1u << m)) {
			wanted |= monitor_needs[m];
			missing[m] = monitor_needs[m] & ~have;
			missing_any |= missing[m];
		}
	}
	/* the monitors that miss the same capabilities, together */
	for (int m = 0; m < TT_NR_MONITORS; m++) {
		uint32_t same = 0;

		if (!missing[m] || (done & (1u << m)))
			continue;
		for (int o = m; o < TT_NR_MONITORS; o++)
			if (missing[o] == missing[m])
				same |= 1u << o;
		done |= same;
		monitor_names(same, names, sizeof(names));
		n += snprintf(err + n, n < errlen ? errlen - n : 0, "%s%s need%s %s", n ? "; " : "", names,
			      same & (same - 1) ? "" : "s", cap_list(missing[m], list, sizeof(list)));
	}
	if (memlock_limited() && !(have & CAP(CAP_SYS_RESOURCE))) {
		wanted |= CAP(CAP_SYS_RESOURCE);
		missing_any |= CAP(CAP_SYS_RESOURCE);
		n += snprintf(err + n, n < errlen ? errlen - n : 0,
			      "%sthis kernel (before 5.11) needs cap_sys_resource to lock the maps' memory",
			      n ? "; " : "");
	}
	if (c->drop_user && (~have & (CAP(CAP_SETUID) | CAP(CAP_SETGID)))) {
		wanted |= CAP(CAP_SETUID) | CAP(CAP_SETGID);
		missing_any |= ~have & (CAP(CAP_SETUID) | CAP(CAP_SETGID));
		n += snprintf(err + n, n < errlen ? errlen - n : 0, "%s-Z needs cap_setuid,cap_setgid",
			      n ? "; " : "");
	}
	if (missing_any) {
		/* and those it can do without, for a setcap line that loses nothing */
		wanted |= CAP(CAP_SYS_PTRACE);
		if (c->monitors & (1u << TT_MON_SYSCALL))
			wanted |= CAP(CAP_DAC_READ_SEARCH);
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[len > 0 ? len : 0] = '\0';
		snprintf(err + n, n < errlen ? errlen - n : 0,
			 " (run it as root, or: setcap %s+ep %s; see rec(8), CAPABILITIES)",
			 cap_list(wanted, list, sizeof(list)), len > 0 ? self : "rec");
		return -EPERM;
	}
	/* /proc/PID/{exe,cwd,fd} of other users' processes: ptrace's rule */
	if (!command && !(have & CAP(CAP_SYS_PTRACE)) && !c->quiet)
		pr_warn("without cap_sys_ptrace, other users' processes running before rec "
			"have no executable, cwd or open files in the trace");
	return 0;
}
