// SPDX-License-Identifier: GPL-2.0
/* The delay before a report pass (see delay.h). */
#include <linux/jiffies.h>
#include <linux/minmax.h>

#include "delay.h"

/*
 * delay_ms as jiffies, at least 1.  queue_delayed_work() with 0 queues the
 * work at once, waking a worker from the caller: here __free_one_page()
 * under zone->lock, which would take a runqueue lock inside it.  With a
 * timer the wakeup comes later from the timer.  So delay_ms=0 means "as
 * soon as possible": the next tick.
 */
unsigned long imr_delay_to_jiffies(unsigned int ms)
{
	return max(msecs_to_jiffies(ms), 1UL);
}

/*
 * The back-off after a report() that was @refused or not.  While the
 * reserve is hit or the host answers busy, every free of min_order or more
 * would start another pass that isolates a batch, gets -EAGAIN and puts it
 * back (or makes a failing hypercall) delay_ms later.  Nothing changes
 * that fast: wait twice as long after each refusal, up to 1 s (half the
 * kernel's own 2 s), and not at all after the next success.
 */
unsigned int imr_backoff_next_ms(unsigned int cur_ms, bool refused)
{
	if (!refused)
		return 0;
	return clamp(min(cur_ms, IMR_BACKOFF_MAX_MS) * 2, IMR_BACKOFF_FIRST_MS,
		     IMR_BACKOFF_MAX_MS);
}
