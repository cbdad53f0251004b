// SPDX-License-Identifier: GPL-2.0
/*
 * Pages that something holds pinned (FOLL_PIN) must keep their backing:
 * a device, vhost-vdpa, legacy SEV, RDMA or an io_uring fixed buffer goes
 * on reading and writing the pinned page after a zap, while the guest gets
 * a fresh one.  kvm_arch_has_assigned_device() sees only VFIO devices
 * known to KVM, so report.c's refusal of those VMs is not enough.
 *
 * MMF_HAS_PINNED says whether anything in the mm was ever pinned; it is
 * never cleared, and on 6.12 O_DIRECT disk I/O into guest RAM sets it too
 * (QEMU with cache=none), so it only decides whether to look.  Looking is
 * per folio: get_user_pages_fast_only() takes a reference on each present
 * page without faulting anything in (an absent page holds nothing pinned)
 * and folio_maybe_dma_pinned() reads its pin count.  The reference taken
 * here is FOLL_GET, not a pin, and is dropped at once.
 *
 * What this cannot see: a pin taken after the look and before the zap
 * (GUP-fast pins without the mmap lock, and slow GUP takes it shared, as
 * we do).  docs/SECURITY.md.
 */
#include <linux/mm.h>
#include <linux/sched/coredump.h>

#include "compat.h"
#include "imr_host.h"

bool imr_mm_may_pin(struct mm_struct *mm)
{
	return test_bit(MMF_HAS_PINNED, &mm->flags);
}

/*
 * Under the mmap lock.  The first pinned page in [start, end), or end; in
 * *pin_end the end of the run of pinned pages that starts there (as far
 * as one batch sees).
 */
unsigned long imr_next_pinned(unsigned long start, unsigned long end,
			      struct page **pages, unsigned long *pin_end)
{
	unsigned long addr = start, found = end;
	int i, n;

	*pin_end = end;
	while (addr < end && found == end) {
		n = min_t(unsigned long, (end - addr) >> PAGE_SHIFT, IMR_PIN_BATCH);
		n = get_user_pages_fast_only(addr, n, 0, pages);
		if (n <= 0) {		/* not present: nothing pinned there */
			addr += PAGE_SIZE;
			continue;
		}
		for (i = 0; i < n; i++) {
			bool pinned = folio_maybe_dma_pinned(page_folio(pages[i]));

			if (pinned && found == end)
				found = addr + ((unsigned long)i << PAGE_SHIFT);
			else if (!pinned && found != end && *pin_end == end)
				*pin_end = addr + ((unsigned long)i << PAGE_SHIFT);
			put_page(pages[i]);
		}
		addr += (unsigned long)n << PAGE_SHIFT;
		if (found != end && *pin_end == end)
			*pin_end = addr;
	}
	return found;
}
