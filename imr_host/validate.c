// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of an IMR report, all of it before anything is dropped: a call
 * that fails here drops nothing.  Kept free of KVM headers for KUnit.
 */
#include <linux/kernel.h>
#include <linux/sort.h>

#include "imr_abi.h"
#include "validate.h"

#define IMR_PAGE_MASK	(IMR_PAGE_SIZE - 1)
#define IMR_PAGE_SHIFT	12

/* The array itself: 1..IMR_MAX_RANGES entries inside one guest page. */
int imr_validate_array(u64 gpa, u64 count)
{
	if (!count)
		return IMR_EINVAL;
	if (count > IMR_MAX_RANGES)
		return IMR_E2BIG;
	if ((gpa & IMR_PAGE_MASK) + count * IMR_RANGE_SIZE > IMR_PAGE_SIZE)
		return IMR_EFAULT;
	return 0;
}

/*
 * Everything that can refuse a report before the guest's array is read.
 * When several apply, the first check below decides the code: a malformed
 * call gets its own code whatever the VM's state, so a guest bug is never
 * hidden behind a refusal it could not have avoided.
 */
int imr_admit_report(const struct imr_admit *a)
{
	int err;

	if (a->flags)
		return IMR_EINVAL;
	err = imr_validate_array(a->gpa, a->count);
	if (err)
		return err;
	if (!a->enabled)
		return IMR_EBUSY;
	/*
	 * An assigned (VFIO) device may DMA into guest RAM through IOMMU
	 * mappings that pin the pages.  A drop would free nothing and split
	 * the two views: the guest's next touch gets a fresh zero page while
	 * the device keeps reading and writing the old one.  Refuse for good.
	 */
	if (a->assigned_device)
		return IMR_EREFUSED;
	/*
	 * Every MMU-notifier invalidation of an SEV or SEV-ES VM ends in
	 * sev_guest_memory_reclaimed() -> wbinvd_on_all_cpus(): a guest could
	 * flush every host CPU's caches at will, even with a range whose zap
	 * frees nothing.  Its memory is encrypted and often pinned anyway.
	 * Refuse before anything is read or zapped.
	 */
	if (a->encrypted)
		return IMR_EREFUSED;
	/*
	 * The drop zaps host virtual addresses in current->mm; they belong
	 * to the VM's mm, so any other caller must not touch them.
	 */
	if (!a->own_mm)
		return IMR_EFAULT;
	return 0;
}

/* Alignment, length and wrap-around of one range. */
static int imr_validate_shape(u64 gpa, u64 len)
{
	if (!len || ((gpa | len) & IMR_PAGE_MASK))
		return IMR_EINVAL;
	if (gpa + len < gpa)
		return IMR_EINVAL;
	return 0;
}

/* The range must lie wholly inside one RAM memslot; resolve its hva. */
static int imr_validate_slot(u64 gpa, u64 len, imr_slot_lookup_t lookup,
			     void *ctx, struct imr_span *span)
{
	u64 gfn = gpa >> IMR_PAGE_SHIFT;
	u64 npages = len >> IMR_PAGE_SHIFT;
	struct imr_slot slot;

	if (!lookup(ctx, gfn, &slot) || !slot.ram)
		return IMR_ERANGE;
	if (gfn < slot.base_gfn || gfn - slot.base_gfn > slot.npages ||
	    npages > slot.npages - (gfn - slot.base_gfn))
		return IMR_ERANGE;
	span->gpa = gpa;
	span->len = len;
	span->hva = slot.userspace_addr +
		    ((gfn - slot.base_gfn) << IMR_PAGE_SHIFT);
	return 0;
}

static int imr_span_cmp(const void *a, const void *b)
{
	const struct imr_span *x = a, *y = b;

	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return 0;
}

/* Sort by gpa, then any overlap shows up between neighbours. */
static int imr_validate_overlap(struct imr_span *spans, unsigned int count)
{
	unsigned int i;

	sort(spans, count, sizeof(*spans), imr_span_cmp, NULL);
	for (i = 1; i < count; i++)
		if (spans[i].gpa < spans[i - 1].gpa + spans[i - 1].len)
			return IMR_EINVAL;
	return 0;
}

/*
 * Check @count ranges (count already checked by imr_validate_array()) and
 * fill @spans, sorted by gpa.  The first failing range decides the code.
 */
int imr_validate_ranges(const struct imr_range *ranges, unsigned int count,
			imr_slot_lookup_t lookup, void *ctx,
			struct imr_span *spans)
{
	unsigned int i;
	int err;

	for (i = 0; i < count; i++) {
		u64 gpa = le64_to_cpu(ranges[i].gpa);
		u64 len = le64_to_cpu(ranges[i].len);

		err = imr_validate_shape(gpa, len);
		if (!err)
			err = imr_validate_slot(gpa, len, lookup, ctx,
						&spans[i]);
		if (err)
			return err;
	}
	return imr_validate_overlap(spans, count);
}
