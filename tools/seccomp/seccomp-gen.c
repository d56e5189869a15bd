// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * seccomp-gen: a seccomp allowlist from the syscalls a trace saw a program
 * make, as OCI JSON, raw BPF, PFC or a list; and a trial run of a command
 * under it (--exec).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "cli.h"
#include "collect.h"
#include "emit.h"
#include "log.h"
#include "merge.h"
#include "outfile.h"
#include "run.h"

#define MAX_MERGES 16
#define DOCKER_DEFAULT_NAMES 361 /* moby's default.json, unconditionally allowed names */

enum format { FORMAT_OCI, FORMAT_BPF, FORMAT_PFC, FORMAT_LIST };

enum {
	OPT_SG_COMM = OPT_LONG_BASE,
	OPT_SG_EXE,
	OPT_SG_CGROUP,
	OPT_SG_CHILDREN,
	OPT_SG_NO_CHILDREN,
	OPT_SG_STRICT,
	OPT_SG_BASE,
	OPT_SG_ALLOW_LOSSY,
	OPT_SG_MERGE,
	OPT_SG_DEFAULT_ACTION,
	OPT_SG_ARGS,
	OPT_SG_EXEC,
	OPT_SG_CAP,
	OPT_SG_FORCE,
};

struct options {
	struct select_opts select;
	const char *output, *base;
	const char *merges[MAX_MERGES];
	int nmerges;
	struct merge_opts merge;
	enum format format;
	struct emit_opts emit;
	bool strict, allow_lossy, quiet, exec, force;
	char **traces;
	int ntraces;
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: seccomp-gen [OPTIONS] TRACE... [--exec -- COMMAND [ARGS...]]\n"
"Make a seccomp allowlist of the syscalls the chosen processes made in the\n"
"traces (each TRACE a file, or a directory of one recording's rotated files;\n"
"several give the union), named by libseccomp for the architecture of each call.\n"
"\n"
"Which processes (default: the command of a trace made with 'rec -- COMMAND'):\n"
"  -p, --pid PID[,PID]      these processes\n"
"      --comm NAME[,NAME]   processes that had one of these names\n"
"      --exe PATH[,PATH]    processes that ran this program (a word without '/'\n"
"                           matches the file name)\n"
"  -c, --container ID[,ID]  processes in these containers: an id (full or a\n"
"                           prefix, as docker ps prints it), a pod uid, a systemd\n"
"                           unit, or a cgroup path (it and the cgroups under it);\n"
"                           --cgroup is the same option\n"
"      --children           and their descendants (the default: a filter is\n"
"                           inherited across fork and exec)\n"
"      --no-children        just the processes chosen\n"
"\n"
"The profile:\n"
"  -f, --format FORMAT      oci (default): OCI/Docker/podman JSON; bpf: the raw\n"
"                           filter (seccomp_export_bpf); pfc: libseccomp's readable\n"
"                           form; list: 'name count why' lines\n"
"  -o, --output FILE        write it to FILE (default: stdout; with --exec, only\n"
"                           with -o)\n"
"      --force              let -o replace a file that exists (never followed if\n"
"                           a symlink: the link itself is replaced)\n"
"      --default-action ACT errno (default: EPERM), kill (the process), or log\n"
"                           (allow and log: complain mode)\n"
"      --base RUNTIME       add what runc or crun calls after loading the filter\n"
"                           (SPO's base profiles), or none; the default is runc\n"
"                           for oci output without --exec, none otherwise\n"
"      --strict             leave out the vDSO calls (clock_gettime, gettimeofday,\n"
"                           time, getcpu) unless the trace saw them\n"
"      --args               allow socket, socketpair and personality only with the\n"
"                           argument values (family, persona) the trace saw\n"
"      --merge FILE         add the allowlist of an existing OCI profile (repeatable);\n"
"                           Docker's includes/excludes are decided as Docker would\n"
"      --cap CAP[,CAP]      the container holds these capabilities: --merge takes\n"
"                           entries that need them (default: none held)\n"
"      --allow-lossy        use a trace that lost events or was cut short\n"
"                           (refused otherwise: its profile would break programs)\n"
"\n"
"Running:\n"
"      --exec -- CMD ARGS   run CMD under the profile (no_new_privs, then\n"
"                           seccomp_load, then exec) and exit with its status; with\n"
"                           --default-action log, list what would have been denied\n"
"  -q, --quiet              no summary line\n"
"  -h, --help               this help\n"
"  -V, --version            versions of seccomp-gen and its libraries\n"
"\n"
"Calls that only ever failed with ENOSYS get a rule returning ENOSYS, so that\n"
"glibc's fallbacks still work. rt_sigreturn is always allowed: a trace cannot\n"
"show it (the kernel resets a task's syscall number on the way back from a\n"
"signal handler). Syscall numbers libseccomp cannot name are left\n"
"out of oci and list output (with a warning) and allowed by number in bpf, pfc\n"
"and --exec for the machine's own arch.\n"
"\n"
"Exit status: 0 ok, 1 unreadable or lossy trace, process not in the trace,\n"
"unwritable output; 2 usage; with --exec, COMMAND's status (128+N: signal N).\n"
"\n"
"Examples:\n"
"  rec -o ls.zst -- ls -l && seccomp-gen ls.zst -o ls.json\n"
"  seccomp-gen trace.zst -p 1234 --base crun -o app.json\n"
"  seccomp-gen day1.zst day2.zst --comm nginx --merge old.json -o nginx.json\n"
"  seccomp-gen ls.zst -f list                  # what ls needs, with counts\n"
"  seccomp-gen ls.zst --exec -- ls -l          # run it under its profile\n"
"  seccomp-gen ls.zst --default-action log --exec -- ls -la /tmp\n");
}

