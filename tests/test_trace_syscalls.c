// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the SYSCALLS, SYSCALLS_DELTA and SYSCALLS_SPLIT records
 * (formats/TRACE-FORMAT.md): events built byte by byte as the specification
 * lays them out, independently of rec's BPF structs, decoded one by one;
 * the differences a SYSCALLS_DELTA record stores and the columns of a
 * SYSCALLS_SPLIT record, byte by byte; malformed events refused; a file of them read back through the trace reader as
 * SYSCALL records, whole and cut at every offset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "le.h"
#include "traceutil.h"

TestSuite(syscalls, .init = tmp_setup, .fini = tmp_teardown);

#define BASE_TS 1000000000000ull

/* Append one event at p; returns its size. */
static size_t put_event(unsigned char *p, uint8_t flags, uint16_t nr, uint32_t tid, uint32_t pid,
			uint32_t end_delta, uint64_t duration, int64_t ret, int nargs,
			const uint64_t *args, const char *path, const void *sa, uint16_t salen)
{
	size_t off = 32;
	int nstr = 0;

	memset(p, 0, 32);
	p[2] = 1;
	put_le16(p + 4, nr);
	p[6] = nargs;
	put_le32(p + 8, tid);
	put_le32(p + 12, pid);
	put_le32(p + 16, end_delta);
	if (duration >> 32) {
		flags |= TT_SYSCALL_LONG;
		put_le64(p + off, duration);
		off += 8;
	} else {
		put_le32(p + 20, duration);
	}
	p[3] = flags;
	put_le64(p + 24, (uint64_t)ret);
	for (int i = 0; i < nargs; i++, off += 8)
		put_le64(p + off, args[i]);
	if (path) {
		uint16_t len = strlen(path) + 1; /* with its NUL, as the kernel side keeps it */

		memset(p + off, 0, 8 + ((len + 7) & ~7u));
		p[off] = 1;
		p[off + 1] = TT_STR_PATH;
		put_le16(p + off + 2, len);
		memcpy(p + off + 8, path, len);
		off += 8 + ((len + 7) & ~7u);
		nstr++;
	}
	if (sa) {
		memset(p + off, 0, 8 + ((salen + 7) & ~7u));
		p[off] = 1;
		p[off + 1] = TT_STR_SOCKADDR;
		put_le16(p + off + 2, salen);
		put_le32(p + off + 4, 1); /* truncated */
		memcpy(p + off + 8, sa, salen);
		off += 8 + ((salen + 7) & ~7u);
		nstr++;
	}
	p[7] = nstr;
	put_le16(p, off);
	return off;
}

/* Append a string entry to the event at ev, counting it in nstr and size. */
static size_t add_str(unsigned char *ev, uint8_t arg, uint8_t kind, const void *v, uint16_t len,
		      uint32_t truncated)
{
	size_t off = get_le16(ev), padded = (len + 7) & ~7u;

	memset(ev + off, 0, 8 + padded);
	ev[off] = arg;
	ev[off + 1] = kind;
	put_le16(ev + off + 2, len);
	put_le32(ev + off + 4, truncated);
	memcpy(ev + off + 8, v, len);
	off += 8 + padded;
	ev[7]++;
	put_le16(ev, off);
	return off;
}

/* Three events: getppid, a LONG openat with a path, a connect with a sockaddr. */
static size_t three_events(unsigned char *p)
{
	static const uint64_t open_args[4] = { (uint64_t)-100, 0x7ffd0000, 0x80000, 0 };
	static const uint64_t conn_args[3] = { 3, 0x7ffd1000, 16 };
	static const unsigned char sa[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
	size_t n = 0;

	n += put_event(p + n, 0, 110, 42, 40, 500, 120, 40, 0, NULL, NULL, NULL, 0);
	n += put_event(p + n, 0, 257, 43, 40, 900, 5000000000ull, -2, 4, open_args, "/etc/hostname",
		       NULL, 0);
	n += put_event(p + n, TT_SYSCALL_COMPAT, 42, 44, 41, 1200, 300, 0, 3, conn_args, NULL, sa,
		       sizeof(sa));
	return n;
}

static void syscalls_record_as(struct tt_record *rec, uint16_t type, const unsigned char *events,
			       size_t len)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->syscalls = (struct tt_syscalls){ .cpu = 3, .seq = 77, .count = 3, .base_ts = BASE_TS,
					      .first_ts = BASE_TS + 900 - 5000000000ull,
					      .last_ts = BASE_TS + 900,
					      .events = { .data = (const char *)events, .len = len } };
}

