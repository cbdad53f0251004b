/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences between Debian 12's 6.1 and 6.12, behind the
 * names the newer kernel uses.  The only file that may look at
 * LINUX_VERSION_CODE; .c files test named IMR_HAVE_* features at most
 * (detected from the headers in common/Kbuild.include).
 */
#ifndef IMR_COMPAT_H
#define IMR_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#error "IMR supports Linux 6.1 to 6.12 (Debian 12's kernels) only"
#endif

/* 6.1 exports zap_page_range() but not zap_page_range_single(). */
#ifdef IMR_HAVE_ZAP_PAGE_RANGE
#define zap_page_range_single(vma, addr, size, details) \
	zap_page_range(vma, addr, size)
#endif

/* 6.8 renamed MAX_ORDER (11 on 6.1: the number of orders). */
#ifndef NR_PAGE_ORDERS
#define NR_PAGE_ORDERS MAX_ORDER
#endif

/* ---- host side (imr_host) ---- */
#include <linux/kvm.h>

/* 6.12 keeps the Hyper-V vCPU state behind CONFIG_KVM_HYPERV. */
#if defined(IMR_HAVE_KVM_HYPERV_OPTION) && !defined(CONFIG_KVM_HYPERV)
#define imr_vcpu_hyperv_enabled(vcpu)	false
#else
#define imr_vcpu_hyperv_enabled(vcpu)	((vcpu)->arch.hyperv_enabled)
#endif

/*
 * 6.8 added VM types (KVM_CREATE_VM's argument on x86); SEV, SEV-ES and
 * SNP (6.10) VMs created that way say so in kvm->arch.vm_type.  Anything but a
 * default VM is left alone.  SEV VMs made with the legacy KVM_SEV_INIT
 * (Debian's QEMU 7.2) are default VMs: hook.c marks those.
 */
#ifdef KVM_X86_DEFAULT_VM
#define imr_kvm_protected_type(kvm)	((kvm)->arch.vm_type != KVM_X86_DEFAULT_VM)
#else
#define imr_kvm_protected_type(kvm)	false
#endif

/* 6.8 added guest_memfd memslots: no host mapping there to drop. */
#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD		0
#endif

/* ---- guest side (imr_guest) ---- */
#ifdef IMR_GUEST
#include <linux/fs.h>
#include <linux/page_reporting.h>

/*
 * Since 6.10 the buddy's fallback path hands a page out itself and fires
 * only mm_page_alloc_extfrag for it; 6.1 fires it while moving a block and
 * then allocates through __rmqueue_smallest (mm_page_alloc_zone_locked).
 */
#define IMR_EXTFRAG_ALLOCATES \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0))

/*
 * Both kernels: page_reporting_register() queues the first pass, which
 * reads page_reporting_order only when it runs, at least a jiffy later
 * (hooks.c never lets the delay be 0).  So we set prdev->order (what
 * register() itself uses, where it uses one), and write the global only
 * after register() succeeded, right away: in time for the first pass (had
 * it ever won that race, it would merely have used the old order once).
 * Never before: while register() may still fail with -EBUSY the global
 * belongs to the driver registered (virtio_balloon).  Then read it back: a
 * mismatch fails registration loudly instead of reporting at an order
 * nobody asked for.
 */
#ifdef IMR_HAVE_PAGE_REPORTING_ORDER_EXPORT
/* Exported by 6.12 (EXPORT_SYMBOL_GPL), declared only in mm/. */
extern unsigned int page_reporting_order;

/*
 * 6.12's register() takes prdev->order (if 1..MAX_PAGE_ORDER, else
 * pageblock_order) only while the global is -1, its value at boot; a boot
 * parameter or an earlier driver's value (unregister does not reset it)
 * stays.  So set the global ourselves.
 */
