/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * IMR hypercall ABI, shared by imr_guest.ko, imr_host.ko and user-space tests.
 *
 * Modelled on uapi/linux/kvm_para.h.  Everything here is append-only: a
 * number, field or code, once released, is never reused or changed.
 *
 * Calling convention (KVM's): RAX = KVM_HC_IMR, RBX = a0, RCX = a1,
 * RDX = a2, RSI = a3; the result comes back in RAX.  Issued with VMMCALL
 * on AMD and VMCALL on Intel, from guest kernel mode (CPL 0) only.  Outside
 * 64-bit mode KVM truncates every register to 32 bits.
 *
 *   a0 = IMR_OP_PROBE, a1 = IMR_ABI_VERSION the guest speaks (>= 1)
 *     -> >= 0: IMR_PROBE_VERSION(r), IMR_PROBE_MAX_RANGES(r),
 *              IMR_PROBE_FEATURES(r) (IMR_FEAT_* bits).  The host answers
 *              with the highest version it speaks that is <= a1; the guest
 *              must check it.  a1 == 0 gets -IMR_EOPNOTSUPP.
 *     -> < 0:  -IMR_ENOSYS when no IMR host is there (KVM's own code for an
 *              unknown hypercall), -IMR_EPERM from guest user mode.
 *
 *   a0 = IMR_OP_REPORT, a1 = guest-physical address of an array of
 *        struct imr_range, a2 = number of entries (1..IMR_MAX_RANGES),
 *        a3 = flags (must be 0)
 *     -> 0 when every range was dropped (or, for a backing the host must
 *        keep, deliberately left alone); afterwards the guest's next touch of
 *        any dropped page reads zeros.  Memory left alone (a file or locked
 *        or I/O mapping, the unaligned part of a huge page) may still read
 *        its old contents: a guest must treat reported memory as undefined,
 *        never as zeroed.
 *     -> < 0 (-IMR_E*): the whole call was refused and nothing was dropped.
 *
 * The array must lie in guest RAM and not cross a page boundary
 * (IMR_MAX_RANGES entries fill exactly one 4 KiB page); otherwise the call
 * gets -IMR_EFAULT.  Each range is
 * 4 KiB aligned, non-empty, lies wholly inside one writable RAM memslot of
 * the calling VM, and no two ranges of one call overlap.
 */
#ifndef IMR_ABI_H
#define IMR_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint64_t __imr_le64;
#endif

#ifdef __KERNEL__
typedef __le64 __imr_le64;
#endif

/* "IMR" in ASCII: far away from upstream's KVM_HC_* 1..12. */
#define KVM_HC_IMR			0x494d52UL

/* a0: operations. */
#define IMR_OP_PROBE			0
#define IMR_OP_REPORT			1

#define IMR_ABI_VERSION			1

/* Probe result layout (always >= 0: bit 63 is never set). */
#define IMR_PROBE_VERSION(r)		((unsigned long)(r) & 0xffffUL)
#define IMR_PROBE_MAX_RANGES(r)		(((unsigned long)(r) >> 16) & 0xffffUL)
#define IMR_PROBE_FEATURES(r)		(((unsigned long)(r) >> 32) & 0x7fffffffUL)
#define IMR_PROBE_MAKE(ver, max, feat)					\
	(((unsigned long)(ver) & 0xffffUL) |				\
	 (((unsigned long)(max) & 0xffffUL) << 16) |			\
	 (((unsigned long)(feat) & 0x7fffffffUL) << 32))

/* Feature bits returned by the probe. */
#define IMR_FEAT_REPORT			(1U << 0)	/* IMR_OP_REPORT works */
#define IMR_FEAT_SHMEM			(1U << 1)	/* memfd/shmem hole punch */
#define IMR_FEAT_HUGETLB		(1U << 2)	/* whole hugetlb pages */

/* One reported range: little-endian, 16 bytes, naturally aligned. */
struct imr_range {
	__imr_le64 gpa;		/* guest-physical start, 4 KiB aligned */
	__imr_le64 len;		/* bytes, multiple of 4 KiB, > 0 */
};

#define IMR_RANGE_SIZE			16
#define IMR_PAGE_SIZE			4096UL
#define IMR_MAX_RANGES			(IMR_PAGE_SIZE / IMR_RANGE_SIZE)

/*
 * Return codes, returned negated in RAX.  Their own space, like KVM_E*:
 * where KVM has a code with the same meaning the number is KVM's.
 */
#define IMR_SUCCESS			0
#define IMR_EPERM			1	/* = KVM_EPERM: guest user mode */
#define IMR_EFAULT			14	/* = KVM_EFAULT: buffer not in guest RAM */
#define IMR_EBUSY			16	/* host disabled IMR for now; retry later */
#define IMR_EINVAL			22	/* = KVM_EINVAL: malformed call/range */
#define IMR_E2BIG			7	/* = KVM_E2BIG: count > IMR_MAX_RANGES */
#define IMR_ERANGE			34	/* range not inside one RAM memslot */
#define IMR_EOPNOTSUPP			95	/* = KVM_EOPNOTSUPP: op/version */
#define IMR_ENOSYS			1000	/* = KVM_ENOSYS: no IMR on host */
/* The VM's memory must never be dropped (assigned/VFIO device). */
#define IMR_EREFUSED			1001

#endif /* IMR_ABI_H */
