// SPDX-License-Identifier: GPL-2.0
/*
 * hc_test: the VMM side of the IMR hypercall ABI (common/imr_abi.h).
 *
 * A tiny VMM on raw /dev/kvm ioctls.  Its guest is a few 64-bit stubs
 * (below, in this file) run with identity paging; the host side loads the
 * hypercall registers with KVM_SET_REGS, runs the vCPU until its OUT and
 * reads RAX back.  Every case checks the code in RAX and what happened to the
 * memory behind the memslots (mincore, st_blocks, guest and host reads).
 *
 *   hc_test                   all cases; SKIP them all if no IMR host
 *   hc_test --expect-enosys   assert probe and report give -IMR_ENOSYS
 *   hc_test --storm SECS [--threads N]
 *                             N vCPUs reporting in a loop; tolerates
 *                             the host going away (-IMR_ENOSYS) midway;
 *                             prints "storm: calls= ok= enosys= other= busy="
 *   --timeout SECS            give up (exit 3) if a vCPU hangs (300)
 *   --no-irqchip              no in-kernel LAPIC (the cyclesrepro scenario)
 *   hc_test --idle SECS       create the VM, hold it SECS, exit (see cycles)
 *   --expect-hugetlb=0|1      fail unless hugetlb_enabled reads this and the
 *                             probe announces IMR_FEAT_HUGETLB iff it is 1
 *   hc_test --sev-mark        KVM_MEMORY_ENCRYPT_OP on the new VM first (as a
 *                             VMM setting up SEV does), then: probe still
 *                             answers, every report -IMR_EREFUSED
 *   hc_test --rate            max_calls_per_s at 20 for a burst of reports
 *                             (put back at exit, on a timeout or SIGTERM):
 *                             some -IMR_EBUSY, counted in rate_limited
 *
 * Output: "ok N - name", "ok N - name # SKIP why",
 * "not ok N - name: got X want Y (what)", then
 * "hc_test: P passed, F failed, S skipped".  Exit 0 iff nothing failed,
 * 4 (kselftest's skip) when /dev/kvm is absent, 2 on a setup error,
 * 3 on the timeout.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/kvm.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "imr_abi.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB		(21U << 26)
#endif

#define KIB			1024ULL
#define MIB			(1024 * KIB)
#define PAGE			4096ULL
#define HPAGE			(2 * MIB)

/* Guest-physical layout; everything below 4 GiB. */
#define GPA_CODE		0x1000ULL	/* guest stubs */
#define GPA_RANGES		0x2000ULL	/* vCPU 0's imr_range[] */
#define GPA_SPILL		0x3000ULL	/* page after it, kept zero */
#define GPA_STORM_BUF		0x4000ULL	/* + id * PAGE, storm vCPUs */
#define GPA_PT			0x80000ULL	/* PML4, PDPT, 4 PDs */
#define GPA_SMALL		0x10000000ULL
#define GPA_NEXT		0x10400000ULL	/* right after SMALL */
#define GPA_THP			0x20000000ULL
#define GPA_RO			0x30000000ULL
#define GPA_MEMFD		0x40000000ULL
#define GPA_HUGE		0x50000000ULL
#define GPA_STORM		0x60000000ULL
#define GPA_PIN			0x70000000ULL
#define GPA_UFFD		0x71000000ULL
#define GPA_RO_PRIVATE		0x72000000ULL
#define GPA_NO_SLOT		0x80000000ULL	/* in no memslot */
#define GPA_NO_RAM		0x90000000ULL

#define GUEST_PORT		0xf4		/* every stub exits with OUT */
#define HC_BROKEN		(-99999L)	/* KVM_RUN did not end at the OUT */
#define STORM_PAGES		8
#define STORM_MAX_THREADS	64
#define RATE_MAX_CALLS		64
#define IMR_SYSFS		"/sys/kernel/imr/host"

#define ARRAY_LEN(a)	(int)(sizeof(a) / sizeof((a)[0]))

/* ---- Guest code ------------------------------------------------------- */

/*
 * 64-bit guest stubs, copied to GPA_CODE.  Each hypercall is spelled as
 * bytes (AMD's VMMCALL, 0f 01 d9) so that guest_install() can turn it into
 * Intel's VMCALL (0f 01 c1) in one place.
 *   guest_hc:      hypercall, OUT to GUEST_PORT            (CPL 0)
 *   guest_read:    EAX = *(u32 *)RDI, OUT to GUEST_PORT    (CPL 0)
 *   guest_user_hc: hypercall, OUT to GUEST_PORT (IOPL 3)   (CPL 3)
 * They end with an OUT, not HLT: the VM has an in-kernel irqchip (below),
 * so HLT would block in KVM instead of returning to us.
 */
asm(".pushsection .rodata\n"
    ".balign 16\n"
    ".globl imr_guest_start, imr_guest_hc, imr_guest_read\n"
    ".globl imr_guest_user_hc, imr_guest_end\n"
    "imr_guest_start:\n"
    "imr_guest_hc:\n"
    "	.byte 0x0f, 0x01, 0xd9\n"
    "	outb %al, $0xf4\n"
    "imr_guest_read:\n"
    "	movl (%rdi), %eax\n"
    "	outb %al, $0xf4\n"
    "imr_guest_user_hc:\n"
    "	.byte 0x0f, 0x01, 0xd9\n"
    "	outb %al, $0xf4\n"
    "imr_guest_end:\n"
    ".popsection\n");

extern const uint8_t imr_guest_start[], imr_guest_hc[], imr_guest_read[];
extern const uint8_t imr_guest_user_hc[], imr_guest_end[];

#define GUEST_RIP(sym)	(GPA_CODE + (uint64_t)((sym) - imr_guest_start))

/* ---- VM, vCPUs, memslots ----------------------------------------------- */

struct vcpu {
	int fd;
	struct kvm_run *run;
};

/* ANON_RO: private anon, filled, then mprotect(PROT_READ) (no KVM flag). */
enum backing { ANON, ANON_THP, MEMFD, HUGETLB, ANON_RO };

enum slot_id {
	SLOT_BOOT, SLOT_SMALL, SLOT_NEXT, SLOT_THP, SLOT_RO, SLOT_MEMFD,
	SLOT_HUGE, SLOT_STORM, SLOT_PIN, SLOT_UFFD, SLOT_RO_PRIVATE, NR_SLOTS
};

struct slot {
	const char *name;
	uint64_t gpa, size;
	enum backing backing;
	uint32_t kvm_flags;
	bool filled;		/* holds the pattern between cases */
	uint8_t *hva;		/* NULL: not created, see why */
	int fd;
	const char *why;
};

static struct slot slots[NR_SLOTS] = {
	[SLOT_BOOT]  = { "boot",    0,         1 * MIB, ANON },
	[SLOT_SMALL] = { "small",   GPA_SMALL, 4 * MIB, ANON,     0, true },
	[SLOT_NEXT]  = { "next",    GPA_NEXT,  1 * MIB, ANON,     0, true },
	[SLOT_THP]   = { "thp",     GPA_THP,   8 * MIB, ANON_THP, 0, true },
	[SLOT_RO]    = { "ro",      GPA_RO,    1 * MIB, ANON,
			 KVM_MEM_READONLY, true },
	[SLOT_MEMFD] = { "memfd",   GPA_MEMFD, 4 * MIB, MEMFD,    0, true },
	[SLOT_HUGE]  = { "hugetlb", GPA_HUGE,  4 * MIB, HUGETLB,  0, true },
	[SLOT_STORM] = { "storm",   GPA_STORM,
			 STORM_MAX_THREADS * STORM_PAGES * PAGE, ANON },
	[SLOT_PIN]   = { "pin",     GPA_PIN,   4 * MIB, ANON,     0, true },
	[SLOT_UFFD]  = { "uffd",    GPA_UFFD,  1 * MIB, ANON,     0, true },
	/* Filled once by slot_map(): fill_all() cannot write it. */
	[SLOT_RO_PRIVATE] = { "ro-private", GPA_RO_PRIVATE, 1 * MIB, ANON_RO },
};

