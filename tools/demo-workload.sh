#!/bin/sh
# A small mixed workload for the README's demo: file reads, a failed open,
# child processes, a name lookup over loopback and a short sleep.
for dir in /usr/include/linux /usr/share/doc/bash /etc; do
	ls -l "$dir" >/dev/null 2>&1
done
cat /etc/os-release /etc/hostname >/dev/null
cat /nonexistent/tracetape-demo 2>/dev/null
getent hosts localhost >/dev/null
sleep 0.2
exit 0
