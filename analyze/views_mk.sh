#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Print the make fragment naming the source file of each VIEW row of
# views.def (view NAME lives in analyze/view_NAME.c), so that a new view is
# its file plus its row: automake takes no wildcards. autogen.sh runs this
# before automake; make runs it again when views.def changes.
set -e
echo "# Generated from analyze/views.def by analyze/views_mk.sh: do not edit."
printf 'ANALYZE_VIEW_FILES ='
sed -n 's/^VIEW(\([a-z_0-9]*\),.*/\1/p' "$1" | while read -r view; do
	printf ' \\\n\tanalyze/view_%s.c' "$view"
done
echo
