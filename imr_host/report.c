// SPDX-License-Identifier: GPL-2.0
/*
 * IMR_OP_REPORT: read the guest's array, validate every range (validate.c),
 * check the VM's ceilings (rate.c), and only if all is good drop them
 * (drop.c).  A refused call drops nothing.
 */
#include <linux/kvm_host.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "compat.h"
#include "imr_host.h"
#include "trace.h"
#include "validate.h"

/*
 * One call's working set (14 KiB): too big for the stack, and too big (an
 * order-2 block) to allocate on every call of a host short of memory.  One
 * per VM, allocated at its first report and freed with it (vm.c).  A
 * guest's reports come from one page_reporting work item, one at a time:
 * they all use it.
 */
struct imr_call {
	struct imr_range ranges[IMR_MAX_RANGES];
	struct imr_span spans[IMR_MAX_RANGES];
	struct page *pages[IMR_PIN_BATCH];	/* drop.c's scratch */
};

void imr_stat_add(struct imr_vm *vm, enum imr_stat stat, u64 n)
{
	atomic64_add(n, &imr_global.count[stat]);
	if (vm)
		atomic64_add(n, &vm->stats.count[stat]);
}

bool imr_enabled(const struct imr_vm *vm)
{
	return READ_ONCE(imr_global.enabled) && vm && READ_ONCE(vm->stats.enabled);
}

/* Only writable user RAM slots, in address space 0, count as droppable. */
static bool imr_slot_lookup(void *ctx, u64 gfn, struct imr_slot *slot)
{
	struct kvm_memory_slot *ms = gfn_to_memslot(ctx, gfn);

	BUILD_BUG_ON(PAGE_SIZE != IMR_PAGE_SIZE);
	if (!ms)
		return false;
	slot->base_gfn = ms->base_gfn;
	slot->npages = ms->npages;
	slot->userspace_addr = ms->userspace_addr;
	slot->ram = ms->id < KVM_USER_MEM_SLOTS &&
		    !(ms->flags & (KVM_MEM_READONLY | KVM_MEM_GUEST_MEMFD |
				   KVM_MEMSLOT_INVALID));
	return true;
}

/*
 * Gather from KVM what imr_admit_report() decides on, before any guest
 * memory is read.  The facts are cheap reads with no side effects.
 */
static long imr_report_admit(struct kvm_vcpu *vcpu, const struct imr_vm *vm,
			     unsigned long gpa, unsigned long count,
			     unsigned long flags)
{
	const struct imr_admit a = {
		.gpa = gpa,
		.count = count,
		.flags = flags,
		.enabled = imr_enabled(vm),
		.assigned_device = kvm_arch_has_assigned_device(vcpu->kvm),
		.encrypted = imr_kvm_protected_type(vcpu->kvm) ||
			     imr_vm_encrypted(vcpu->kvm),
		.own_mm = current->mm == vcpu->kvm->mm,
	};

	return -imr_admit_report(&a);
}

static u64 imr_spans_bytes(const struct imr_span *spans, unsigned int count)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < count; i++)
		bytes += spans[i].len;
	return bytes;
}

static long imr_report_call(struct kvm_vcpu *vcpu, struct imr_vm *vm,
			    struct imr_call *call, unsigned long gpa,
			    unsigned int count)
{
	int err;

	if (kvm_vcpu_read_guest(vcpu, gpa, call->ranges,
				count * sizeof(call->ranges[0])))
		return -IMR_EFAULT;
	err = imr_validate_ranges(call->ranges, count, imr_slot_lookup,
				  vcpu->kvm, call->spans);
	if (err)
		return -err;
	if (!imr_vm_admit_rate(vm, imr_spans_bytes(call->spans, count))) {
		imr_stat_add(vm, IMR_STAT_RATE_LIMITED, 1);
		return -IMR_EBUSY;
	}
	return 0;
}

static void imr_report_account(struct imr_vm *vm, unsigned long count,
			       long ret, const struct imr_drop_total *total)
{
	if (ret) {
		imr_stat_add(vm, IMR_STAT_ERRORS, 1);
		if (count <= IMR_MAX_RANGES)
			imr_stat_add(vm, IMR_STAT_REJECTED_RANGES, count);
		return;
	}
	imr_stat_add(vm, IMR_STAT_REPORTS, 1);
	imr_stat_add(vm, IMR_STAT_RANGES, count);
	imr_stat_add(vm, IMR_STAT_RECLAIMED_BYTES, total->dropped);
	imr_stat_add(vm, IMR_STAT_SKIPPED_BYTES, total->skipped);
	imr_stat_add(vm, IMR_STAT_PINNED_BYTES, total->pinned);
	imr_stat_add(vm, IMR_STAT_SPLIT_BYTES, total->split);
	imr_stat_add(vm, IMR_STAT_HUGETLB_BYTES, total->hugetlb);
}

/* With vm->call_lock held: the VM's buffer, allocated on first use. */
static struct imr_call *imr_report_buffer(struct imr_vm *vm)
{
	if (!vm->call)
		vm->call = kvmalloc(sizeof(*vm->call), GFP_KERNEL_ACCOUNT);
	return vm->call;
}

/*
 * Admitted: read, validate and drop, with the VM's buffer.  When another
 * vCPU of the VM holds it (a guest with several reporters, or a hostile
 * one), this call gets a buffer of its own, as every call did before,
 * rather than waiting for the other: a vCPU waits here inside KVM_RUN,
 * holding kvm->srcu, and N vCPUs queued on one buffer would make a
 * memslot update or a pause of the VM wait N reports long.
 */
static long imr_report_locked(struct kvm_vcpu *vcpu, struct imr_vm *vm,
			      unsigned long gpa, unsigned int count,
			      struct imr_drop_total *total)
{
	bool shared = mutex_trylock(&vm->call_lock);
	struct imr_call *own = NULL, *call;
	long ret;

	if (!shared)
		own = kvmalloc(sizeof(*own), GFP_KERNEL_ACCOUNT);
	call = shared ? imr_report_buffer(vm) : own;
	ret = call ? imr_report_call(vcpu, vm, call, gpa, count) : -IMR_EBUSY;
	if (!ret)
		imr_drop(vm, call->spans, count, call->pages, total);
	kvfree(own);
	if (shared)
		mutex_unlock(&vm->call_lock);
	return ret;
}

long imr_report(struct kvm_vcpu *vcpu, struct imr_vm *vm, unsigned long gpa,
		unsigned long count, unsigned long flags)
{
	struct imr_drop_total total = { 0 };
	long ret;

	/* Admitted means vm is set and count <= IMR_MAX_RANGES. */
	ret = imr_report_admit(vcpu, vm, gpa, count, flags);
	if (!ret)
		ret = imr_report_locked(vcpu, vm, gpa, count, &total);
	imr_report_account(vm, count, ret, &total);
	trace_report(vm ? vm->id : 0, count, ret);
	return ret;
}
