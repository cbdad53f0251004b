// SPDX-License-Identifier: GPL-2.0
/* The hot reserve's arithmetic (see hot.h). */
#include <linux/math64.h>
#include <linux/limits.h>
#include <linux/minmax.h>

#include "hot.h"
#include "still.h"

static unsigned long imr_hot_grow(unsigned long cur, unsigned long reused,
				  unsigned long max)
{
	if (cur >= max || reused > (max - cur) / IMR_HOT_GAIN)
		return max;
	return cur + reused * IMR_HOT_GAIN;
}

/* 1/64 per second of @elapsed_ms, at least a page while anything is held. */
static unsigned long imr_hot_busy(unsigned long cur, unsigned int elapsed_ms)
{
	u64 loss = div_u64((u64)cur * elapsed_ms,
			   IMR_HOT_BUSY_DECAY_DIV * IMR_HOT_BUSY_DECAY_MS);

	return cur - clamp_t(u64, loss, 1, cur);
}

void imr_hot_step(struct imr_hot *h, unsigned long reused, unsigned long allocs,
		  unsigned long freed, unsigned int elapsed_ms, unsigned long max)
{
	unsigned long cur = min(h->pages, max);

	h->credit -= h->credit / IMR_HOT_CREDIT_DIV;
	h->credit = freed > ULONG_MAX - h->credit ? ULONG_MAX : h->credit + freed;
	reused = min(reused, h->credit);
	h->credit -= reused;

	if (reused) {
		cur = imr_hot_grow(cur, reused, max);
		h->why = IMR_HOT_REUSE;
	} else if (!cur) {
		h->why = IMR_HOT_NONE;
	} else if (allocs >= imr_still_limit(elapsed_ms)) {
		cur = imr_hot_busy(cur, elapsed_ms);
		h->why = IMR_HOT_BUSY;
	} else {
		cur /= 2;
		h->why = IMR_HOT_QUIET;
	}
	/* Less than a block holds nothing back that reporting would take. */
	if (cur < IMR_STILL_PAGES) {
		cur = 0;
		h->why = IMR_HOT_NONE;
	}
	h->pages = cur;
}

const char *imr_hot_why_name(enum imr_hot_why why)
{
	switch (why) {
	case IMR_HOT_REUSE:
		return "reuse";
	case IMR_HOT_BUSY:
		return "busy";
	case IMR_HOT_QUIET:
		return "quiet";
	default:
		return "none";
	}
}
