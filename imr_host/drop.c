// SPDX-License-Identifier: GPL-2.0
/*
 * Dropping the host memory behind validated ranges, in the calling VMM's own
 * address space (current->mm == kvm->mm, checked by report.c).
 *
 * A range is walked in pieces, each inside one VMA and handled by what backs
 * it (backing.c decides): private anonymous memory is zapped; shmem/memfd
 * and, where the host opted in, shared hugetlbfs get a hole punched in the
 * file (a zap would free nothing); private hugetlb is zapped in whole huge
 * pages.  Anything else is left alone, as the ABI allows.  Pages that
 * something holds pinned are left alone too (pin.c): in an anonymous piece
 * page by page, in any other piece the whole piece.  Every zap goes
 * through KVM's MMU notifier, so the guest's next touch faults in a zero
 * page.  The mmap lock is taken per piece, for at most IMR_DROP_CHUNK
 * bytes (or one huge page), and dropped before any hole punch.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/hugetlb.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>

#include <linux/userfaultfd_k.h>

#include "compat.h"
#include "backing.h"
#include "imr_host.h"
#include "trace.h"
#include "validate.h"

#define IMR_DROP_CHUNK		(32UL << 20)
#define IMR_SKIP_FLAGS		(VM_LOCKED | VM_PFNMAP | VM_IO | VM_MIXEDMAP)

/* What to do with [start, end) of the VMA found at start. */
struct imr_piece {
	unsigned long start, end;
	int kind;			/* IMR_KIND_*, backing.h */
	struct vm_area_struct *vma;	/* valid under the mmap lock only */
	struct file *file;		/* referenced: hole punching */
	loff_t off;
	u64 pinned;			/* bytes of it left alone: pinned */
	u64 split;			/* bytes zapped inside a huge page */
};

static bool imr_file_magic(struct vm_area_struct *vma, unsigned long magic)
{
	return vma->vm_file && file_inode(vma->vm_file)->i_sb->s_magic == magic;
}

static int imr_vma_kind(struct vm_area_struct *vma)
{
	const struct imr_vma_facts f = {
		.special = vma->vm_flags & IMR_SKIP_FLAGS,
		.shared = vma->vm_flags & VM_SHARED,
		.writable = vma->vm_flags & VM_WRITE,
		.anonymous = vma_is_anonymous(vma),
		.hugetlb = is_vm_hugetlb_page(vma),
		.hugetlbfs = imr_file_magic(vma, HUGETLBFS_MAGIC),
		.tmpfs = imr_file_magic(vma, TMPFS_MAGIC),
		.uffd = userfaultfd_armed(vma),
		.hugetlb_enabled = READ_ONCE(imr_hugetlb_enabled),
	};

	return imr_backing_kind(&f);
}

/* Huge pages: only whole, aligned ones; the unaligned head is skipped. */
static void imr_plan_huge(struct imr_piece *p, unsigned long end)
{
	unsigned long h = huge_page_size(hstate_vma(p->vma));
	unsigned long first = ALIGN(p->start, h);
	unsigned long last = ALIGN_DOWN(end, h);

	if (first >= last) {
		p->end = end;
		p->kind = IMR_KIND_SKIP;
	} else if (first > p->start) {
		p->end = first;
		p->kind = IMR_KIND_SKIP;
	} else {
		p->end = min(last, p->start + max(IMR_DROP_CHUNK, h));
	}
}

/*
 * A piece that is not zapped page by page keeps all of it if anything in
 * it is pinned: a punched hole or a partial huge page would split the
 * device's view from the guest's just the same.
 */
static bool imr_piece_pinned(struct mm_struct *mm, struct imr_piece *p,
			     struct page **pages)
{
	unsigned long pin_end;

	if (!imr_mm_may_pin(mm) ||
	    imr_next_pinned(p->start, p->end, pages, &pin_end) == p->end)
		return false;
	p->pinned = p->end - p->start;
	p->kind = IMR_KIND_SKIP;
	return true;
}

/* Under the mmap lock: the piece starting at hva, at most up to end. */
static void imr_plan(struct mm_struct *mm, unsigned long hva,
		     unsigned long end, struct imr_piece *p, struct page **pages)
{
	struct vm_area_struct *vma = find_vma(mm, hva);

	*p = (struct imr_piece){ .start = hva, .vma = vma, .kind = IMR_KIND_SKIP };
	if (!vma || vma->vm_start >= end) {
		p->end = end;
		return;
	}
	if (vma->vm_start > hva) {
		p->end = vma->vm_start;
		return;
	}
	end = min(end, vma->vm_end);
	p->end = min(end, hva + IMR_DROP_CHUNK);
	p->kind = imr_vma_kind(vma);
	if (p->kind == IMR_KIND_HUGETLB || p->kind == IMR_KIND_HUGETLB_FILE)
		imr_plan_huge(p, end);
	if (p->kind == IMR_KIND_ANON || p->kind == IMR_KIND_SKIP ||
	    imr_piece_pinned(mm, p, pages))
		return;
	if (p->kind == IMR_KIND_SHMEM || p->kind == IMR_KIND_HUGETLB_FILE) {
		p->file = get_file(vma->vm_file);
		p->off = ((loff_t)vma->vm_pgoff << PAGE_SHIFT) +
			 (p->start - vma->vm_start);
	}
}