static int kvm_fd = -1, vm_fd = -1;
static size_t run_size;
static bool intel;
static struct vcpu vcpu0;
static long probe_result;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	va_end(ap);
	exit(2);
}

static const char *code_name(long code)
{
	switch (code) {
	case 0:			return "IMR_SUCCESS";
	case -IMR_EPERM:	return "-IMR_EPERM";
	case -IMR_EFAULT:	return "-IMR_EFAULT";
	case -IMR_EBUSY:	return "-IMR_EBUSY";
	case -IMR_EINVAL:	return "-IMR_EINVAL";
	case -IMR_E2BIG:	return "-IMR_E2BIG";
	case -IMR_ERANGE:	return "-IMR_ERANGE";
	case -IMR_EOPNOTSUPP:	return "-IMR_EOPNOTSUPP";
	case -IMR_ENOSYS:	return "-IMR_ENOSYS";
	case -IMR_EREFUSED:	return "-IMR_EREFUSED";
	case HC_BROKEN:		return "vCPU did not reach its OUT";
	default:		return code < 0 ? "?" : "positive";
	}
}

/* 0f 01 d9 (VMMCALL) on AMD and Hygon, 0f 01 c1 (VMCALL) elsewhere. */
static bool cpu_is_intel_like(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	return !(b == 0x68747541 || b == 0x6f677948); /* "Auth", "Hygo" */
}

static void guest_install(uint8_t *boot)
{
	const uint8_t *sites[] = { imr_guest_hc, imr_guest_user_hc };
	size_t i;

	memcpy(boot + GPA_CODE, imr_guest_start,
	       imr_guest_end - imr_guest_start);
	for (i = 0; i < sizeof(sites) / sizeof(sites[0]); i++)
		boot[GUEST_RIP(sites[i]) + 2] = intel ? 0xc1 : 0xd9;
}

/* Identity map 0..4 GiB with 2 MiB pages, user-accessible. */
static void guest_map(uint8_t *boot)
{
	uint64_t *pml4 = (uint64_t *)(boot + GPA_PT);
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;
	uint64_t i;

	pml4[0] = (GPA_PT + PAGE) | 7;			/* P | RW | US */
	for (i = 0; i < 4; i++)
		pdpt[i] = (GPA_PT + (2 + i) * PAGE) | 7;
	for (i = 0; i < 2048; i++)
		pd[i] = (i * HPAGE) | 0x87;		/* + PS */
}

static uint8_t *map_anon(uint64_t size, uint64_t align, int advice)
{
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	p = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	madvise(p, size, advice);
	return p;
}

static uint8_t *map_memfd(struct slot *s, unsigned int mfd_flags)
{
	void *p;

	s->fd = memfd_create(s->name, MFD_CLOEXEC | mfd_flags);
	if (s->fd < 0 || ftruncate(s->fd, s->size))
		return NULL;
	/* MAP_SHARED hugetlb reserves its pages here: fails, not SIGBUS. */
	p = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void slot_fill(struct slot *s);

/* Read-only for the VMM, not for KVM: the memslot has no KVM_MEM_READONLY. */
static uint8_t *map_anon_ro(struct slot *s)
{
	s->hva = map_anon(s->size, PAGE, MADV_NOHUGEPAGE);
	if (!s->hva)
		return NULL;
	slot_fill(s);
	return mprotect(s->hva, s->size, PROT_READ) ? NULL : s->hva;
}

static uint8_t *slot_map(struct slot *s)
{
	switch (s->backing) {
	case ANON:
		return map_anon(s->size, PAGE, MADV_NOHUGEPAGE);
	case ANON_THP:
		return map_anon(s->size, HPAGE, MADV_HUGEPAGE);
	case MEMFD:
		return map_memfd(s, 0);
	case HUGETLB:
		return map_memfd(s, MFD_HUGETLB | MFD_HUGE_2MB);
	case ANON_RO:
		return map_anon_ro(s);
	}
	return NULL;
}

static void slot_create(enum slot_id id)
{
	struct slot *s = &slots[id];
	struct kvm_userspace_memory_region r;

	s->fd = -1;
	if ((s->kvm_flags & KVM_MEM_READONLY) &&
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0) {
		s->why = "no KVM_CAP_READONLY_MEM";
		return;
	}
	s->hva = slot_map(s);
	if (!s->hva) {
		if (s->backing != HUGETLB)
			die("mmap for slot %s", s->name);
		s->why = "no 2 MiB huge pages (vm.nr_hugepages)";
		return;
	}
	r = (struct kvm_userspace_memory_region){
		.slot = id, .flags = s->kvm_flags, .guest_phys_addr = s->gpa,
		.memory_size = s->size, .userspace_addr = (uintptr_t)s->hva,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION %s", s->name);
}

static void vcpu_set_cpuid(struct vcpu *v)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[128];
	} cpuid = { .c.nent = 128 };

	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, &cpuid) ||
	    ioctl(v->fd, KVM_SET_CPUID2, &cpuid))
		printf("# KVM_SET_CPUID2: %s (going on)\n", strerror(errno));
}

static void seg_flat(struct kvm_segment *seg, uint16_t sel, int cpl, bool code)
{
	*seg = (struct kvm_segment){
		.limit = 0xffffffff, .selector = sel | cpl, .present = 1,
		.type = code ? 0xb : 0x3, .dpl = cpl, .s = 1, .g = 1,
		.l = code, .db = !code,
	};
}

/* 64-bit mode at the given CPL (SVM takes the CPL from SS.DPL). */
static void vcpu_set_cpl(struct vcpu *v, int cpl)
{
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s))
		die("KVM_GET_SREGS");
	seg_flat(&s.cs, cpl ? 0x18 : 0x08, cpl, true);
	seg_flat(&s.ss, cpl ? 0x20 : 0x10, cpl, false);
	s.ds = s.es = s.fs = s.gs = s.ss;
	s.cr0 = 0x80000031;	/* PG | NE | ET | PE */
	s.cr3 = GPA_PT;
	s.cr4 = 0x20;		/* PAE */
	s.efer = 0x500;		/* LMA | LME */
	if (ioctl(v->fd, KVM_SET_SREGS, &s))
		die("KVM_SET_SREGS");
}

static void vcpu_create(struct vcpu *v, int id)
{
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU %d", id);
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	vcpu_set_cpuid(v);
	vcpu_set_cpl(v, 0);
	/* With an in-kernel LAPIC, vCPUs but the first wait for a SIPI. */
	if (ioctl(v->fd, KVM_SET_MP_STATE,
		  &(struct kvm_mp_state){ KVM_MP_STATE_RUNNABLE }))
		die("KVM_SET_MP_STATE");
}

/* Complete a pending OUT so that the next KVM_SET_REGS is not undone. */
static void vcpu_complete_io(struct vcpu *v)
{
	v->run->immediate_exit = 1;
	ioctl(v->fd, KVM_RUN, 0);
	v->run->immediate_exit = 0;
}

/* Load regs, run to the OUT to GUEST_PORT, read regs back. */
static int vcpu_run(struct vcpu *v, struct kvm_regs *regs)
{
	struct kvm_run *run = v->run;
	int r;

	if (ioctl(v->fd, KVM_SET_REGS, regs))
		return -1;
	do
		r = ioctl(v->fd, KVM_RUN, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != GUEST_PORT) {
		printf("# unexpected exit reason %u\n", run->exit_reason);
		return -1;
	}
	r = ioctl(v->fd, KVM_GET_REGS, regs);
	vcpu_complete_io(v);
	return r;
}

