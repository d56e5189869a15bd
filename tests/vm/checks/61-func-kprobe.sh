# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m func on kernel functions through kprobe/kretprobe only (func-backend.sh).
set -- kprobe
. /checks/func-backend.sh
