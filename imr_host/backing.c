// SPDX-License-Identifier: GPL-2.0
/*
 * The backings IMR may drop.  Anything not named here is left alone, as
 * the ABI allows (common/imr_abi.h: "deliberately left alone").
 */
#include "backing.h"

/*
 * userfaultfd: QEMU's background snapshots write-protect guest RAM with
 * uffd-wp and postcopy migration fills it through uffd.  A zap of
 * anonymous memory leaves no uffd-wp marker (mm_inline.h,
 * pte_install_uffd_wp_if_needed() returns early for anonymous VMAs), so a
 * snapshot would save what the guest writes later instead of what was
 * there at its start, and postcopy never requests a page again that it
 * had placed, so the vCPU would wait for ever.  Never touch such a VMA.
 *
 * hugetlb: a zapped or punched huge page goes back to the hugetlb pool,
 * not to the host.  6.1 does not restore a private mapping's reservation
 * on zap (fixed in 6.9), so another VM may take the page and the owner's
 * refault stalls or gets SIGBUS; a hole punch releases the reservation on
 * both kernels.  Only a host that sized its pool for it opts in.
 */
static int imr_hugetlb_kind(const struct imr_vma_facts *f)
{
	if (!f->hugetlb_enabled || !f->hugetlbfs || !f->writable)
		return IMR_KIND_SKIP;
	return f->shared ? IMR_KIND_HUGETLB_FILE : IMR_KIND_HUGETLB;
}

int imr_backing_kind(const struct imr_vma_facts *f)
{
	if (f->special || f->uffd)
		return IMR_KIND_SKIP;
	if (f->hugetlb)
		return imr_hugetlb_kind(f);
	/* A private mapping the VMM cannot write is not guest RAM it owns. */
	if (!f->writable)
		return IMR_KIND_SKIP;
	if (f->anonymous && !f->shared)
		return IMR_KIND_ANON;
	if (f->shared && f->tmpfs)
		return IMR_KIND_SHMEM;
	return IMR_KIND_SKIP;
}
