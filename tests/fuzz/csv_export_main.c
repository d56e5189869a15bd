// SPDX-License-Identifier: GPL-2.0-or-later
/* csv-export itself, its main() renamed, for the views target to call. */
#define main csv_export__main
#include "../../tools/csv-export.c"
