// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the record codec (formats/records.c): round trips of every
 * type and version, and the byte layout read as formats/TRACE-FORMAT.md
 * describes it, independently of the library's own encoder.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zstd.h>

#include "le.h"
#include "traceutil.h"


Test(records, roundtrip_every_type)
{
	unsigned char buf[4096];
	struct tt_record rec, got;
	int seen = 0;

	gen_header(&rec, 3, 12345);
	cr_assert_eq(tt_record__decode(buf, encode(buf, sizeof(buf), &rec), &got),
		     tt_record__encode(buf, sizeof(buf), &rec));
	assert_rec_eq(&got, &rec);
	cr_assert_eq(got.version, 1);
	gen_trailer(&rec, 5);
	cr_assert_gt(tt_record__decode(buf, encode(buf, sizeof(buf), &rec), &got), 0);
	assert_rec_eq(&got, &rec);

	for (int i = 0; i < 80; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		cr_assert_eq(get_le32(buf), (uint32_t)n, "size field");
		cr_assert_eq(get_le16(buf + 4), rec.type, "type field");
		cr_assert_eq(get_le16(buf + 6), rec.type == TT_REC_PROC || rec.type == TT_REC_EXEC ? 2 : 1,
			     "version field");
		cr_assert_eq(tt_record__decode(buf, n, &got), n);
		cr_assert_eq(got.size, (uint32_t)n);
		assert_rec_eq(&got, &rec);
		seen |= 1 << rec.type;
	}
	cr_assert_eq(seen, 0x3fc, "every event and state type generated");
}

/* The function monitor's records: round trips, and the offsets TRACE-FORMAT.md gives. */
Test(records, func_records)
{
	unsigned char buf[4096];
	struct tt_record rec, got;
	int n;

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC;
	rec.func.id = 7;
	rec.func.kind = TT_FUNC_USER;
	rec.func.probe = TT_PROBE_UPROBE;
	rec.func.addr = 0x1234;
	rec.func.name = BYTES("malloc");
	rec.func.module = nasty[1];
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 14 + 4 + 6 + 4 + (int)nasty[1].len);
	cr_assert_eq(get_le32(buf + 8), 7);
	cr_assert_eq(buf[12], TT_FUNC_USER);
	cr_assert_eq(buf[13], TT_PROBE_UPROBE);
	cr_assert_eq(get_le64(buf + 14), 0x1234);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert_not(tt_record__is_event(&rec));

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC_CALL;
	rec.func_call.ts = 1000;
	rec.func_call.duration = 55;
	rec.func_call.pid = 10;
	rec.func_call.tid = 11;
	rec.func_call.func = 3;
	rec.func_call.cpu = 2;
	rec.func_call.depth = 4;
	rec.func_call.event = TT_FUNC_RETURN;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 33);
	cr_assert_eq(get_le64(buf + 8 + 8), 55);
	cr_assert_eq(get_le16(buf + 8 + 30), 4);
	cr_assert_eq(buf[8 + 32], TT_FUNC_RETURN);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert(tt_record__is_event(&rec));
	cr_assert_eq(tt_record__ts(&rec), 1000);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC_STATS;
	rec.func_stats.from_ts = 100;
	rec.func_stats.to_ts = 200;
	rec.func_stats.pid = 5;
	rec.func_stats.func = 6;
	rec.func_stats.count = 3;
	rec.func_stats.total_ns = 3000;
	rec.func_stats.max_ns = 2000;
	for (int i = 0; i < TT_FUNC_BUCKETS; i++)
		rec.func_stats.hist[i] = i * 11;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 304);
	cr_assert_eq(get_le64(buf + 8 + 48 + 8 * 31), 31 * 11);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert_eq(tt_record__ts(&rec), 200);
	cr_assert_eq(tt_record__decode(buf, n - 1, &got), -ENODATA);
	put_le32(buf, n - 8);
	cr_assert_eq(tt_record__decode(buf, n - 8, &got), -EBADMSG, "a cut histogram is corrupt");
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_FUNC), "func");
}

