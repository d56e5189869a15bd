# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the analyze --serve tests (after tap.sh): a free loopback port,
# and the server started on one and waited for.

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start analyze --serve on a free port in the background: $port, $spid,
# its stderr in $tmp/serve.err. Waits (at most 10 s) until it answers.
start_serve() { # analyze's arguments...
	port=$(free_port)
	"$an" --serve "$port" "$@" 2>"$tmp/serve.err" &
	spid=$!
	i=0
	while ! curl -s -o /dev/null "http://127.0.0.1:$port/state" && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

stop_serve() {
	kill "$spid" 2>/dev/null
	wait "$spid"
}

# The HTTP status of a GET of path, its body in $tmp/body.
http_status() { # path, [curl options...]
	p=$1
	shift
	curl -s -o "$tmp/body" -w '%{http_code}' "$@" "http://127.0.0.1:$port$p"
}