static void syscalls_record(struct tt_record *rec, const unsigned char *events, size_t len)
{
	syscalls_record_as(rec, TT_REC_SYSCALLS, events, len);
}

static void check_three(const struct tt_syscalls *b)
{
	struct tt_syscalls_pos pos = { 0 };
	struct tt_record got;

	cr_assert_eq(tt_syscalls__next(b, &pos, &got), 1);
	cr_assert_eq(got.type, TT_REC_SYSCALL);
	cr_assert_eq(got.syscall.nr, 110);
	cr_assert_eq(got.syscall.tid, 42);
	cr_assert_eq(got.syscall.pid, 40);
	cr_assert_eq(got.syscall.cpu, 3);
	cr_assert_eq(got.syscall.ts, BASE_TS + 500 - 120, "ts is the entry time");
	cr_assert_eq(got.syscall.duration, 120);
	cr_assert_eq(got.syscall.ret, 40);
	cr_assert_eq(got.syscall.nargs, 0);
	cr_assert_eq(got.syscall.nstr, 0);

	cr_assert_eq(tt_syscalls__next(b, &pos, &got), 1);
	cr_assert_eq(got.syscall.nr, 257);
	cr_assert_eq(got.syscall.duration, 5000000000ull, "a LONG duration");
	cr_assert_eq(got.syscall.ts, BASE_TS + 900 - 5000000000ull);
	cr_assert_eq(got.syscall.flags, 0, "LONG is not a SYSCALL flag");
	cr_assert_eq(got.syscall.ret, -2);
	cr_assert_eq(got.syscall.nargs, 4);
	cr_assert_eq((int64_t)got.syscall.args[0], -100);
	cr_assert_eq(got.syscall.args[2], 0x80000);
	cr_assert_eq(got.syscall.args[4], 0, "arguments not stored read as 0");
	cr_assert_eq(got.syscall.nstr, 1);
	cr_assert_eq(got.syscall.strs[0].kind, TT_STR_PATH);
	cr_assert_eq(got.syscall.strs[0].value.len, strlen("/etc/hostname"), "without its NUL");
	cr_assert(!memcmp(got.syscall.strs[0].value.data, "/etc/hostname", 13));
	cr_assert_eq(got.syscall.strs[0].flags, 0);

	cr_assert_eq(tt_syscalls__next(b, &pos, &got), 1);
	cr_assert_eq(got.syscall.flags, TT_SYSCALL_COMPAT);
	cr_assert_eq(got.syscall.strs[0].kind, TT_STR_SOCKADDR);
	cr_assert_eq(got.syscall.strs[0].value.len, 16);
	cr_assert_eq(got.syscall.strs[0].flags, TT_STR_TRUNCATED);
	cr_assert_eq((unsigned char)got.syscall.strs[0].value.data[7], 1);

	cr_assert_eq(tt_syscalls__next(b, &pos, &got), 0, "then the end");
	cr_assert_eq(tt_syscalls__next(b, &pos, &got), 0, "and stays there");
	if (b->coding != TT_SC_SPLIT)
		cr_assert_eq(pos.off, b->events.len);
}

/* A coded record of the three events, n bytes at buf, decoded: its values
 * come back; encoded again, its coded bytes are copied, not coded twice. */
static void decode_three(const unsigned char *buf, int n, uint16_t type, uint8_t coding)
{
	unsigned char again[2048];
	struct tt_record got;

	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.type, type);
	cr_assert_eq(got.syscalls.coding, coding);
	cr_assert(tt_record__is_syscalls(&got));
	cr_assert(tt_record__is_event(&got));
	cr_assert_eq(tt_record__ts(&got), BASE_TS + 900 - 5000000000ull);
	cr_assert_eq(tt_record__last_ts(&got), BASE_TS + 900);
	check_three(&got.syscalls);
	cr_assert_eq(tt_record__encode(again, sizeof(again), &got), n);
	cr_assert(!memcmp(again, buf, n), "the coded bytes copied as they are");
}

