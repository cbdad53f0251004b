// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/imr/host: the global switch and counters.  Each VM directory
 * below vms/ (see vm.c) carries the same files through imr_stats_groups.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "imr_host.h"
#include "imr_sysfs_root.h"

struct imr_stats imr_global = { .enabled = true };
bool imr_hugetlb_enabled;
struct imr_rate_limit imr_rate_limit = {
	.calls_per_s = IMR_RATE_CALLS_PER_S,
	.bytes_per_s = IMR_RATE_BYTES_PER_S,
};

static struct kobject *imr_root;
static struct kobject *imr_host_kobj;

struct kobject *imr_sysfs_host(void)
{
	return imr_host_kobj;
}

static struct imr_stats *imr_kobj_stats(struct kobject *kobj)
{
	if (kobj == imr_host_kobj)
		return &imr_global;
	return imr_vm_stats(kobj);
}

/* Only "0" or "1", optionally followed by a newline. */
static int imr_parse_01(const char *buf, size_t len, bool *val)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 1 || (buf[0] != '0' && buf[0] != '1'))
		return -EINVAL;
	*val = buf[0] == '1';
	return 0;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(imr_kobj_stats(kobj)->enabled));
}

/* Store "0" or "1" into *dst. */
static ssize_t imr_store_01(const char *buf, size_t len, bool *dst)
{
	bool val;
	int err;

	err = imr_parse_01(buf, len, &val);
	if (err)
		return err;
	WRITE_ONCE(*dst, val);
	return len;
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t len)
{
	return imr_store_01(buf, len, &imr_kobj_stats(kobj)->enabled);
}

static struct kobj_attribute imr_attr_enabled = __ATTR_RW(enabled);

/* Host-wide knobs, in host/ only: one bool, two ceilings (0: none). */
static ssize_t hugetlb_enabled_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(imr_hugetlb_enabled));
}

static ssize_t hugetlb_enabled_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t len)
{
	return imr_store_01(buf, len, &imr_hugetlb_enabled);
}

static struct kobj_attribute imr_attr_hugetlb_enabled = __ATTR_RW(hugetlb_enabled);

/* A ceiling file: which u64 it shows and sets. */
struct imr_limit_attr {
	struct kobj_attribute attr;
	u64 *val;
};

static ssize_t imr_limit_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct imr_limit_attr *la = container_of(attr, struct imr_limit_attr, attr);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(*la->val));
}

static ssize_t imr_limit_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t len)
{
	struct imr_limit_attr *la = container_of(attr, struct imr_limit_attr, attr);
	u64 val;
	int err;

	err = kstrtou64(buf, 10, &val);
	if (err)
		return err;
	WRITE_ONCE(*la->val, val);
	return len;
}

#define IMR_LIMIT_ATTR(_name, _val)					\
	static struct imr_limit_attr imr_attr_##_name = {		\
		.attr = __ATTR(_name, 0644, imr_limit_show, imr_limit_store), \
		.val = _val,						\
	}

IMR_LIMIT_ATTR(max_calls_per_s, &imr_rate_limit.calls_per_s);
IMR_LIMIT_ATTR(max_bytes_per_s, &imr_rate_limit.bytes_per_s);

static struct attribute *imr_knob_attrs[] = {
	&imr_attr_hugetlb_enabled.attr,
	&imr_attr_max_calls_per_s.attr.attr,
	&imr_attr_max_bytes_per_s.attr.attr,
	NULL
};

static const struct attribute_group imr_knob_group = {
	.attrs = imr_knob_attrs,
};

/* A read-only counter file: which counter it shows. */
struct imr_stat_attr {
	struct kobj_attribute attr;
	enum imr_stat stat;
};

static ssize_t imr_stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct imr_stat_attr *sa = container_of(attr, struct imr_stat_attr, attr);
	struct imr_stats *stats = imr_kobj_stats(kobj);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&stats->count[sa->stat]));
}

#define IMR_STAT_ATTR(_name, _stat)					\
	static struct imr_stat_attr imr_attr_##_name = {		\
		.attr = __ATTR(_name, 0444, imr_stat_show, NULL),	\
		.stat = _stat,						\
	}

IMR_STAT_ATTR(reclaimed_bytes, IMR_STAT_RECLAIMED_BYTES);
IMR_STAT_ATTR(skipped_bytes, IMR_STAT_SKIPPED_BYTES);
IMR_STAT_ATTR(reports, IMR_STAT_REPORTS);
IMR_STAT_ATTR(ranges, IMR_STAT_RANGES);
IMR_STAT_ATTR(rejected_ranges, IMR_STAT_REJECTED_RANGES);
IMR_STAT_ATTR(errors, IMR_STAT_ERRORS);
IMR_STAT_ATTR(pinned_bytes, IMR_STAT_PINNED_BYTES);
IMR_STAT_ATTR(split_bytes, IMR_STAT_SPLIT_BYTES);
IMR_STAT_ATTR(hugetlb_bytes, IMR_STAT_HUGETLB_BYTES);
IMR_STAT_ATTR(rate_limited, IMR_STAT_RATE_LIMITED);

static struct attribute *imr_stats_attrs[] = {
	&imr_attr_enabled.attr,
	&imr_attr_reclaimed_bytes.attr.attr,
	&imr_attr_skipped_bytes.attr.attr,
	&imr_attr_reports.attr.attr,
	&imr_attr_ranges.attr.attr,
	&imr_attr_rejected_ranges.attr.attr,
	&imr_attr_errors.attr.attr,
	&imr_attr_pinned_bytes.attr.attr,
	&imr_attr_split_bytes.attr.attr,
	&imr_attr_hugetlb_bytes.attr.attr,
	&imr_attr_rate_limited.attr.attr,
	NULL
};

static const struct attribute_group imr_stats_group = {
	.attrs = imr_stats_attrs,
};

const struct attribute_group *imr_stats_groups[] = {
	&imr_stats_group,
	NULL
};

int imr_sysfs_init(void)
{
	int err;

	imr_root = imr_sysfs_root_get();
	if (!imr_root)
		return -ENOMEM;
	imr_host_kobj = kobject_create_and_add("host", imr_root);
	if (!imr_host_kobj) {
		err = -ENOMEM;
		goto err_root;
	}
	err = sysfs_create_groups(imr_host_kobj, imr_stats_groups);
	if (err)
		goto err_host;
	err = sysfs_create_group(imr_host_kobj, &imr_knob_group);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	sysfs_remove_groups(imr_host_kobj, imr_stats_groups);
err_host:
	kobject_put(imr_host_kobj);
err_root:
	imr_sysfs_root_put(imr_root);
	return err;
}

void imr_sysfs_exit(void)
{
	sysfs_remove_group(imr_host_kobj, &imr_knob_group);
	sysfs_remove_groups(imr_host_kobj, imr_stats_groups);
	kobject_put(imr_host_kobj);
	imr_sysfs_root_put(imr_root);
}
