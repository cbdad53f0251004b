// SPDX-License-Identifier: GPL-2.0
/* /sys/kernel/imr/guest/: knobs and counters, one value per file. */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "imr_guest.h"
#include "imr_sysfs_root.h"
#include "reuse.h"

static struct kobject *imr_root;
static struct kobject *imr_dir;

static ssize_t imr_show_u64(char *buf, u64 v)
{
	return sysfs_emit(buf, "%llu\n", v);
}

#define IMR_STAT_ATTR(name)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return imr_show_u64(buf, atomic64_read(&imr_stats.name));	\
}									\
static struct kobj_attribute imr_attr_##name = __ATTR_RO(name)

IMR_STAT_ATTR(reported_bytes);
IMR_STAT_ATTR(reports);
IMR_STAT_ATTR(report_errors);
IMR_STAT_ATTR(reused_bytes);
IMR_STAT_ATTR(last_report_us);
IMR_STAT_ATTR(reserve_hits);
IMR_STAT_ATTR(untracked_bytes);
IMR_STAT_ATTR(pcp_drains);
IMR_STAT_ATTR(pcp_drained_bytes);
IMR_STAT_ATTR(pcp_skips);
IMR_STAT_ATTR(hot_holds);

/* A gauge, not a counter: reported memory the guest has not used since. */
static ssize_t returned_bytes_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return imr_show_u64(buf, (u64)imr_track_live_pages() << PAGE_SHIFT);
}

#define IMR_REUSED_WITHIN_ATTR(ms, bucket)				\
static ssize_t reused_within_##ms##ms_bytes_show(struct kobject *kobj,	\
						 struct kobj_attribute *attr, \
						 char *buf)		\
{									\
	BUILD_BUG_ON((bucket) >= IMR_REUSE_BUCKETS - 1);		\
	return imr_show_u64(buf, imr_track_reused_within(bucket));	\
}									\
static struct kobj_attribute imr_attr_reused_within_##ms##ms_bytes =	\
	__ATTR_RO(reused_within_##ms##ms_bytes)

/* The names carry reuse.c's bounds; reuse_kunit.c checks them. */
IMR_REUSED_WITHIN_ATTR(10, 0);
IMR_REUSED_WITHIN_ATTR(100, 1);
IMR_REUSED_WITHIN_ATTR(1000, 2);
IMR_REUSED_WITHIN_ATTR(10000, 3);

/*
 * A setting's file: read and written through the setter its module
 * parameter uses too (settings.c), so a value is checked in one place.
 */
#define IMR_SETTING_ATTR(name)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return imr_##name##_ops.get(buf, NULL);				\
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	return imr_##name##_ops.set(buf, NULL) ?: count;		\
}									\
static struct kobj_attribute imr_attr_##name = __ATTR_RW(name)

IMR_SETTING_ATTR(enabled);
IMR_SETTING_ATTR(min_order);
IMR_SETTING_ATTR(delay_ms);
IMR_SETTING_ATTR(reserve_kib);
IMR_SETTING_ATTR(pcp_grace_ms);
IMR_SETTING_ATTR(hot_max_kib);

/* Extra wait before the next pass while reports are refused (0: none). */
static ssize_t backoff_ms_show(struct kobject *kobj, struct kobj_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", imr_hooks_backoff_ms());
}

static struct kobj_attribute imr_attr_backoff_ms = __ATTR_RO(backoff_ms);

/* The hot reserve (hold.c): free memory held back for reuse, and why. */
static ssize_t hot_reserve_kib_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", imr_hold_pages() << (PAGE_SHIFT - 10));
}

static ssize_t hot_reserve_why_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", imr_hold_why());
}

static struct kobj_attribute imr_attr_hot_reserve_kib = __ATTR_RO(hot_reserve_kib);
static struct kobj_attribute imr_attr_hot_reserve_why = __ATTR_RO(hot_reserve_why);
static struct kobj_attribute imr_attr_returned_bytes = __ATTR_RO(returned_bytes);

static struct attribute *imr_attrs[] = {
	&imr_attr_enabled.attr,
	&imr_attr_min_order.attr,
	&imr_attr_delay_ms.attr,
	&imr_attr_reserve_kib.attr,
	&imr_attr_pcp_grace_ms.attr,
	&imr_attr_hot_max_kib.attr,
	&imr_attr_reported_bytes.attr,
	&imr_attr_reports.attr,
	&imr_attr_report_errors.attr,
	&imr_attr_reused_bytes.attr,
	&imr_attr_reused_within_10ms_bytes.attr,
	&imr_attr_reused_within_100ms_bytes.attr,
	&imr_attr_reused_within_1000ms_bytes.attr,
	&imr_attr_reused_within_10000ms_bytes.attr,
	&imr_attr_last_report_us.attr,
	&imr_attr_reserve_hits.attr,
	&imr_attr_untracked_bytes.attr,
	&imr_attr_pcp_drains.attr,
	&imr_attr_pcp_drained_bytes.attr,
	&imr_attr_pcp_skips.attr,
	&imr_attr_returned_bytes.attr,
	&imr_attr_backoff_ms.attr,
	&imr_attr_hot_holds.attr,
	&imr_attr_hot_reserve_kib.attr,
	&imr_attr_hot_reserve_why.attr,
	NULL
};

static const struct attribute_group imr_group = {
	.attrs = imr_attrs,
};

int imr_sysfs_init(void)
{
	int err;

	imr_root = imr_sysfs_root_get();
	if (!imr_root)
		return -ENOMEM;
	imr_dir = kobject_create_and_add("guest", imr_root);
	if (!imr_dir) {
		err = -ENOMEM;
		goto err_root;
	}
	err = sysfs_create_group(imr_dir, &imr_group);
	if (err)
		goto err_dir;
	return 0;

err_dir:
	kobject_put(imr_dir);
err_root:
	imr_sysfs_root_put(imr_root);
	return err;
}

void imr_sysfs_exit(void)
{
	sysfs_remove_group(imr_dir, &imr_group);
	kobject_put(imr_dir);
	imr_sysfs_root_put(imr_root);
}