static bool no_irqchip;

static void vm_create(void)
{
	int i;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");
	/*
	 * An in-kernel LAPIC, as QEMU, Firecracker and Cloud Hypervisor
	 * create.  Without one, KVM flips its kvm_has_noapic_vcpu static key
	 * for every VM we create and destroy; on a 6.12 L2 under nested TCG
	 * that text patching, racing kprobe arming, crashed the lab host with
	 * no IMR code loaded (test/scenarios/repro/cyclesrepro.host.sh).
	 */
	if (!no_irqchip && ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	for (i = 0; i < NR_SLOTS; i++)
		slot_create(i);
	intel = cpu_is_intel_like();
	guest_install(slots[SLOT_BOOT].hva);
	guest_map(slots[SLOT_BOOT].hva);
	vcpu_create(&vcpu0, 0);
}

/* ---- Hypercalls: raw __imr_hc_*() return the code, imr_hc_*() assert --- */

static long __imr_hc(struct vcpu *v, uint64_t rip, uint64_t a0, uint64_t a1,
		     uint64_t a2, uint64_t a3)
{
	struct kvm_regs regs = {
		.rip = rip, .rflags = 0x3002,	/* IOPL 3 for the OUT */
		.rax = KVM_HC_IMR, .rbx = a0, .rcx = a1, .rdx = a2, .rsi = a3,
	};

	if (vcpu_run(v, &regs))
		return HC_BROKEN;
	return (long)regs.rax;
}

static long __imr_hc_probe(struct vcpu *v)
{
	return __imr_hc(v, GUEST_RIP(imr_guest_hc), IMR_OP_PROBE,
			IMR_ABI_VERSION, 0, 0);
}

static long __imr_hc_report(struct vcpu *v, uint64_t buf, uint64_t count,
			    uint64_t flags)
{
	return __imr_hc(v, GUEST_RIP(imr_guest_hc), IMR_OP_REPORT, buf, count,
			flags);
}

/* Guest reads the u32 at gpa: its value, or -1 if the vCPU failed. */
static int64_t guest_read(struct vcpu *v, uint64_t gpa)
{
	struct kvm_regs regs = {
		.rip = GUEST_RIP(imr_guest_read), .rflags = 2, .rdi = gpa,
	};

	if (vcpu_run(v, &regs))
		return -1;
	return (uint32_t)regs.rax;
}

/* ---- Checks: the first failure of a case is kept in why --------------- */

static char why[512];

static bool fail(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

static bool expect_eq(const char *what, long got, long want)
{
	return got == want ||
	       fail("got %ld want %ld (%s)", got, want, what);
}

static bool expect_code(const char *what, long got, long want)
{
	return got == want ||
	       fail("got %ld (%s) want %ld (%s) (%s)", got, code_name(got),
		    want, code_name(want), what);
}

static bool imr_hc_report(struct vcpu *v, uint64_t buf, uint64_t count)
{
	return expect_code("report", __imr_hc_report(v, buf, count, 0), 0);
}

/* ---- Memory: pattern, residency ---------------------------------------- */

static uint32_t pattern(uint64_t gpa)
{
	return 0x5a000000u ^ (uint32_t)(gpa / PAGE);
}

static bool page_is(const uint8_t *p, uint32_t val)
{
	const uint32_t *w = (const uint32_t *)p;
	size_t i;

	for (i = 0; i < PAGE / 4; i++)
		if (w[i] != val)
			return false;
	return true;
}

static void slot_fill(struct slot *s)
{
	uint64_t off;
	size_t i;

	for (off = 0; off < s->size; off += PAGE) {
		uint32_t *w = (uint32_t *)(s->hva + off);

		for (i = 0; i < PAGE / 4; i++)
			w[i] = pattern(s->gpa + off);
	}
}

/* Resident pages in [p, p + len), len at most 8 MiB; -errno on error. */
static long resident(const uint8_t *p, uint64_t len)
{
	static unsigned char vec[8 * MIB / PAGE];
	long n = 0;
	size_t i;

	if (mincore((void *)p, len, vec))
		return -errno;
	for (i = 0; i < len / PAGE; i++)
		n += vec[i] & 1;
	return n;
}

static long slot_resident(const struct slot *s)
{
	return resident(s->hva, s->size);
}

static long slot_blocks(const struct slot *s)
{
	struct stat st;

	if (s->fd < 0)
		return 0;
	return fstat(s->fd, &st) ? -errno : (long)st.st_blocks;
}

static bool in_ranges(uint64_t gpa, const struct imr_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (gpa >= r[i].gpa && gpa - r[i].gpa < r[i].len)
			return true;
	return false;
}

/* Host view: reported pages read zero, all others keep the pattern. */
static bool slot_check(const struct slot *s, const struct imr_range *r,
		       unsigned int n)
{
	uint64_t off;

	for (off = 0; off < s->size; off += PAGE) {
		uint64_t gpa = s->gpa + off;
		uint32_t want = in_ranges(gpa, r, n) ? 0 : pattern(gpa);

		if (!page_is(s->hva + off, want))
			return fail("got %#x want %#x (slot %s, gpa %#llx)",
				    *(uint32_t *)(s->hva + off), want, s->name,
				    (unsigned long long)gpa);
	}
	return true;
}

/* Every filled slot fully resident and intact: nothing was dropped. */
static bool slots_intact(void)
{
	bool ok = true;
	int i;

	for (i = 0; i < NR_SLOTS; i++) {
		const struct slot *s = &slots[i];

		char what[64];

		if (!s->filled || !s->hva)
			continue;
		snprintf(what, sizeof(what), "resident pages, slot %s",
			 s->name);
		ok &= expect_eq(what, slot_resident(s), s->size / PAGE);
		ok &= slot_check(s, NULL, 0);
	}
	return ok;
}

static void ranges_write(uint64_t buf, const struct imr_range *r,
			 unsigned int n)
{
	memcpy(slots[SLOT_BOOT].hva + buf, r, n * sizeof(*r));
}

static bool report_ranges(const struct imr_range *r, unsigned int n)
{
	ranges_write(GPA_RANGES, r, n);
	return imr_hc_report(&vcpu0, GPA_RANGES, n);
}

/* ---- Host counters and knobs in sysfs ---------------------------------- */

static bool sysfs_read(const char *path, long long *val)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return fail("cannot read %s: %s", path, strerror(errno));
	n = fscanf(f, "%lld", val);
	fclose(f);
	return n == 1 || fail("cannot read %s: not a number", path);
}

/* A store's error (-EINVAL) comes back from the flush in fclose(). */
static bool sysfs_write(const char *path, long long val)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return fail("cannot write %s: %s", path, strerror(errno));
	ok = fprintf(f, "%lld\n", val) > 0;
	ok = !fclose(f) && ok;
	return ok || fail("cannot write %lld to %s: %s", val, path,
			  strerror(errno));
}

/* This process's one VM under vms/ ("<pid>-<n>", from its first call). */
static bool vm_dir(char *buf, size_t len)
{
	DIR *dir = opendir(IMR_SYSFS "/vms");
	struct dirent *d;
	char prefix[24];
	bool found = false;

	if (!dir)
		return fail("cannot open " IMR_SYSFS "/vms: %s",
			    strerror(errno));
	snprintf(prefix, sizeof(prefix), "%d-", (int)getpid());
	while (!found && (d = readdir(dir)))
		found = !strncmp(d->d_name, prefix, strlen(prefix)) &&
			snprintf(buf, len, IMR_SYSFS "/vms/%s", d->d_name) > 0;
	closedir(dir);
	return found || fail("no " IMR_SYSFS "/vms/%s* for this VM", prefix);
}