Test(syscalls, roundtrip_and_layout)
{
	unsigned char events[1024], buf[2048];
	struct tt_record rec, got;
	size_t len = three_events(events);
	int n;

	syscalls_record(&rec, events, len);
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_eq((size_t)n, 8 + 34 + 4 + len, "header, fixed body, events");
	cr_assert_eq(get_le16(buf + 4), TT_REC_SYSCALLS);
	cr_assert_eq(get_le16(buf + 8), 3, "cpu at 0");
	cr_assert_eq(get_le32(buf + 10), 77, "seq at 2");
	cr_assert_eq(get_le32(buf + 14), 3, "count at 6");
	cr_assert_eq(get_le64(buf + 18), BASE_TS, "base_ts at 10");
	cr_assert_eq(get_le32(buf + 42), len, "events at 34");
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.syscalls.count, 3);
	cr_assert_eq(tt_record__ts(&got), BASE_TS + 900 - 5000000000ull);
	cr_assert_eq(tt_record__last_ts(&got), BASE_TS + 900);
	cr_assert(tt_record__is_event(&got));
	check_three(&got.syscalls);
}

/*
 * A SYSCALLS_DELTA record (type 22) stores each event's bytes 8 to 31 as six
 * u32 differences from the previous event's, modulo 2^32, the rest as it is;
 * the caller's events are left alone; decoded, the values come back; encoded
 * again from the decoded record, the bytes are copied, not coded twice.
 */
Test(syscalls, delta_roundtrip_and_layout)
{
	unsigned char events[1024], kept[1024], buf[2048];
	size_t len = three_events(events), first = get_le16(events), second = get_le16(events + first);
	const unsigned char *e = buf + 8 + 34 + 4;
	struct tt_record rec;
	int n;

	memcpy(kept, events, len);
	syscalls_record_as(&rec, TT_REC_SYSCALLS_DELTA, events, len);
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_eq((size_t)n, 8 + 34 + 4 + len, "as long as a SYSCALLS record");
	cr_assert_eq(get_le16(buf + 4), 22);
	cr_assert(!memcmp(events, kept, len), "the caller's events unchanged");
	cr_assert(!memcmp(e, events, first), "the first event: its differences from 0");

	e += first;
	cr_assert(!memcmp(e, events + first, 8), "bytes 0 to 7 as they are");
	cr_assert_eq(get_le32(e + 8), 1, "tid 43 - 42");
	cr_assert_eq(get_le32(e + 12), 0, "pid 40 - 40");
	cr_assert_eq(get_le32(e + 16), 400, "end_delta 900 - 500");
	cr_assert_eq(get_le32(e + 20), (uint32_t)-120, "duration 0 (LONG) - 120");
	cr_assert_eq(get_le32(e + 24), (uint32_t)-42, "ret's low word, -2 - 40");
	cr_assert_eq(get_le32(e + 28), 0xffffffff, "ret's high word");
	cr_assert(!memcmp(e + 32, events + first + 32, second - 32),
		  "the LONG duration, arguments and path as they are");

	e += second;
	cr_assert_eq(get_le32(e + 8), 1, "tid 44 - 43");
	cr_assert_eq(get_le32(e + 12), 1, "pid 41 - 40");
	cr_assert_eq(get_le32(e + 16), 300, "end_delta 1200 - 900");
	cr_assert_eq(get_le32(e + 20), 300, "duration 300 - 0");
	cr_assert_eq(get_le32(e + 24), 2, "ret's low word, 0 - 0xfffffffe");
	cr_assert_eq(get_le32(e + 28), 1, "ret's high word, 0 - 0xffffffff");

	decode_three(buf, n, TT_REC_SYSCALLS_DELTA, TT_SC_DELTAS);
}

/* What the encoder refuses: differences in a SYSCALLS record, and events
 * it cannot walk to code them. */
