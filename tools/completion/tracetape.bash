# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for tracetape's rec, analyze, csv-export and seccomp-gen.
# Options come from the tool's own --help, so they never drift from it; the
# values of the options that take a word from a fixed list are listed here.
# make install writes a copy per tool, named as the tool is installed (with
# --program-prefix too), where bash-completion loads it on first use.

_tracetape_opts()
{
	"$1" --help 2>/dev/null |
		sed -n -E 's/^ {2,}(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*)(=?).*/\2\3/p'
}

_tracetape()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local opts

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case "$prev" in
	-m | --monitors)
		case "${COMP_WORDS[0]##*/}" in
		*csv-export) opts="exec syscall process func packet" ;;
		*) opts="syscall exec packet func" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "${cur##*,}"))
		return
		;;
	--format)
		case "${COMP_WORDS[0]##*/}" in
		*csv-export) opts="csv parquet" ;;
		*) opts="prometheus influx" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
		;;
	--schema) COMPREPLY=($(compgen -W "clickhouse postgres duckdb sqlite" -- "$cur")); return ;;
	--func-mode) COMPREPLY=($(compgen -W "count calls" -- "$cur")); return ;;
	--func-backend) COMPREPLY=($(compgen -W "auto fentry kprobe" -- "$cur")); return ;;
	--threshold) # rec's and analyze's: CATEGORY=DURATION
		COMPREPLY=($(compgen -W "file_io= network= memory= process= signal= time= ipc= other=" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return
		;;
	--serve) return ;; # analyze's [ADDR:]PORT: nothing to offer but not a file
	--on-full) COMPREPLY=($(compgen -W "stop drop-oldest" -- "$cur")); return ;;
	--trigger) COMPREPLY=($(compgen -W "builtin" -- "$cur") $(compgen -f -- "$cur")); return ;;
	--fail-on) COMPREPLY=($(compgen -W "info low medium high critical" -- "$cur")); return ;;
	-j | --threads) COMPREPLY=($(compgen -W "1 $(getconf _NPROCESSORS_ONLN 2>/dev/null)" -- "$cur")); return ;;
	-d | --directory) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-i | --interface) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "${cur##*,}")); return ;;
	-u | --user | -Z | --relinquish-privileges) COMPREPLY=($(compgen -u -- "$cur")); return ;;
	-o | --output | --config | --pcap | --html | --alerts) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tracetape_opts "${COMP_WORDS[0]}")" -- "$cur"))
		return
	fi
	# Traces (and, for rec, the command after --): files.
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _tracetape @PROGRAMS@