/* A counter of this process's VM (vm) or of the whole host. */
static bool imr_counter(const char *name, bool vm, long long *val)
{
	char dir[192] = IMR_SYSFS, path[256];

	if (vm && !vm_dir(dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return sysfs_read(path, val);
}

/* A counter that a case expects to grow by exactly want. */
struct delta {
	const char *name;
	bool vm;		/* this VM's counter, else the host's total */
	long long want, before;
};

#define VM_DELTA(name, want)	{ (name), true, (want), 0 }
#define HOST_DELTA(name, want)	{ (name), false, (want), 0 }

static bool deltas_begin(struct delta *d, int n)
{
	bool ok = true;
	int i;

	for (i = 0; i < n && ok; i++)
		ok = imr_counter(d[i].name, d[i].vm, &d[i].before);
	return ok;
}

static bool deltas_check(const struct delta *d, int n)
{
	char what[96];
	long long after;
	bool ok = true;
	int i;

	for (i = 0; i < n && ok; i++) {
		snprintf(what, sizeof(what), "growth of %s %s",
			 d[i].vm ? "the VM's" : "the host's", d[i].name);
		ok = imr_counter(d[i].name, d[i].vm, &after) &&
		     expect_eq(what, after - d[i].before, d[i].want);
	}
	return ok;
}

/* AnonHugePages of the VMA holding a slot, in KiB (-1: not found). */
static long slot_thp_kib(const struct slot *s)
{
	unsigned long lo, hi, kb;
	char line[256];
	bool in = false;
	long found = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)s->hva >= lo && (uintptr_t)s->hva < hi;
		else if (in && sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			found = (long)kb;
	}
	if (f)
		fclose(f);
	return found;
}

/* ---- Cases ---------------------------------------------------------- */

enum result { PASS, FAIL, SKIP };

struct test {
	const char *name;
	enum result (*fn)(const void *arg);
	const void *arg;
};

static enum result skip(const char *reason)
{
	snprintf(why, sizeof(why), "%s", reason);
	return SKIP;
}

static enum result verdict(bool ok)
{
	return ok ? PASS : FAIL;
}

static enum result case_probe(const void *arg)
{
	long r = __imr_hc_probe(&vcpu0);
	bool ok;

	(void)arg;
	probe_result = r;
	if (!expect_code("probe", r < 0 ? r : 0, 0))
		return FAIL;
	printf("# probe: version %lu, max ranges %lu, features %#lx\n",
	       IMR_PROBE_VERSION(r), IMR_PROBE_MAX_RANGES(r),
	       IMR_PROBE_FEATURES(r));
	ok = expect_eq("version", IMR_PROBE_VERSION(r), IMR_ABI_VERSION);
	ok &= expect_eq("max ranges", IMR_PROBE_MAX_RANGES(r), IMR_MAX_RANGES);
	return verdict(ok);
}

static enum result case_probe_enosys(const void *arg)
{
	(void)arg;
	return verdict(expect_code("probe", __imr_hc_probe(&vcpu0),
				   -IMR_ENOSYS));
}

/* A good report: nr ranges of len bytes at off, off + stride, ... */
struct good {
	enum slot_id slot;
	uint64_t off, len, stride;
	unsigned int nr;
	uint32_t feat;		/* IMR_FEAT_* needed beyond REPORT */
};

static unsigned int good_ranges(const struct good *g, struct imr_range *r)
{
	uint64_t base = slots[g->slot].gpa + g->off;
	unsigned int i;

	for (i = 0; i < g->nr; i++)
		r[i] = (struct imr_range){ base + i * g->stride, g->len };
	return g->nr;
}

static bool guest_expect(const char *what, uint64_t gpa, uint32_t want)
{
	return expect_eq(what, guest_read(&vcpu0, gpa), want);
}

/* The page at gpa, if in s and not reported, still has the pattern. */
static bool guest_sees_pattern(const struct slot *s, uint64_t gpa,
			       const struct imr_range *r, unsigned int n)
{
	if (gpa < s->gpa || gpa - s->gpa >= s->size || in_ranges(gpa, r, n))
		return true;
	return guest_expect("guest reads neighbour", gpa, pattern(gpa));
}

/* Guest reads zeros in each range, the pattern right beside it. */
static bool guest_sees(const struct slot *s, const struct imr_range *r,
		       unsigned int n)
{
	uint64_t gpa, end;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < n && ok; i++) {
		gpa = r[i].gpa;
		end = gpa + r[i].len;
		ok = guest_expect("guest reads range start", gpa, 0) &&
		     guest_expect("guest reads range end", end - 4, 0) &&
		     guest_sees_pattern(s, gpa - PAGE, r, n) &&
		     guest_sees_pattern(s, end, r, n);
	}
	return ok;
}

static enum result case_good(const void *arg)
{
	static struct imr_range r[IMR_MAX_RANGES];
	const struct good *g = arg;
	struct slot *s = &slots[g->slot];
	unsigned int n = good_ranges(g, r);
	long res, blk, pages = n * g->len / PAGE;
	bool ok;

	if (!s->hva)
		return skip(s->why);
	if ((IMR_PROBE_FEATURES(probe_result) & (g->feat | IMR_FEAT_REPORT)) !=
	    (g->feat | IMR_FEAT_REPORT))
		return skip("host does not announce the feature");
	ranges_write(GPA_RANGES, r, n);
	res = slot_resident(s);
	blk = slot_blocks(s);
	ok = expect_eq("resident before", res, s->size / PAGE) &&
	     imr_hc_report(&vcpu0, GPA_RANGES, n) &&
	     expect_eq("resident pages after", slot_resident(s), res - pages);
	if (ok && s->fd >= 0)
		ok = expect_eq("st_blocks after", slot_blocks(s),
			       blk - (long)(n * g->len / 512));
	ok = ok && guest_sees(s, r, n) && slot_check(s, r, n);
	slot_fill(s);
	return verdict(ok);
}

/* A report that must be refused, dropping nothing. */
struct bad {
	uint64_t op;		/* 0: IMR_OP_REPORT (a probe is never bad) */
	uint64_t buf;		/* 0: GPA_RANGES */
	uint64_t count, flags;
	unsigned int nr;
	struct imr_range r[3];
	long want, want_alt;	/* want_alt: another acceptable code, or 0 */
	enum slot_id need;	/* a slot that must exist, or SLOT_BOOT */
};

static enum result case_bad(const void *arg)
{
	const struct bad *b = arg;
	long got;

	if (!slots[b->need].hva)
		return skip(slots[b->need].why);
	ranges_write(GPA_RANGES, b->r, b->nr);
	got = __imr_hc(&vcpu0, GUEST_RIP(imr_guest_hc),
		       b->op ? b->op : IMR_OP_REPORT,
		       b->buf ? b->buf : GPA_RANGES, b->count, b->flags);
	if (b->want_alt && got == b->want_alt)
		got = b->want;
	return verdict(expect_code("code", got, b->want) && slots_intact());
}

/* From guest user mode: -IMR_EPERM, nothing dropped. */
static enum result case_cpl3(const void *arg)
{
	const struct imr_range r = { GPA_SMALL, PAGE };
	uint64_t op = *(const uint64_t *)arg;
	long got;

	ranges_write(GPA_RANGES, &r, 1);
	vcpu_set_cpl(&vcpu0, 3);
	got = __imr_hc(&vcpu0, GUEST_RIP(imr_guest_user_hc), op,
		       op == IMR_OP_PROBE ? IMR_ABI_VERSION : GPA_RANGES, 1, 0);
	vcpu_set_cpl(&vcpu0, 0);
	return verdict(expect_code("code", got, -IMR_EPERM) && slots_intact());
}

/* ---- Cases: memory the host must keep though it was reported -------- */

static enum result skip_errno(const char *what)
{
	snprintf(why, sizeof(why), "%s: %s", what, strerror(errno));
	return SKIP;
}