Test(syscalls, delta_encode_refusals)
{
	unsigned char events[1024], bad[1024], buf[2048];
	size_t len = three_events(events), first = get_le16(events);
	struct tt_record rec;
	static const struct { size_t at; uint16_t size; const char *what; } cases[] = {
		{ 0, 24, "size below the fixed part" },
		{ 0, 36, "size not a multiple of 8" },
		{ 0, 4096, "size past the record" },
		{ 0, 0, "size 0 (it would never end)" },
	};

	syscalls_record(&rec, events, len);
	rec.syscalls.coding = TT_SC_DELTAS;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "SYSCALLS holds values");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(bad, events, len);
		put_le16(bad + cases[i].at, cases[i].size);
		syscalls_record_as(&rec, TT_REC_SYSCALLS_DELTA, bad, len);
		cr_expect_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "%s", cases[i].what);
	}
	for (size_t cut = 1; cut < 32; cut++) {
		syscalls_record_as(&rec, TT_REC_SYSCALLS_DELTA, events, first + cut);
		cr_expect_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "a %zu-byte tail", cut);
	}
}

/*
 * A SYSCALLS_SPLIT record (type 23) stores the differences of a
 * SYSCALLS_DELTA record in three columns: u32 times length; 24 bytes an
 * event (bytes 0 to 15 and 24 to 31); each event's bytes from 32 on; the
 * end_delta and duration differences as zigzag LEB128. Decoded, the
 * values come back; encoded again, the bytes are copied.
 */
Test(syscalls, split_roundtrip_and_layout)
{
	/* 500 -> 1000, 120 -> 240; 400 -> 800, -120 -> 239; 300 -> 600, 300 -> 600 */
	static const unsigned char times[] = { 0xe8, 0x07, 0xf0, 0x01, 0xa0, 0x06,
					       0xef, 0x01, 0xd8, 0x04, 0xd8, 0x04 };
	unsigned char events[1024], kept[1024], buf[2048];
	size_t len = three_events(events), first = get_le16(events), second = get_le16(events + first);
	size_t third = len - first - second, rest = len - 3 * 32;
	const unsigned char *e = buf + 8 + 34 + 4, *f = e + 4, *r = f + 3 * 24;
	struct tt_record rec, got;
	int n;

	memcpy(kept, events, len);
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_gt(n, 0);
	cr_assert_eq(get_le16(buf + 4), 23);
	cr_assert(!memcmp(events, kept, len), "the caller's events unchanged");
	cr_assert_eq(get_le32(buf + 42), 4 + 3 * 24 + rest + sizeof(times), "events' length");
	cr_assert_eq((size_t)n, 8 + 34 + 4 + get_le32(buf + 42));
	cr_assert_eq(get_le32(e), sizeof(times), "the times' length first");

	cr_assert(!memcmp(f, events, 16), "event 1: bytes 0 to 15");
	cr_assert(!memcmp(f + 16, events + 24, 8), "event 1: ret");
	cr_assert(!memcmp(f + 24, events + first, 8), "event 2: bytes 0 to 7 as they are");
	cr_assert_eq(get_le32(f + 24 + 8), 1, "tid 43 - 42");
	cr_assert_eq(get_le32(f + 24 + 12), 0, "pid 40 - 40");
	cr_assert_eq(get_le32(f + 24 + 16), (uint32_t)-42, "ret's low word, -2 - 40");
	cr_assert_eq(get_le32(f + 24 + 20), 0xffffffff, "ret's high word");
	cr_assert_eq(get_le32(f + 48 + 8), 1, "tid 44 - 43");
	cr_assert_eq(get_le32(f + 48 + 12), 1, "pid 41 - 40");
	cr_assert_eq(get_le32(f + 48 + 16), 2, "ret's low word, 0 - 0xfffffffe");
	cr_assert_eq(get_le32(f + 48 + 20), 1, "ret's high word, 0 - 0xffffffff");

	cr_assert(!memcmp(r, events + first + 32, second - 32),
		  "event 2's LONG duration, arguments and path");
	cr_assert(!memcmp(r + second - 32, events + first + second + 32, third - 32),
		  "event 3's arguments and sockaddr");
	cr_assert(!memcmp(r + rest, times, sizeof(times)), "the times, last");

	decode_three(buf, n, TT_REC_SYSCALLS_SPLIT, TT_SC_SPLIT);

	/* no events: the times' length alone */
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, 0);
	rec.syscalls.count = 0;
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 34 + 4 + 4);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	{
		struct tt_syscalls_pos pos = { 0 };

		cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &rec), 0);
	}
}