Test(records, fixed_layout)
{
	unsigned char buf[256];
	struct tt_record rec;

	/* spot checks of TRACE-FORMAT.md's offsets */
	gen_record(&rec, 3); /* exit */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 23);
	cr_assert_eq(get_le64(buf + 8), rec.exit.ts);
	cr_assert_eq(get_le32(buf + 8 + 16), (uint32_t)rec.exit.status);
	cr_assert_eq(buf[8 + 20], 1);
	cr_assert_eq(get_le16(buf + 8 + 21), 65534);

	gen_record(&rec, 0); /* syscall, no string */
	cr_assert_eq(rec.syscall.nstr, 0);
	rec.syscall.nargs = 6;
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 39 + 48);
	cr_assert_eq(buf[8 + 30], 6);
	cr_assert_eq(get_le64(buf + 8 + 31), (uint64_t)rec.syscall.ret);
	cr_assert_eq(get_le64(buf + 8 + 39 + 40), rec.syscall.args[5]);
	rec.syscall.nargs = 0; /* getppid: no arguments stored */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 39);
	rec.syscall.nargs = 7;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);

	gen_record(&rec, 2); /* fork: comm without NUL */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 66);
	cr_assert(!memcmp(buf + 8 + 50, "0123456789abcdef", 16));

	gen_header(&rec, 0, 0);
	rec.header.format_major = 77; /* the encoder writes its own */
	encode(buf, sizeof(buf), &rec);
	cr_assert(!memcmp(buf + 8, "TRCTAPE\0", 8));
	cr_assert_eq(get_le16(buf + 16), TT_FORMAT_MAJOR);
	cr_assert_eq(get_le16(buf + 18), TT_FORMAT_MINOR);
	cr_assert_eq(get_le32(buf + 8 + 56), rec.header.tool_version.len);
}

/* PACKET version 2 appends ifname; a version 1 record still reads, without it. */
Test(records, proc_versions)
{
	unsigned char buf[256];
	struct tt_record rec = { .type = TT_REC_PROC }, got;
	int n;

	rec.proc.pid = 42;
	rec.proc.comm = (struct tt_bytes){ "true", 4 };
	rec.proc.exit_ns = 987654321;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 32 + 3 * 4 + 4 + 8);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.proc.exit_ns, 987654321);

	/* as a format 1.3 writer wrote it: a running process */
	put_le32(buf, n - 8);
	put_le16(buf + 6, 1);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n - 8);
	cr_assert_eq(got.proc.pid, 42);
	cr_assert_eq(got.proc.exit_ns, 0);
	/* version 2 claims the field: a record that stops before it is corrupt */
	put_le16(buf + 6, 2);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, trailer_versions)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_TRAILER }, got;
	int n;

	rec.trailer.end_ns = 5;
	rec.trailer.reason = TT_CLOSE_CUT;
	rec.trailer.signal = 15;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 3 * 8 + 2 * 4);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.trailer.reason, TT_CLOSE_CUT);
	cr_assert_eq(got.trailer.signal, 15);

	/* as a format 1.4 writer wrote it: no signal */
	put_le32(buf, n - 4);
	put_le16(buf + 6, 1);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n - 4);
	cr_assert_eq(got.trailer.end_ns, 5);
	cr_assert_eq(got.trailer.signal, 0);
}

Test(records, rename)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_RENAME }, got;

	rec.rename.ts = 42;
	rec.rename.pid = 7;
	rec.rename.tid = 9;
	rec.rename.cpu = 1;
	memcpy(rec.rename.comm, "worker1", 7);
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 34);
	cr_assert_eq(tt_record__decode(buf, 8 + 34, &got), 8 + 34);
	cr_assert_eq(got.rename.tid, 9);
	cr_assert_str_eq(got.rename.comm, "worker1");
	cr_assert(tt_record__is_event(&got));
	cr_assert_eq(tt_record__ts(&got), 42);
}

