/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which backing of a reported range may be dropped, and how: a pure
 * decision on facts drop.c reads from the VMA, so KUnit can test it.
 */
#ifndef IMR_BACKING_H
#define IMR_BACKING_H

#include <linux/types.h>

/* How a piece of a reported range was handled (imr_host:reclaim kind). */
#define IMR_KIND_SKIP		0	/* backing left alone */
#define IMR_KIND_ANON		1	/* private anonymous: zapped */
#define IMR_KIND_SHMEM		2	/* shmem/memfd: hole punched */
#define IMR_KIND_HUGETLB	3	/* private hugetlb: whole pages zapped */
#define IMR_KIND_HUGETLB_FILE	4	/* shared hugetlbfs: hole punched */

/* What drop.c knows about the VMA holding a piece. */
struct imr_vma_facts {
	bool special;		/* VM_LOCKED, VM_PFNMAP, VM_IO or VM_MIXEDMAP */
	bool shared;		/* VM_SHARED */
	bool writable;		/* VM_WRITE */
	bool anonymous;		/* vma_is_anonymous() */
	bool hugetlb;		/* is_vm_hugetlb_page() */
	bool hugetlbfs;		/* its file is on hugetlbfs */
	bool tmpfs;		/* its file is on tmpfs (shmem, memfd) */
	bool uffd;		/* userfaultfd_armed(): snapshot or postcopy */
	bool hugetlb_enabled;	/* the host's opt-in (sysfs hugetlb_enabled) */
};

int imr_backing_kind(const struct imr_vma_facts *f);

#endif /* IMR_BACKING_H */
