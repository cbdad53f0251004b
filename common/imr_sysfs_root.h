/* SPDX-License-Identifier: GPL-2.0 */
/* The /sys/kernel/imr directory that imr_guest and imr_host share. */
#ifndef IMR_SYSFS_ROOT_H
#define IMR_SYSFS_ROOT_H

struct kobject;

struct kobject *imr_sysfs_root_get(void);
void imr_sysfs_root_put(struct kobject *root);

#endif
