// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include "views.h"
const struct view view_events = { .name = "events" };
