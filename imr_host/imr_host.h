/* SPDX-License-Identifier: GPL-2.0 */
/* imr_host internals shared between its files. */
#ifndef IMR_HOST_H
#define IMR_HOST_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "imr_abi.h"
#include "rate.h"

struct kvm;
struct mm_struct;
struct page;
struct kvm_vcpu;
struct imr_span;
struct imr_call;

/*
 * Hypercall number the replacement hands to KVM to learn the caller's CPL
 * and operand width: unknown to KVM, so it answers -KVM_ENOSYS (CPL 0) or
 * -KVM_EPERM.  Not part of the ABI; never issued by a guest on purpose.
 */
#define IMR_HC_CPL_PROBE	0x494d52ffUL

/* Counters, global and per VM; each is one sysfs file. */
enum imr_stat {
	IMR_STAT_RECLAIMED_BYTES,	/* reported bytes IMR dropped */
	IMR_STAT_SKIPPED_BYTES,		/* reported bytes left alone (backing) */
	IMR_STAT_REPORTS,		/* report calls that succeeded */
	IMR_STAT_RANGES,		/* ranges in those calls */
	IMR_STAT_REJECTED_RANGES,	/* ranges in refused report calls */
	IMR_STAT_ERRORS,		/* report calls refused (result < 0) */
	IMR_STAT_PINNED_BYTES,		/* left alone: something holds them pinned */
	IMR_STAT_SPLIT_BYTES,		/* zapped inside a huge page: not freed yet */
	IMR_STAT_HUGETLB_BYTES,		/* huge pages given back to the hugetlb pool */
	IMR_STAT_RATE_LIMITED,		/* calls refused over the VM's ceilings */
	IMR_NR_STATS
};

struct imr_stats {
	bool enabled;
	atomic64_t count[IMR_NR_STATS];
};

/* One VM that has made an IMR hypercall; /sys/kernel/imr/host/vms/<pid>-<id>. */
struct imr_vm {
	struct kobject kobj;
	struct hlist_node node;		/* in the table, keyed by kvm */
	struct work_struct del_work;	/* removes the sysfs directory */
	const struct kvm *kvm;		/* key only: never dereferenced */
	unsigned int id;
	struct imr_stats stats;
	spinlock_t rate_lock;		/* the VM's vCPUs call at once */
	struct imr_rate rate;		/* under rate_lock */
	struct mutex call_lock;		/* held by the report using call */
	struct imr_call *call;		/* report.c's buffer, under call_lock */
};

extern struct imr_stats imr_global;
/* Host-wide knobs (sysfs.c). */
extern bool imr_hugetlb_enabled;
extern struct imr_rate_limit imr_rate_limit;

/* hook.c */
int imr_hook_init(void);
void imr_hook_exit(void);
void imr_hook_enter(void);
void imr_hook_leave(void);

/* hypercall.c */
int imr_hc_handle(struct kvm_vcpu *vcpu);

/* report.c */
long imr_report(struct kvm_vcpu *vcpu, struct imr_vm *vm, unsigned long gpa,
		unsigned long count, unsigned long flags);
void imr_stat_add(struct imr_vm *vm, enum imr_stat stat, u64 n);
bool imr_enabled(const struct imr_vm *vm);

/* drop.c */
struct imr_drop_total {
	u64 dropped;
	u64 skipped;
	u64 pinned;
	u64 split;
	u64 hugetlb;
};

/* Pages looked up at once by pin.c: a 4 KiB array, kept off the stack. */
#define IMR_PIN_BATCH		512

void imr_drop(const struct imr_vm *vm, const struct imr_span *spans,
	      unsigned int count, struct page **pages,
	      struct imr_drop_total *total);

/* pin.c */
bool imr_mm_may_pin(struct mm_struct *mm);
unsigned long imr_next_pinned(unsigned long start, unsigned long end,
			      struct page **pages, unsigned long *pin_end);

/* vm.c */
int imr_vm_init(struct kobject *parent);
void imr_vm_exit(void);
struct imr_vm *imr_vm_get(struct kvm *kvm);
void imr_vm_put(struct imr_vm *vm);
void imr_vm_forget(const struct kvm *kvm);
bool imr_vm_admit_rate(struct imr_vm *vm, u64 bytes);
void imr_vm_mark_encrypted(const struct kvm *kvm);
bool imr_vm_encrypted(const struct kvm *kvm);
struct imr_stats *imr_vm_stats(struct kobject *kobj);

/* sysfs.c */
int imr_sysfs_init(void);
void imr_sysfs_exit(void);
struct kobject *imr_sysfs_host(void);
extern const struct attribute_group *imr_stats_groups[];

#endif /* IMR_HOST_H */
