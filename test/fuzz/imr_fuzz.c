// SPDX-License-Identifier: GPL-2.0
/*
 * imr_fuzz: a hostile IMR guest.  Loaded in an L3 lab guest (no imr_guest
 * there), it issues `calls` IMR hypercalls with random and adversarial
 * arguments from one kthread per online CPU at once, counts the answers by
 * code, and checks each against what the ABI (common/imr_abi.h) predicts.
 *
 *   insmod imr_fuzz.ko calls=20000 seed=1 [max_secs=600]
 *
 * Every call is one of:
 *  - a hypercall number IMR does not own (KVM_HC_IMR with high bits, the
 *    host's internal CPL-probe number): must get -KVM_ENOSYS;
 *  - PROBE with a random version, or a random op: a probe answer or
 *    -IMR_EOPNOTSUPP;
 *  - a clean REPORT: ranges over pages this module allocated ("sacrificial"
 *    pages, sometimes the array's own page), no overlap: must get 0;
 *  - a defective REPORT: random flags, counts (0, 257, 2^32-1, 2^64-1...),
 *    arrays crossing a page, beyond RAM, in MMIO or ROM; ranges unaligned,
 *    empty, wrapping, beyond RAM, straddling the end of RAM, MMIO, ROM,
 *    overlapping, and ranges that would be fatal if dropped: the guest's own
 *    kernel text, its live page-table root, random RAM pages, and "bait"
 *    pages holding a pattern.  Each such call carries at least one defect
 *    whose code is certain, so the host must refuse it whole.
 *
 * Why fatal ranges only in defective calls: a hostile guest may drop its
 * own kernel, but then it dies and stops counting.  Kept alive, it checks
 * more: every refused call must have dropped nothing, which the bait
 * pages prove (their pattern is checked after every refused call that named
 * them, and all of them at the end) and the kernel's survival shows.
 *
 * Results: "fuzz: calls=N ok=N probe=N einval=N ... undocumented=N
 * mismatch=N bait_lost=N" (undocumented: not 0, a probe answer or a
 * documented code; mismatch: documented but not what the arguments
 * dictate), plus the REPORT tallies the host's per-VM counters must equal.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <asm/kvm_para.h>
#include <asm/special_insns.h>

#include "imr_abi.h"

static unsigned long calls = 20000;
module_param(calls, ulong, 0444);
MODULE_PARM_DESC(calls, "Hypercalls in total, spread over all CPUs");
static unsigned long seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "PRNG seed (per CPU: seed ^ cpu)");
static unsigned int max_secs = 600;
module_param(max_secs, uint, 0444);
MODULE_PARM_DESC(max_secs, "Stop early after this many seconds");

#define KVM_ENOSYS_CODE		1000	/* KVM's own code for unknown calls */
#define HC_CPL_PROBE		0x494d52ffUL	/* imr_host internal number */
#define SAC_ORDER		9	/* 2 MiB of sacrificial pages */
#define SAC_PAGES		(1U << SAC_ORDER)
#define BAIT_ORDER		6
#define BAIT_PAGES		(1U << BAIT_ORDER)
#define HIGH_GPA		(1ULL << 40)	/* no memslot up there */

/* What a range is expected to do to validation. */
enum rclass { R_OK, R_EINVAL, R_ERANGE, R_UNKNOWN };

/* Expected result: an exact code, or "some refusal". */
#define EXP_ANY_NEG		LONG_MIN

enum {
	C_OK, C_PROBE, C_EINVAL, C_E2BIG, C_EFAULT, C_ERANGE, C_EOPNOTSUPP,
	C_ENOSYS, C_EPERM, C_EBUSY, C_EREFUSED, C_UNDOC, C_NR
};
static const char *const cname[C_NR] = {
	"ok", "probe", "einval", "e2big", "efault", "erange", "eopnotsupp",
	"enosys", "eperm", "ebusy", "erefused", "undocumented" };

