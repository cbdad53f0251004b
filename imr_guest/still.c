// SPDX-License-Identifier: GPL-2.0
/* Has a CPU stopped allocating (see still.h)? */
#include <linux/minmax.h>

#include "still.h"

unsigned long imr_still_limit(unsigned int elapsed_ms)
{
	unsigned long per = elapsed_ms / IMR_STILL_PER_MS;

	return max(per, 1UL) * IMR_STILL_PAGES;
}

bool imr_still(unsigned long then, unsigned long now, unsigned long limit)
{
	/*
	 * Unsigned: a counter that wrapped in between still subtracts right;
	 * one that went backwards (the CPU went offline and its counts were
	 * folded into another's) gives a huge difference: not still.
	 */
	return now - then < limit;
}

unsigned int imr_still_retry_ms(unsigned int grace_ms, unsigned int retries)
{
	unsigned int shift = retries > IMR_STILL_RETRY_FLAT ?
			     min(retries - IMR_STILL_RETRY_FLAT, 16U) : 0;
	u64 ms = (u64)grace_ms << shift;

	return max_t(u64, grace_ms, min_t(u64, ms, IMR_STILL_RETRY_MAX_MS));
}
