// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

#include <criterion/criterion.h>

#include "rec_config.h"
#include "rec_options.h"
#include "records.h"

#define MONITORS_ALL (1u << TT_MONITOR_SYSCALL | 1u << TT_MONITOR_EXEC)
#define MONITORS_DEFAULT (MONITORS_ALL | 1u << TT_MONITOR_SIGNAL) /* signal comes with syscall */

static char dir[] = "/tmp/tt-config-XXXXXX";
static char path[sizeof(dir) + 16];
static struct rec_config c;
static char err[512];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rec.yaml", dir);
	rec_config__defaults(&c);
	err[0] = '\0';
}

static void teardown(void)
{
	rec_config__free(&c);
	unlink(path);
	rmdir(dir);
}

TestSuite(config, .init = setup, .fini = teardown);

static int load(const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return rec_config__load_yaml(&c, path, err, sizeof(err));
}

/* text must fail to load with "PATH:where" as the message. */
static void load_fails(const char *text, const char *where)
{
	char want[sizeof(err)];

	snprintf(want, sizeof(want), "%s:%s", path, where);
	cr_assert_eq(load(text), -EINVAL, "loaded: %s", text);
	cr_assert_str_eq(err, want);
}

Test(config, defaults)
{
	cr_assert_eq(c.monitors, MONITORS_DEFAULT);
	cr_assert_eq(c.strsize, 256);
	cr_assert_eq(c.argsize, 4096);
	cr_assert_eq(c.level, TT_DEFAULT_LEVEL);
	cr_assert_eq(c.buffer_size, REC_DEFAULT_BUFFER);
	cr_assert_null(c.output);
	cr_assert_null(c.syscalls);
	cr_assert_null(c.drop_user);
	cr_assert_eq(c.rotate_bytes, 0);
	cr_assert_eq(c.rotate_seconds, 0);
	cr_assert_eq(c.rotate_count, 0);
	cr_assert_eq(c.npids + c.ncomms + c.nuids, 0);
	cr_assert_eq(c.duration, 0);
	cr_assert_not(c.quiet);
	cr_assert_eq(c.verbose, 0);
}

Test(config, every_key)
{
	cr_assert_eq(load("monitors: [exec]\n"
			  "syscall:\n"
			  "  strsize: 128\n"
			  "  events: [openat, network, getppid]\n"
			  "exec:\n"
			  "  argsize: 32768\n"
			  "output:\n"
			  "  file: out/trace.zst\n"
			  "  rotate_size: 100M\n"
			  "  rotate_seconds: 1h\n"
			  "  rotate_count: 10\n"
			  "  level: 19\n"
			  "buffer_size: 16M\n"
			  "filter:\n"
			  "  pids: [1234, 5678]\n"
			  "  comms: [nginx, curl]\n"
			  "  users: [root, 1000]\n"
			  "duration: 1.5m\n"
			  "quiet: true\n"), 0, "%s", err);
	cr_assert_eq(c.monitors, 1u << TT_MONITOR_EXEC);
	cr_assert_eq(c.strsize, 128);
	cr_assert_str_eq(c.syscalls, "openat,network,getppid");
	cr_assert_eq(c.argsize, 32768);
	cr_assert_str_eq(c.output, "out/trace.zst");
	cr_assert_eq(c.rotate_bytes, 100ull << 20);
	cr_assert_eq(c.rotate_seconds, 3600);
	cr_assert_eq(c.rotate_count, 10);
	cr_assert_eq(c.level, 19);
	cr_assert_eq(c.buffer_size, 16u << 20);
	cr_assert_eq(c.npids, 2);
	cr_assert_eq(c.pids[0], 1234);
	cr_assert_eq(c.pids[1], 5678);
	cr_assert_eq(c.ncomms, 2);
	cr_assert_str_eq(c.comms[0], "nginx");
	cr_assert_str_eq(c.comms[1], "curl");
	cr_assert_eq(c.nuids, 2);
	cr_assert_eq(c.uids[0], 0);
	cr_assert_eq(c.uids[1], 1000);
	cr_assert_float_eq(c.duration, 90.0, 1e-9);
	cr_assert(c.quiet);
}

