#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# db-load.sh ENGINE TARGET FILE...: load csv-export's files into tables made
# by `csv-export --schema ENGINE` (one table per monitor, named as the file's
# prefix: syscall_20261121_120001.csv goes into syscall). Each file's header
# row names the columns it fills (--with-container, --with-host), so the
# engine computes the others (time).
#   clickhouse TARGET: HOST:PORT of the server (clickhouse-client's native port)
#   postgres   TARGET: a psql connection string or database name
#   sqlite     TARGET: the database file
#   duckdb     TARGET: the database file; also loads csv-export's .parquet files
set -eu
prog=db-load.sh
usage() {
	echo "Usage: $prog clickhouse|postgres|sqlite|duckdb TARGET FILE..." >&2
	exit 2
}
[ $# -ge 3 ] || usage
engine=$1 target=$2
shift 2
case $engine in
clickhouse | postgres | sqlite | duckdb) ;;
*) usage ;;
esac
here=$(cd "$(dirname "$0")" && pwd)

# The table a file goes into: its name up to the first '_'.
table_of() {
	basename "$1" | sed 's/_.*//'
}
# The column names of a CSV's header row, comma-separated (never quoted:
# csv-export's names are plain words).
columns_of() {
	head -n 1 "$1" | tr -d '\r'
}
die() {
	echo "$prog: $*" >&2
	exit 1
}

for f in "$@"; do
	[ -r "$f" ] || die "$f: cannot read"
	# names go into SQL strings: a quote in one is refused, not escaped
	case $f in *"'"*) die "$f: a file name with a quote (rename it)" ;; esac
	case $f in *.parquet) [ "$engine" = duckdb ] || die "$f: Parquet files load into duckdb only" ;; esac
	t=$(table_of "$f")
	case $engine in
	clickhouse)
		host=${target%:*} port=${target##*:}
		ch() {
			# ClickHouse 18 reads a field starting with ' as single-quoted
			# unless told not to: a comm or argv may start with one.
			clickhouse-client --host "$host" --port "$port" \
				--format_csv_allow_single_quotes=0 --query "$1"
		}
		# ClickHouse 18 reads an empty field as 0, not NULL: the file goes
		# into a table of text first, then each column is cast to its
		# table's type, an empty field to NULL where the type is Nullable.
		c=$(columns_of "$f")
		types=$(ch "SELECT name, type FROM system.columns WHERE database = currentDatabase()
			AND table = '$t' FORMAT TSVRaw") || die "$f: clickhouse-client failed"
		stage=load_${t}_$$
		sel=$(echo "$c" | tr ',' '\n' | while read -r col; do
			type=$(echo "$types" | awk -F'\t' -v c="$col" '$1 == c { print $2 }')
			case $type in
			'') echo "$f: no column $col in table $t" >&2; exit 1 ;;
			String) echo "$col" ;;
			Nullable*) echo "if($col = '', NULL, CAST($col AS $type))" ;;
			*) echo "CAST($col AS $type)" ;;
			esac
		done | paste -sd, -) || die "$f: its columns are not the table's"
		status=0
		ch "CREATE TABLE $stage ($(echo "$c" | sed 's/,/ String, /g') String) ENGINE = Memory" &&
			ch "INSERT INTO $stage FORMAT CSVWithNames" <"$f" &&
			ch "INSERT INTO $t ($c) SELECT $sel FROM $stage" || status=1
		ch "DROP TABLE IF EXISTS $stage" || status=1
		[ $status -eq 0 ] || die "$f: clickhouse-client failed"
		;;
	postgres)
		# \copy reads the file on this side of the connection; an unquoted
		# empty field is NULL (csv-export(1): the fields that can be empty)
		psql -q -v ON_ERROR_STOP=1 -d "$target" \
			-c "\\copy $t ($(columns_of "$f")) FROM '$f' WITH (FORMAT csv, HEADER true)" ||
			die "$f: psql failed"
		;;
	sqlite)
		# .import fills every column of an existing table, the generated
		# one too: through a table of its own, made from the header row
		# (text columns; the insert gives them the table's affinities).
		# An empty field is NULL, as in the other engines.
		c=$(columns_of "$f")
		v=$(echo "$c" | sed 's/\([a-z_]*\)/NULLIF(\1, '"''"')/g')
		printf '%s\n' "DROP TABLE IF EXISTS load_$t;" ".import --csv '$f' load_$t" \
			"INSERT INTO $t ($c) SELECT $v FROM load_$t;" "DROP TABLE load_$t;" |
			sqlite3 -bail "$target" || die "$f: sqlite3 failed"
		;;
	duckdb)
		case $f in
		*.parquet) src="read_parquet('$f')" ;;
		# read as text, cast to the table's types on insert
		*) src="read_csv('$f', header = true, all_varchar = true, quote = '\"', escape = '\"')" ;;
		esac
		"$here/duckdb-sql.js" "$target" "INSERT INTO $t BY NAME SELECT * FROM $src" >/dev/null ||
			die "$f: duckdb failed"
		;;
	esac
done
