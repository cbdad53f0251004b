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
 *
 * Output: "ok N - name", "ok N - name # SKIP why",
 * "not ok N - name: got X want Y (what)", then
 * "hc_test: P passed, F failed, S skipped".  Exit 0 iff nothing failed,
 * 4 (kselftest's skip) when /dev/kvm is absent, 2 on a setup error,
 * 3 on the timeout.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
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
#define GPA_NO_SLOT		0x80000000ULL	/* in no memslot */
#define GPA_NO_RAM		0x90000000ULL

#define GUEST_PORT		0xf4		/* every stub exits with OUT */
#define HC_BROKEN		(-99999L)	/* KVM_RUN did not end at the OUT */
#define STORM_PAGES		8
#define STORM_MAX_THREADS	64

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

enum backing { ANON, ANON_THP, MEMFD, HUGETLB };

enum slot_id {
	SLOT_BOOT, SLOT_SMALL, SLOT_NEXT, SLOT_THP, SLOT_RO, SLOT_MEMFD,
	SLOT_HUGE, SLOT_STORM, NR_SLOTS
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
	 * no IMR code loaded (test/scenarios/cyclesrepro.host.sh).
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

static long slot_resident(const struct slot *s)
{
	static unsigned char vec[8 * MIB / PAGE];
	long n = 0;
	size_t i;

	if (mincore(s->hva, s->size, vec))
		return -errno;
	for (i = 0; i < s->size / PAGE; i++)
		n += vec[i] & 1;
	return n;
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

#define R(gpa, len)	{ (gpa), (len) }
#define GOOD(...)	&(const struct good){ __VA_ARGS__ }
#define BAD(...)	&(const struct bad){ __VA_ARGS__ }
#define SMALL_END	(GPA_SMALL + 4 * MIB)

static const uint64_t op_probe = IMR_OP_PROBE, op_report = IMR_OP_REPORT;

static const struct test tests[] = {
	{ "probe: version and max ranges", case_probe, NULL },
	{ "report 4 KiB (anon)", case_good, GOOD(.slot = SLOT_SMALL,
	  .off = 0x305000, .len = PAGE, .nr = 1) },
	{ "report 2 MiB (anon, THP)", case_good, GOOD(.slot = SLOT_THP,
	  .off = 2 * MIB, .len = 2 * MIB, .nr = 1) },
	{ "report IMR_MAX_RANGES ranges", case_good, GOOD(.slot = SLOT_SMALL,
	  .len = PAGE, .stride = 2 * PAGE, .nr = IMR_MAX_RANGES) },
	{ "report 64 KiB (memfd, hole punched)", case_good, GOOD(
	  .slot = SLOT_MEMFD, .off = 0x110000, .len = 64 * KIB, .nr = 1,
	  .feat = IMR_FEAT_SHMEM) },
	{ "report 2 MiB (hugetlb memfd)", case_good, GOOD(.slot = SLOT_HUGE,
	  .off = 2 * MIB, .len = 2 * MIB, .nr = 1, .feat = IMR_FEAT_HUGETLB) },
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
	char line[256];
	unsigned long lo, hi, kb;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)slots[SLOT_THP].hva >= lo &&
			     (uintptr_t)slots[SLOT_THP].hva < hi;
		else if (in && sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			printf("# thp slot: AnonHugePages %lu kB\n", kb);
	}
	if (f)
		fclose(f);
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
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--expect-enosys | --storm SECONDS "
		"[--threads N] | --idle SECONDS] [--timeout SECONDS] "
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
	bool expect_enosys, no_irqchip;
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

#define ARRAY_LEN(a)	(int)(sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv)
{
	const char *skip_all = NULL;
	struct opts o;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv, &o);
	signal(SIGALRM, on_alarm);
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
	if (__imr_hc_probe(&vcpu0) == -IMR_ENOSYS)
		skip_all = "no IMR host (probe returned -IMR_ENOSYS)";
	run_tests(tests, ARRAY_LEN(tests), skip_all);
	return finish(skip_all ? " (no IMR host: probe returned -IMR_ENOSYS)"
			       : "");
}
