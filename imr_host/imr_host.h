/* SPDX-License-Identifier: GPL-2.0 */
/* imr_host internals shared between its files. */
#ifndef IMR_HOST_H
#define IMR_HOST_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "imr_abi.h"

struct kvm;
struct kvm_vcpu;
struct imr_span;

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
};

extern struct imr_stats imr_global;

/* hook.c */
int imr_hook_init(void);
void imr_hook_exit(void);
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
};

void imr_drop(const struct imr_vm *vm, const struct imr_span *spans,
	      unsigned int count, struct imr_drop_total *total);

/* vm.c */
int imr_vm_init(struct kobject *parent);
void imr_vm_exit(void);
struct imr_vm *imr_vm_get(struct kvm *kvm);
void imr_vm_put(struct imr_vm *vm);
void imr_vm_forget(const struct kvm *kvm);
struct imr_stats *imr_vm_stats(struct kobject *kobj);

/* sysfs.c */
int imr_sysfs_init(void);
void imr_sysfs_exit(void);
struct kobject *imr_sysfs_host(void);
extern const struct attribute_group *imr_stats_groups[];

#endif /* IMR_HOST_H */