Test(config, volume_keys)
{
	char *text;

	cr_assert_not(c.errors_only || c.slow || c.thresholds_set);
	cr_assert_eq(c.max_rate, 0);
	cr_assert_eq(load("syscall:\n"
			  "  errors_only: true\n"
			  "  slow: yes\n"
			  "  thresholds: [file_io=2ms, other=50us]\n"
			  "  max_rate: 10000000\n"), 0, "%s", err);
	cr_assert(c.errors_only);
	cr_assert(c.slow);
	cr_assert(c.thresholds_set);
	cr_assert_eq(c.thresholds.ns[CAT_FILE_IO], 2000000);
	cr_assert_eq(c.thresholds.ns[CAT_OTHER], 50000);
	cr_assert_eq(c.thresholds.ns[CAT_NETWORK], 5000000); /* analyze's default */
	cr_assert_eq(c.max_rate, 10000000);
	text = rec_config__describe(&c);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "\nerrors_only=1\nslow=1\nslow_thresholds=file_io=2ms,"
				  "network=5ms,memory=500us,process=10ms,signal=100us,time=100us,"
				  "ipc=100us,other=50us\nmax_rate=10000000\n"), "%s", text);
	free(text);
	/* the command line's parser, as analyze --threshold's */
	cr_assert_eq(rec_config__add_threshold(&c, "time=1.5s", err, sizeof(err)), 0);
	cr_assert_eq(c.thresholds.ns[CAT_TIME], 1500000000ull);
	cr_assert_eq(rec_config__add_threshold(&c, "time", err, sizeof(err)), -EINVAL);
	cr_assert_eq(rec_config__set(&c, "max_rate", "1", err, sizeof(err)), 0);
	cr_assert_eq(c.max_rate, 1);
	/* --datasize: 0 (none) to 4096 */
	cr_assert_eq(c.datasize, 0);
	cr_assert_eq(rec_config__set(&c, "datasize", "0", err, sizeof(err)), 0);
	cr_assert_eq(rec_config__set(&c, "datasize", "4096", err, sizeof(err)), 0);
	cr_assert_eq(c.datasize, 4096);
	load_fails("syscall: {datasize: 4097}\n", "1:21: bad datasize '4097' (bytes, 0 to 4096)");
	/* --envsize: 0 (none) to 16384, an exec setting */
	cr_assert_eq(c.envsize, 0);
	cr_assert_eq(rec_config__set(&c, "envsize", "16384", err, sizeof(err)), 0);
	cr_assert_eq(c.envsize, 16384);
	load_fails("exec: {envsize: 16385}\n", "1:17: bad envsize '16385' (bytes, 0 to 16384)");
	load_fails("syscall: {max_rate: 0}\n",
		   "1:21: bad max_rate '0' (syscall events a second per CPU, 1 to 10000000)");
	load_fails("syscall: {max_rate: 10000001}\n",
		   "1:21: bad max_rate '10000001' (syscall events a second per CPU, 1 to 10000000)");
	load_fails("syscall: {thresholds: [disk=1ms]}\n",
		   "1:24: bad threshold 'disk=1ms' (CATEGORY=DURATION, like file_io=2ms; categories "
		   "file_io, network, memory, process, signal, time, ipc, other)");
	load_fails("syscall: {errors_only: sometimes}\n", "1:24: bad errors_only 'sometimes' (true or false)");
}

Test(config, func_section)
{
	cr_assert_eq(load("monitors: [func]\n"
			  "func:\n"
			  "  functions: [vfs_read, 'u:libc:malloc']\n"
			  "  probe_limit: 10\n"
			  "  mode: calls\n"
			  "  backend: kprobe\n"), 0, "%s", err);
	cr_assert_eq(c.monitors, 1u << TT_MONITOR_FUNC);
	cr_assert_str_eq(c.funcs, "vfs_read,u:libc:malloc");
	cr_assert_eq(c.probe_limit, 10);
	cr_assert_eq(c.func_mode, 1);
	cr_assert_eq(c.func_backend, 2);
	load_fails("func:\n  mode: often\n", "2:9: bad function mode 'often' (count or calls)");
	load_fails("func:\n  backend: uprobe\n",
		   "2:12: bad function backend 'uprobe' (auto, fentry or kprobe)");
	load_fails("func:\n  probe_limit: 0\n", "2:16: bad probe_limit '0' (a number of functions, 1 to 4096)");
	load_fails("func:\n  functions: []\n", "2:14: 'functions' is empty");
}