struct fuzz_tally {
	u64 calls, code[C_NR], mismatch, bait_lost;
	u64 rep_ok, rep_refused, ranges_ok, ranges_refused;
	long first_mismatch, first_expected, first_undoc;
};

struct fuzz_worker {
	struct task_struct *task;
	struct rnd_state rnd;
	unsigned long quota;
	struct page *sac, *bait, *buf;
	struct fuzz_tally t;
	struct imr_range *arr;		/* = page_address(buf) */
	struct imr_range scratch[IMR_MAX_RANGES];
	u8 cls[IMR_MAX_RANGES];
	bool has_bait;
	struct completion done;
};

static u64 ram_end;			/* end of the highest System RAM */
static u64 last_ram_page;		/* start of its last page */
static unsigned long deadline;

static u64 rnd64(struct fuzz_worker *w)
{
	return ((u64)prandom_u32_state(&w->rnd) << 32) | prandom_u32_state(&w->rnd);
}

static u32 rnd(struct fuzz_worker *w, u32 n)
{
	return n ? prandom_u32_state(&w->rnd) % n : 0;
}

static u64 bait_word(u64 gpa)
{
	return (gpa * 0x9e3779b97f4a7c15ULL) | 1;
}

static void bait_fill(struct fuzz_worker *w)
{
	unsigned int i, j;

	for (i = 0; i < BAIT_PAGES; i++) {
		u64 *p = page_address(w->bait + i);
		u64 gpa = page_to_phys(w->bait + i);

		for (j = 0; j < PAGE_SIZE / 8; j++)
			p[j] = bait_word(gpa + j * 8);
	}
}

/* Bait pages are named only in refused calls: a changed word is a drop. */
static u64 bait_check_page(struct page *pg, bool full)
{
	u64 *p = page_address(pg), gpa = page_to_phys(pg), bad = 0;
	unsigned int j, step = full ? 1 : PAGE_SIZE / 8 / 4;

	for (j = 0; j < PAGE_SIZE / 8; j += step)
		bad += p[j] != bait_word(gpa + j * 8);
	return bad;
}

static u64 bait_check_all(struct fuzz_worker *w)
{
	unsigned int i;
	u64 bad = 0;

	for (i = 0; i < BAIT_PAGES; i++)
		bad += bait_check_page(w->bait + i, true);
	return bad;
}

static void set_range(struct imr_range *r, u64 gpa, u64 len)
{
	r->gpa = cpu_to_le64(gpa);
	r->len = cpu_to_le64(len);
}

/* Clean: n non-overlapping runs of sacrificial pages (or the array page). */
static void gen_clean_ranges(struct fuzz_worker *w, struct imr_range *r,
			     unsigned int n)
{
	unsigned int stride = SAC_PAGES / n, i, buf_at = n;
	u64 base = page_to_phys(w->sac);

	if (n < IMR_MAX_RANGES && !rnd(w, 8))
		buf_at = rnd(w, n);	/* the array's own page, dropped too */
	for (i = 0; i < n; i++) {
		if (i == buf_at)
			set_range(&r[i], page_to_phys(w->buf), PAGE_SIZE);
		else
			set_range(&r[i], base + (u64)i * stride * PAGE_SIZE,
				  (1 + rnd(w, stride)) * PAGE_SIZE);
		w->cls[i] = R_OK;
	}
	for (i = n - 1; i > 0; i--) {	/* shuffle: the host sorts */
		unsigned int j = rnd(w, i + 1);
		struct imr_range x = r[i];

		r[i] = r[j];
		r[j] = x;
	}
}

static const u64 mmio_gpas[] = { 0xfee00000, 0xfec00000, 0xfed00000, 0xfffff000 };
static const u64 rom_gpas[] = { 0xf0000, 0xc0000, 0xe0000, 0xfffc0000 };