/* Guest reads the pattern at both ends of each range; host sees it all. */
static bool guest_sees_kept(const struct slot *s, const struct imr_range *r,
			    unsigned int n)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < n && ok; i++) {
		uint64_t last = r[i].gpa + r[i].len - PAGE;

		ok = guest_expect("guest reads kept range start", r[i].gpa,
				  pattern(r[i].gpa)) &&
		     guest_expect("guest reads kept range end", last + PAGE - 4,
				  pattern(last));
	}
	return ok && slot_check(s, NULL, 0);
}

/* The report returns 0 and s stays resident; touches nothing of s. */
static bool report_keeps(const struct slot *s, const struct imr_range *r,
			 unsigned int n)
{
	long blk = slot_blocks(s), pages = s->size / PAGE;

	return expect_eq("resident before", slot_resident(s), pages) &&
	       report_ranges(r, n) &&
	       expect_eq("resident pages after", slot_resident(s), pages) &&
	       expect_eq("st_blocks after", slot_blocks(s), blk);
}

static bool good_kept(const struct good *g)
{
	static struct imr_range r[IMR_MAX_RANGES];
	const struct slot *s = &slots[g->slot];
	unsigned int n = good_ranges(g, r);

	return report_keeps(s, r, n) && guest_sees_kept(s, r, n);
}

/* A good report over memory the host must leave alone: 0, all kept. */
static enum result case_kept(const void *arg)
{
	const struct good *g = arg;

	if (!slots[g->slot].hva)
		return skip(slots[g->slot].why);
	return verdict(good_kept(g));
}

static int expect_hugetlb = -1;		/* --expect-hugetlb=0|1 */

static bool probe_has(uint32_t feat)
{
	return IMR_PROBE_FEATURES(probe_result) & feat;
}

/* The knob and the announcement are what the scenario set. */
static enum result case_hugetlb_feat(const void *arg)
{
	long long knob;

	(void)arg;
	if (expect_hugetlb < 0)
		return skip("no --expect-hugetlb=0|1 given");
	return verdict(sysfs_read(IMR_SYSFS "/hugetlb_enabled", &knob) &&
		       expect_eq("hugetlb_enabled", knob, expect_hugetlb) &&
		       expect_eq("probe announces IMR_FEAT_HUGETLB",
				 probe_has(IMR_FEAT_HUGETLB), expect_hugetlb));
}

/* Dropped and counted in hugetlb_bytes if announced, else kept (skipped). */
static enum result case_hugetlb(const void *arg)
{
	const struct good *g = arg;
	bool on = probe_has(IMR_FEAT_HUGETLB);
	long long len = g->len * g->nr;
	struct delta d[] = {
		VM_DELTA("hugetlb_bytes", on ? len : 0),
		VM_DELTA(on ? "reclaimed_bytes" : "skipped_bytes",
			 on ? 0 : len),
	};
	enum result r;

	if (!slots[g->slot].hva)
		return skip(slots[g->slot].why);
	if (!deltas_begin(d, ARRAY_LEN(d)))
		return FAIL;
	r = on ? case_good(g) : verdict(good_kept(g));
	return r == PASS ? verdict(deltas_check(d, ARRAY_LEN(d))) : r;
}

/* Is the page at p part of a THP?  pagemap's PFN, then kpageflags (root). */
static bool page_is_thp(const uint8_t *p)
{
	uint64_t ent = 0, flags = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kf = open("/proc/kpageflags", O_RDONLY);
	bool thp = false;

	if (pm >= 0 && kf >= 0 &&
	    pread(pm, &ent, 8, (off_t)((uintptr_t)p / PAGE) * 8) == 8 &&
	    (ent & (1ULL << 63)) && (ent & ((1ULL << 55) - 1)) &&
	    pread(kf, &flags, 8, (off_t)(ent & ((1ULL << 55) - 1)) * 8) == 8)
		thp = flags & (1ULL << 22);	/* KPF_THP */
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	return thp;
}

/*
 * Anonymous memory in a THP: a whole 2 MiB block is reclaimed; a piece of
 * one is only unmapped (the huge page is freed when the kernel splits it),
 * so it counts in split_bytes, not reclaimed_bytes.  Needs the slot to be
 * THP-backed while the case runs (slot_fill() refills it as THP).
 */
static enum result case_thp_split(const void *arg)
{
	const struct good *g = arg;
	long long len = g->len * g->nr;
	bool whole = g->len % (2 * MIB) == 0 && g->off % (2 * MIB) == 0;
	struct delta d[] = {
		VM_DELTA("split_bytes", whole ? 0 : len),
		VM_DELTA("reclaimed_bytes", whole ? len : 0),
	};
	enum result r;

	if (!slots[g->slot].hva)
		return skip(slots[g->slot].why);
	if (!page_is_thp(slots[g->slot].hva + g->off))
		return skip("the range's 2 MiB block is not THP-backed");
	if (!deltas_begin(d, ARRAY_LEN(d)))
		return FAIL;
	r = case_good(g);
	return r == PASS ? verdict(deltas_check(d, ARRAY_LEN(d))) : r;
}

/* Pages [off, off + len) of a slot pinned as io_uring fixed buffers. */
struct pin {
	enum slot_id slot;
	uint64_t off, len;
};

/* An io_uring in *fd with [p, p + len) registered: FOLL_PIN | LONGTERM. */
static enum result ring_pin(uint8_t *p, uint64_t len, int *fd)
{
	struct io_uring_params params = { 0 };
	struct iovec iov = { p, len };

	*fd = syscall(__NR_io_uring_setup, 1, &params);
	if (*fd < 0 && (errno == ENOSYS || errno == EPERM))
		return skip_errno("io_uring_setup");
	if (*fd < 0)
		return verdict(fail("io_uring_setup: %s", strerror(errno)));
	if (!syscall(__NR_io_uring_register, *fd, IORING_REGISTER_BUFFERS,
		     &iov, 1))
		return PASS;
	fail("IORING_REGISTER_BUFFERS: %s", strerror(errno));
	close(*fd);
	return FAIL;
}

/* Whole slot reported while pinned: only the unpinned pages go. */
static bool pinned_kept(const struct slot *s, const struct pin *p)
{
	const struct imr_range all = { s->gpa, s->size };
	const struct imr_range dropped[2] = {
		{ s->gpa, p->off },
		{ s->gpa + p->off + p->len, s->size - p->off - p->len },
	};
	struct delta d[] = {
		HOST_DELTA("pinned_bytes", p->len),
		VM_DELTA("pinned_bytes", p->len),
	};

	return expect_eq("resident before", slot_resident(s), s->size / PAGE) &&
	       deltas_begin(d, ARRAY_LEN(d)) && report_ranges(&all, 1) &&
	       expect_eq("resident pages after", slot_resident(s),
			 p->len / PAGE) &&
	       expect_eq("resident pinned pages after",
			 resident(s->hva + p->off, p->len), p->len / PAGE) &&
	       deltas_check(d, ARRAY_LEN(d)) &&
	       guest_sees(s, dropped, 2) && slot_check(s, dropped, 2);
}

/* Unpinned, the same report drops the rest. */
static bool pinned_released(const struct slot *s, const struct pin *p, int fd)
{
	const struct imr_range all = { s->gpa, s->size };
	struct delta d[] = { VM_DELTA("pinned_bytes", 0) };

	if (syscall(__NR_io_uring_register, fd, IORING_UNREGISTER_BUFFERS,
		    NULL, 0))
		return fail("IORING_UNREGISTER_BUFFERS: %s", strerror(errno));
	return deltas_begin(d, 1) && report_ranges(&all, 1) &&
	       expect_eq("resident pages after unpinning", slot_resident(s),
			 0) &&
	       deltas_check(d, 1) &&
	       guest_expect("guest reads an unpinned page", s->gpa + p->off,
			    0) &&
	       slot_check(s, &all, 1);
}

