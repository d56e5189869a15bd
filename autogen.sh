#!/bin/sh
# Generate ./configure and the Makefile.in files from a git checkout.
set -e
cd "$(dirname "$0")"
# automake reads the list of view files from this fragment
sh analyze/views_mk.sh analyze/views.def > analyze/views.mk.new
mv analyze/views.mk.new analyze/views.mk
autoreconf -fi
