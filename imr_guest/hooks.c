// SPDX-License-Identifier: GPL-2.0
/*
 * Report right after a free, not 2 s later.  mm/page_reporting.c queues
 * its work with queue_delayed_work(system_freezable_wq, &prdev->work,
 * PAGE_REPORTING_DELAY), both when a block of at least page_reporting_order
 * is freed (__page_reporting_notify) and when a pass ran out of budget.
 * A kprobe on the exported queue_delayed_work_on(cpu, wq, dwork, delay)
 * rewrites the delay (4th argument, RCX) when dwork is ours; every other
 * caller is left alone.  It runs in any context (zone->lock held, IRQs
 * off): it only compares and stores.  A workqueue never runs one item
 * twice at once, so a short delay cannot make passes overlap.  The delay
 * it writes is never 0 (delay.c says why) and grows while reports are
 * refused (the back-off, also in delay.c).  While the hot reserve holds
 * memory back (hold.c) it is at least the kernel's own 2 s: the guest is
 * churning, and a pass every delay_ms would report the blocks it frees
 * and takes back (page_reporting offers the hottest first), or, refused
 * by the hot reserve, put up to 32 of them back at the tail of the free
 * lists (page_reporting_drain(), FPI_TO_TAIL), behind memory reported
 * earlier.  hold.c starts the pass at once when the reserve shrinks.
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/minmax.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "delay.h"
#include "imr_guest.h"

static unsigned long imr_delay_target;	/* &prdev->work */
static unsigned long imr_delay_jiffies;	/* >= 1 */
/* Written by report() only (one work item, never two at once). */
static unsigned long imr_backoff_jiffies;
static unsigned int imr_backoff_ms;

static int imr_qdw_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long delay;

	if (regs->dx != imr_delay_target)
		return 0;
	delay = max(READ_ONCE(imr_delay_jiffies), READ_ONCE(imr_backoff_jiffies));
	if (imr_hold_pages())
		delay = max(delay, (unsigned long)IMR_HOLD_DELAY_JIFFIES);
	regs->cx = delay;
	return 0;
}

static struct kprobe imr_qdw_kprobe = {
	.symbol_name = "queue_delayed_work_on",
	.pre_handler = imr_qdw_pre,
};

/* @ms was checked by its setter (settings.c). */
void imr_hooks_set_delay_ms(unsigned int ms)
{
	WRITE_ONCE(imr_delay_jiffies, imr_delay_to_jiffies(ms));
}

/*
 * report() returned @err: back off after a refusal (reserve hit, host busy
 * or failing), not after a success.  The pass that ends on the refusal
 * queues the next one through the kprobe above, with the longer delay.
 */
void imr_hooks_report_done(int err)
{
	unsigned int ms = imr_backoff_next_ms(imr_backoff_ms, err != 0);

	if (ms == imr_backoff_ms)
		return;
	WRITE_ONCE(imr_backoff_ms, ms);
	WRITE_ONCE(imr_backoff_jiffies, msecs_to_jiffies(ms));
}

unsigned int imr_hooks_backoff_ms(void)
{
	return READ_ONCE(imr_backoff_ms);
}

int imr_hooks_init(unsigned int delay_ms)
{
	int err;

	imr_hooks_set_delay_ms(delay_ms);
	imr_delay_target = (unsigned long)imr_control_work();
	err = register_kprobe(&imr_qdw_kprobe);
	if (err)
		pr_err("cannot hook queue_delayed_work_on: %d\n", err);
	return err;
}

void imr_hooks_exit(void)
{
	unregister_kprobe(&imr_qdw_kprobe);
}
