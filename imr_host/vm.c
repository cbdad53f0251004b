// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM state, created on a VM's first IMR hypercall and dropped when KVM
 * destroys the VM.
 *
 * The table is keyed by the struct kvm pointer.  imr_vm_forget() runs in the
 * kvm_arch_destroy_vm kprobe's pre-handler: an ftrace-based kprobe (hook.c
 * refuses any other), so process context with preemption disabled.  It may
 * take a spinlock and queue work but not sleep, so it only unlinks the entry
 * and leaves the sysfs removal, which sleeps, to a work item.  Because the
 * entry leaves the table before KVM frees the struct kvm, a new VM that gets
 * the same address never finds the old entry.  No hypercall can race with
 * the destruction: every vCPU holds a reference on its VM.
 *
 * A second, smaller table marks VMs that asked KVM for memory encryption
 * (SEV and SEV-ES through KVM_MEMORY_ENCRYPT_OP, hook.c).  The mark is set
 * from a kprobe, before the VM may have made any IMR call, so it cannot
 * live in struct imr_vm (whose creation sleeps); it is a GFP_ATOMIC node,
 * and if one cannot be had every VM counts as encrypted from then on:
 * refusing all reports is the safe side.
 */
#include <linux/hashtable.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "imr_host.h"

#define IMR_VM_HASH_BITS	6

static DEFINE_HASHTABLE(imr_vms, IMR_VM_HASH_BITS);
static DEFINE_SPINLOCK(imr_vms_lock);	/* the table; never sleep under it */
static DEFINE_MUTEX(imr_vms_create);	/* one creator: no duplicates */
static struct workqueue_struct *imr_vm_wq;
static struct kobject *imr_vms_kobj;
static atomic_t imr_vm_seq = ATOMIC_INIT(0);

struct imr_mark {
	struct hlist_node node;
	const struct kvm *kvm;		/* key only: never dereferenced */
};

static DEFINE_HASHTABLE(imr_marks, IMR_VM_HASH_BITS);	/* imr_vms_lock */
static bool imr_marks_lost;				/* imr_vms_lock */

static void imr_vm_release(struct kobject *kobj)
{
	struct imr_vm *vm = container_of(kobj, struct imr_vm, kobj);

	mutex_destroy(&vm->call_lock);
	kvfree(vm->call);
	kfree(vm);
}

static const struct kobj_type imr_vm_ktype = {
	.release = imr_vm_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = imr_stats_groups,
};

struct imr_stats *imr_vm_stats(struct kobject *kobj)
{
	return &container_of(kobj, struct imr_vm, kobj)->stats;
}

/* Caller holds imr_vms_lock. */
static struct imr_vm *imr_vm_find(const struct kvm *kvm)
{
	struct imr_vm *vm;