Test(records, signal)
{
	unsigned char buf[128];
	struct tt_record rec = { .type = TT_REC_SIGNAL }, got;

	rec.signal = (struct tt_signal){
		.ts = 42, .pid = 7, .tid = 9, .cpu = 1, .event = TT_SIGNAL_DELIVER,
		.layout = TT_SIL_CHLD, .signo = 17, .code = 2, .errno_ = -1,
		.target_pid = 7, .target_tid = 9, .result = 0, .group = 1,
		.handler = 0x55aa00001234ull, .sa_flags = 0x4000000,
		.info_pid = 4476, .info_uid = 1000, .info_status = -15,
		.info_addr = 0xdeadbeef00ull, .info_value = ~0ull,
	};
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 89);
	cr_assert_eq(tt_record__decode(buf, 8 + 89, &got), 8 + 89);
	cr_assert_eq(got.type, TT_REC_SIGNAL);
	cr_assert_eq(got.version, 1);
	cr_assert_eq(memcmp(&got.signal, &rec.signal, sizeof(rec.signal)), 0);
	cr_assert(tt_record__is_known(TT_REC_SIGNAL));
	cr_assert(tt_record__is_event(&got));
	cr_assert_eq(tt_record__ts(&got), 42);
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_SIGNAL), "signal");
	cr_assert_eq(tt_monitor__from_name("signal"), TT_MONITOR_SIGNAL);
	/* cut short: corrupt, as any record shorter than its layout */
	put_le32(buf, 8 + 88);
	cr_assert_eq(tt_record__decode(buf, 8 + 88, &got), -EBADMSG);
}

Test(records, fd)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_FD }, got;

	rec.fd = (struct tt_fd){ .pid = 77, .fd = TT_FD_CWD, .kind = TT_FD_PATH,
				 .flags = TT_FD_CLOEXEC, .name = { "/srv", 4 } };
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 10 + 4 + 4);
	/* TRACE-FORMAT.md's offsets */
	cr_assert_eq(get_le32(buf + 8), 77);
	cr_assert_eq(get_le32(buf + 8 + 4), (uint32_t)-100);
	cr_assert_eq(buf[8 + 8], TT_FD_PATH);
	cr_assert_eq(buf[8 + 9], TT_FD_CLOEXEC);
	cr_assert_eq(get_le32(buf + 8 + 10), 4);
	cr_assert_eq(tt_record__decode(buf, 8 + 18, &got), 8 + 18);
	cr_assert_eq(got.type, TT_REC_FD);
	cr_assert_eq(got.fd.pid, 77);
	cr_assert_eq(got.fd.fd, TT_FD_CWD);
	cr_assert_eq(got.fd.kind, TT_FD_PATH);
	cr_assert_eq(got.fd.flags, TT_FD_CLOEXEC);
	cr_assert_eq(got.fd.name.len, 4);
	cr_assert(!memcmp(got.fd.name.data, "/srv", 4));
	cr_assert(tt_record__is_known(TT_REC_FD));
	cr_assert_not(tt_record__is_event(&got)); /* state of the prologue */
	put_le32(buf, 8 + 17);
	cr_assert_eq(tt_record__decode(buf, 8 + 17, &got), -EBADMSG);
}

Test(records, sampled)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_SAMPLED }, got;

	rec.sampled.cpu = 3;
	rec.sampled.nr = 110; /* getppid */
	rec.sampled.flags = TT_SYSCALL_COMPAT;
	rec.sampled.count = 600000;
	rec.sampled.from_ts = 1000;
	rec.sampled.to_ts = 2000;
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 29);
	cr_assert_eq(tt_record__decode(buf, 8 + 29, &got), 8 + 29);
	cr_assert_eq(got.type, TT_REC_SAMPLED);
	cr_assert_eq(got.version, 1);
	cr_assert_eq(got.sampled.cpu, 3);
	cr_assert_eq(got.sampled.nr, 110);
	cr_assert_eq(got.sampled.flags, TT_SYSCALL_COMPAT);
	cr_assert_eq(got.sampled.count, 600000);
	cr_assert_eq(got.sampled.from_ts, 1000);
	cr_assert_eq(got.sampled.to_ts, 2000);
	cr_assert(tt_record__is_known(TT_REC_SAMPLED));
	cr_assert_not(tt_record__is_event(&got)); /* counted, not an event */
	cr_assert_eq(tt_record__ts(&got), 1000);
	/* cut short: corrupt, as any record shorter than its layout */
	put_le32(buf, 8 + 28);
	cr_assert_eq(tt_record__decode(buf, 8 + 28, &got), -EBADMSG);
}