static inline int imr_page_reporting_register(struct page_reporting_dev_info *prdev,
					      unsigned int order, unsigned int *prev)
{
	unsigned int now;
	int err;

	*prev = READ_ONCE(page_reporting_order);
	prdev->order = order;
	err = page_reporting_register(prdev);
	if (err)
		return err;
	WRITE_ONCE(page_reporting_order, order);
	now = READ_ONCE(page_reporting_order);
	if (now == order)
		return 0;
	pr_err("page_reporting_order is %u right after setting it to %u: something else sets it (/sys/module/page_reporting/parameters/page_reporting_order?); leave it alone and retry\n",
	       now, order);
	page_reporting_unregister(prdev);
	return -EIO;
}

/* Give the next driver (virtio_balloon) the order it would have had. */
static inline void imr_page_reporting_unregister(struct page_reporting_dev_info *prdev,
						 unsigned int prev)
{
	page_reporting_unregister(prdev);
	WRITE_ONCE(page_reporting_order, prev);
}
#else
#include <linux/magic.h>

/*
 * 6.1 exports no page_reporting_order; page_reporting_register() sets it
 * to prdev->order ?: pageblock_order, so order 0 cannot be asked for that
 * way.  The variable is also the module parameter below, and writing that
 * file is the only exported way to change it: the same as an administrator
 * doing it by hand right after registration (param_set_uint, no locking
 * needed by readers, which only compare against it).
 */
#define IMR_PAGE_REPORTING_ORDER_PARAM \
	"/sys/module/page_reporting/parameters/page_reporting_order"

/*
 * filp_open() resolves /sys in the caller's mount namespace (insmod's, or
 * the writer of min_order's): only a file on sysfs is the kernel's
 * parameter, not whatever a container put at that path.
 */
static inline struct file *imr_order_param_open(int flags)
{
	struct file *f = filp_open(IMR_PAGE_REPORTING_ORDER_PARAM, flags, 0);

	if (!IS_ERR(f) && file_inode(f)->i_sb->s_magic != SYSFS_MAGIC) {
		filp_close(f, NULL);
		return ERR_PTR(-ENOENT);
	}
	return f;
}

static inline int imr_order_param_write(unsigned int order)
{
	struct file *f;
	loff_t pos = 0;
	char buf[12];
	ssize_t n;
	int len;

	len = scnprintf(buf, sizeof(buf), "%u", order);
	f = imr_order_param_open(O_WRONLY);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, buf, len, &pos);
	filp_close(f, NULL);
	return n < 0 ? (int)n : 0;
}

/* The same file shows the variable itself (param_get_uint). */
static inline int imr_order_param_read(unsigned int *order)
{
	struct file *f;
	loff_t pos = 0;
	char buf[12];
	ssize_t n;

	f = imr_order_param_open(O_RDONLY);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return kstrtouint(buf, 10, order);
}

/* Write @order and check that it took effect. */
static inline int imr_page_reporting_order_param(unsigned int order)
{
	unsigned int now;
	int err;

	err = imr_order_param_write(order) ?: imr_order_param_read(&now);
	if (err) {
		pr_err("cannot set page_reporting_order to %u through %s: %d (no sysfs at /sys in this mount namespace?); load imr_guest or write min_order from the initial namespace\n",
		       order, IMR_PAGE_REPORTING_ORDER_PARAM, err);
		return err;
	}
	if (now == order)
		return 0;
	pr_err("page_reporting_order reads %u after writing %u to %s: something else sets it; leave it alone and retry\n",
	       now, order, IMR_PAGE_REPORTING_ORDER_PARAM);
	return -EIO;
}

static inline int imr_page_reporting_register(struct page_reporting_dev_info *prdev,
					      unsigned int order, unsigned int *prev)
{
	int err;

	*prev = 0;	/* every registration sets the order anew */
	prdev->order = order;
	err = page_reporting_register(prdev);
	if (err || order)
		return err;
	err = imr_page_reporting_order_param(0);
	if (err)
		page_reporting_unregister(prdev);
	return err;
}

static inline void imr_page_reporting_unregister(struct page_reporting_dev_info *prdev,
						 unsigned int prev)
{
	page_reporting_unregister(prdev);
}
#endif /* IMR_HAVE_PAGE_REPORTING_ORDER_EXPORT */
#endif /* IMR_GUEST */

#endif /* IMR_COMPAT_H */