static enum result case_pinned(const void *arg)
{
	const struct pin *p = arg;
	struct slot *s = &slots[p->slot];
	enum result r;
	bool ok;
	int fd;

	r = ring_pin(s->hva + p->off, p->len, &fd);
	if (r != PASS)
		return r;
	ok = pinned_kept(s, p) && pinned_released(s, p, fd);
	close(fd);
	slot_fill(s);
	return verdict(ok);
}

/* A userfaultfd in *fd with all of s registered in mode (UFFDIO_REGISTER_*). */
static enum result uffd_register(const struct slot *s, uint64_t mode, int *fd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { (uintptr_t)s->hva, s->size }, .mode = mode,
	};
	enum result r = PASS;

	*fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return skip_errno("userfaultfd");
	if (ioctl(*fd, UFFDIO_API, &api))
		r = skip_errno("UFFDIO_API");
	else if ((mode & UFFDIO_REGISTER_MODE_WP) &&
		 !(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP))
		r = skip("UFFDIO_API: no UFFD_FEATURE_PAGEFAULT_FLAG_WP");
	else if (ioctl(*fd, UFFDIO_REGISTER, &reg))
		r = verdict(fail("UFFDIO_REGISTER: %s", strerror(errno)));
	if (r != PASS)
		close(*fd);
	return r;
}

/*
 * Registered, the slot is only counted (mincore): a missing page touched
 * now would wait for a fault handler there is none of.  Unregistered, its
 * contents are checked.
 */
static enum result case_uffd(const void *arg)
{
	const struct slot *s = &slots[SLOT_UFFD];
	const struct imr_range all = { s->gpa, s->size };
	struct uffdio_range range = { (uintptr_t)s->hva, s->size };
	struct delta d[] = { VM_DELTA("skipped_bytes", s->size) };
	enum result r;
	bool ok;
	int fd;

	r = uffd_register(s, *(const uint64_t *)arg, &fd);
	if (r != PASS)
		return r;
	ok = deltas_begin(d, 1) && report_keeps(s, &all, 1) &&
	     deltas_check(d, 1);
	if (ioctl(fd, UFFDIO_UNREGISTER, &range))
		ok = fail("UFFDIO_UNREGISTER: %s", strerror(errno));
	close(fd);
	return verdict(ok && guest_sees_kept(s, &all, 1));
}

static const uint64_t uffd_missing = UFFDIO_REGISTER_MODE_MISSING;
static const uint64_t uffd_wp = UFFDIO_REGISTER_MODE_WP;

/* ---- Cases: the rate limit (--rate) ------------------------------------ */

#define RATE_KNOB	IMR_SYSFS "/max_calls_per_s"

struct rate {
	long long calls_per_s;
	unsigned int calls;	/* at most RATE_MAX_CALLS */
};

static long long rate_saved = -1;	/* the knob's value to put back */
static char rate_saved_str[24];		/* the same, for rate_restore() */

static bool rate_set(long long calls_per_s)
{
	if (!sysfs_read(RATE_KNOB, &rate_saved))
		return false;
	snprintf(rate_saved_str, sizeof(rate_saved_str), "%lld\n", rate_saved);
	return sysfs_write(RATE_KNOB, calls_per_s);
}

/* Async-signal-safe (on_alarm, on_term) and run at exit: knob put back. */
static void rate_restore(void)
{
	int fd = rate_saved_str[0] ? open(RATE_KNOB, O_WRONLY) : -1;
	ssize_t n;

	if (fd < 0)
		return;
	n = write(fd, rate_saved_str, strlen(rate_saved_str));
	close(fd);
	if (n > 0)
		rate_saved_str[0] = 0;
}

static bool rate_restored(void)
{
	long long now;

	if (!rate_saved_str[0])
		return true;
	rate_restore();
	return sysfs_read(RATE_KNOB, &now) &&
	       expect_eq("max_calls_per_s put back", now, rate_saved);
}

/* Back to back, call i reporting page i of SLOT_SMALL. */
static void rate_burst(long *codes, unsigned int calls)
{
	unsigned int i;

	for (i = 0; i < calls; i++) {
		const struct imr_range r = { GPA_SMALL + i * PAGE, PAGE };

		ranges_write(GPA_RANGES, &r, 1);
		codes[i] = __imr_hc_report(&vcpu0, GPA_RANGES, 1, 0);
	}
}

/* Only 0 and -IMR_EBUSY, at least one of each; *busy of the latter. */
static bool rate_counts(const long *codes, unsigned int calls, long *busy)
{
	unsigned int i;
	long ok = 0;

	*busy = 0;
	for (i = 0; i < calls; i++) {
		ok += codes[i] == 0;
		*busy += codes[i] == -IMR_EBUSY;
		if (codes[i] && codes[i] != -IMR_EBUSY)
			return expect_code("a report of the burst", codes[i],
					   -IMR_EBUSY);
	}
	printf("# rate: %ld of %u calls admitted, %ld got -IMR_EBUSY\n",
	       ok, calls, *busy);
	return (ok > 0 || fail("no call of %u admitted", calls)) &&
	       (*busy > 0 || fail("no call of %u got -IMR_EBUSY", calls));
}

/* The page at gpa of s: dropped (zeros, gone) or kept (pattern, there). */
static bool page_expect(const struct slot *s, uint64_t gpa, bool dropped)
{
	const uint8_t *p = s->hva + (gpa - s->gpa);
	uint32_t want = dropped ? 0 : pattern(gpa);

	return expect_eq(dropped ? "admitted call's page resident" :
			 "refused call's page resident", resident(p, PAGE),
			 !dropped) &&
	       guest_expect("guest reads the call's page", gpa, want) &&
	       (page_is(p, want) ||
		fail("got %#x want %#x (host reads gpa %#llx)",
		     *(const uint32_t *)p, want, (unsigned long long)gpa));
}

static bool rate_pages(const long *codes, unsigned int calls)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < calls && ok; i++)
		ok = page_expect(&slots[SLOT_SMALL], GPA_SMALL + i * PAGE,
				 codes[i] == 0);
	return ok;
}

static enum result case_rate_burst(const void *arg)
{
	const struct rate *rt = arg;
	long codes[RATE_MAX_CALLS], busy = 0;
	struct delta d[] = {
		VM_DELTA("rate_limited", 0), VM_DELTA("errors", 0),
	};
	bool ok;

	ok = deltas_begin(d, ARRAY_LEN(d)) && rate_set(rt->calls_per_s);
	if (ok)
		rate_burst(codes, rt->calls);
	ok = rate_restored() && ok;
	ok = ok && rate_counts(codes, rt->calls, &busy) &&
	     rate_pages(codes, rt->calls);
	d[0].want = d[1].want = busy;
	ok = ok && deltas_check(d, ARRAY_LEN(d));
	slot_fill(&slots[SLOT_SMALL]);
	return verdict(ok);
}

/* The ceiling back at its old value, and a window later: admitted. */
static enum result case_rate_after(const void *arg)
{
	usleep(200 * 1000);
	return case_good(arg);
}

#define R(gpa, len)	{ (gpa), (len) }
#define GOOD(...)	&(const struct good){ __VA_ARGS__ }
#define BAD(...)	&(const struct bad){ __VA_ARGS__ }
#define PIN(...)	&(const struct pin){ __VA_ARGS__ }
#define RATE(...)	&(const struct rate){ __VA_ARGS__ }
#define SMALL_END	(GPA_SMALL + 4 * MIB)

static const uint64_t op_probe = IMR_OP_PROBE, op_report = IMR_OP_REPORT;

