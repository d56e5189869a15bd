// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of rec's writer (record/output.c): chunks compressed by many
 * threads at once land in the file in the order they were submitted, across
 * rotations, and every file reads back whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "output.h"
#include "traceutil.h"

TestSuite(output, .init = tmp_setup, .fini = tmp_teardown);

/* A chunk of n CONFIG records numbered from *next, the first file's header
 * first when it starts a file. */
static struct chunk *numbered_chunk(struct output *o, uint32_t seq, bool starts, bool ends,
				    int n, int *next)
{
	struct chunk *c = output__chunk(o);
	struct tt_record rec;
	char text[64];

	cr_assert(c);
	c->starts_file = starts;
	c->ends_file = ends;
	if (starts) {
		gen_header(&rec, seq, 1000);
		cr_assert_eq(chunk__append(c, &rec), 0);
	}
	for (int i = 0; i < n; i++, (*next)++) {
		memset(&rec, 0, sizeof(rec));
		rec.type = TT_REC_CONFIG;
		rec.config.ts = 2000 + *next;
		/* incompressible padding makes the threads take turns unevenly */
		snprintf(text, sizeof(text), "n=%d %x", *next, (unsigned)rand());
		rec.config.text.data = text;
		rec.config.text.len = strlen(text);
		cr_assert_eq(chunk__append(c, &rec), 0);
	}
	if (ends) {
		gen_trailer(&rec, 0);
		cr_assert_eq(chunk__append(c, &rec), 0);
	}
	return c;
}

Test(output, many_threads_keep_the_order)
{
	const char *base = tmp_path("o.zst");
	struct output_opts opts = { .base = base, .compressors = 8, .max_queued = 4 };
	struct output *o = output__start(&opts);
	int next = 0, files = 4, per_file = 50, want = 0;

	cr_assert(o);
	for (int f = 0; f < files; f++)
		for (int k = 0; k < per_file; k++)
			cr_assert_eq(output__submit(o, numbered_chunk(o, f, k == 0, k == per_file - 1,
								     1 + rand() % 300, &next)),
				     0);
	cr_assert_eq(output__finish(o), 0, "%s", output__error(o));
	output__free(o);

	for (int f = 0; f < files; f++) {
		char name[4096], err[256];
		struct trace_reader *r;
		struct tt_record rec;
		int ret;

		cr_assert_eq(trace_rotation__name(name, sizeof(name), base, f), 0);
		r = trace_reader__open(name, err, sizeof(err));
		cr_assert(r, "%s", err);
		while ((ret = trace_reader__next(r, &rec)) > 0) {
			int got;

			if (rec.type != TT_REC_CONFIG)
				continue;
			cr_assert_eq(sscanf(rec.config.text.data, "n=%d", &got), 1);
			cr_assert_eq(got, want, "file %d: record %d where %d was due", f, got, want);
			want++;
		}
		cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
		cr_assert(!trace_reader__truncated(r), "file %d is whole", f);
		trace_reader__close(r);
	}
	cr_assert_eq(want, next, "every record, once");
}
