// SPDX-License-Identifier: GPL-2.0
/* imr_host: skeleton. */
#include <linux/kobject.h>
#include <linux/module.h>

#include "compat.h"
#include "imr_sysfs_root.h"

static struct kobject *imr_root;
static struct kobject *imr_dir;

static int __init imr_host_init(void)
{
	imr_root = imr_sysfs_root_get();
	if (!imr_root)
		return -ENOMEM;
	imr_dir = kobject_create_and_add("host", imr_root);
	if (!imr_dir) {
		imr_sysfs_root_put(imr_root);
		return -ENOMEM;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit imr_host_exit(void)
{
	kobject_put(imr_dir);
	imr_sysfs_root_put(imr_root);
	pr_info("unloaded\n");
}

module_init(imr_host_init);
module_exit(imr_host_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR host module");