static const struct test tests[] = {
	{ "probe: version and max ranges", case_probe, NULL },
	{ "probe: IMR_FEAT_HUGETLB as --expect-hugetlb says",
	  case_hugetlb_feat, NULL },
	{ "report 4 KiB (anon)", case_good, GOOD(.slot = SLOT_SMALL,
	  .off = 0x305000, .len = PAGE, .nr = 1) },
	{ "report 2 MiB (anon, THP): reclaimed", case_thp_split, GOOD(
	  .slot = SLOT_THP, .off = 2 * MIB, .len = 2 * MIB, .nr = 1) },
	{ "report 64 KiB inside a THP: split, not reclaimed", case_thp_split,
	  GOOD(.slot = SLOT_THP, .off = 4 * MIB + 0x30000, .len = 64 * KIB,
	  .nr = 1) },
	{ "report IMR_MAX_RANGES ranges", case_good, GOOD(.slot = SLOT_SMALL,
	  .len = PAGE, .stride = 2 * PAGE, .nr = IMR_MAX_RANGES) },
	{ "report 64 KiB (memfd, hole punched)", case_good, GOOD(
	  .slot = SLOT_MEMFD, .off = 0x110000, .len = 64 * KIB, .nr = 1,
	  .feat = IMR_FEAT_SHMEM) },
	{ "report 2 MiB (hugetlb memfd): dropped iff IMR_FEAT_HUGETLB",
	  case_hugetlb, GOOD(.slot = SLOT_HUGE, .off = 2 * MIB, .len = 2 * MIB,
	  .nr = 1, .feat = IMR_FEAT_HUGETLB) },
	{ "report over io_uring fixed buffers: pinned pages kept",
	  case_pinned, PIN(.slot = SLOT_PIN, .off = 0x140000, .len = 1 * MIB) },
	{ "report over userfaultfd (missing): kept", case_uffd, &uffd_missing },
	{ "report over userfaultfd (wp): kept", case_uffd, &uffd_wp },
	{ "report over a read-only private mapping: kept", case_kept, GOOD(
	  .slot = SLOT_RO_PRIVATE, .len = 1 * MIB, .nr = 1) },
	{ "range outside any slot", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(GPA_NO_SLOT, PAGE) }, .want = -IMR_ERANGE) },
	{ "range straddling two slots", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(SMALL_END - PAGE, 2 * PAGE) }, .want = -IMR_ERANGE) },
	{ "range in a read-only slot", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(GPA_RO, PAGE) }, .want = -IMR_ERANGE, .need = SLOT_RO) },
	{ "range wrapping past 2^64", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(-PAGE, 2 * PAGE) }, .want = -IMR_EINVAL,
	  .want_alt = -IMR_ERANGE) },
	{ "buffer outside guest RAM", case_bad, BAD(.buf = GPA_NO_RAM,
	  .count = 1, .nr = 1, .r = { R(GPA_SMALL, PAGE) },
	  .want = -IMR_EFAULT) },
	{ "buffer crossing a page", case_bad, BAD(
	  .buf = GPA_SPILL - IMR_RANGE_SIZE, .count = 2,
	  .want = -IMR_EINVAL, .want_alt = -IMR_EFAULT) },
	{ "count 0", case_bad, BAD(.count = 0, .nr = 1,
	  .r = { R(GPA_SMALL, PAGE) }, .want = -IMR_EINVAL) },
	{ "count IMR_MAX_RANGES + 1", case_bad, BAD(
	  .count = IMR_MAX_RANGES + 1, .nr = 1, .r = { R(GPA_SMALL, PAGE) },
	  .want = -IMR_E2BIG) },
	{ "misaligned gpa", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(GPA_SMALL + 0x800, PAGE) }, .want = -IMR_EINVAL) },
	{ "misaligned len", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(GPA_SMALL, PAGE + 0x800) }, .want = -IMR_EINVAL) },
	{ "zero length", case_bad, BAD(.count = 1, .nr = 1,
	  .r = { R(GPA_SMALL, 0) }, .want = -IMR_EINVAL) },
	{ "two overlapping ranges", case_bad, BAD(.count = 2, .nr = 2,
	  .r = { R(GPA_SMALL, 2 * PAGE), R(GPA_SMALL + PAGE, PAGE) },
	  .want = -IMR_EINVAL) },
	{ "one bad range among good ones", case_bad, BAD(.count = 3, .nr = 3,
	  .r = { R(GPA_SMALL, PAGE), R(GPA_SMALL + 2 * PAGE, PAGE),
		 R(GPA_NO_SLOT, PAGE) }, .want = -IMR_ERANGE) },
	{ "unknown op", case_bad, BAD(.op = 2, .count = 1, .nr = 1,
	  .r = { R(GPA_SMALL, PAGE) }, .want = -IMR_EOPNOTSUPP) },
	{ "nonzero flags", case_bad, BAD(.count = 1, .flags = 1, .nr = 1,
	  .r = { R(GPA_SMALL, PAGE) }, .want = -IMR_EINVAL) },
	{ "probe from CPL 3", case_cpl3, &op_probe },
	{ "report from CPL 3", case_cpl3, &op_report },
};

static const struct test enosys_tests[] = {
	{ "probe without host: -IMR_ENOSYS", case_probe_enosys, NULL },
	{ "report without host: -IMR_ENOSYS, nothing dropped", case_bad,
	  BAD(.count = 1, .nr = 1, .r = { R(GPA_SMALL, PAGE) },
	      .want = -IMR_ENOSYS) },
};

/* --sev-mark: after KVM_MEMORY_ENCRYPT_OP, whatever it returned. */
static const struct test sev_tests[] = {
	{ "probe after KVM_MEMORY_ENCRYPT_OP: answers", case_probe, NULL },
	{ "report after KVM_MEMORY_ENCRYPT_OP: -IMR_EREFUSED, nothing dropped",
	  case_bad, BAD(.count = 1, .nr = 1, .r = { R(GPA_SMALL, PAGE) },
	  .want = -IMR_EREFUSED) },
	{ "report anon, THP and memfd: -IMR_EREFUSED, nothing dropped",
	  case_bad, BAD(.count = 3, .nr = 3, .r = {
	  R(GPA_SMALL + 0x305000, PAGE), R(GPA_THP + 2 * MIB, 2 * MIB),
	  R(GPA_MEMFD + 0x110000, 64 * KIB) }, .want = -IMR_EREFUSED) },
};

/* --rate */
static const struct test rate_tests[] = {
	{ "probe: version and max ranges", case_probe, NULL },
	{ "50 reports at max_calls_per_s=20: some -IMR_EBUSY, counted",
	  case_rate_burst, RATE(.calls_per_s = 20, .calls = 50) },
	{ "ceiling put back: a report 200 ms later is admitted",
	  case_rate_after, GOOD(.slot = SLOT_SMALL, .off = 0x100000,
	  .len = PAGE, .nr = 1) },
};

/* ---- Runner --------------------------------------------------------- */

static int passed, failed, skipped;

static void report_line(int n, const char *name, enum result r)
{
	if (r == PASS) {
		passed++;
		printf("ok %d - %s\n", n, name);
	} else if (r == SKIP) {
		skipped++;
		printf("ok %d - %s # SKIP %s\n", n, name, why);
	} else {
		failed++;
		printf("not ok %d - %s: %s\n", n, name, why);
	}
	fflush(stdout);
}

static void fill_all(void)
{
	int i;

	for (i = 0; i < NR_SLOTS; i++)
		if (slots[i].filled && slots[i].hva)
			slot_fill(&slots[i]);
}

/* A failed case may have dropped memory: refill so the next starts clean. */
static void run_tests(const struct test *t, int n, const char *skip_all)
{
	enum result r;
	int i;

	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		why[0] = 0;
		r = skip_all ? skip(skip_all) : t[i].fn(t[i].arg);
		report_line(i + 1, t[i].name, r);
		if (r == FAIL)
			fill_all();
	}
}

