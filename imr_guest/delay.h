/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of how long hooks.c makes page_reporting wait from a free to
 * its next pass: delay_ms, never less than one jiffy, and an exponential
 * back-off while reports are refused.  No kprobes, so KUnit can test it.
 */
#ifndef IMR_GUEST_DELAY_H
#define IMR_GUEST_DELAY_H

#include <linux/types.h>

/* Back-off after refused reports: 20, 40, ... 640, then 1000 ms at most. */
#define IMR_BACKOFF_FIRST_MS	20U
#define IMR_BACKOFF_MAX_MS	1000U

unsigned long imr_delay_to_jiffies(unsigned int ms);
unsigned int imr_backoff_next_ms(unsigned int cur_ms, bool refused);

#endif /* IMR_GUEST_DELAY_H */
