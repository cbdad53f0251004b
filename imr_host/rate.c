// SPDX-License-Identifier: GPL-2.0
/*
 * A guest decides how often it calls and how much it reports, and every
 * call makes the host walk page tables, invalidate the VM's MMU and free
 * memory.  The ceilings keep one VM from making its host do unbounded work
 * at will; a call over them is refused whole (-IMR_EBUSY: retry later)
 * and drops nothing.
 *
 * A leaky bucket counted in windows of 100 ms: a call is admitted while
 * the VM's use is below one window's share, and then charged in full, so
 * one call larger than a window's share (a range may cover a whole
 * memslot) still goes through once and the debt it leaves is paid off in
 * the windows after it, during which the VM is refused.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/overflow.h>

#include "rate.h"

static u64 imr_rate_share(u64 per_s)
{
	return max_t(u64, div_u64(per_s, IMR_RATE_WINDOWS_PER_S), 1);
}

/* Pay off @windows windows' worth of a counter's use. */
static void imr_rate_leak(u64 *used, u64 per_s, u64 windows)
{
	u64 paid;

	if (!per_s)
		return;
	if (check_mul_overflow(imr_rate_share(per_s), windows, &paid) ||
	    paid >= *used)
		*used = 0;
	else
		*used -= paid;
}

static bool imr_rate_full(u64 used, u64 per_s)
{
	return per_s && used >= imr_rate_share(per_s);
}

bool imr_rate_admit(struct imr_rate *r, const struct imr_rate_limit *lim,
		    u64 now_ns, u64 bytes)
{
	u64 windows;

	if (now_ns < r->window_start_ns)	/* a fresh state: start now */
		r->window_start_ns = now_ns;
	windows = div64_u64(now_ns - r->window_start_ns, IMR_RATE_WINDOW_NS);
	if (windows) {
		r->window_start_ns += windows * IMR_RATE_WINDOW_NS;
		imr_rate_leak(&r->calls, lim->calls_per_s, windows);
		imr_rate_leak(&r->bytes, lim->bytes_per_s, windows);
	}
	if (imr_rate_full(r->calls, lim->calls_per_s) ||
	    imr_rate_full(r->bytes, lim->bytes_per_s))
		return false;
	/* Only under a ceiling: one set later starts from a clean slate. */
	if (lim->calls_per_s)
		r->calls++;
	if (lim->bytes_per_s && check_add_overflow(r->bytes, bytes, &r->bytes))
		r->bytes = U64_MAX;
	return true;
}