/* One hostile range; its class says what validation must make of it. */
static u8 gen_bad_range(struct fuzz_worker *w, struct imr_range *r)
{
	u64 sac = page_to_phys(w->sac);

	switch (rnd(w, 16)) {
	case 0:	/* bait: valid on its own, must survive the refusal */
		set_range(r, page_to_phys(w->bait + rnd(w, BAIT_PAGES)),
			  PAGE_SIZE * (1 + rnd(w, 2)));
		w->has_bait = true;
		return R_OK;
	case 1:	/* our own kernel text */
		set_range(r, __pa_symbol(&kthread_should_stop) & PAGE_MASK,
			  PAGE_SIZE * (1 + rnd(w, 4)));
		return R_OK;
	case 2:	/* the live page-table root */
		set_range(r, __read_cr3() & PAGE_MASK & ~(1ULL << 63), PAGE_SIZE);
		return R_OK;
	case 3:	/* a random RAM page (could be a hole: unknown) */
		set_range(r, (rnd64(w) % ram_end) & PAGE_MASK, PAGE_SIZE);
		return R_UNKNOWN;
	case 4:
		set_range(r, sac + 1 + rnd(w, PAGE_SIZE - 1), PAGE_SIZE);
		return R_EINVAL;
	case 5:
		set_range(r, sac, 1 + rnd(w, PAGE_SIZE - 1));
		return R_EINVAL;
	case 6:
		set_range(r, sac, 0);
		return R_EINVAL;
	case 7:	/* wraps past 2^64 */
		set_range(r, -(u64)PAGE_SIZE * (1 + rnd(w, 16)),
			  PAGE_SIZE * (17 + rnd(w, 16)));
		return R_EINVAL;
	case 8:
		set_range(r, (HIGH_GPA + rnd64(w) % HIGH_GPA) & PAGE_MASK,
			  PAGE_SIZE * (1 + rnd(w, 512)));
		return R_ERANGE;
	case 9:	/* starts in RAM, runs past its end */
		set_range(r, last_ram_page, PAGE_SIZE + HIGH_GPA);
		return R_ERANGE;
	case 10: /* starts in our pages, absurdly long */
		set_range(r, sac, 1ULL << (40 + rnd(w, 23)));
		return R_ERANGE;
	case 11:
		set_range(r, mmio_gpas[rnd(w, ARRAY_SIZE(mmio_gpas))],
			  PAGE_SIZE * (1 + rnd(w, 4)));
		return R_UNKNOWN;
	case 12:
		set_range(r, rom_gpas[rnd(w, ARRAY_SIZE(rom_gpas))],
			  PAGE_SIZE * (1 + rnd(w, 16)));
		return R_UNKNOWN;
	case 13: /* random everything */
		set_range(r, rnd64(w), rnd64(w));
		return R_UNKNOWN;
	default: /* a sacrificial run (overlaps are likely) */
		set_range(r, sac + (u64)rnd(w, SAC_PAGES - 8) * PAGE_SIZE,
			  PAGE_SIZE * (1 + rnd(w, 8)));
		return R_OK;
	}
}

/* A range class known to make validation fail. */
static u8 gen_certain_bad(struct fuzz_worker *w, struct imr_range *r)
{
	u8 c;

	do {
		c = gen_bad_range(w, r);
	} while (c != R_EINVAL && c != R_ERANGE);
	return c;
}

/* Overlap among n ranges that all passed validation (O(n^2), n <= 256). */
static bool ranges_overlap(const struct imr_range *r, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			u64 a = le64_to_cpu(r[i].gpa), al = le64_to_cpu(r[i].len);
			u64 b = le64_to_cpu(r[j].gpa), bl = le64_to_cpu(r[j].len);

			if (a < b + bl && b < a + al)
				return true;
		}
	return false;
}

