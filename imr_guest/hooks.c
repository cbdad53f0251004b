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
 * twice at once, so a short delay cannot make passes overlap.
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "imr_guest.h"

static unsigned long imr_delay_target;	/* &prdev->work */
static unsigned long imr_delay_jiffies;
static unsigned int imr_delay_ms;

static int imr_qdw_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (regs->dx == imr_delay_target)
		regs->cx = READ_ONCE(imr_delay_jiffies);
	return 0;
}

static struct kprobe imr_qdw_kprobe = {
	.symbol_name = "queue_delayed_work_on",
	.pre_handler = imr_qdw_pre,
};

int imr_hooks_set_delay_ms(unsigned int ms)
{
	if (ms > IMR_DELAY_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(imr_delay_ms, ms);
	WRITE_ONCE(imr_delay_jiffies, msecs_to_jiffies(ms));
	return 0;
}

unsigned int imr_hooks_delay_ms(void)
{
	return READ_ONCE(imr_delay_ms);
}

int imr_hooks_init(unsigned int delay_ms)
{
	int err;

	err = imr_hooks_set_delay_ms(delay_ms);
	if (err)
		return err;
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