/* Differences of every size, both signs and the extremes go through the
 * varints and come back. */
Test(syscalls, split_times_roundtrip)
{
	static const uint32_t ends[] = { 0, 1, 63, 64, 127, 128, 8191, 8192, 0x7fffffff, 0x80000000,
					 0xffffffff, 5, 0xfffffff0, 16384, 1u << 27 };
	enum { N = sizeof(ends) / sizeof(ends[0]) };
	unsigned char events[N * 32], buf[4096];
	struct tt_syscalls_pos pos = { 0 };
	struct tt_record rec, got, ev;
	size_t len = 0;
	int n;

	for (int i = 0; i < N; i++)
		len += put_event(events + len, 0, 39, 7, 7, ends[i], ends[N - 1 - i] & 0xffffffffu, i, 0,
				 NULL, NULL, NULL, 0);
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
	rec.syscalls.count = N;
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_gt(n, 0);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &ev), 1, "event %d", i);
		cr_assert_eq(ev.syscall.duration, ends[N - 1 - i], "event %d", i);
		cr_assert_eq(ev.syscall.ts, BASE_TS + ends[i] - ends[N - 1 - i], "event %d", i);
		cr_assert_eq(ev.syscall.ret, i);
	}
	cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &ev), 0);
}

/* What the encoder of a SYSCALLS_SPLIT record refuses: a count that is not
 * the events', another coding, events it cannot walk. */
Test(syscalls, split_encode_refusals)
{
	unsigned char events[1024], bad[1024], buf[2048];
	size_t len = three_events(events), first = get_le16(events);
	struct tt_record rec;

	for (uint32_t count = 0; count < 40; count++) {
		syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
		rec.syscalls.count = count;
		cr_expect_eq(tt_record__encode(buf, sizeof(buf), &rec),
			     count == 3 ? (int)(8 + 34 + 4 + 4 + 3 * 24 + len - 3 * 32 + 12) : -EINVAL,
			     "count %u", count);
	}
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
	rec.syscalls.coding = TT_SC_DELTAS;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "not from differences");
	memcpy(bad, events, len);
	put_le16(bad + first, 4096);
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, bad, len);
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "size past the record");
	for (size_t cut = 1; cut < 32; cut++) {
		syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, first + cut);
		rec.syscalls.count = 1;
		cr_expect_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL, "a %zu-byte tail", cut);
	}
	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
	cr_assert_eq(tt_record__encode(buf, 8 + 34 + 4 + len, &rec), -ENOSPC, "no room");
}

/* A SYSCALLS_SPLIT record's columns, damaged each way, are refused, never
 * read past. */
