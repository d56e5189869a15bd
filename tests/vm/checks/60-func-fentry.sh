# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m func on kernel functions through fentry/fexit only (func-backend.sh).
set -- fentry
. /checks/func-backend.sh