/* What the host must answer for ranges r[0..n): first failure decides. */
static long predict_ranges(struct fuzz_worker *w, const struct imr_range *r,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (w->cls[i]) {
		case R_EINVAL:
			return -IMR_EINVAL;
		case R_ERANGE:
			return -IMR_ERANGE;
		case R_UNKNOWN:
			return EXP_ANY_NEG;	/* a certain defect follows */
		}
	}
	return ranges_overlap(r, n) ? -IMR_EINVAL : 0;
}

struct fuzz_call {
	unsigned long nr, a0, a1, a2, a3;
	long expect;		/* exact code, EXP_ANY_NEG, or LONG_MAX: any */
	bool probe;
};

#define EXP_ANY			LONG_MAX

/* Write n ranges at offset off of the array page (any alignment). */
static void put_array(struct fuzz_worker *w, const struct imr_range *r,
		      unsigned int n, unsigned int off)
{
	memcpy((u8 *)w->arr + off, r, min_t(size_t, n * sizeof(*r), PAGE_SIZE - off));
}

static void gen_clean(struct fuzz_worker *w, struct fuzz_call *c,
		      struct imr_range *r)
{
	static const unsigned int ns[] = { 1, 2, 3, 16, 255, IMR_MAX_RANGES };
	unsigned int n = rnd(w, 2) ? ns[rnd(w, ARRAY_SIZE(ns))] : 1 + rnd(w, IMR_MAX_RANGES);
	unsigned int off = rnd(w, PAGE_SIZE - n * IMR_RANGE_SIZE + 1);

	if (rnd(w, 2))
		off &= ~(IMR_RANGE_SIZE - 1);
	gen_clean_ranges(w, r, n);
	put_array(w, r, n, off);
	c->a1 = page_to_phys(w->buf) + off;
	c->a2 = n;
	c->expect = 0;
}

static unsigned long gen_bad_count(struct fuzz_worker *w)
{
	static const unsigned long cs[] = {
		0, 1, 2, 255, IMR_MAX_RANGES, IMR_MAX_RANGES + 1, 4096,
		0xffffffffUL, 0x100000000UL, 0x100000001UL, ~0UL, 1UL << 63 };

	if (rnd(w, 2))
		return 1 + rnd(w, IMR_MAX_RANGES);
	return rnd(w, 8) ? cs[rnd(w, ARRAY_SIZE(cs))] : rnd64(w);
}

/* Buffer placement: ours (maybe crossing the page), or somewhere hostile. */
static long gen_bad_buffer(struct fuzz_worker *w, struct fuzz_call *c,
			   unsigned long n)
{
	unsigned long span = n && n <= IMR_MAX_RANGES ? n * IMR_RANGE_SIZE :
			     IMR_RANGE_SIZE;
	unsigned int off;

	switch (rnd(w, 12)) {
	case 0:
		c->a1 = (HIGH_GPA + rnd64(w) % HIGH_GPA) & ~15ULL;
		return -IMR_EFAULT;	/* crossing or not: no memslot */
	case 1:
		c->a1 = mmio_gpas[rnd(w, ARRAY_SIZE(mmio_gpas))];
		return EXP_ANY;
	case 2:
		c->a1 = rom_gpas[rnd(w, ARRAY_SIZE(rom_gpas))] + rnd(w, 4) * PAGE_SIZE;
		return EXP_ANY;
	case 3:	/* straddles the end of RAM, so crosses a page */
		c->a1 = ram_end - 1 - rnd(w, span - 1);
		return -IMR_EFAULT;
	case 4:	/* our page, crossing into the next */
		off = PAGE_SIZE - rnd(w, span);
		c->a1 = page_to_phys(w->buf) + (off & ~PAGE_MASK);
		return (c->a1 & ~PAGE_MASK) + span > PAGE_SIZE ? -IMR_EFAULT : 1;
	default:
		off = rnd(w, PAGE_SIZE - span + 1);
		c->a1 = page_to_phys(w->buf) + off;
		return 1;	/* ours, within the page: the ranges decide */
	}
}