static int parse_choice(const char *arg, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, words[i]))
			return i;
	return -1;
}

/* --cap's comma-separated names into o. 0, or -EINVAL after a message. */
static int parse_caps(const char *arg, struct merge_opts *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	const char *cap;
	int ret = 0;

	if (!copy)
		die(EXIT_FAIL, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		cap = cap__canonical(tok);
		if (!cap) {
			pr_warn("--cap: '%s' is not a capability (CAP_SYS_ADMIN, SYS_ADMIN, ...)", tok);
			ret = -EINVAL;
		} else if (o->ncaps == MERGE_MAX_CAPS) {
			pr_warn("--cap: at most %d capabilities", MERGE_MAX_CAPS);
			ret = -EINVAL;
		} else {
			o->caps[o->ncaps++] = cap;
		}
	}
	free(copy);
	return ret;
}

/* Returns 0, or EXIT_OK / EXIT_USAGE + 1 when main should exit with that - 1. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, OPT_SG_COMM },
		{ "exe", required_argument, NULL, OPT_SG_EXE },
		{ "cgroup", required_argument, NULL, OPT_SG_CGROUP },
		{ "container", required_argument, NULL, 'c' },
		{ "children", no_argument, NULL, OPT_SG_CHILDREN },
		{ "no-children", no_argument, NULL, OPT_SG_NO_CHILDREN },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "default-action", required_argument, NULL, OPT_SG_DEFAULT_ACTION },
		{ "base", required_argument, NULL, OPT_SG_BASE },
		{ "strict", no_argument, NULL, OPT_SG_STRICT },
		{ "args", no_argument, NULL, OPT_SG_ARGS },
		{ "merge", required_argument, NULL, OPT_SG_MERGE },
		{ "cap", required_argument, NULL, OPT_SG_CAP },
		{ "allow-lossy", no_argument, NULL, OPT_SG_ALLOW_LOSSY },
		{ "exec", no_argument, NULL, OPT_SG_EXEC },
		{ "force", no_argument, NULL, OPT_SG_FORCE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	static const char *const formats[] = { "oci", "bpf", "pfc", "list" };
	static const char *const actions[] = { "errno", "kill", "log" };
	int opt, dashdash = argc, v;

	/* The command after "--" is not ours to parse, nor a trace. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		}
	}
	o->base = NULL;
	while ((opt = getopt_long(dashdash, argv, "p:c:f:o:qhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': o->select.pids = optarg; break;
		case OPT_SG_COMM: o->select.comms = optarg; break;
		case OPT_SG_EXE: o->select.exes = optarg; break;
		case OPT_SG_CGROUP: case 'c': o->select.cgroups = optarg; break;
		case OPT_SG_CHILDREN: o->select.no_children = false; break;
		case OPT_SG_NO_CHILDREN: o->select.no_children = true; break;
		case 'f':
			v = parse_choice(optarg, formats, 4);
			if (v < 0)
				die(EXIT_USAGE, "--format: '%s' is not oci, bpf, pfc or list", optarg);
			o->format = v;
			break;
		case 'o': o->output = optarg; break;
		case OPT_SG_DEFAULT_ACTION:
			v = parse_choice(optarg, actions, 3);
			if (v < 0)
				die(EXIT_USAGE, "--default-action: '%s' is not errno, kill or log", optarg);
			o->emit.def = v;
			break;
		case OPT_SG_BASE:
			if (strcmp(optarg, "runc") && strcmp(optarg, "crun") && strcmp(optarg, "none"))
				die(EXIT_USAGE, "--base: '%s' is not runc, crun or none", optarg);
			o->base = optarg;
			break;
		case OPT_SG_STRICT: o->strict = true; break;
		case OPT_SG_ARGS: o->emit.args = true; break;
		case OPT_SG_MERGE:
			if (o->nmerges == MAX_MERGES)
				die(EXIT_USAGE, "--merge: at most %d files", MAX_MERGES);
			o->merges[o->nmerges++] = optarg;
			break;
		case OPT_SG_CAP:
			if (parse_caps(optarg, &o->merge))
				return EXIT_USAGE + 1;
			break;
		case OPT_SG_ALLOW_LOSSY: o->allow_lossy = true; break;
		case OPT_SG_EXEC: o->exec = true; break;
		case OPT_SG_FORCE: o->force = true; break;
		case 'q': o->quiet = true; break;
		case 'h':
			usage(stdout);
			return EXIT_OK + 1;
		case 'V':
			cli__print_version(stdout);
			return EXIT_OK + 1;
		default:
			fprintf(stderr, "Try '%s --help'.\n", log__progname());
			return EXIT_USAGE + 1;
		}
	}
	o->traces = argv + optind;
	o->ntraces = dashdash - optind;
	if (!o->ntraces)
		die(EXIT_USAGE, "no trace given (try '%s --help')", log__progname());
	if (o->exec && dashdash + 1 >= argc)
		die(EXIT_USAGE, "--exec: no command after '--'");
	if (!o->exec && dashdash < argc)
		die(EXIT_USAGE, "a command after '--' needs --exec");
	if (o->exec)
		o->command = argv + dashdash + 1;
	if (o->force && !o->output)
		die(EXIT_USAGE, "--force goes with -o: it lets -o replace a file");
	/* A runtime's profile must let the runtime reach exec; --exec has no runtime. */
	if (!o->base)
		o->base = o->format == FORMAT_OCI && !o->exec ? "runc" : "none";
	if (!!o->select.pids + !!o->select.comms + !!o->select.exes + !!o->select.cgroups > 1)
		die(EXIT_USAGE, "choose the processes one way: -p, --comm, --exe or -c");
	return 0;
}