Test(syscalls, split_malformed)
{
	unsigned char events[1024], buf[2048], bad[2048];
	size_t len = three_events(events);
	struct tt_record rec, got;
	uint32_t elen, tlen;
	int n;
	struct { size_t at; unsigned int width; uint32_t value; int count; const char *what; } cases[] = {
		{ 0, 4, 0, 0, "the times shorter than they are" },
		{ 0, 4, 11, 0, "the times one byte short" },
		{ 0, 4, 13, 0, "the times one byte long" },
		{ 0, 4, 4000, 0, "the times longer than the events" },
		{ 0, 0, 0, 4, "one event more than there are" },
		{ 0, 0, 0, 2, "one event fewer than there are" },
		{ 0, 0, 0, 100, "more events than would fit" },
		{ 4, 2, 24, 0, "size below the fixed part" },
		{ 4, 2, 36, 0, "size not a multiple of 8" },
		{ 4 + 24, 2, 4096, 0, "size past the second column" },
		{ 4 + 2, 1, 3, 0, "another type" },
		{ 4 + 6, 1, 7, 0, "more than 6 arguments" },
		{ 4 + 6, 1, 1, 0, "its one argument past its size" },
	};
	int ncases = sizeof(cases) / sizeof(cases[0]);

	syscalls_record_as(&rec, TT_REC_SYSCALLS_SPLIT, events, len);
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_gt(n, 0);
	elen = get_le32(buf + 42);
	tlen = get_le32(buf + 46);
	cr_assert_eq(tlen, 12);
	for (int c = 0; c < ncases + 3; c++) {
		struct tt_syscalls_pos pos = { 0 };
		unsigned char *e = bad + 46;
		const char *what = c < ncases ? cases[c].what : "";
		int ret;

		memcpy(bad, buf, n);
		cr_assert_eq(tt_record__decode(bad, n, &got), n);
		if (c < ncases && cases[c].count)
			got.syscalls.count = cases[c].count;
		else if (c < ncases && cases[c].width == 4)
			put_le32(e + cases[c].at, cases[c].value);
		else if (c < ncases && cases[c].width == 2)
			put_le16(e + cases[c].at, cases[c].value);
		else if (c < ncases)
			e[cases[c].at] = cases[c].value;
		else if (c == ncases) {
			what = "a varint cut at the end";
			e[elen - 1] |= 0x80;
		} else if (c == ncases + 1) {
			what = "a varint longer than it needs";
			e[elen - 2] |= 0x80;
			e[elen - 1] = 0;
		} else {
			what = "a varint of more than 32 bits";
			memset(e + elen - tlen, 0xff, tlen);
		}
		while ((ret = tt_syscalls__next(&got.syscalls, &pos, &rec)) > 0)
			cr_assert_leq(pos.off, elen);
		cr_expect_eq(ret, -EBADMSG, "%s: %d", what, ret);
	}
	/* the events cut anywhere */
	for (uint32_t cut = 0; cut < elen; cut++) {
		struct tt_syscalls_pos pos = { 0 };
		int ret;

		cr_assert_eq(tt_record__decode(buf, n, &got), n);
		got.syscalls.events.len = cut;
		while ((ret = tt_syscalls__next(&got.syscalls, &pos, &rec)) > 0)
			cr_assert_leq(pos.off, cut);
		cr_expect_eq(ret, -EBADMSG, "cut at %u: %d", cut, ret);
	}
}

/* Each way an event can be malformed is refused, never read past. */
Test(syscalls, malformed_events)
{
	unsigned char events[1024], bad[1024];
	size_t len = three_events(events);
	size_t first = get_le16(events), second = get_le16(events + first);
	struct { size_t at; unsigned int width; uint64_t value; const char *what; } cases[] = {
		{ 0, 2, 24, "size below the fixed part" },
		{ 0, 2, 36, "size not a multiple of 8" },
		{ 0, 2, 4096, "size past the record" },
		{ 2, 1, 2, "another type" },
		{ 6, 1, 7, "more than 6 arguments" },
		{ 7, 1, 5, "more than 4 strings" },
		{ 6, 1, 1, "its one argument past its size" },
		{ first, 2, 48, "LONG duration and arguments past its size" },
		{ first + 32 + 8 + 32 + 2, 2, 200, "a string past its event" },
		{ first + 32 + 8 + 32 + 1, 1, 0, "string kind 0" },
		{ first + second + 32 + 24 + 2, 2, 64, "a sockaddr past its event" },
	};

	/* Differences are only in bytes 8 to 31: what is checked is the same. */
	for (size_t i = 0; i < 2 * sizeof(cases) / sizeof(cases[0]); i++) {
		size_t c = i / 2;
		struct tt_syscalls b = { .cpu = 1, .base_ts = BASE_TS, .events = { (char *)bad, len },
					 .coding = i % 2 ? TT_SC_DELTAS : TT_SC_VALUES };
		struct tt_syscalls_pos pos = { 0 };
		struct tt_record got;
		int ret;

		memcpy(bad, events, len);
		if (cases[c].width == 1)
			bad[cases[c].at] = cases[c].value;
		else
			put_le16(bad + cases[c].at, cases[c].value);
		while ((ret = tt_syscalls__next(&b, &pos, &got)) > 0)
			cr_assert_leq(pos.off, len);
		cr_expect_eq(ret, -EBADMSG, "%s (coding %d): %d", cases[c].what, b.coding, ret);
	}
	/* a tail too short for an event */
	for (size_t cut = 1; cut < 32; cut++) {
		struct tt_syscalls b = { .events = { (char *)events, first + cut } };
		struct tt_syscalls_pos pos = { 0 };
		struct tt_record got;

		cr_assert_eq(tt_syscalls__next(&b, &pos, &got), 1);
		cr_assert_eq(tt_syscalls__next(&b, &pos, &got), -EBADMSG, "a %zu-byte tail", cut);
	}
}