static void gen_defective(struct fuzz_worker *w, struct fuzz_call *c,
			  struct imr_range *r)
{
	unsigned long n = gen_bad_count(w);
	unsigned int i, k = min_t(unsigned long, n, IMR_MAX_RANGES);
	long buf;

	w->has_bait = false;
	c->a3 = rnd(w, 6) ? 0 : (rnd(w, 2) ? 1UL << rnd(w, 64) : rnd64(w));
	c->a2 = n;
	buf = gen_bad_buffer(w, c, n);
	if (k) {
		gen_clean_ranges(w, r, k);
		for (i = 0; i < k; i++)
			if (rnd(w, 3))
				w->cls[i] = gen_bad_range(w, &r[i]);
		/* One certain defect, so nothing here may ever be dropped. */
		i = rnd(w, k);
		w->cls[i] = gen_certain_bad(w, &r[i]);
		if (c->a1 >= page_to_phys(w->buf) &&
		    c->a1 < page_to_phys(w->buf) + PAGE_SIZE)
			put_array(w, r, k, c->a1 & ~PAGE_MASK);
	}
	if (c->a3)
		c->expect = -IMR_EINVAL;
	else if (!n)
		c->expect = -IMR_EINVAL;
	else if (n > IMR_MAX_RANGES)
		c->expect = -IMR_E2BIG;
	else if ((c->a1 & ~PAGE_MASK) + n * IMR_RANGE_SIZE > PAGE_SIZE)
		c->expect = -IMR_EFAULT;
	else if (buf != 1)
		c->expect = buf;
	else
		c->expect = predict_ranges(w, r, k);
}

static void gen_call(struct fuzz_worker *w, struct fuzz_call *c,
		     struct imr_range *r)
{
	unsigned int dice = rnd(w, 100);

	memset(c, 0, sizeof(*c));
	c->nr = KVM_HC_IMR;
	c->a0 = IMR_OP_REPORT;
	w->has_bait = false;
	if (dice < 5) {		/* not IMR's number: KVM's own answer */
		c->nr = rnd(w, 2) ? HC_CPL_PROBE : KVM_HC_IMR | ((u64)(1 + rnd(w, 0xffff)) << 32);
		c->a0 = rnd(w, 2);
		c->a1 = rnd64(w);
		c->expect = -KVM_ENOSYS_CODE;
	} else if (dice < 10) {
		c->a0 = IMR_OP_PROBE;
		c->a1 = rnd(w, 4) ? rnd64(w) : 0;
		c->a2 = rnd64(w);
		c->probe = c->a1 != 0;
		c->expect = c->a1 ? EXP_ANY : -IMR_EOPNOTSUPP;
	} else if (dice < 15) {	/* random op, maybe REPORT with high bits */
		do {
			c->a0 = rnd(w, 2) ? rnd64(w) :
				rnd(w, 2) + ((u64)(1 + rnd(w, 255)) << (32 + rnd(w, 24)));
		} while (c->a0 <= IMR_OP_REPORT);
		c->a1 = rnd64(w);
		c->a2 = rnd64(w);
		c->a3 = rnd64(w);
		c->expect = -IMR_EOPNOTSUPP;
	} else if (dice < 40) {
		gen_clean(w, c, r);
	} else {
		gen_defective(w, c, r);
	}
}

static long fuzz_hc(const struct fuzz_call *c)
{
	long ret;

	if (c->nr == KVM_HC_IMR)
		return kvm_hypercall4(KVM_HC_IMR, c->a0, c->a1, c->a2, c->a3);
	/* kvm_hypercall4() takes a 32-bit number: the raw instruction. */
	asm volatile(KVM_HYPERCALL
		     : "=a"(ret)
		     : "a"(c->nr), "b"(c->a0), "c"(c->a1), "d"(c->a2), "S"(c->a3)
		     : "memory");
	return ret;
}

