// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze itself, its main() renamed, for the views target to call as the
 * command line would: the same option parsing, view loop and exit status. */
#define main analyze__main
#include "../../analyze/analyze.c"
