// SPDX-License-Identifier: GPL-2.0
/*
 * imr_host: drops the host memory behind guest-reported free ranges (the
 * IMR hypercall, common/imr_abi.h), so that the VMM's RSS falls.
 */
#include <linux/kvm_host.h>
#include <linux/module.h>

#include "compat.h"
#include "imr_host.h"

/*
 * sysfs first, hooks last: a hook may create a VM directory at once.  Exit
 * removes the hooks first and waits for every vCPU to leave the module
 * (hook.c) before any state goes away.
 */
static int __init imr_host_init(void)
{
	int err;

	err = imr_sysfs_init();
	if (err)
		return err;
	err = imr_vm_init(imr_sysfs_host());
	if (err)
		goto err_sysfs;
	err = imr_hook_init();
	if (err)
		goto err_vm;
	pr_info("loaded\n");
	return 0;

err_vm:
	imr_vm_exit();
err_sysfs:
	imr_sysfs_exit();
	return err;
}

static void __exit imr_host_exit(void)
{
	imr_hook_exit();
	imr_vm_exit();
	imr_sysfs_exit();
	pr_info("unloaded\n");
}

module_init(imr_host_init);
module_exit(imr_host_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR host module: drop guest-reported free memory");
