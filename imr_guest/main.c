// SPDX-License-Identifier: GPL-2.0
/*
 * imr_guest: hand freed guest memory back to the KVM host right away.
 *
 * The kernel's free page reporting takes free blocks of at least min_order
 * off the free lists; report.c tells the host (one IMR_OP_REPORT hypercall
 * per batch), which drops their backing; the guest's next touch reads zeros.
 * hooks.c makes that happen delay_ms after a free instead of 2 s.
 */
#include <linux/cc_platform.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "compat.h"
#include "admit.h"
#include "imr_guest.h"

static bool enabled = true;
module_param(enabled, bool, 0444);
MODULE_PARM_DESC(enabled, "Report at load (default 1); runtime: /sys/kernel/imr/guest/enabled");

static int min_order = -1;
module_param(min_order, int, 0444);
MODULE_PARM_DESC(min_order, "Smallest block reported, as a buddy order (default -1: pageblock_order)");

static unsigned int delay_ms = 10;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "Delay from a free to the report pass, ms (default 10, max 10000; 0: next tick)");

static int __init imr_check_params(void)
{
	if (min_order < 0)
		min_order = pageblock_order;
	if (min_order >= NR_PAGE_ORDERS || delay_ms > IMR_DELAY_MS_MAX) {
		pr_err("min_order must be 0..%d and delay_ms 0..%u\n",
		       NR_PAGE_ORDERS - 1, IMR_DELAY_MS_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Before any hypercall: a confidential VM is refused before it makes one. */
static int __init imr_check_machine(void)
{
	struct imr_admit_env env = {
		.mem_encrypted = cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT),
		.page_poisoning = page_poisoning_enabled_static(),
	};
	const char *why;
	int err;

	err = imr_admit(&env, &why);
	if (err)
		pr_err("%s\n", why);
	return err;
}

static int __init imr_guest_init(void)
{
	struct imr_host_info host;
	int err;

	err = imr_check_params() ?: imr_check_machine() ?: imr_host_probe(&host);
	if (err)
		return err;
	err = imr_report_init(host.max_ranges);
	if (err)
		return err;
	err = imr_track_init();
	if (err)
		goto err_report;
	err = imr_hooks_init(delay_ms);
	if (err)
		goto err_track;
	err = imr_control_init(enabled, min_order);
	if (err)
		goto err_hooks;
	err = imr_sysfs_init();
	if (err)
		goto err_control;
	pr_info("loaded: host ABI %u, %u ranges per report, min_order %d, delay %u ms\n",
		host.version, host.max_ranges, min_order, delay_ms);
	return 0;

err_control:
	imr_control_exit();
err_hooks:
	imr_hooks_exit();
err_track:
	imr_track_exit();
err_report:
	imr_report_exit();
	return err;
}

static void __exit imr_guest_exit(void)
{
	imr_sysfs_exit();
	imr_control_exit();
	imr_hooks_exit();
	imr_track_exit();
	imr_report_exit();
	pr_info("unloaded\n");
}

module_init(imr_guest_init);
module_exit(imr_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR guest module: report freed memory to the KVM host at once");