static int classify(const struct fuzz_call *c, long ret)
{
	if (ret >= 0) {
		if (c->probe)
			return IMR_PROBE_VERSION(ret) == IMR_ABI_VERSION &&
			       IMR_PROBE_MAX_RANGES(ret) == IMR_MAX_RANGES &&
			       (IMR_PROBE_FEATURES(ret) & IMR_FEAT_REPORT) ?
			       C_PROBE : C_UNDOC;
		return ret == 0 && c->nr == KVM_HC_IMR &&
		       c->a0 == IMR_OP_REPORT ? C_OK : C_UNDOC;
	}
	switch (-ret) {
	case IMR_EINVAL:	return C_EINVAL;
	case IMR_E2BIG:		return C_E2BIG;
	case IMR_EFAULT:	return C_EFAULT;
	case IMR_ERANGE:	return C_ERANGE;
	case IMR_EOPNOTSUPP:	return C_EOPNOTSUPP;
	case IMR_ENOSYS:	return C_ENOSYS;
	case IMR_EPERM:		return C_EPERM;
	case IMR_EBUSY:		return C_EBUSY;
	case IMR_EREFUSED:	return C_EREFUSED;
	}
	return C_UNDOC;
}

static bool matches(long expect, long ret)
{
	if (expect == EXP_ANY)
		return true;
	if (expect == EXP_ANY_NEG)
		return ret < 0;
	return ret == expect;
}

static void tally(struct fuzz_worker *w, const struct fuzz_call *c, long ret)
{
	struct fuzz_tally *t = &w->t;
	int k = classify(c, ret);

	t->calls++;
	t->code[k]++;
	if (k == C_UNDOC && !t->first_undoc)
		t->first_undoc = ret;
	if (k != C_UNDOC && !matches(c->expect, ret) && !t->mismatch++) {
		t->first_mismatch = ret;
		t->first_expected = c->expect;
		pr_warn("cpu%d: a0=%#lx a1=%#lx a2=%#lx a3=%#lx: %ld, expected %ld\n",
			raw_smp_processor_id(), c->a0, c->a1, c->a2, c->a3,
			ret, c->expect);
	}
	if (c->nr != KVM_HC_IMR || c->a0 != IMR_OP_REPORT)
		return;
	if (ret == 0) {
		t->rep_ok++;
		t->ranges_ok += c->a2;
	} else {
		t->rep_refused++;
		if (c->a2 <= IMR_MAX_RANGES)
			t->ranges_refused += c->a2;
	}
	if (w->has_bait && ret) {
		unsigned int i;

		for (i = 0; i < BAIT_PAGES; i++)
			t->bait_lost += bait_check_page(w->bait + i, false);
	}
}

