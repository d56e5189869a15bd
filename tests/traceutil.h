/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the trace format tests (tests/test_trace_*.c) share. */
#ifndef __TT_TRACEUTIL_H
#define __TT_TRACEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "trace.h"

#define BYTES(s) ((struct tt_bytes){ s, sizeof(s) - 1 })
/* records in the writer's and reader's larger traces */
#define NREC 3000

/* The test's temporary directory (tmp_setup, tmp_teardown: a suite's
 * .init and .fini), and NAME inside it, in a static buffer of 4. */
extern char tmpdir[64];
void tmp_setup(void);
void tmp_teardown(void);
const char *tmp_path(const char *name);

/* strings holding what a text format would choke on */
extern const struct tt_bytes nasty[];
extern const size_t nnasty;
#define NNASTY nnasty

uint64_t gen_ts(int i);
void gen_header(struct tt_record *rec, uint32_t seq, uint64_t start_ns);
/* what gen_trailer says closed the file: the follow tests end a recording */
extern uint32_t trailer_reason;
void gen_trailer(struct tt_record *rec, uint64_t events);
/* Record i of a deterministic stream mixing every type; event times grow with i. */
void gen_record(struct tt_record *rec, int i);
/* Every field equal: strings by content, then everything else bytewise. */
void assert_rec_eq(const struct tt_record *got, const struct tt_record *want);
int encode(void *buf, size_t cap, const struct tt_record *rec);

/* Write a trace of header + n generated records (+ trailer). */
void write_trace(const char *path, int first, int n, uint32_t seq, uint64_t start_ns,
		 size_t chunk_size, bool trailer, struct trace_writer_stats *st);
/* The whole file, malloc'd (NUL-terminated); its length in *len. */
void *read_file(const char *path, size_t *len);
void write_file(const char *path, const void *buf, size_t len);

/* The chunk index at the end of a file, parsed as TRACE-FORMAT.md says. */
struct index_entry {
	uint64_t offset, first_ts, last_ts;
	uint32_t csize, dsize, nrecords;
};
int parse_index(const unsigned char *f, size_t len, struct index_entry *e, int max);

/* Read all records of r, checking they are gen_record(first..) (and the
 * trailer, if any); returns how many of the generated ones were read. */
int check_records(struct trace_reader *r, int first, int n, bool trailer, int *ret);

#endif /* __TT_TRACEUTIL_H */
