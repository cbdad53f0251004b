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

/* ---- guest side (imr_guest) ---- */

#endif /* IMR_COMPAT_H */