/* Through the writer and the reader: three SYSCALL records between the
 * header and the trailer, with their values; cut anywhere, a prefix of them
 * and no crash. */
static void read_as_syscall_records(uint16_t type)
{
	static const uint32_t tids[3] = { 42, 43, 44 };
	static const int64_t rets[3] = { 40, -2, 0 };
	const char *path = tmp_path("s.zst");
	struct trace_writer_opts opts = { 0 };
	unsigned char events[1024];
	struct tt_record rec, got;
	struct trace_writer *w;
	struct trace_reader *r;
	char err[256];
	size_t flen, len = three_events(events);
	unsigned char *file;
	int n = 0, ret;

	w = trace_writer__open(path, &opts);
	cr_assert(w);
	gen_header(&rec, 0, BASE_TS - 10);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	syscalls_record_as(&rec, type, events, len);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	gen_record(&rec, 0);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	gen_trailer(&rec, 4);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	cr_assert_eq(trace_writer__close(w), 0);

	r = trace_reader__open(path, err, sizeof(err));
	cr_assert(r, "%s", err);
	while ((ret = trace_reader__next(r, &got)) > 0) {
		if (n < 3) {
			cr_assert_eq(got.type, TT_REC_SYSCALL, "record %d", n);
			cr_assert_eq(got.syscall.tid, tids[n]);
			cr_assert_eq(got.syscall.ret, rets[n]);
		}
		n++;
	}
	cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
	cr_assert_eq(n, 5, "three syscalls, the next record, the trailer");
	cr_assert(!trace_reader__truncated(r));
	trace_reader__close(r);

	file = read_file(path, &flen);
	for (size_t cut = 1; cut < flen; cut++) {
		write_file(tmp_path("cut.zst"), file, cut);
		r = trace_reader__open(tmp_path("cut.zst"), err, sizeof(err));
		if (!r)
			continue;
		n = 0;
		while ((ret = trace_reader__next(r, &got)) > 0)
			cr_assert_leq(++n, 5);
		trace_reader__close(r);
	}
	free(file);
}

Test(syscalls, read_as_syscall_records)
{
	read_as_syscall_records(TT_REC_SYSCALLS);
}

Test(syscalls, read_deltas_as_syscall_records)
{
	read_as_syscall_records(TT_REC_SYSCALLS_DELTA);
}

Test(syscalls, read_split_as_syscall_records)
{
	read_as_syscall_records(TT_REC_SYSCALLS_SPLIT);
}

/* Holes in a CPU's batch numbers are counted per CPU; an exec's batch (0)
 * and records sharing a number are not holes; a seek starts afresh. */
Test(syscalls, batch_numbers)
{
	const char *path = tmp_path("n.zst");
	struct trace_writer_opts opts = { 0 };
	static const struct { uint16_t cpu; uint32_t seq; } batches[] = {
		{ 0, 1 }, { 1, 1 }, { 0, 2 }, { 0, 2 }, { 0, 0 }, { 1, 3 }, { 0, 5 }, { 3, 7 }, { 3, 8 },
	};
	unsigned char events[1024];
	struct tt_record rec, got;
	struct trace_writer *w;
	struct trace_reader *r;
	size_t len = put_event(events, 0, 110, 42, 40, 500, 120, 40, 0, NULL, NULL, NULL, 0);
	char err[256];
	int ret;

	w = trace_writer__open(path, &opts);
	cr_assert(w);
	gen_header(&rec, 0, BASE_TS - 10);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		syscalls_record(&rec, events, i % 2 ? len : 0); /* empty ones keep numbers too */
		rec.syscalls.cpu = batches[i].cpu;
		rec.syscalls.seq = batches[i].seq;
		rec.syscalls.count = i % 2;
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	gen_trailer(&rec, 4);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	cr_assert_eq(trace_writer__close(w), 0);

	r = trace_reader__open(path, err, sizeof(err));
	cr_assert(r, "%s", err);
	while ((ret = trace_reader__next(r, &got)) > 0)
		;
	cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
	cr_assert_eq(trace_reader__batches_missing(r, 0), 2, "cpu 0: 3 and 4");
	cr_assert_eq(trace_reader__batches_missing(r, 1), 1, "cpu 1: 2");
	cr_assert_eq(trace_reader__batches_missing(r, 2), 0);
	cr_assert_eq(trace_reader__batches_missing(r, 3), 0, "cpu 3 starts at 7");
	cr_assert_eq(trace_reader__batches_missing(r, 99), 0);
	cr_assert_eq(trace_reader__batches_missing(r, -1), 3);
	cr_assert_eq(trace_reader__seek_time(r, 0), 0, "%s", trace_reader__error(r));
	while ((ret = trace_reader__next(r, &got)) > 0)
		;
	cr_assert_eq(trace_reader__batches_missing(r, -1), 3, "counted again from the seek");
	trace_reader__close(r);
}

