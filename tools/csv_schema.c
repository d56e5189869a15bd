// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CREATE TABLE statements for csv-export's files, in the SQL of the
 * engines' versions Debian 12 ships (ClickHouse 18.16, PostgreSQL 15,
 * SQLite 3.40) and of DuckDB. Each table adds a time column that the
 * engine computes from timestamp on load (a CSV has no such column).
 */
#include <errno.h>
#include <string.h>

#include "csv_schema.h"

static const char *const engine_names[] = {
	[CSV_ENGINE_CLICKHOUSE] = "clickhouse",
	[CSV_ENGINE_POSTGRES] = "postgres",
	[CSV_ENGINE_DUCKDB] = "duckdb",
	[CSV_ENGINE_SQLITE] = "sqlite",
};

/*
 * ClickHouse 18.16 has LowCardinality only behind a setting
 * (allow_experimental_low_cardinality_type), and no Bool: names are
 * String, booleans an Enum8 that reads the CSV's words. PostgreSQL has no
 * unsigned types: a u32 is a bigint, a u64 a numeric, but timestamp_ns a
 * bigint, which holds ns until the year 2262. SQLite's types are
 * affinities. Decimals have 18 digits, which an INT64 holds (Parquet's,
 * ClickHouse's Decimal64): durations up to 31 years.
 */
static const char *const types[][CSV_T__COUNT] = {
	[CSV_ENGINE_CLICKHOUSE] = {
		[CSV_T_TIME] = "Decimal(18, 6)", [CSV_T_TIME_NS] = "UInt64",
		[CSV_T_TEXT] = "String", [CSV_T_NAME] = "String",
		[CSV_T_HEX] = "String", [CSV_T_I32] = "Int32", [CSV_T_U32] = "UInt32",
		[CSV_T_I64] = "Int64", [CSV_T_U64] = "UInt64", [CSV_T_MS3] = "Decimal(18, 3)",
		[CSV_T_MS6] = "Decimal(18, 6)", [CSV_T_BOOL] = "Enum8('false' = 0, 'true' = 1)",
	},
	[CSV_ENGINE_POSTGRES] = {
		[CSV_T_TIME] = "numeric(18, 6)", [CSV_T_TIME_NS] = "bigint",
		[CSV_T_TEXT] = "text", [CSV_T_NAME] = "text",
		[CSV_T_HEX] = "text", [CSV_T_I32] = "integer", [CSV_T_U32] = "bigint",
		[CSV_T_I64] = "bigint", [CSV_T_U64] = "numeric(20, 0)", [CSV_T_MS3] = "numeric(18, 3)",
		[CSV_T_MS6] = "numeric(18, 6)", [CSV_T_BOOL] = "boolean",
	},
	[CSV_ENGINE_DUCKDB] = {
		[CSV_T_TIME] = "DECIMAL(18, 6)", [CSV_T_TIME_NS] = "UBIGINT",
		[CSV_T_TEXT] = "VARCHAR", [CSV_T_NAME] = "VARCHAR",
		[CSV_T_HEX] = "VARCHAR", [CSV_T_I32] = "INTEGER", [CSV_T_U32] = "UINTEGER",
		[CSV_T_I64] = "BIGINT", [CSV_T_U64] = "UBIGINT", [CSV_T_MS3] = "DECIMAL(18, 3)",
		[CSV_T_MS6] = "DECIMAL(18, 6)", [CSV_T_BOOL] = "BOOLEAN",
	},
	[CSV_ENGINE_SQLITE] = {
		[CSV_T_TIME] = "REAL", [CSV_T_TIME_NS] = "INTEGER",
		[CSV_T_TEXT] = "TEXT", [CSV_T_NAME] = "TEXT",
		[CSV_T_HEX] = "TEXT", [CSV_T_I32] = "INTEGER", [CSV_T_U32] = "INTEGER",
		[CSV_T_I64] = "INTEGER", [CSV_T_U64] = "INTEGER", [CSV_T_MS3] = "REAL",
		[CSV_T_MS6] = "REAL", [CSV_T_BOOL] = "TEXT",
	},
};