Test(records, packet_versions)
{
	unsigned char buf[256];
	struct tt_record rec = { .type = TT_REC_PACKET }, got;
	struct tt_packet *p = &rec.packet;

	p->ts = 123456789;
	p->pid = 42;
	p->sport = 8080;
	p->family = 6;
	memcpy(p->comm, "curl", 4);
	memcpy(p->ifname, "veth0", 5);
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 128);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert(!memcmp(buf + 8 + 96, "curl\0", 5));
	cr_assert(!memcmp(buf + 8 + 112, "veth0\0", 6), "ifname at offset 112");
	cr_assert_eq(tt_record__decode(buf, 8 + 128, &got), 8 + 128);
	cr_assert_str_eq(got.packet.ifname, "veth0");
	cr_assert_eq(got.packet.sport, 8080);

	/* as a format 1.1 writer wrote it */
	put_le32(buf, 8 + 112);
	put_le16(buf + 6, 1);
	memset(buf + 8 + 112, 0x5a, 16); /* whatever follows is not read */
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), 8 + 112);
	cr_assert_eq(got.packet.ts, 123456789);
	cr_assert_str_eq(got.packet.comm, "curl");
	cr_assert_eq(got.packet.ifname[0], 0);
	/* version 2 claims the field: a record that stops before it is corrupt */
	put_le16(buf + 6, 2);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, max_sizes)
{
	static char blob[TT_MAX_RECORD_SIZE];
	unsigned char *buf = malloc(TT_MAX_RECORD_SIZE + 64);
	struct tt_record rec, got;
	int n;

	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = i % 7 ? 'a' + i % 26 : '\0';
	gen_record(&rec, 4); /* proc */
	rec.proc.argv = (struct tt_bytes){ blob, 0 };
	n = encode(buf, TT_MAX_RECORD_SIZE + 64, &rec);
	rec.proc.argv.len = TT_MAX_RECORD_SIZE - n;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE + 64, &rec), TT_MAX_RECORD_SIZE);
	cr_assert_eq(tt_record__decode(buf, TT_MAX_RECORD_SIZE, &got), TT_MAX_RECORD_SIZE);
	assert_rec_eq(&got, &rec);
	rec.proc.argv.len++;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE + 64, &rec), -EMSGSIZE);

	/* a size field above the limit is corruption, even if the bytes are there */
	put_le32(buf, TT_MAX_RECORD_SIZE + 1);
	cr_assert_eq(tt_record__decode(buf, TT_MAX_RECORD_SIZE + 64, &got), -EBADMSG);

	gen_record(&rec, 24); /* syscall with TT_MAX_STRS strings */
	cr_assert_eq(rec.syscall.nstr, TT_MAX_STRS);
	for (int s = 0; s < TT_MAX_STRS; s++)
		rec.syscall.strs[s].value = (struct tt_bytes){ blob + s, 4096 };
	n = encode(buf, TT_MAX_RECORD_SIZE, &rec);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	rec.syscall.nstr = TT_MAX_STRS + 1;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE, &rec), -EINVAL);
	free(buf);
}

Test(records, encode_errors)
{
	unsigned char buf[512];
	struct tt_record rec;

	for (int i = 0; i < 8; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		for (int cap = 0; cap < n; cap++)
			cr_assert_eq(tt_record__encode(buf, cap, &rec), -ENOSPC,
				     "type %u cap %d", rec.type, cap);
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = 0;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
	rec.type = 999;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
	rec.type = TT_REC_CGROUP;
	rec.cgroup.path = (struct tt_bytes){ NULL, 3 };
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
}

Test(records, cut_and_short_records)
{
	unsigned char buf[512];
	struct tt_record rec, got;

	for (int i = 0; i < 16; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		/* fewer bytes available than the record: it is cut */
		for (int avail = 0; avail < n; avail++)
			cr_assert_eq(tt_record__decode(buf, avail, &got), -ENODATA);
		/* a size too small for the fields of version 1: corrupt */
		for (int size = 0; size < n; size++) {
			put_le32(buf, size);
			cr_assert_eq(tt_record__decode(buf, n, &got), -EBADMSG,
				     "type %u size %d of %d", rec.type, size, n);
		}
		put_le32(buf, n);
		put_le16(buf + 6, 0); /* there is no version 0 */
		cr_assert_eq(tt_record__decode(buf, n, &got), -EBADMSG);
	}

	/* a string longer than its record */
	gen_record(&rec, 5);
	encode(buf, sizeof(buf), &rec);
	put_le32(buf + 16, 0xfffffff0);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);

	/* more syscall strings than TT_MAX_STRS */
	gen_record(&rec, 8);
	encode(buf, sizeof(buf), &rec);
	buf[8 + 29] = TT_MAX_STRS + 1;
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);

	/* a file header with a bad magic */
	gen_header(&rec, 0, 0);
	encode(buf, sizeof(buf), &rec);
	buf[9] ^= 1;
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, unknown_type_and_trailing_fields)
{
	unsigned char buf[600];
	struct tt_record rec, got;

	/* unknown type: decoded to its header, skipped by size */
	put_le32(buf, 40);
	put_le16(buf + 4, 4242);
	put_le16(buf + 6, 3);
	memset(buf + 8, 0xab, 32);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), 40);
	cr_assert_eq(got.type, 4242);
	cr_assert_eq(got.version, 3);
	cr_assert_eq(got.size, 40);
	cr_assert_not(tt_record__is_known(4242));

	/* a newer version of a known type with fields appended */
	for (int i = 0; i < 16; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		memset(buf + n, 0x5a, 37);
		put_le32(buf, n + 37);
		put_le16(buf + 6, 2);
		cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n + 37);
		cr_assert_eq(got.version, 2);
		assert_rec_eq(&got, &rec);
	}
}