/* Lists may also be comma strings, as on the command line. */
Test(config, comma_strings)
{
	cr_assert_eq(load("monitors: syscall\n"
			  "syscall: {events: \"read,write\"}\n"
			  "filter:\n"
			  "  pids: 1,2\n"
			  "  comms: sshd\n"
			  "  users: 0,1\n"
			  "  containers: [3f4e5d6c7b8a, /system.slice/x.service]\n"), 0, "%s", err);
	cr_assert_eq(c.monitors, 1u << TT_MONITOR_SYSCALL);
	cr_assert_str_eq(c.syscalls, "read,write");
	cr_assert_eq(c.npids, 2);
	cr_assert_eq(c.pids[1], 2);
	cr_assert_eq(c.ncomms, 1);
	cr_assert_eq(c.nuids, 2);
	cr_assert_eq(c.ncontainers, 2);
	cr_assert_str_eq(c.containers[1], "/system.slice/x.service");
}

Test(config, rotate_size_units)
{
	cr_assert_eq(load("output: {rotate_size: 100}\n"), 0, "%s", err);
	cr_assert_eq(c.rotate_bytes, 100000000); /* tcpdump -C: millions of bytes */
	cr_assert_eq(load("output: {rotate_size: 512K}\n"), 0, "%s", err);
	cr_assert_eq(c.rotate_bytes, 512 << 10);
	cr_assert_eq(load("output: {rotate_size: 0}\n"), 0, "%s", err);
	cr_assert_eq(c.rotate_bytes, 0);
}

