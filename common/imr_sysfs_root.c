// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/imr is shared by two independent modules, either of which may
 * be loaded first and unloaded last.  Whoever comes first creates it with
 * kobject_create_and_add(), whose release function lives in the core kernel,
 * not in a module; the other takes a reference.  The directory disappears
 * with the last reference, whichever module drops it.
 *
 * Each module compiles its own copy of this file (see the one-line wrappers
 * in imr_guest/ and imr_host/).
 */
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/suspend.h>
#include <linux/sysfs.h>

#include "imr_sysfs_root.h"

#define IMR_SYSFS_ROOT_NAME "imr"

/* Existing directory's kobject, with a reference, or NULL. */
static struct kobject *imr_sysfs_root_find(void)
{
	struct kernfs_node *kn;
	struct kobject *kobj = NULL;

	kn = kernfs_find_and_get(kernel_kobj->sd, IMR_SYSFS_ROOT_NAME);
	if (!kn)
		return NULL;
	if (kernfs_type(kn) == KERNFS_DIR && kn->priv)
		kobj = kobject_get_unless_zero(kn->priv);
	kernfs_put(kn);
	return kobj;
}

/*
 * The two modules share no lock of their own, so the find-or-create and the
 * final put are serialised by the one sleeping lock every module can take:
 * lock_system_sleep().  It is held for microseconds and only at load/unload.
 */
struct kobject *imr_sysfs_root_get(void)
{
	struct kobject *root;
	unsigned int flags;

	flags = lock_system_sleep();
	root = imr_sysfs_root_find();
	if (!root)
		root = kobject_create_and_add(IMR_SYSFS_ROOT_NAME, kernel_kobj);
	unlock_system_sleep(flags);
	return root;
}

void imr_sysfs_root_put(struct kobject *root)
{
	unsigned int flags;

	flags = lock_system_sleep();
	kobject_put(root);
	unlock_system_sleep(flags);
}
