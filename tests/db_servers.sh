# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the database tests and tools/bench/columnar.sh: throwaway
# PostgreSQL and ClickHouse servers on loopback, each in a folder of its
# own that the caller removes. db_pids collects the ClickHouse servers'
# process ids for db_stop_all. Their variables start with db_: a sourced
# function's variables are the caller's.

db_pg_bin=/usr/lib/postgresql/15/bin
db_pids=

# PostgreSQL 15 in DIR (made here, owned by the postgres user: initdb
# refuses root) on 127.0.0.1:PORT; user tt, no password. 0 once it accepts
# connections, else 1 with its log in DIR/log.
db_pg_start() { # dir, port
	mkdir -p "$1" && chown postgres "$1" &&
		runuser -u postgres -- sh -c "'$db_pg_bin/initdb' -D '$1/data' -A trust -U tt \
			--no-sync >'$1/initdb.log' 2>&1 && '$db_pg_bin/pg_ctl' -D '$1/data' -l '$1/log' -w \
			-o '-k $1 -p $2 -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null 2>&1
}
db_pg_stop() { # dir
	[ -f "$1/data/postmaster.pid" ] &&
		runuser -u postgres -- "$db_pg_bin/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1
	return 0
}

# clickhouse-server in DIR on 127.0.0.1:PORT (native protocol), with a
# cluster "fleet" of one shard per SHARD_PORT; started in the background.
db_ch_start() { # dir, port, shard port...
	db_d=$1 db_p=$2
	shift 2
	mkdir -p "$db_d/data" "$db_d/tmp"
	{
		echo "<yandex>"
		echo "  <logger><level>warning</level><log>$db_d/server.log</log><errorlog>$db_d/error.log</errorlog></logger>"
		echo "  <listen_host>127.0.0.1</listen_host><tcp_port>$db_p</tcp_port>"
		echo "  <path>$db_d/data/</path><tmp_path>$db_d/tmp/</tmp_path><users_config>$db_d/users.xml</users_config>"
		echo "  <default_profile>default</default_profile><default_database>default</default_database>"
		echo "  <mark_cache_size>67108864</mark_cache_size>"
		echo "  <remote_servers><fleet>"
		for db_s; do
			echo "    <shard><replica><host>127.0.0.1</host><port>$db_s</port></replica></shard>"
		done
		echo "  </fleet></remote_servers>"
		echo "</yandex>"
	} >"$db_d/config.xml"
	echo "<yandex><profiles><default/></profiles><users><default><password/><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>" >"$db_d/users.xml"
	"$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)" \
		--config-file="$db_d/config.xml" >"$db_d/stdout" 2>&1 &
	db_pids="$db_pids $!"
}
db_ch() { # port, query
	clickhouse-client --host 127.0.0.1 --port "$1" --query "$2"
}
# A server is up when it answers: at most 60 s (a loaded machine).
db_ch_ready() { # port
	db_i=0
	while ! db_ch "$1" "SELECT 1" >/dev/null 2>&1; do
		db_i=$((db_i + 1))
		[ "$db_i" -gt 600 ] && return 1
		sleep 0.1
	done
}
db_stop_all() {
	for db_p in $db_pids; do kill "$db_p" 2>/dev/null; done
	for db_p in $db_pids; do while kill -0 "$db_p" 2>/dev/null; do sleep 0.1; done; done
}
