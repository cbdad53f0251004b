/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure checks of an IMR report: no KVM, no mm, so KUnit can test them.
 * Every function returns 0 or a positive IMR_E* code (the caller negates).
 */
#ifndef IMR_VALIDATE_H
#define IMR_VALIDATE_H

#include <linux/types.h>

#include "imr_abi.h"

/* What the caller's memslot lookup reports about the slot holding a gfn. */
struct imr_slot {
	u64 base_gfn;
	u64 npages;
	u64 userspace_addr;
	bool ram;		/* writable user RAM: droppable */
};

/* Fill @slot for the memslot that contains @gfn; false if there is none. */
typedef bool (*imr_slot_lookup_t)(void *ctx, u64 gfn, struct imr_slot *slot);

/* One validated range, resolved to the host virtual address backing it. */
struct imr_span {
	u64 gpa;
	u64 hva;
	u64 len;
};

/*
 * What decides whether a report is admitted, gathered by the caller from
 * KVM before any guest memory is read (see imr_admit_report()).
 */
struct imr_admit {
	u64 gpa;		/* of the guest's range array */
	u64 count;		/* ranges in it */
	u64 flags;		/* none defined: must be 0 */
	bool enabled;		/* IMR on, globally and for this VM */
	bool assigned_device;	/* a device (VFIO) is assigned to the VM */
	bool encrypted;		/* SEV/SEV-ES/SNP: asked for memory encryption */
	bool own_mm;		/* caller runs in the VM's address space */
};

int imr_validate_array(u64 gpa, u64 count);
int imr_admit_report(const struct imr_admit *a);
int imr_validate_ranges(const struct imr_range *ranges, unsigned int count,
			imr_slot_lookup_t lookup, void *ctx,
			struct imr_span *spans);

#endif /* IMR_VALIDATE_H */
