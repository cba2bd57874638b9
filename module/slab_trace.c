// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates the slab allocator's tracepoints (module/slab_trace.h).
 *
 * Separate from trace.c: two headers of one TRACE_SYSTEM cannot be created
 * in one compilation unit (both define the system's name and mmflags enums).
 */

#define CREATE_TRACE_POINTS
#include "slab_trace.h"