/* DATA strings (rec --datasize, format 1.10) come out byte for byte, a
 * final NUL included (only a path's is dropped); a kind this reader does
 * not know is kept as it is, as in a SYSCALL record, not taken as corrupt;
 * and both go through the encoder of a SYSCALLS record unchanged. */
Test(syscalls, data_strings_and_unknown_kinds)
{
	static const uint64_t read_args[3] = { 3, 0x7ffd2000, 4096 };
	static const uint64_t send_args[6] = { 5, 0x7ffd3000, 19, 0, 0x7ffd4000, 16 };
	static const char bytes[] = "root:x:0:0:root:"; /* 16 bytes */
	static const unsigned char sa[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
	unsigned char events[1024], buf[2048];
	struct tt_syscalls_pos pos = { 0 };
	struct tt_record rec, got, ev;
	size_t len, first;
	int n;

	first = put_event(events, 0, 0, 42, 40, 500, 120, 1024, 3, read_args, NULL, NULL, 0);
	first = add_str(events, 1, TT_STR_DATA, bytes, 16, 1);
	len = first + put_event(events + first, 0, 44, 42, 40, 600, 50, 19, 6, send_args, NULL, sa,
				sizeof(sa));
	add_str(events + first, 1, TT_STR_DATA, "datagram\0with\0", 14, 0);
	add_str(events + first, 2, 99, "new", 3, 0);
	len = first + get_le16(events + first);
	syscalls_record(&rec, events, len);
	rec.syscalls.count = 2;
	n = tt_record__encode(buf, sizeof(buf), &rec);
	cr_assert_gt(n, 0);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);

	cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &ev), 1);
	cr_assert_eq(ev.syscall.ret, 1024);
	cr_assert_eq(ev.syscall.nstr, 1);
	cr_assert_eq(ev.syscall.strs[0].kind, TT_STR_DATA);
	cr_assert_eq(ev.syscall.strs[0].arg, 1);
	cr_assert_eq(ev.syscall.strs[0].flags, TT_STR_TRUNCATED);
	cr_assert_eq(ev.syscall.strs[0].value.len, 16);
	cr_assert(!memcmp(ev.syscall.strs[0].value.data, bytes, 16));

	cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &ev), 1);
	cr_assert_eq(ev.syscall.nr, 44);
	cr_assert_eq(ev.syscall.nstr, 3);
	cr_assert_eq(ev.syscall.strs[0].kind, TT_STR_SOCKADDR);
	cr_assert_eq(ev.syscall.strs[1].kind, TT_STR_DATA);
	cr_assert_eq(ev.syscall.strs[1].flags, 0);
	cr_assert_eq(ev.syscall.strs[1].value.len, 14, "its last NUL kept");
	cr_assert(!memcmp(ev.syscall.strs[1].value.data, "datagram\0with\0", 14));
	cr_assert_eq(ev.syscall.strs[2].kind, 99, "an unknown kind, kept");
	cr_assert_eq(ev.syscall.strs[2].arg, 2);
	cr_assert_eq(ev.syscall.strs[2].value.len, 3);
	cr_assert_eq(tt_syscalls__next(&got.syscalls, &pos, &ev), 0);
}