/* The time column each engine computes from timestamp. */
static const char *const time_column[] = {
	[CSV_ENGINE_CLICKHOUSE] = "time DateTime MATERIALIZED toDateTime(toUInt32(timestamp))",
	[CSV_ENGINE_POSTGRES] = "time timestamptz GENERATED ALWAYS AS "
		"(to_timestamp(timestamp::double precision)) STORED",
	[CSV_ENGINE_DUCKDB] = "time TIMESTAMPTZ GENERATED ALWAYS AS "
		"(to_timestamp(timestamp::DOUBLE)) VIRTUAL",
	[CSV_ENGINE_SQLITE] = "time TEXT GENERATED ALWAYS AS "
		"(strftime('%Y-%m-%d %H:%M:%f', timestamp, 'unixepoch')) VIRTUAL",
};

static const struct csv_col extra_container[] = {
	{ "container_id", CSV_T_TEXT, true },
};

/* host: the recorded machine's name; trace_id: its recording id (the same
 * in every file of one recording), 16 hex digits. */
static const struct csv_col extra_host[] = {
	{ "host", CSV_T_NAME, false },
	{ "trace_id", CSV_T_NAME, false },
};

/* Every table's last column: the row's time exactly (timestamp has it to
 * the microsecond), after the extras, so that no column before it moves. */
static const struct csv_col time_ns = { "timestamp_ns", CSV_T_TIME_NS, false };

int csv_schema__engine(const char *name)
{
	for (size_t i = 0; i < sizeof(engine_names) / sizeof(engine_names[0]); i++)
		if (!strcmp(name, engine_names[i]))
			return (int)i;
	return -EINVAL;
}

int csv_schema__columns(const struct csv_table *t, unsigned int with, struct csv_col *cols)
{
	int n = 0;

	for (int i = 0; i < t->ncols && n < CSV_MAX_COLS; i++)
		cols[n++] = t->cols[i];
	if (with & CSV_WITH_CONTAINER)
		cols[n++] = extra_container[0];
	if (with & CSV_WITH_HOST) {
		cols[n++] = extra_host[0];
		cols[n++] = extra_host[1];
	}
	cols[n++] = time_ns;
	return n;
}

void csv_schema__header(FILE *f, const struct csv_table *t, unsigned int with)
{
	struct csv_col cols[CSV_MAX_COLS];
	int n = csv_schema__columns(t, with, cols);

	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i].name);
	fputs("\r\n", f);
}

void csv_schema__create(FILE *f, enum csv_engine e, const struct csv_table *t, unsigned int with)
{
	struct csv_col cols[CSV_MAX_COLS];
	int n = csv_schema__columns(t, with, cols);

	fprintf(f, "CREATE TABLE %s (\n", t->name);
	for (int i = 0; i < n; i++) {
		const char *type = types[e][cols[i].type];

		/* an empty text field is an empty string, not a missing value */
		bool null = cols[i].nullable && !csv_type__is_text(cols[i].type);

		if (e == CSV_ENGINE_CLICKHOUSE)
			fprintf(f, null ? "    %s Nullable(%s),\n" : "    %s %s,\n", cols[i].name, type);
		else
			fprintf(f, "    %s %s%s,\n", cols[i].name, type,
				null || csv_type__is_text(cols[i].type) ? "" : " NOT NULL");
	}
	fprintf(f, "    %s\n)", time_column[e]);
	/*
	 * Not by timestamp: ClickHouse 18.16 sorts a Decimal key some 60 times
	 * slower on insert (32 s instead of 0.5 s for 370,000 rows). By time,
	 * then timestamp_ns: the rows in the order of the events, a WHERE on
	 * time skips granules as before, and one on timestamp_ns too with a
	 * time beside it; loads take as long as by time alone (0.9 s for
	 * 400,000 rows either way).
	 */
	if (e == CSV_ENGINE_CLICKHOUSE)
		fprintf(f, " ENGINE = MergeTree ORDER BY (%stime, timestamp_ns)",
			with & CSV_WITH_HOST ? "host, trace_id, " : "");
	fputs(";\n", f);
}
