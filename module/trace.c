// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates mmlab's tracepoints (module/buddy_trace.h).
 */

#define CREATE_TRACE_POINTS
#include "buddy_trace.h"
