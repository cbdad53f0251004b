// SPDX-License-Identifier: GPL-2.0
/*
 * Dropping the host memory behind validated ranges, in the calling VMM's own
 * address space (current->mm == kvm->mm, checked by report.c).
 *
 * A range is walked in pieces, each inside one VMA and handled by what backs
 * it: private anonymous memory is zapped; shmem/memfd and shared hugetlbfs
 * get a hole punched in the file (a zap would free nothing); private hugetlb
 * is zapped in whole huge pages.  Anything else (other files, locked, PFN or
 * I/O mappings, partial huge pages) is left alone, as the ABI allows.  Every
 * zap goes through KVM's MMU notifier, so the guest's next touch faults in a
 * zero page.  The mmap lock is taken per piece, for at most IMR_DROP_CHUNK
 * bytes (or one huge page), and dropped before any hole punch.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/hugetlb.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "imr_host.h"
#include "trace.h"
#include "validate.h"

#define IMR_DROP_CHUNK		(32UL << 20)
#define IMR_SKIP_FLAGS		(VM_LOCKED | VM_PFNMAP | VM_IO | VM_MIXEDMAP)

/* What to do with [start, end) of the VMA found at start. */
struct imr_piece {
	unsigned long start, end;
	int kind;			/* IMR_KIND_*, trace.h */
	struct vm_area_struct *vma;	/* valid under the mmap lock only */
	struct file *file;		/* referenced: hole punching */
	loff_t off;
};

static bool imr_file_magic(struct vm_area_struct *vma, unsigned long magic)
{
	return vma->vm_file && file_inode(vma->vm_file)->i_sb->s_magic == magic;
}

static int imr_vma_kind(struct vm_area_struct *vma)
{
	bool shared_rw = (vma->vm_flags & (VM_SHARED | VM_WRITE)) ==
			 (VM_SHARED | VM_WRITE);

	if (vma->vm_flags & IMR_SKIP_FLAGS)
		return IMR_KIND_SKIP;
	if (is_vm_hugetlb_page(vma)) {
		if (!imr_file_magic(vma, HUGETLBFS_MAGIC))
			return IMR_KIND_SKIP;
		return shared_rw ? IMR_KIND_HUGETLB_FILE : IMR_KIND_HUGETLB;
	}
	if (vma_is_anonymous(vma) && !(vma->vm_flags & VM_SHARED))
		return IMR_KIND_ANON;
	if (shared_rw && imr_file_magic(vma, TMPFS_MAGIC))
		return IMR_KIND_SHMEM;
	return IMR_KIND_SKIP;
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

/* Under the mmap lock: the piece starting at hva, at most up to end. */
static void imr_plan(struct mm_struct *mm, unsigned long hva,
		     unsigned long end, struct imr_piece *p)
{
	struct vm_area_struct *vma = find_vma(mm, hva);

	p->start = hva;
	p->file = NULL;
	p->vma = vma;
	p->kind = IMR_KIND_SKIP;
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

/* Handle one piece; false if the task is being killed. */
static bool imr_drop_piece(struct mm_struct *mm, unsigned long hva,
			   unsigned long end, struct imr_piece *p)
{
	if (mmap_read_lock_killable(mm))
		return false;
	imr_plan(mm, hva, end, p);
	if (p->kind == IMR_KIND_ANON || p->kind == IMR_KIND_HUGETLB)
		zap_page_range_single(p->vma, p->start, p->end - p->start, NULL);
	mmap_read_unlock(mm);
	if (p->file && imr_punch(p))
		p->kind = IMR_KIND_SKIP;
	return true;
}

static void imr_drop_span(const struct imr_vm *vm, const struct imr_span *s,
			  struct imr_drop_total *total)
{
	unsigned long hva = s->hva, end = s->hva + s->len;
	struct imr_piece p;

	while (hva < end) {
		if (!imr_drop_piece(current->mm, hva, end, &p))
			break;
		trace_reclaim(vm->id, s->gpa + (p.start - s->hva),
			      p.end - p.start, p.kind);
		if (p.kind == IMR_KIND_SKIP)
			total->skipped += p.end - p.start;
		else
			total->dropped += p.end - p.start;
		hva = p.end;
		cond_resched();
	}
}

void imr_drop(const struct imr_vm *vm, const struct imr_span *spans,
	      unsigned int count, struct imr_drop_total *total)
{
	unsigned int i;

	for (i = 0; i < count && !fatal_signal_pending(current); i++)
		imr_drop_span(vm, &spans[i], total);
}
