# TT_PROG_BPF: find clang (with the BPF target) and bpftool, and the
# architecture names the BPF build needs. CLANG and BPFTOOL may be overridden.
AC_DEFUN([TT_PROG_BPF], [
	AC_ARG_VAR([CLANG], [clang used to compile the BPF programs])
	AC_ARG_VAR([BPFTOOL], [bpftool used to link BPF objects and generate skeletons])
	AC_PATH_PROGS([CLANG], [clang clang-16 clang-15 clang-14])
	AS_IF([test -z "$CLANG"], [AC_MSG_ERROR([clang not found: install the Debian package clang])])
	AC_PATH_PROG([BPFTOOL], [bpftool], [], [$PATH:/usr/sbin:/sbin])
	AS_IF([test -z "$BPFTOOL"], [AC_MSG_ERROR([bpftool not found: install the Debian package bpftool])])
	AC_MSG_CHECKING([whether $CLANG can target bpf])
	AS_IF([echo 'int x;' | $CLANG -target bpf -c -x c - -o /dev/null 2>/dev/null],
		[AC_MSG_RESULT([yes])],
		[AC_MSG_RESULT([no]); AC_MSG_ERROR([$CLANG cannot compile for -target bpf: install the Debian packages clang and llvm])])
	AC_MSG_CHECKING([the BPF target architecture])
	AS_CASE([$host_cpu],
		[x86_64], [BPF_ARCH=x86],
		[AC_MSG_ERROR([no vendored vmlinux.h for $host_cpu; generate one with tools/gen-vmlinux.sh])])
	AC_MSG_RESULT([$BPF_ARCH])
	AC_SUBST([BPF_ARCH])
	# -target bpf loses the multiarch include directory (asm/types.h).
	BPF_SYS_INCLUDES=`$CLANG -v -E - </dev/null 2>&1 | sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }' | tr '\n' ' '`
	AC_SUBST([BPF_SYS_INCLUDES])
])
