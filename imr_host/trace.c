// SPDX-License-Identifier: GPL-2.0
/* The tracepoints imr_host:report and imr_host:reclaim (trace.h). */
#include <linux/types.h>

#define CREATE_TRACE_POINTS
#include "trace.h"