/* AnonHugePages of the THP slot's mapping, for the log. */
static void print_thp(void)
{
	printf("# thp slot: AnonHugePages %ld kB\n", slot_thp_kib(&slots[SLOT_THP]));
}

/* ---- Storm ---------------------------------------------------------- */

struct storm {
	pthread_t thread;
	struct vcpu v;
	int id;
	double deadline;
	unsigned long calls, ok, enosys, busy, other;
	long first_other;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void storm_count(struct storm *s, long code)
{
	s->calls++;
	if (code == 0)
		s->ok++;
	else if (code == -IMR_ENOSYS)
		s->enosys++;
	else if (code == -IMR_EBUSY)
		s->busy++;
	else if (!s->other++)
		s->first_other = code;
}

/* Own vCPU, own buffer, own pages: touch them, report them, repeat. */
static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	struct imr_range r[STORM_PAGES];
	uint64_t base = GPA_STORM + s->id * STORM_PAGES * PAGE;
	uint64_t buf = GPA_STORM_BUF + s->id * PAGE;
	int i;

	for (i = 0; i < STORM_PAGES; i++)
		r[i] = (struct imr_range){ base + i * PAGE, PAGE };
	ranges_write(buf, r, STORM_PAGES);
	while (now() < s->deadline) {
		for (i = 0; i < STORM_PAGES; i++)
			slots[SLOT_STORM].hva[base - GPA_STORM + i * PAGE] = 1;
		storm_count(s, __imr_hc_report(&s->v, buf, STORM_PAGES, 0));
		if (s->enosys)	/* host went away: done */
			break;
	}
	return NULL;
}

static struct storm storms[STORM_MAX_THREADS];

static int run_storm(double secs, int threads)
{
	struct storm sum = { 0 };
	int i;

	for (i = 0; i < threads; i++) {
		storms[i].id = i;
		storms[i].deadline = now() + secs;
		vcpu_create(&storms[i].v, i + 1);
	}
	for (i = 0; i < threads; i++)
		if (pthread_create(&storms[i].thread, NULL, storm_thread,
				   &storms[i]))
			die("pthread_create");
	for (i = 0; i < threads; i++) {
		pthread_join(storms[i].thread, NULL);
		sum.calls += storms[i].calls;
		sum.ok += storms[i].ok;
		sum.enosys += storms[i].enosys;
		sum.busy += storms[i].busy;
		if (storms[i].other && !sum.other)
			sum.first_other = storms[i].first_other;
		sum.other += storms[i].other;
	}
	printf("storm: calls=%lu ok=%lu enosys=%lu other=%lu busy=%lu\n",
	       sum.calls, sum.ok, sum.enosys, sum.other, sum.busy);
	why[0] = 0;
	if (sum.other)
		fail("got %ld (%s) want 0, -IMR_ENOSYS or -IMR_EBUSY "
		     "(first unexpected code of %lu)", sum.first_other,
		     code_name(sum.first_other), sum.other);
	printf("1..1\n");
	report_line(1, "storm", sum.other ? FAIL : PASS);
	return sum.other ? 1 : 0;
}

/* ---- main ----------------------------------------------------------- */

/* A hypercall that never comes back leaves the vCPU in KVM_RUN: say so. */
static void on_alarm(int sig)
{
	static const char msg[] =
		"Bail out! timeout: a vCPU never came back from KVM_RUN\n";

	(void)sig;
	rate_restore();
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/* Killed (the lab's own timeout): put the knob back, die of the signal. */
static void on_term(int sig)
{
	rate_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* As a VMM setting up SEV does, before any hypercall; the result is moot. */
static void sev_mark(void)
{
	struct kvm_sev_cmd cmd = { .id = KVM_SEV_INIT, .sev_fd = -1U };
	int r = ioctl(vm_fd, KVM_MEMORY_ENCRYPT_OP, &cmd);

	printf("# KVM_MEMORY_ENCRYPT_OP(KVM_SEV_INIT): %d (%s), error %u\n",
	       r, r ? strerror(errno) : "done", cmd.error);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--expect-enosys | --storm SECONDS "
		"[--threads N] | --idle SECONDS | --sev-mark | --rate] "
		"[--expect-hugetlb=0|1] [--timeout SECONDS] "
		"[--no-irqchip]\n", argv0);
	exit(2);
}

static int finish(const char *note)
{
	printf("hc_test: %d passed, %d failed, %d skipped%s\n",
	       passed, failed, skipped, note);
	return failed ? 1 : 0;
}

struct opts {
	bool expect_enosys, no_irqchip, sev_mark, rate;
	double storm, idle;
	int threads, timeout;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	*o = (struct opts){ .threads = sysconf(_SC_NPROCESSORS_ONLN),
			    .timeout = 300 };
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--expect-enosys"))
			o->expect_enosys = true;
		else if (!strcmp(argv[i], "--storm") && i + 1 < argc)
			o->storm = atof(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			o->threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			o->timeout = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--idle") && i + 1 < argc)
			o->idle = atof(argv[++i]);
		else if (!strcmp(argv[i], "--no-irqchip"))
			o->no_irqchip = true;
		else if (!strcmp(argv[i], "--sev-mark"))
			o->sev_mark = true;
		else if (!strcmp(argv[i], "--rate"))
			o->rate = true;
		else if (!strcmp(argv[i], "--expect-hugetlb=0") ||
			 !strcmp(argv[i], "--expect-hugetlb=1"))
			expect_hugetlb = argv[i][strlen(argv[i]) - 1] - '0';
		else
			usage(argv[0]);
	}
	if (o->threads < 2)
		o->threads = 2;
	if (o->threads > STORM_MAX_THREADS)
		o->threads = STORM_MAX_THREADS;
}

static void print_setup(void)
{
	int i;

	printf("# %s: hypercall %s; slots:", intel ? "Intel" : "AMD",
	       intel ? "VMCALL" : "VMMCALL");
	for (i = 1; i < NR_SLOTS; i++)
		printf(" %s%s", slots[i].name, slots[i].hva ? "" : "(absent)");
	printf("\n");
	print_thp();
}

/* The default table, or the one of --sev-mark or --rate (own VM each). */
static void run_mode_tests(const struct opts *o, const char *skip_all)
{
	if (o->sev_mark)
		run_tests(sev_tests, ARRAY_LEN(sev_tests), skip_all);
	else if (o->rate)
		run_tests(rate_tests, ARRAY_LEN(rate_tests), skip_all);
	else
		run_tests(tests, ARRAY_LEN(tests), skip_all);
}

int main(int argc, char **argv)
{
	const char *skip_all = NULL;
	struct opts o;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv, &o);
	signal(SIGALRM, on_alarm);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	atexit(rate_restore);
	alarm(o.timeout + (unsigned int)(o.storm + o.idle));
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf("1..0 # SKIP /dev/kvm: %s\n", strerror(errno));
		printf("hc_test: 0 passed, 0 failed, 0 skipped "
		       "(no /dev/kvm)\n");
		return 4;
	}
	no_irqchip = o.no_irqchip;
	vm_create();
	fill_all();
	print_setup();
	if (o.idle > 0) {
		double end = now() + o.idle;

		while (now() < end)
			sleep(1);
		return 0;
	}
	if (o.storm > 0) {
		run_storm(o.storm, o.threads);
		return finish("");
	}
	if (o.expect_enosys) {
		run_tests(enosys_tests, ARRAY_LEN(enosys_tests), NULL);
		return finish("");
	}
	if (o.sev_mark)
		sev_mark();
	if (__imr_hc_probe(&vcpu0) == -IMR_ENOSYS)
		skip_all = "no IMR host (probe returned -IMR_ENOSYS)";
	run_mode_tests(&o, skip_all);
	return finish(skip_all ? " (no IMR host: probe returned -IMR_ENOSYS)"
			       : "");
}