static const char *arch_name(uint32_t arch)
{
	static char buf[32];
	const char *name = audit_arch__oci_name(arch);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "arch 0x%x", arch);
	return buf;
}

static void warn_unknown(const struct profile *p, bool by_number)
{
	const struct scmp_version *v = seccomp_version();

	for (int i = 0; i < p->nunknown; i++)
		pr_warn("warning: syscall %d of %s (%llu calls) has no name in libseccomp "
			"%u.%u.%u: %s", p->unknown[i].nr, arch_name(p->unknown[i].arch),
			(unsigned long long)p->unknown[i].count, v->major, v->minor, v->micro,
			by_number && p->narches == 1 && p->arches[0] == seccomp_arch_native()
				? "allowed by number" : "left out (it will be denied)");
	if (p->unknown_dropped)
		pr_warn("warning: %llu more calls to numbers libseccomp cannot name: left out",
			(unsigned long long)p->unknown_dropped);
}

static int write_profile(const struct profile *p, const struct options *o, FILE *f, char *err,
			 size_t errlen)
{
	scmp_filter_ctx ctx = NULL;
	int ret;

	switch (o->format) {
	case FORMAT_OCI:
		return profile__write_oci(p, &o->emit, f);
	case FORMAT_LIST:
		return profile__write_list(p, &o->emit, f);
	default:
		break;
	}
	ret = profile__build(p, &o->emit, default_action__scmp(o->emit.def), &ctx, err, errlen);
	if (ret)
		return ret;
	fflush(f);
	ret = o->format == FORMAT_BPF ? seccomp_export_bpf(ctx, fileno(f))
				      : seccomp_export_pfc(ctx, fileno(f));
	seccomp_release(ctx);
	if (ret)
		snprintf(err, errlen, "libseccomp could not export the filter: %s", strerror(-ret));
	return ret;
}

static void report(const struct profile *p, const struct options *o,
		   const struct collect_result *total, const char *what)
{
	size_t n, enosys = 0;
	struct profile_call **calls = profile__sorted(p, &n);

	for (size_t i = 0; i < n && calls; i++)
		enosys += profile_call__action(calls[i], o->emit.args) == PROFILE_ENOSYS;
	free(calls);
	pr_warn("%zu syscalls allowed, %zu answered ENOSYS, from %llu calls of %llu processes "
		"(%s) in %d trace%s; Docker's default profile allows %d", profile__allowed(p),
		enosys, (unsigned long long)total->calls, (unsigned long long)total->processes,
		what, o->ntraces, o->ntraces > 1 ? "s" : "", DOCKER_DEFAULT_NAMES);
}