/* Like madvise(MADV_REMOVE), without the mmap lock. */
static int imr_punch(struct imr_piece *p)
{
	int err;

	err = vfs_fallocate(p->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    p->off, p->end - p->start);
	fput(p->file);
	if (err)
		pr_warn_ratelimited("hole punch failed: %d\n", err);
	return err;
}

/* Is the page at addr part of a large folio (a THP)?  Never faults. */
static bool imr_in_large_folio(unsigned long addr, struct page **pages)
{
	bool large;

	if (get_user_pages_fast_only(addr, 1, 0, pages) != 1)
		return false;
	large = folio_test_large(page_folio(pages[0]));
	put_page(pages[0]);
	return large;
}

/*
 * Bytes of [start, end) that a zap only unmaps: the parts that cover a
 * huge page partly.  The kernel frees such a page only when it splits it,
 * under memory pressure, so they are not counted as reclaimed.  One page
 * stands for each partial 2 MiB block: within one, a PMD-mapped THP backs
 * all of it.
 */
static u64 imr_split_bytes(unsigned long start, unsigned long end,
			   struct page **pages)
{
	unsigned long head = min(end, ALIGN(start, PMD_SIZE));
	unsigned long tail = max(head, ALIGN_DOWN(end, PMD_SIZE));
	u64 split = 0;

	if (head > start && imr_in_large_folio(start, pages))
		split += head - start;
	if (end > tail && imr_in_large_folio(tail, pages))
		split += end - tail;
	return split;
}

static void imr_zap_run(struct imr_piece *p, unsigned long start,
			unsigned long end, struct page **pages)
{
	if (start >= end)
		return;
	p->split += imr_split_bytes(start, end, pages);
	zap_page_range_single(p->vma, start, end - start, NULL);
}

/* Anonymous memory, page by page around what is pinned. */
static void imr_zap_anon(struct mm_struct *mm, struct imr_piece *p,
			 struct page **pages)
{
	unsigned long addr = p->start, pin, pin_end;

	if (!imr_mm_may_pin(mm)) {
		imr_zap_run(p, addr, p->end, pages);
		return;
	}
	while (addr < p->end) {
		pin = imr_next_pinned(addr, p->end, pages, &pin_end);
		imr_zap_run(p, addr, pin, pages);
		p->pinned += pin_end - pin;
		addr = pin_end;
	}
}

/* Handle one piece; false if the task is being killed. */
static bool imr_drop_piece(struct mm_struct *mm, unsigned long hva,
			   unsigned long end, struct imr_piece *p,
			   struct page **pages)
{
	if (mmap_read_lock_killable(mm))
		return false;
	imr_plan(mm, hva, end, p, pages);
	if (p->kind == IMR_KIND_ANON)
		imr_zap_anon(mm, p, pages);
	else if (p->kind == IMR_KIND_HUGETLB)
		zap_page_range_single(p->vma, p->start, p->end - p->start, NULL);
	mmap_read_unlock(mm);
	if (p->file && imr_punch(p))
		p->kind = IMR_KIND_SKIP;
	return true;
}

/* Where the bytes of a handled piece went. */
static void imr_piece_account(const struct imr_piece *p,
			      struct imr_drop_total *total)
{
	u64 len = p->end - p->start - p->pinned;

	total->pinned += p->pinned;
	switch (p->kind) {
	case IMR_KIND_SKIP:
		total->skipped += len;
		break;
	case IMR_KIND_HUGETLB:
	case IMR_KIND_HUGETLB_FILE:
		total->hugetlb += len;
		break;
	default:
		total->split += p->split;
		total->dropped += len - p->split;
		break;
	}
}

static void imr_drop_span(const struct imr_vm *vm, const struct imr_span *s,
			  struct page **pages, struct imr_drop_total *total)
{
	unsigned long hva = s->hva, end = s->hva + s->len;
	struct imr_piece p;

	while (hva < end) {
		if (!imr_drop_piece(current->mm, hva, end, &p, pages))
			break;
		trace_reclaim(vm->id, s->gpa + (p.start - s->hva),
			      p.end - p.start, p.kind);
		imr_piece_account(&p, total);
		hva = p.end;
		cond_resched();
	}
}

void imr_drop(const struct imr_vm *vm, const struct imr_span *spans,
	      unsigned int count, struct page **pages,
	      struct imr_drop_total *total)
{
	unsigned int i;

	for (i = 0; i < count && !fatal_signal_pending(current); i++)
		imr_drop_span(vm, &spans[i], pages, total);
}
