// SPDX-License-Identifier: GPL-2.0
/*
 * Registration with the kernel's free page reporting: registered while
 * enabled, re-registered to change the order, dropped for good when the
 * host stops taking reports.  imr_control_lock serialises all of it; the
 * report callback never takes it (page_reporting_unregister() waits for
 * the callback).  The callback is ours: report.c reports a batch and
 * returns the host's answer, and this file decides what a refusal means
 * for the registration, so report.c never calls back into it.
 */
#include <linux/mutex.h>
#include <linux/page_reporting.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "delay.h"
#include "imr_guest.h"

static DEFINE_MUTEX(imr_control_lock);

static int imr_control_report(struct page_reporting_dev_info *prdev,
			      struct scatterlist *sgl, unsigned int nents);

static struct page_reporting_dev_info imr_prdev = {
	.report = imr_control_report,
};

static bool imr_registered;		/* under imr_control_lock */
static unsigned int imr_order;		/* under imr_control_lock */
static unsigned int imr_prev_order;	/* page_reporting_order before us */
static atomic_t imr_host_gone;		/* report() refuses, work unregisters */

static void imr_host_gone_fn(struct work_struct *work);
static DECLARE_WORK(imr_host_gone_work, imr_host_gone_fn);

/* The work item page_reporting queues: hooks.c shortens its delay. */
struct delayed_work *imr_control_work(void)
{
	return &imr_prdev.work;
}

static int imr_register_locked(void)
{
	int err;

	if (imr_registered)
		return 0;
	atomic_set(&imr_host_gone, 0);
	err = imr_page_reporting_register(&imr_prdev, imr_order, &imr_prev_order);
	if (err == -EBUSY)
		pr_err("free page reporting already used (virtio_balloon free-page-reporting?): unload virtio_balloon or start QEMU with free-page-reporting=off\n");
	else if (err)
		pr_err("cannot register with free page reporting: %d\n", err);
	WRITE_ONCE(imr_registered, !err);
	return err;
}

/* Cancels the work synchronously and puts back every isolated block. */
static void imr_unregister_locked(void)
{
	if (!imr_registered)
		return;
	imr_page_reporting_unregister(&imr_prdev, imr_prev_order);
	WRITE_ONCE(imr_registered, false);
}

static void imr_host_gone_fn(struct work_struct *work)
{
	mutex_lock(&imr_control_lock);
	if (atomic_read(&imr_host_gone))
		imr_unregister_locked();
	mutex_unlock(&imr_control_lock);
}

/* From the callback: it must not unregister itself (that waits for it). */
static void imr_control_host_gone(long code)
{
	if (atomic_xchg(&imr_host_gone, 1))
		return;
	if (code == -IMR_EREFUSED)	/* e.g. a VFIO device is assigned */
		pr_warn("host refuses reports from this VM (%ld, an assigned device?): reporting disabled\n",
			code);
	else
		pr_warn("host stopped taking reports (%ld): reporting disabled; write 1 to enabled to retry\n",
			code);
	schedule_work(&imr_host_gone_work);
}

/*
 * page_reporting's callback.  Once the host is gone, the passes left until
 * the unregistration are refused without a hypercall.  Any error ends the
 * pass; hooks.c then delays the next one.
 */
static int imr_control_report(struct page_reporting_dev_info *prdev,
			      struct scatterlist *sgl, unsigned int nents)
{
	long host_gone = 0;
	int err = -EAGAIN;

	if (!atomic_read(&imr_host_gone))
		err = imr_report(sgl, nents, &host_gone);
	if (host_gone)
		imr_control_host_gone(host_gone);
	imr_hooks_report_done(err);
	if (!err)
		imr_pcp_kick();
	return err;
}

/*
 * Start a pass now, from hold.c: the hot reserve shrank after holding a
 * batch back, and free page reporting would start the next pass only
 * after another free.  Queued as page_reporting_process() queues itself
 * (system_freezable_wq); mod_delayed_work() rather than queue: a pass
 * already waiting out hooks.c's back-off runs now.  A pass that finds
 * the state idle is an ordinary pass (it sets it active, then idle
 * again).  Under the lock, so never after page_reporting_unregister()
 * cancelled the work: its state is valid only while registered.
 */
void imr_control_kick(void)
{
	mutex_lock(&imr_control_lock);
	if (imr_registered && !atomic_read(&imr_host_gone))
		mod_delayed_work(system_freezable_wq, &imr_prdev.work,
				 imr_delay_to_jiffies(imr_setting_delay_ms()));
	mutex_unlock(&imr_control_lock);
}

/* Turning it on asks the host again: it may have come back. */
static int imr_enable_locked(void)
{
	struct imr_host_info host;
	int err;

	if (imr_registered && !atomic_read(&imr_host_gone))
		return 0;
	imr_unregister_locked();
	err = imr_host_probe(&host);
	if (err)
		return err;
	imr_report_set_max(host.max_ranges);
	return imr_register_locked();
}

int imr_control_set_enabled(bool on)
{
	int err = 0;

	mutex_lock(&imr_control_lock);
	if (on)
		err = imr_enable_locked();
	else
		imr_unregister_locked();
	mutex_unlock(&imr_control_lock);
	return err;
}

bool imr_control_enabled(void)
{
	return READ_ONCE(imr_registered) && !atomic_read(&imr_host_gone);
}

int imr_control_set_order(unsigned int order)
{
	bool was;
	int err = 0;

	mutex_lock(&imr_control_lock);
	was = imr_registered && !atomic_read(&imr_host_gone);
	if (order != imr_order) {
		imr_unregister_locked();
		WRITE_ONCE(imr_order, order);
		if (was)
			err = imr_register_locked();
	}
	mutex_unlock(&imr_control_lock);
	return err;
}

unsigned int imr_control_order(void)
{
	return READ_ONCE(imr_order);
}

int imr_control_init(bool enabled, unsigned int order)
{
	int err = 0;

	mutex_lock(&imr_control_lock);
	imr_order = order;
	if (enabled)
		err = imr_register_locked();
	mutex_unlock(&imr_control_lock);
	return err;
}

void imr_control_exit(void)
{
	mutex_lock(&imr_control_lock);
	imr_unregister_locked();
	mutex_unlock(&imr_control_lock);
	cancel_work_sync(&imr_host_gone_work);
}