static void report_run(const struct run_result *r, const struct options *o)
{
	int st = r->status;

	if (WIFSIGNALED(st))
		pr_warn("%s: killed by signal %d (%s)%s", o->command[0], WTERMSIG(st),
			strsignal(WTERMSIG(st)),
			WTERMSIG(st) == SIGSYS ? ": a syscall outside the profile" : "");
	else if (!o->quiet || WEXITSTATUS(st))
		pr_warn("%s: exited with status %d under the profile", o->command[0],
			WEXITSTATUS(st));
	if (o->emit.def != DEFAULT_LOG)
		return;
	if (!r->ndenied)
		pr_warn("the profile would have denied no syscall");
	for (int i = 0; i < r->ndenied; i++) {
		char *name = seccomp_syscall_resolve_num_arch(r->denied[i].arch, r->denied[i].nr);

		pr_warn("would have denied: %s (%s nr %d), %llu call%s",
			name ? name : "(no name in libseccomp)", arch_name(r->denied[i].arch),
			r->denied[i].nr,
			(unsigned long long)r->denied[i].count, r->denied[i].count > 1 ? "s" : "");
		free(name);
	}
	if (r->denied_dropped)
		pr_warn("would have denied %llu more calls (of other syscalls)",
			(unsigned long long)r->denied_dropped);
}

static int exit_status(int st)
{
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct collect_result res, total = { 0 };
	struct run_result run;
	struct profile *p = NULL;
	FILE *out = NULL;
	struct outfile of = { 0 }; /* -o FILE: the rules of every output (outfile.h) */
	char err[2048], what[512] = "";
	int ret, status = EXIT_FAIL;

	log__init(argv[0]);
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret - 1;
	/* refused before the traces are read, as analyze --html and csv-export do */
	if (o.output && outfile__open(&of, o.output, o.force ? OUTFILE_FORCE : 0, err,
				      sizeof(err))) {
		pr_warn("%s", err);
		return EXIT_FAIL;
	}
	p = profile__new();
	if (!p) {
		pr_warn("out of memory");
		goto cleanup;
	}
	for (int i = 0; i < o.ntraces; i++) {
		struct collect_opts co = { o.traces[i], &o.select, o.allow_lossy };

		ret = profile__collect(p, &co, &res, err, sizeof(err));
		if (ret) {
			pr_warn("%s", err);
			status = ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
			goto cleanup;
		}
		total.calls += res.calls;
		total.processes += res.processes;
		snprintf(what, sizeof(what), "%s", res.what);
	}
	merge_opts__set_kernel(&o.merge);
	for (int i = 0; i < o.nmerges; i++) {
		if (profile__merge_oci_opts(p, o.merges[i], &o.merge, err, sizeof(err))) {
			pr_warn("%s", err);
			goto cleanup;
		}
	}
	if ((!o.strict && profile__add_vdso(p)) || profile__add_unseen(p) ||
	    profile__add_base(p, o.base)) {
		pr_warn("out of memory");
		goto cleanup;
	}
	warn_unknown(p, o.format == FORMAT_BPF || o.format == FORMAT_PFC || o.exec);
	if (!profile__allowed(p)) {
		pr_warn("the profile would allow no syscall at all: refusing to write it");
		goto cleanup;
	}
	if (!o.quiet)
		report(p, &o, &total, what);
	if (!o.quiet && strcmp(o.base, "none"))
		pr_warn("added the %s base: what %s calls between loading the filter and exec "
			"(--base none for the bare list)", o.base, o.base);
	if (o.output || !o.exec) {
		out = o.output ? of.f : stdout;
		ret = write_profile(p, &o, out, err, sizeof(err));
		if (ret == -EIO || (ret == 0 && (fflush(out) || ferror(out)))) {
			pr_warn("%s: %s", o.output ? o.output : "(stdout)", strerror(errno ? errno : EIO));
			goto cleanup;
		}
		if (ret) {
			pr_warn("%s", err);
			goto cleanup;
		}
		/* under its name before --exec runs anything */
		if (o.output && outfile__commit(&of, err, sizeof(err))) {
			pr_warn("%s", err);
			goto cleanup;
		}
	}
	if (o.exec) {
		if (profile__exec(p, &o.emit, o.command, &run, err, sizeof(err))) {
			pr_warn("%s", err);
			goto cleanup;
		}
		report_run(&run, &o);
		status = exit_status(run.status);
		goto cleanup;
	}
	status = EXIT_OK;
cleanup:
	outfile__discard(&of); /* after a failure, nothing under the name */
	profile__free(p);
	return status;
}