Test(config, sample_loads)
{
	const char *top = getenv("top_srcdir");
	char sample[4096];

	snprintf(sample, sizeof(sample), "%s/samples/rec.yaml", top ? top : ".");
	cr_assert_eq(rec_config__load_yaml(&c, sample, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.monitors, MONITORS_DEFAULT);
	cr_assert_str_eq(c.output, "trace.zst");
	cr_assert_eq(c.rotate_count, 10);
	cr_assert_eq(c.ncomms, 2);
	cr_assert_eq(c.nuids, 2);
}

Test(config, empty_file)
{
	cr_assert_eq(load(""), 0, "%s", err);
	cr_assert_eq(load("# only a comment\n\n"), 0, "%s", err);
	cr_assert_eq(load("---\n"), 0, "%s", err);
	cr_assert_eq(load("output:\n  # file: x.zst\nsyscall:\n"), 0, "%s", err);
	cr_assert_eq(c.monitors, MONITORS_DEFAULT);
	cr_assert_eq(c.strsize, 256);
	cr_assert_null(c.output);
}

Test(config, missing_file)
{
	char want[sizeof(path) + 64];

	snprintf(want, sizeof(want), "%s/nope.yaml: No such file or directory", dir);
	snprintf(path, sizeof(path), "%s/nope.yaml", dir);
	cr_assert_eq(rec_config__load_yaml(&c, path, err, sizeof(err)), -ENOENT);
	cr_assert_str_eq(err, want);
}

Test(config, overrides_keep_what_is_unset)
{
	cr_assert_eq(load("output: {file: a.zst}\n"), 0, "%s", err);
	cr_assert_eq(load("output: {level: 5}\n"), 0, "%s", err);
	cr_assert_str_eq(c.output, "a.zst");
	cr_assert_eq(c.level, 5);
}

Test(config, unknown_keys)
{
	load_fails("monitors: [syscall]\n"
		   "syscall:\n"
		   "  events: [read]\n"
		   "  strsiz: 12\n", "4:3: unknown key 'strsiz' in 'syscall'");
	load_fails("quiet: false\nverbosity: 2\n", "2:1: unknown key 'verbosity'");
	load_fails("filter:\n  uids: [0]\n", "2:3: unknown key 'uids' in 'filter'");
	load_fails("output: {file: a, size: 1}\n", "1:19: unknown key 'size' in 'output'");
	load_fails("duration: 1\nduration: 2\n", "2:1: duplicate key 'duration'");
	load_fails("[a]: 1\n", "1:1: keys must be plain names");
}

Test(config, wrong_types)
{
	load_fails("syscall:\n  strsize:\n    bytes: 12\n",
		   "3:5: 'strsize' must be a value, not a mapping");
	load_fails("output:\n  level: [3]\n", "2:10: 'level' must be a value, not a list");
	load_fails("output: trace.zst\n", "1:9: 'output' must be a mapping");
	load_fails("- monitors\n", "1:1: expected a mapping of settings");
	load_fails("quiet\n", "1:1: expected a mapping of settings");
	load_fails("filter:\n  pids: {a: 1}\n", "2:9: 'pids' must be a value, not a mapping");
	load_fails("filter:\n  comms: [[a]]\n", "2:11: 'comms' must be a value, not a list");
	load_fails("duration:\n", "1:10: 'duration' needs a value");
	load_fails("output:\n  file: ~\n", "2:9: 'file' needs a value");
}

Test(config, bad_values)
{
	load_fails("output:\n  level: 0\n", "2:10: bad level '0' (a zstd level from -7 to 19, not 0)");
	load_fails("output:\n  level: 20\n", "2:10: bad level '20' (a zstd level from -7 to 19, not 0)");
	load_fails("output:\n  level: -8\n", "2:10: bad level '-8' (a zstd level from -7 to 19, not 0)");
	load_fails("syscall: {strsize: 0}\n", "1:20: bad strsize '0' (bytes, 1 to 4096)");
	load_fails("syscall: {strsize: 4097}\n",
		   "1:20: bad strsize '4097' (bytes, 1 to 4096)");
	load_fails("exec: {argsize: 32769}\n", "1:17: bad argsize '32769' (bytes, 1 to 32768)");
	load_fails("output: {rotate_count: -1}\n",
		   "1:24: bad rotate_count '-1' (a number of files)");
	load_fails("output: {rotate_size: 10Q}\n",
		   "1:23: bad rotate_size '10Q' (whole megabytes, or a size like 512K, 100M or 1G)");
	load_fails("output: {rotate_size: 1.5}\n",
		   "1:23: bad rotate_size '1.5' (whole megabytes, or a size like 512K, 100M or 1G)");
	load_fails("output: {rotate_seconds: 250ms}\n",
		   "1:26: bad rotate_seconds '250ms' (whole seconds)");
	load_fails("buffer_size: 0\n", "1:14: bad buffer_size '0' (a size from 4K to 2G, like 64M)");
	load_fails("buffer_size: -64M\n", "1:14: bad buffer_size '-64M' (a size from 4K to 2G, like 64M)");
	load_fails("duration: -1\n",
		   "1:11: bad duration '-1' (seconds, or a number with ms, s, m or h)");
	load_fails("quiet: maybe\n", "1:8: bad quiet 'maybe' (true or false)");
	load_fails("packet: {snaplen: 0}\n", "1:19: bad snaplen '0' (bytes, 1 to 262144)");
	load_fails("packet: {snaplen: 262145}\n", "1:19: bad snaplen '262145' (bytes, 1 to 262144)");
	load_fails("packet: {snap: 1}\n", "1:10: unknown key 'snap' in 'packet'");
	load_fails("monitors: [syscall, funk]\n",
		   "1:21: unknown monitor 'funk' (known: syscall, exec, packet, func, signal)");
	load_fails("monitors: []\n", "1:11: 'monitors' is empty");
	load_fails("syscall: {events: []}\n", "1:19: 'events' is empty");
	load_fails("filter:\n  pids: [1, 0]\n", "2:13: bad pid '0' (a positive integer)");
	load_fails("filter:\n  comms: [a_very_long_command]\n",
		   "2:11: comm 'a_very_long_command' is longer than 15 characters");
	load_fails("filter:\n  users: [no-such-user-here]\n",
		   "2:11: unknown user 'no-such-user-here'");
	load_fails("filter:\n  containers: [a, b, c, d, e, f, g, h, i]\n",
		   "2:40: too many containers (at most 8)");
}

Test(config, syntax_errors)
{
	load_fails("syscall:\n  strsize: 12\n events: [read]\n",
		   "3:2: did not find expected key while parsing a block mapping");
	load_fails("monitors: [syscall, exec\n", "2:1: did not find expected ',' or ']' while parsing a flow sequence");
	load_fails("quiet: true\n---\nquiet: false\n", "3:1: only one YAML document is read");
}

/* A file that fails leaves the settings as they were. */
Test(config, unchanged_on_error)
{
	cr_assert_eq(load("output: {file: keep.zst}\n"), 0, "%s", err);
	cr_assert_eq(load("output: {file: other.zst, level: 99}\nfilter: {pids: [7]}\n"), -EINVAL);
	cr_assert_str_eq(c.output, "keep.zst");
	cr_assert_eq(c.level, TT_DEFAULT_LEVEL);
	cr_assert_eq(c.npids, 0);
}

Test(config, set_monitors)
{
	cr_assert_eq(rec_config__set_monitors(&c, "exec", err, sizeof(err)), 0);
	cr_assert_eq(c.monitors, 1u << TT_MONITOR_EXEC);
	cr_assert_eq(rec_config__set_monitors(&c, "syscall,exec", err, sizeof(err)), 0);
	cr_assert_eq(c.monitors, MONITORS_ALL);
	cr_assert_eq(rec_config__set_monitors(&c, "syscall,x", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "unknown monitor 'x' (known: syscall, exec, packet, func, signal)");
	cr_assert_eq(c.monitors, MONITORS_ALL, "unchanged on error");
	cr_assert_eq(rec_config__set_monitors(&c, "", err, sizeof(err)), -EINVAL);
	cr_assert_eq(rec_config__set_monitors(&c, "syscall,", err, sizeof(err)), -EINVAL);
}

Test(config, add_pids)
{
	char list[REC_MAX_FILTER * 8] = "";

	cr_assert_eq(rec_config__add_pids(&c, "1,22,333", err, sizeof(err)), 0);
	cr_assert_eq(rec_config__add_pids(&c, "22", err, sizeof(err)), 0);
	cr_assert_eq(c.npids, 3, "duplicates are kept once");
	cr_assert_eq(c.pids[2], 333);
	cr_assert_eq(rec_config__add_pids(&c, "0", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad pid '0' (a positive integer)");
	cr_assert_eq(rec_config__add_pids(&c, "-5", err, sizeof(err)), -EINVAL);
	cr_assert_eq(rec_config__add_pids(&c, "12x", err, sizeof(err)), -EINVAL);
	cr_assert_eq(rec_config__add_pids(&c, "4294967297", err, sizeof(err)), -EINVAL);
	cr_assert_eq(rec_config__add_pids(&c, "1,,2", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "empty item in pid list '1,,2'");

	for (int i = 0; i < REC_MAX_FILTER - 3; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", i ? "," : "", 1000 + i);
	cr_assert_eq(rec_config__add_pids(&c, list, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.npids, REC_MAX_FILTER);
	cr_assert_eq(rec_config__add_pids(&c, "99999", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "too many pids (at most 64)");
}

Test(config, add_comms)
{
	cr_assert_eq(rec_config__add_comms(&c, "nginx,fifteen_chars_ok", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "comm 'fifteen_chars_ok' is longer than 15 characters");
	cr_assert_eq(rec_config__add_comms(&c, "fifteen_chars_x", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.ncomms, 2);
	cr_assert_str_eq(c.comms[0], "nginx");
	cr_assert_str_eq(c.comms[1], "fifteen_chars_x");

	for (int i = c.ncomms; i < REC_MAX_FILTER; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		cr_assert_eq(rec_config__add_comms(&c, name, err, sizeof(err)), 0);
	}
	cr_assert_eq(rec_config__add_comms(&c, "onemore", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "too many comms (at most 64)");
}

Test(config, add_users)
{
	cr_assert_eq(rec_config__add_users(&c, "root,1000,0", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.nuids, 2);
	cr_assert_eq(c.uids[0], 0);
	cr_assert_eq(c.uids[1], 1000);
	cr_assert_eq(rec_config__add_users(&c, "no-such-user-here", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "unknown user 'no-such-user-here'");
	cr_assert_eq(rec_config__add_users(&c, "4294967295", err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad uid '4294967295'");
	cr_assert_eq(rec_config__add_users(&c, "", err, sizeof(err)), -EINVAL);
}

Test(config, describe)
{
	char *text;

	cr_assert_eq(rec_config__add_pids(&c, "1,2", err, sizeof(err)), 0);
	cr_assert_eq(rec_config__add_comms(&c, "sh", err, sizeof(err)), 0);
	cr_assert_eq(rec_config__add_users(&c, "0", err, sizeof(err)), 0);
	c.output = strdup("t.zst");
	c.syscalls = strdup("openat,network");
	c.rotate_bytes = 1000;
	c.duration = 2.5;
	text = rec_config__describe(&c);
	cr_assert_not_null(text);
	cr_assert_str_eq(text,
			 "monitors=syscall,exec,signal\n"
			 "strsize=256\n"
			 "argsize=4096\n"
			 "datasize=0\n"
			 "envsize=0\n"
			 "syscalls=openat,network\n"
			 "errors_only=0\n"
			 "slow=0\n"
			 "slow_thresholds=file_io=1ms,network=5ms,memory=500us,process=10ms,"
			 "signal=100us,time=100us,ipc=100us,other=100us\n"
			 "max_rate=0\n"
			 "output=t.zst\n"
			 "rotate_size=1000\n"
			 "rotate_seconds=0\n"
			 "rotate_count=0\n"
			 "level=1\n"
			 "compress_threads=0\n"
			 "buffer_size=67108864\n"
			 "rings=0\n"
			 "pids=1,2\n"
			 "comms=sh\n"
			 "uids=0\n" "containers=\n"
			 "duration=2.5\n"
			 "quiet=0\n"
			 "verbose=0\n"
			 "drop_user=\n" "snaplen=262144\n" "pcap=\n" "packet_filter=\n"
			 "interfaces=\n" "funcs=\n" "probe_limit=64\n" "func_mode=count\n" "func_backend=auto\n");
	free(text);
}

/* Every string setting survives a reload and is freed once (ASan and glibc
 * catch a double free of one the copy forgot). */
Test(config, string_settings_reload)
{
	for (int i = 0; i < 2; i++)
		cr_assert_eq(load("output: {file: a.zst}\nsyscall: {events: [openat]}\n"
				  "packet: {pcap: a.pcapng, filter: udp, interfaces: [eth0, lo]}\n"),
			     0, "%s", err);
	cr_assert_str_eq(c.output, "a.zst");
	cr_assert_str_eq(c.pcap, "a.pcapng");
	cr_assert_str_eq(c.packet_filter, "udp");
	cr_assert_str_eq(c.interfaces, "eth0,lo");
	cr_assert_eq(load("output: {level: 99}\n"), -EINVAL);
	cr_assert_str_eq(c.pcap, "a.pcapng", "a failed load keeps the strings");
}

/* The settings row of option --name, or -1. */
static int option_row(const char *name)
{
	const struct rec_option *o;

	for (int i = 0; (o = rec_config__option(i)); i++) {
		if (o->name && !strcmp(o->name, name))
			return i;
	}
	return -1;
}

/*
 * rec's options are the settings rows' and a few of rec_options.c's own:
 * getopt_long's tables and --help are made by walking the rows, so adding a
 * row adds its option everywhere, and nothing else lists options.
 */
Test(config, options_from_the_rows)
{
	static const char *const own[] = { "config", "verbose", "help", "version" };
	const struct rec_option *o;
	struct rec_getopt g;
	char *help = NULL, line[128];
	size_t len = 0, nlong = 0, nlines = 0, rows = 0;
	FILE *f = open_memstream(&help, &len);

	cr_assert_not_null(f);
	rec_options__usage(f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rec_getopt__init(&g), 0);
	for (const struct option *lo = g.longopts; lo->name; lo++)
		nlong++;
	for (int i = 0; (o = rec_config__option(i)); i++) {
		const struct option *found = NULL;

		if (!o->name)
			continue;
		rows++;
		for (const struct option *lo = g.longopts; lo->name; lo++) {
			if (!strcmp(lo->name, o->name)) {
				cr_assert_null(found, "--%s twice", o->name);
				found = lo;
			}
		}
		cr_assert_not_null(found, "--%s not in getopt_long's table", o->name);
		cr_assert_eq(found->has_arg, o->arg ? required_argument : no_argument, "--%s", o->name);
		if (o->letter) {
			const char *p = strchr(g.shortopts, o->letter);

			cr_assert_not_null(p, "-%c not in '%s'", o->letter, g.shortopts);
			cr_assert_null(strchr(p + 1, o->letter), "-%c twice", o->letter);
			cr_assert_eq(p[1] == ':', o->arg != NULL, "-%c", o->letter);
			cr_assert_eq(found->val, o->letter);
		}
		cr_assert((int)o->group >= 0 && o->group < REC_G__COUNT, "--%s", o->name);
		snprintf(line, sizeof(line), "\n  %c%c%s--%s%s%s ", o->letter ? '-' : ' ', o->letter ?: ' ',
			 o->letter ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ?: "");
		cr_assert_not_null(strstr(help, line), "--%s not in --help as '%s'", o->name, line + 1);
	}
	/* Nothing but the rows and rec's own options, in getopt_long's table ... */
	cr_assert_eq(nlong, rows + sizeof(own) / sizeof(own[0]));
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		cr_assert_eq(option_row(own[i]), -1, "--%s is rec's own", own[i]);
	/* ... and in --help's option lines, as tests/help_man.sh finds them. */
	for (const char *p = help; (p = strstr(p, "\n  ")); p++) {
		const char *q = p + 3;

		while (*q == ' ')
			q++;
		if (q[0] == '-' && q[1] != '-' && q[2] == ',')
			q += 4;
		if (q[0] == '-' && q[1] == '-' && q[2] >= 'a' && q[2] <= 'z')
			nlines++;
	}
	cr_assert_eq(nlines, nlong, "%zu option lines in --help, %zu options", nlines, nlong);
	rec_getopt__free(&g);
	free(help);
}

/* An option as given on the command line: the row's parser, its message. */
Test(config, set_option)
{
	int threads = option_row("compress-threads"), iface = option_row("interface");
	int sys = option_row("syscalls"), full = option_row("on-full");

	cr_assert(threads >= 0 && iface >= 0 && sys >= 0 && full >= 0);
	cr_assert_eq(rec_config__set_option(&c, threads, "0", false, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad compress_threads '0' (a number of threads, 1 to 64)");
	cr_assert_eq(rec_config__set_option(&c, threads, "8", false, err, sizeof(err)), 0);
	cr_assert_eq(c.compress_threads, 8);
	cr_assert_eq(rec_config__set_option(&c, full, "later", false, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "--on-full takes stop or drop-oldest, not 'later'");
	cr_assert_eq(rec_config__set_option(&c, full, "drop-oldest", false, err, sizeof(err)), 0);
	cr_assert(c.drop_oldest);
	cr_assert_eq(rec_config__set_option(&c, option_row("force"), NULL, false, err, sizeof(err)), 0);
	cr_assert(c.force);
	/* -i adds up when repeated; -e, like the rest, replaces */
	cr_assert_eq(rec_config__set_option(&c, iface, "eth0", false, err, sizeof(err)), 0);
	cr_assert_eq(rec_config__set_option(&c, iface, "eth1,lo", true, err, sizeof(err)), 0);
	cr_assert_str_eq(c.interfaces, "eth0,eth1,lo");
	cr_assert_eq(rec_config__set_option(&c, sys, "openat", false, err, sizeof(err)), 0);
	cr_assert_eq(rec_config__set_option(&c, sys, "read", true, err, sizeof(err)), 0);
	cr_assert_str_eq(c.syscalls, "read");
}

/* The command line over the --config file, wherever --config stands. */
Test(config, command_line_over_config)
{
	struct rec_config cli = { 0 };
	int cmd = 0;
	char *argv[] = { "rec", "--rings", "3", "-i", "eth1", "-i", "eth2", "-q", "-vv",
			 "--config", path, "-T", "2", "--", "true", "-i", NULL };

	cr_assert_eq(load("rings: 9\nbuffer_size: 8M\npacket: {interfaces: [eth0]}\n"), 0, "%s", err);
	cr_assert_eq(rec_options__parse(15, argv, &cli, &cmd), 0);
	cr_assert_eq(cli.rings, 3);
	cr_assert_eq(cli.buffer_size, 8u << 20, "the file's, not given on the line");
	cr_assert_str_eq(cli.interfaces, "eth1,eth2", "-i replaces the file's list, then adds");
	cr_assert(cli.quiet);
	cr_assert_eq(cli.verbose, 2);
	cr_assert_float_eq(cli.duration, 2.0, 1e-9);
	cr_assert_eq(cmd, 14);
	rec_config__free(&cli);
}

/* Options of the command line only are no keys of the file. */
Test(config, command_line_only_keys)
{
	load_fails("force: true\n", "1:1: unknown key 'force'");
	load_fails("check: true\n", "1:1: unknown key 'check'");
}