/* EXEC version 1 (before format 1.11) ends after argv: no envp. */
Test(records, exec_version_1)
{
	unsigned char buf[600];
	struct tt_record rec, got;
	int n;

	for (int i = 0; i < 40; i++) {
		gen_record(&rec, i);
		if (rec.type == TT_REC_EXEC && !rec.exec.envp.len)
			break;
	}
	cr_assert_eq(rec.type, TT_REC_EXEC);
	n = encode(buf, sizeof(buf), &rec);
	/* version 2's fields: u32 nenv, then envp's u32 length */
	put_le32(buf, n - 8);
	put_le16(buf + 6, 1);
	cr_assert_eq(tt_record__decode(buf, n - 8, &got), n - 8);
	cr_assert_eq(got.version, 1);
	assert_rec_eq(&got, &rec);

	/* and version 2 with an envp: its bytes after argv's */
	for (int i = 0; i < 40; i++) {
		gen_record(&rec, i);
		if (rec.type == TT_REC_EXEC && rec.exec.envp.len)
			break;
	}
	cr_assert(rec.exec.flags & TT_EXEC_ENVP);
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(get_le32(buf + n - 13 - 8), 4, "nenv");
	cr_assert_eq(get_le32(buf + n - 13 - 4), 13, "envp's length");
	cr_assert(!memcmp(buf + n - 13, "A=1\0B=x y\0C=\0", 13));
}

Test(records, ts_events_monitors)
{
	struct tt_record rec;

	for (int i = 0; i < 16; i++) {
		gen_record(&rec, i);
		switch (rec.type) {
		case TT_REC_SYSCALL:
		case TT_REC_EXEC:
		case TT_REC_FORK:
		case TT_REC_EXIT:
			cr_assert(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), gen_ts(i));
			break;
		case TT_REC_LOSS:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), rec.loss.from_ts);
			break;
		case TT_REC_CONFIG:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), rec.config.ts);
			break;
		default:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), 0);
		}
	}
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_SYSCALL), "syscall");
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_EXEC), "exec");
	cr_assert_null(tt_monitor__name(TT_MONITOR__COUNT));
	cr_assert_eq(tt_monitor__from_name("syscall"), TT_MONITOR_SYSCALL);
	cr_assert_eq(tt_monitor__from_name("exec"), TT_MONITOR_EXEC);
	cr_assert_eq(tt_monitor__from_name("Exec"), -EINVAL);
	cr_assert_eq(tt_monitor__from_name(""), -EINVAL);
}

/* A DATA string (format 1.10, rec --datasize) in a SYSCALL record: the
 * bytes as they were, NULs included, and its kind at offset 1 of the entry;
 * a kind this reader does not know is kept as it is. */
