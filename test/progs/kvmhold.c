// SPDX-License-Identifier: GPL-2.0
/*
 * kvmhold: create one idle KVM VM (in-kernel irqchip, one vCPU that never
 * runs) and keep it until killed.  The lab's L2 /init starts it before any
 * scenario runs.
 *
 * Why: KVM turns a few static keys on for its first VM and off again when
 * the last one goes (the scheduler's preempt-notifier key in
 * kvm_create_vm()/kvm_destroy_vm(), the "local APIC software-disabled" key
 * in kvm_create_lapic()), so a scenario that boots guests one after the
 * other patches the scheduler's text each time.  Nested QEMU TCG sometimes
 * runs a stale copy of text patched on another vCPU: "Oops: int3" at the
 * NOP of that key in __schedule or finish_task_switch (docs/TESTING.md,
 * the flake record).  With one VM held from boot the keys stay on and no
 * guest boot patches text.  A real host has VMs up all day, so this is
 * also the state IMR meets in production.  imr.nohold=1 on L2's
 * command line leaves it out, for the A/B.
 *
 * kvmhold -c N instead creates and destroys N such VMs one after the other
 * and exits: without a held VM each one flips those keys on and off, which
 * is what the textpatch reproducer (test/scenarios/repro/textpatch.host.sh)
 * repeats to measure the stale-int3 failure with and without the hold.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * One idle VM with an in-kernel irqchip and one vCPU (its fd in *vcpu);
 * -1 on failure.
 */
static int make_vm(int kvm, int *vcpu)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0) {
		perror("kvmhold: KVM_CREATE_VM");
		return -1;
	}
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) {
		perror("kvmhold: KVM_CREATE_IRQCHIP");
		return -1;
	}
	*vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (*vcpu < 0) {
		perror("kvmhold: KVM_CREATE_VCPU");
		return -1;
	}
	return vm;
}

/* KVM destroys a VM when its last fd, VM or vCPU, is closed. */
static int cycle_vms(int kvm, long n)
{
	long i;
	int vcpu;

	for (i = 0; i < n; i++) {
		int vm = make_vm(kvm, &vcpu);

		if (vm < 0)
			return 1;
		close(vcpu);
		close(vm);
	}
	printf("kvmhold: created and destroyed %ld VMs\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vcpu;

	if (kvm < 0) {
		perror("kvmhold: /dev/kvm");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "-c"))
		return cycle_vms(kvm, strtol(argv[2], NULL, 0));
	if (make_vm(kvm, &vcpu) < 0)
		return 1;
	printf("kvmhold: holding one idle VM (pid %d)\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
