// SPDX-License-Identifier: GPL-2.0
/*
 * What an operator can set: enabled, min_order, delay_ms, reserve_kib,
 * pcp_grace_ms and hot_max_kib.
 * Each has one setter, which parses and checks the value.  The same setter
 * takes the module parameter at load ("modprobe imr_guest min_order=3",
 * parsed before init runs: it only keeps the value for init) and a write to
 * /sys/kernel/imr/guest/NAME (sysfs.c; the module runs: it applies the
 * value).  The parameters stay read-only under /sys/module/imr_guest/
 * and show the value in force.
 */
#include <linux/kernel.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "imr_guest.h"

/*
 * From imr_settings_start() to imr_settings_stop(): setters apply.  They
 * keep what they applied too, so /sys/module/imr_guest/parameters/ shows
 * it also while the module goes away.
 */
static bool imr_running;
/* Two writers of one value store it and apply it in the same order. */
static DEFINE_MUTEX(imr_settings_lock);

static bool imr_enabled = true;
static int imr_min_order = -1;		/* -1: pageblock_order */
static unsigned int imr_delay_ms = 10;
static unsigned int imr_pcp_grace_ms = 100;

/* At load a bad value refuses insmod: say why.  Later, -EINVAL is enough. */
static int imr_setting_invalid(const char *name, long lo, long hi)
{
	if (!READ_ONCE(imr_running))
		pr_err("%s must be %ld..%ld\n", name, lo, hi);
	return -EINVAL;
}

/* What a bool parameter takes: 0/1, y/n, on/off; a bare "enabled" is 1. */
static int imr_enabled_set(const char *val, const struct kernel_param *kp)
{
	bool on = true;
	int err;

	if (val && kstrtobool(val, &on))
		return imr_setting_invalid("enabled", 0, 1);
	err = READ_ONCE(imr_running) ? imr_control_set_enabled(on) : 0;
	if (!err)
		WRITE_ONCE(imr_enabled, on);
	return err;
}

static int imr_enabled_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(imr_running) ? imr_control_enabled() :
						       imr_enabled);
}

const struct kernel_param_ops imr_enabled_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = imr_enabled_set,
	.get = imr_enabled_get,
};
module_param_cb(enabled, &imr_enabled_ops, NULL, 0444);
MODULE_PARM_DESC(enabled, "Report at load (default 1); runtime: /sys/kernel/imr/guest/enabled");

static int imr_min_order_set(const char *val, const struct kernel_param *kp)
{
	int order, err;

	if (kstrtoint(val, 0, &order) || order < -1 || order >= NR_PAGE_ORDERS)
		return imr_setting_invalid("min_order (-1: pageblock_order)", -1,
					   NR_PAGE_ORDERS - 1);
	if (order < 0)
		order = pageblock_order;
	err = READ_ONCE(imr_running) ? imr_control_set_order(order) : 0;
	if (!err)
		WRITE_ONCE(imr_min_order, order);
	return err;
}

static int imr_min_order_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(imr_running) ? imr_control_order() :
						       imr_setting_min_order());
}

const struct kernel_param_ops imr_min_order_ops = {
	.set = imr_min_order_set,
	.get = imr_min_order_get,
};
module_param_cb(min_order, &imr_min_order_ops, NULL, 0444);
MODULE_PARM_DESC(min_order, "Smallest block reported, as a buddy order (default -1: pageblock_order)");

/*
 * A time in ms, 0..@max: store it, and hand it to @apply once the module
 * runs (hooks.c and pcp.c turn it into jiffies; before, init passes the
 * stored value on).
 */
static int imr_ms_set(const char *val, const char *name, unsigned int max,
		      unsigned int *store, void (*apply)(unsigned int ms))
{
	unsigned int ms;

	if (kstrtouint(val, 0, &ms) || ms > max)
		return imr_setting_invalid(name, 0, max);
	mutex_lock(&imr_settings_lock);
	WRITE_ONCE(*store, ms);
	if (READ_ONCE(imr_running))
		apply(ms);
	mutex_unlock(&imr_settings_lock);
	return 0;
}

static int imr_delay_ms_set(const char *val, const struct kernel_param *kp)
{
	return imr_ms_set(val, "delay_ms", IMR_DELAY_MS_MAX, &imr_delay_ms,
			  imr_hooks_set_delay_ms);
}

static int imr_delay_ms_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(imr_delay_ms));
}

const struct kernel_param_ops imr_delay_ms_ops = {
	.set = imr_delay_ms_set,
	.get = imr_delay_ms_get,
};
module_param_cb(delay_ms, &imr_delay_ms_ops, NULL, 0444);
MODULE_PARM_DESC(delay_ms, "Delay from a free to the report pass, ms (default 10, max 10000; 0: next tick)");

static int imr_pcp_grace_ms_set(const char *val, const struct kernel_param *kp)
{
	return imr_ms_set(val, "pcp_grace_ms", IMR_PCP_GRACE_MS_MAX,
			  &imr_pcp_grace_ms, imr_pcp_set_grace_ms);
}

static int imr_pcp_grace_ms_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(imr_pcp_grace_ms));
}

const struct kernel_param_ops imr_pcp_grace_ms_ops = {
	.set = imr_pcp_grace_ms_set,
	.get = imr_pcp_grace_ms_get,
};
module_param_cb(pcp_grace_ms, &imr_pcp_grace_ms_ops, NULL, 0444);
MODULE_PARM_DESC(pcp_grace_ms, "Wait from a report pass to draining the per-CPU free lists, ms (default 100, max 60000; 0: never drain)");

/*
 * A size in KiB that fits in pages: hand it to @apply at once.  Only for
 * settings written at run time (sysfs), whose defaults depend on the RAM.
 */
static int imr_kib_set(const char *val, void (*apply)(unsigned long kib))
{
	unsigned long kib;

	if (kstrtoul(val, 0, &kib) || kib > (ULONG_MAX >> PAGE_SHIFT))
		return -EINVAL;
	apply(kib);
	return 0;
}

/* Runtime only: its default depends on the guest's RAM (report.c). */
static int imr_reserve_kib_set(const char *val, const struct kernel_param *kp)
{
	return imr_kib_set(val, imr_report_set_reserve_kib);
}

static int imr_reserve_kib_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", imr_report_reserve_kib());
}

const struct kernel_param_ops imr_reserve_kib_ops = {
	.set = imr_reserve_kib_set,
	.get = imr_reserve_kib_get,
};

/* Runtime only, like reserve_kib: its default depends on the RAM (hold.c). */
static int imr_hot_max_kib_set(const char *val, const struct kernel_param *kp)
{
	return imr_kib_set(val, imr_hold_set_max_kib);
}

static int imr_hot_max_kib_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", imr_hold_max_kib());
}

const struct kernel_param_ops imr_hot_max_kib_ops = {
	.set = imr_hot_max_kib_set,
	.get = imr_hot_max_kib_get,
};

bool imr_setting_enabled(void)
{
	return imr_enabled;
}

unsigned int imr_setting_min_order(void)
{
	return imr_min_order < 0 ? pageblock_order : imr_min_order;
}

unsigned int imr_setting_delay_ms(void)
{
	return imr_delay_ms;
}

unsigned int imr_setting_pcp_grace_ms(void)
{
	return imr_pcp_grace_ms;
}

/* Called once what the setters apply to is up (init), and before exit. */
void imr_settings_start(void)
{
	WRITE_ONCE(imr_running, true);
}

void imr_settings_stop(void)
{
	WRITE_ONCE(imr_running, false);
}