	hash_for_each_possible(imr_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

static struct imr_vm *imr_vm_lookup(const struct kvm *kvm)
{
	struct imr_vm *vm;

	spin_lock(&imr_vms_lock);
	vm = imr_vm_find(kvm);
	if (vm)
		kobject_get(&vm->kobj);
	spin_unlock(&imr_vms_lock);
	return vm;
}

static void imr_vm_del_work(struct work_struct *work)
{
	struct imr_vm *vm = container_of(work, struct imr_vm, del_work);

	kobject_del(&vm->kobj);
	kobject_put(&vm->kobj);
}

/* New entry with two references: the table's and the caller's. */
static struct imr_vm *imr_vm_create(const struct kvm *kvm)
{
	struct imr_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return NULL;
	vm->kvm = kvm;
	vm->id = atomic_inc_return(&imr_vm_seq);
	vm->stats.enabled = true;
	spin_lock_init(&vm->rate_lock);
	mutex_init(&vm->call_lock);
	INIT_WORK(&vm->del_work, imr_vm_del_work);
	if (kobject_init_and_add(&vm->kobj, &imr_vm_ktype, imr_vms_kobj,
				 "%d-%u", task_tgid_nr(current), vm->id)) {
		kobject_put(&vm->kobj);
		return NULL;
	}
	kobject_get(&vm->kobj);
	spin_lock(&imr_vms_lock);
	hash_add(imr_vms, &vm->node, (unsigned long)kvm);
	spin_unlock(&imr_vms_lock);
	return vm;
}

/* The VM's entry with a reference, created if needed; NULL on ENOMEM. */
struct imr_vm *imr_vm_get(struct kvm *kvm)
{
	struct imr_vm *vm;

	vm = imr_vm_lookup(kvm);
	if (vm)
		return vm;
	mutex_lock(&imr_vms_create);
	vm = imr_vm_lookup(kvm);
	if (!vm)
		vm = imr_vm_create(kvm);
	mutex_unlock(&imr_vms_create);
	return vm;
}

void imr_vm_put(struct imr_vm *vm)
{
	if (vm)
		kobject_put(&vm->kobj);
}

/* Is this call within the VM's ceilings (rate.c)?  Charges it if so. */
bool imr_vm_admit_rate(struct imr_vm *vm, u64 bytes)
{
	struct imr_rate_limit lim = {
		.calls_per_s = READ_ONCE(imr_rate_limit.calls_per_s),
		.bytes_per_s = READ_ONCE(imr_rate_limit.bytes_per_s),
	};
	bool ok;

	if (!vm)
		return true;
	spin_lock(&vm->rate_lock);
	ok = imr_rate_admit(&vm->rate, &lim, ktime_get_ns(), bytes);
	spin_unlock(&vm->rate_lock);
	return ok;
}

/* Caller holds imr_vms_lock. */
static struct imr_mark *imr_mark_find(const struct kvm *kvm)
{
	struct imr_mark *m;

	hash_for_each_possible(imr_marks, m, node, (unsigned long)kvm)
		if (m->kvm == kvm)
			return m;
	return NULL;
}

/* Atomic context (a kprobe pre-handler). */
void imr_vm_mark_encrypted(const struct kvm *kvm)
{
	struct imr_mark *m = kmalloc(sizeof(*m), GFP_ATOMIC);

	spin_lock(&imr_vms_lock);
	if (imr_mark_find(kvm)) {
		kfree(m);
	} else if (m) {
		m->kvm = kvm;
		hash_add(imr_marks, &m->node, (unsigned long)kvm);
	} else if (!imr_marks_lost) {
		imr_marks_lost = true;
		pr_err("out of memory marking an encrypted VM: refusing every VM's reports until imr_host is reloaded\n");
	}
	spin_unlock(&imr_vms_lock);
}

bool imr_vm_encrypted(const struct kvm *kvm)
{
	bool marked;

	spin_lock(&imr_vms_lock);
	marked = imr_marks_lost || imr_mark_find(kvm);
	spin_unlock(&imr_vms_lock);
	return marked;
}

/* Atomic context (see the top of this file): unlink, defer the rest. */
void imr_vm_forget(const struct kvm *kvm)
{
	struct imr_mark *m;
	struct imr_vm *vm;

	spin_lock(&imr_vms_lock);
	vm = imr_vm_find(kvm);
	if (vm)
		hash_del(&vm->node);
	m = imr_mark_find(kvm);
	if (m)
		hash_del(&m->node);
	spin_unlock(&imr_vms_lock);
	kfree(m);
	if (vm)
		queue_work(imr_vm_wq, &vm->del_work);
}

int imr_vm_init(struct kobject *parent)
{
	imr_vm_wq = alloc_workqueue("imr_host_vm", 0, 0);
	if (!imr_vm_wq)
		return -ENOMEM;
	imr_vms_kobj = kobject_create_and_add("vms", parent);
	if (!imr_vms_kobj) {
		destroy_workqueue(imr_vm_wq);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Called once no hook can run any more (hook.c has drained them), so the
 * table is ours alone; destroy_workqueue() finishes the pending removals.
 */
void imr_vm_exit(void)
{
	struct hlist_node *tmp;
	struct imr_mark *m;
	struct imr_vm *vm;
	int bkt;

	destroy_workqueue(imr_vm_wq);
	hash_for_each_safe(imr_vms, bkt, tmp, vm, node) {
		hash_del(&vm->node);
		kobject_del(&vm->kobj);
		kobject_put(&vm->kobj);
	}
	hash_for_each_safe(imr_marks, bkt, tmp, m, node) {
		hash_del(&m->node);
		kfree(m);
	}
	kobject_put(imr_vms_kobj);
}