static int fuzz_thread(void *arg)
{
	struct fuzz_worker *w = arg;
	struct imr_range *r = w->scratch;
	struct fuzz_call c;
	unsigned long i;

	for (i = 0; i < w->quota && !kthread_should_stop(); i++) {
		if (time_after(jiffies, deadline))
			break;
		gen_call(w, &c, r);
		tally(w, &c, fuzz_hc(&c));
		cond_resched();
	}
	w->t.bait_lost += bait_check_all(w);
	complete(&w->done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* End of the highest "System RAM" resource (read once, at load). */
static void find_ram_end(void)
{
	struct resource *res;

	for (res = iomem_resource.child; res; res = res->sibling)
		if ((res->flags & IORESOURCE_SYSTEM_RAM) == IORESOURCE_SYSTEM_RAM &&
		    res->end + 1 > ram_end)
			ram_end = res->end + 1;
	last_ram_page = (ram_end - 1) & PAGE_MASK;
}

static void worker_free(struct fuzz_worker *w)
{
	if (w->sac)
		__free_pages(w->sac, SAC_ORDER);
	if (w->bait)
		__free_pages(w->bait, BAIT_ORDER);
	if (w->buf)
		__free_page(w->buf);
}

static int worker_init(struct fuzz_worker *w, unsigned int cpu,
		       unsigned long quota)
{
	prandom_seed_state(&w->rnd, seed ^ ((u64)cpu << 32) ^ cpu);
	w->quota = quota;
	init_completion(&w->done);
	w->sac = alloc_pages(GFP_KERNEL | __GFP_NOWARN, SAC_ORDER);
	w->bait = alloc_pages(GFP_KERNEL | __GFP_NOWARN, BAIT_ORDER);
	w->buf = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!w->sac || !w->bait || !w->buf)
		return -ENOMEM;
	w->arr = page_address(w->buf);
	bait_fill(w);
	w->task = kthread_create_on_cpu(fuzz_thread, w, cpu, "imr_fuzz/%u");
	return PTR_ERR_OR_ZERO(w->task);
}

static void sum_and_print(struct fuzz_worker *ws, unsigned int nw,
			  unsigned long secs)
{
	struct fuzz_tally s = { 0 };
	char line[512];
	unsigned int i, k;
	int len;

	for (i = 0; i < nw; i++) {
		struct fuzz_tally *t = &ws[i].t;

		s.calls += t->calls;
		for (k = 0; k < C_NR; k++)
			s.code[k] += t->code[k];
		s.mismatch += t->mismatch;
		s.bait_lost += t->bait_lost;
		s.rep_ok += t->rep_ok;
		s.rep_refused += t->rep_refused;
		s.ranges_ok += t->ranges_ok;
		s.ranges_refused += t->ranges_refused;
		if (t->first_undoc && !s.first_undoc)
			s.first_undoc = t->first_undoc;
	}
	len = scnprintf(line, sizeof(line), "fuzz: calls=%llu", s.calls);
	for (k = 0; k < C_NR; k++)
		len += scnprintf(line + len, sizeof(line) - len, " %s=%llu",
				 cname[k], s.code[k]);
	pr_info("%s mismatch=%llu bait_lost=%llu threads=%u secs=%lu seed=%lu\n",
		line, s.mismatch, s.bait_lost, nw, secs, seed);
	pr_info("fuzz-host-view: reports_ok=%llu reports_refused=%llu ranges_ok=%llu ranges_refused=%llu first_undocumented=%ld\n",
		s.rep_ok, s.rep_refused, s.ranges_ok, s.ranges_refused,
		s.first_undoc);
}

static int __init imr_fuzz_init(void)
{
	unsigned int nw = num_online_cpus(), i = 0, cpu;
	unsigned long t0 = jiffies;
	struct fuzz_worker *ws;
	int err = 0;

	if (!kvm_para_available())
		return -ENODEV;
	find_ram_end();
	if (!ram_end)
		return -ENODEV;
	ws = kcalloc(nw, sizeof(*ws), GFP_KERNEL);
	if (!ws)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (i == nw)
			break;
		err = worker_init(&ws[i], cpu, calls / nw + (i < calls % nw));
		if (err)
			break;
		i++;
	}
	cpus_read_unlock();
	pr_info("start: %u threads, %lu calls, seed %lu, RAM ends at %#llx\n",
		i, calls, seed, ram_end);
	deadline = jiffies + max_secs * HZ;
	for (cpu = 0; !err && cpu < i; cpu++)
		wake_up_process(ws[cpu].task);
	for (cpu = 0; !err && cpu < i; cpu++)
		while (!wait_for_completion_timeout(&ws[cpu].done, HZ))
			;
	for (cpu = 0; cpu < i; cpu++)
		kthread_stop(ws[cpu].task);
	if (!err)
		sum_and_print(ws, i, (jiffies - t0) / HZ);
	for (cpu = 0; cpu < nw; cpu++)
		worker_free(&ws[cpu]);
	kfree(ws);
	return err;
}

static void __exit imr_fuzz_exit(void)
{
}

module_init(imr_fuzz_init);
module_exit(imr_fuzz_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR lab: hostile-guest hypercall fuzzer");
