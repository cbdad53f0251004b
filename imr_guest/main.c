// SPDX-License-Identifier: GPL-2.0
/*
 * imr_guest: hand freed guest memory back to the KVM host right away.
 *
 * The kernel's free page reporting takes free blocks of at least min_order
 * off the free lists; report.c tells the host (one IMR_OP_REPORT hypercall
 * per batch), which drops their backing; the guest's next touch reads zeros.
 * hooks.c makes that happen delay_ms after a free instead of 2 s; pcp.c
 * moves the blocks that stay on the per-CPU free lists, which free page
 * reporting never sees, to the buddy allocator, where it does; hold.c
 * keeps free memory the guest is about to reuse backed (the hot reserve).
 */
#include <linux/cc_platform.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "compat.h"
#include "admit.h"
#include "imr_guest.h"

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

	err = imr_check_machine() ?: imr_host_probe(&host);
	if (err)
		return err;
	err = imr_report_init(host.max_ranges);
	if (err)
		return err;
	err = imr_track_init();
	if (err)
		goto err_report;
	err = imr_hooks_init(imr_setting_delay_ms());
	if (err)
		goto err_track;
	imr_hold_start(imr_hold_default_max_kib());
	err = imr_control_init(imr_setting_enabled(), imr_setting_min_order());
	if (err)
		goto err_hold;
	imr_pcp_start(imr_setting_pcp_grace_ms());
	imr_settings_start();
	err = imr_sysfs_init();
	if (err)
		goto err_settings;
	pr_info("loaded: host ABI %u, %u ranges per report, min_order %u, delay %u ms, pcp_grace_ms %u, hot_max_kib %lu\n",
		host.version, host.max_ranges, imr_setting_min_order(),
		imr_setting_delay_ms(), imr_setting_pcp_grace_ms(),
		imr_hold_max_kib());
	return 0;

err_settings:
	imr_settings_stop();
	imr_pcp_stop();
	imr_control_exit();
	imr_pcp_exit();
err_hold:
	imr_hold_stop();
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
	imr_settings_stop();
	imr_pcp_stop();
	imr_control_exit();
	imr_pcp_exit();
	imr_hold_stop();
	imr_hooks_exit();
	imr_track_exit();
	imr_report_exit();
	pr_info("unloaded\n");
}

module_init(imr_guest_init);
module_exit(imr_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR guest module: report freed memory to the KVM host at once");