Test(records, syscall_data_strings)
{
	static const char bytes[] = "root:x:0:0\0\n\377\0"; /* ends with a NUL, which stays */
	unsigned char buf[512];
	struct tt_record rec = { .type = TT_REC_SYSCALL }, got;
	struct tt_syscall *sc = &rec.syscall;
	size_t at = 8 + 39 + 8 * 3; /* header, fixed fields, 3 arguments */
	int n;

	sc->nr = 0; /* read(3, buf, 4096) = 1024 */
	sc->nargs = 3;
	sc->args[0] = 3;
	sc->args[1] = 0x7ffd2000;
	sc->args[2] = 4096;
	sc->ret = 1024;
	sc->nstr = 2;
	sc->strs[0] = (struct tt_str){ .arg = 1, .kind = TT_STR_DATA, .flags = TT_STR_TRUNCATED,
				       .value = { bytes, sizeof(bytes) } };
	sc->strs[1] = (struct tt_str){ .arg = 2, .kind = 200, .value = { "??", 2 } };
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_gt(n, 0);
	cr_assert_eq(buf[at], 1, "arg");
	cr_assert_eq(buf[at + 1], TT_STR_DATA, "kind 3");
	cr_assert_eq(TT_STR_DATA, 3);
	cr_assert_eq(get_le16(buf + at + 2), TT_STR_TRUNCATED, "flags");
	cr_assert_eq(get_le32(buf + at + 4), sizeof(bytes), "len");
	cr_assert(!memcmp(buf + at + 8, bytes, sizeof(bytes)));
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.syscall.nstr, 2);
	cr_assert_eq(got.syscall.strs[0].kind, TT_STR_DATA);
	cr_assert_eq(got.syscall.strs[0].arg, 1);
	cr_assert_eq(got.syscall.strs[0].flags, TT_STR_TRUNCATED);
	cr_assert_eq(got.syscall.strs[0].value.len, sizeof(bytes), "every byte, the last NUL too");
	cr_assert(!memcmp(got.syscall.strs[0].value.data, bytes, sizeof(bytes)));
	cr_assert_eq(got.syscall.strs[1].kind, 200, "an unknown kind, kept");
	cr_assert_eq(got.syscall.strs[1].value.len, 2);
}

/* rec --flight's TRIGGER (format 1.12): TRACE-FORMAT.md's offsets. */
Test(records, trigger)
{
	unsigned char buf[128];
	struct tt_record rec = { .type = TT_REC_TRIGGER }, got;

	rec.trigger = (struct tt_trigger){ .ts = 1000, .snapshot = 3, .kind = TT_TRIGGER_RULE,
					   .severity = 2, .event_type = TT_REC_SYSCALL, .pid = 41,
					   .tid = 42, .event_ts = 999, .value = -5, .comm = "unshare",
					   .rule = { "unshare-namespace", 17 },
					   .message = { "unshare", 7 } };
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 58 + 4 + 17 + 4 + 7);
	cr_assert_eq(get_le16(buf + 4), 21);
	cr_assert_eq(get_le64(buf + 8), 1000);
	cr_assert_eq(get_le32(buf + 8 + 8), 3);
	cr_assert_eq(get_le16(buf + 8 + 12), TT_TRIGGER_RULE);
	cr_assert_eq(get_le16(buf + 8 + 14), 2);
	cr_assert_eq(get_le16(buf + 8 + 16), TT_REC_SYSCALL);
	cr_assert_eq(get_le32(buf + 8 + 18), 41);
	cr_assert_eq(get_le32(buf + 8 + 22), 42);
	cr_assert_eq(get_le64(buf + 8 + 26), 999);
	cr_assert_eq(get_le64(buf + 8 + 34), (uint64_t)-5);
	cr_assert(!memcmp(buf + 8 + 42, "unshare\0", 8));
	cr_assert_eq(get_le32(buf + 8 + 58), 17);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), 8 + 58 + 4 + 17 + 4 + 7);
	cr_assert_eq(got.type, TT_REC_TRIGGER);
	cr_assert_eq(got.trigger.snapshot, 3);
	cr_assert_eq(got.trigger.kind, TT_TRIGGER_RULE);
	cr_assert_eq(got.trigger.pid, 41);
	cr_assert_eq(got.trigger.tid, 42);
	cr_assert_eq(got.trigger.event_ts, 999);
	cr_assert_eq(got.trigger.value, -5);
	cr_assert_str_eq(got.trigger.comm, "unshare");
	cr_assert(got.trigger.rule.len == 17 && !memcmp(got.trigger.rule.data, "unshare-namespace", 17));
	cr_assert(got.trigger.message.len == 7 && !memcmp(got.trigger.message.data, "unshare", 7));
	cr_assert_eq(tt_record__ts(&got), 1000);
	cr_assert(tt_record__is_known(TT_REC_TRIGGER));
	cr_assert_not(tt_record__is_event(&got));
}
